/* Shared by the code generator's unit tests: parse, check and generate a
 * program with the given options into m (tu_compile: cg_generate's result,
 * or -1 when parsing or checking failed), and count matching instructions. */
#ifndef TRAWK_TEST_CG_COMPILE_H
#define TRAWK_TEST_CG_COMPILE_H

#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "codegen/codegen.h"
#include "codegen/disasm.h"
#include "parser/parse.h"
#include "sema/sema.h"

static inline int tu_compile(const char *prog, const struct cg_opts *o, struct manifest *m) {
    struct diag d;
    diag_init(&d, "stdin", prog, stderr);
    struct node *ast = parse_program(&d, prog);
    struct sema_opts so = {.max_strlen = 64};
    struct sema_out s;
    int rc = -1;
    memset(m, 0, sizeof(*m));
    if (ast && sema_check(ast, &so, &d, &s) == 0)
        rc = cg_generate(ast, &s, o, &d, m);
    if (ast)
        sema_out_free(&s);
    ast_free(ast);
    return rc;
}

/* How many of p's instructions, disassembled, match the fnmatch pattern. */
static inline int tu_count_insns(const struct prog_desc *p, const char *pat) {
    char line[128];
    int n = 0;
    for (int i = 0; i < p->ninsns;) {
        i += disasm_insn(&p->insns[i], line, sizeof(line));
        n += fnmatch(pat, line, 0) == 0;
    }
    return n;
}

#endif
