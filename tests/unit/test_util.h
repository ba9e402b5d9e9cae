/* Helpers shared by the front-end unit tests: run the parser on a text and
 * capture its AST dump and its diagnostics as strings. */
#ifndef TRAWK_TEST_UTIL_H
#define TRAWK_TEST_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "diag.h"
#include "parser/ast.h"
#include "parser/parse.h"

struct tu_result {
    char *dump;   /* AST dump, "" when parsing failed */
    char *errors; /* everything printed through diag */
    int nerrors;
    enum diag_code code; /* last error code */
};

static inline struct tu_result tu_parse(const char *text) {
    struct tu_result r = {0};
    size_t elen = 0, dlen = 0;
    FILE *err = open_memstream(&r.errors, &elen);
    struct diag d;
    diag_init(&d, "stdin", text, err);
    struct node *prog = parse_program(&d, text);
    fclose(err);
    FILE *dump = open_memstream(&r.dump, &dlen);
    if (prog)
        ast_dump(prog, dump);
    fclose(dump);
    ast_free(prog);
    r.nerrors = d.nerrors;
    r.code = d.last_code;
    return r;
}

static inline void tu_free(struct tu_result *r) {
    free(r->dump);
    free(r->errors);
}

/* The dump of the first statement of the first probe's block, each line
 * un-indented by the four levels above it (program, probe, block). */
static inline char *tu_stmt_dump(const char *dump) {
    const char *p = strstr(dump, "\n  block\n");
    char *out = calloc(1, strlen(dump) + 1);
    if (!p)
        return out;
    p += strlen("\n  block\n");
    char *o = out;
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        if (len >= 3 && !strncmp(p, "   ", 3)) {
            memcpy(o, p + 3, len - 3);
            o += len - 3;
            *o++ = '\n';
        }
        p += len + (eol != NULL);
    }
    return out;
}

/* Parses "BEGIN { <stmts> }" and compares the dump of its statements. */
#define assert_stmts(stmts, expected)                                                              \
    do {                                                                                           \
        struct tu_result r_ = tu_parse("BEGIN { " stmts " }");                                     \
        assert_string_equal(r_.errors, "");                                                        \
        char *got_ = tu_stmt_dump(r_.dump);                                                        \
        assert_string_equal(got_, expected);                                                       \
        free(got_);                                                                                \
        tu_free(&r_);                                                                              \
    } while (0)

#define assert_program(text, expected)                                                             \
    do {                                                                                           \
        struct tu_result r_ = tu_parse(text);                                                      \
        assert_string_equal(r_.errors, "");                                                        \
        assert_string_equal(r_.dump, expected);                                                    \
        tu_free(&r_);                                                                              \
    } while (0)

/* The program fails with exactly this diagnostic text and code. */
#define assert_parse_error(text, code_, expected) assert_parse_errors(text, code_, 1, expected)

/* bpftrace reports a syntax error once for each construct it leaves open. */
#define assert_parse_errors(text, code_, n, expected)                                              \
    do {                                                                                           \
        struct tu_result r_ = tu_parse(text);                                                      \
        assert_string_equal(r_.errors, expected);                                                  \
        assert_string_equal(r_.dump, "");                                                          \
        assert_int_equal(r_.code, code_);                                                          \
        assert_int_equal(r_.nerrors, n);                                                           \
        tu_free(&r_);                                                                              \
    } while (0)

#endif
