/* Runs the parser and semantic analysis on a program, capturing what they
 * print, for the sema test programs. Include after cmocka.h. */
#ifndef TRAWK_TEST_SEMA_RUN_H
#define TRAWK_TEST_SEMA_RUN_H

#include <stdio.h>
#include <stdlib.h>

#include "parser/macro.h"
#include "parser/parse.h"
#include "sema/sema.h"

struct run {
    struct diag d;
    char *err;
    size_t errlen;
    FILE *errf;
    struct node *prog;
    struct sema_out out;
    int rc;
};

/* opts may be NULL: strings of 64 bytes, nothing else set. With expand,
 * macros are expanded first (the standard library's too), as trawk does;
 * an expansion error skips the analysis (rc -1). */
static inline struct run *run_steps(const char *text, const struct sema_opts *opts, bool expand) {
    struct run *r = calloc(1, sizeof(*r));
    r->errf = open_memstream(&r->err, &r->errlen);
    diag_init(&r->d, "stdin", text, r->errf);
    r->prog = parse_program(&r->d, text);
    fflush(r->errf);
    if (!r->prog)
        fail_msg("parse error in test program: %s", r->err);
    struct sema_opts plain = {.max_strlen = 64};
    r->rc = -1;
    if (!expand || macro_expand(r->prog, &r->d) == 0)
        r->rc = sema_check(r->prog, opts ? opts : &plain, &r->d, &r->out);
    fflush(r->errf);
    return r;
}

static inline struct run *run_with(const char *text, const struct sema_opts *opts) {
    return run_steps(text, opts, false);
}

static inline void run_free(struct run *r) {
    sema_out_free(&r->out);
    ast_free(r->prog);
    diag_free(&r->d);
    fclose(r->errf);
    free(r->err);
    free(r);
}

#endif
