/* The compiler half as main.c runs it (preprocessor, parser, macro
 * expansion, semantic analysis, code generation), stopping before the
 * runtime: shared by the fuzz target and the unit tests of its findings. */
#ifndef TRAWK_FUZZ_PIPELINE_H
#define TRAWK_FUZZ_PIPELINE_H

#include <stdio.h>
#include <unistd.h>

#include "codegen/codegen.h"
#include "manifest.h"
#include "parser/macro.h"
#include "parser/parse.h"
#include "preproc/preproc.h"
#include "sema/sema.h"

/* Compiles text, printing diagnostics to errf; returns the stage that
 * failed (1 preprocessor, 2 parser, 3 macros, 4 sema, 5 codegen) or 0. */
static inline int fuzz_compile(const char *text, FILE *errf) {
    struct diag d;
    diag_init(&d, "stdin", text, errf);
    struct preproc_opts po = {.have_btf = access("/sys/kernel/btf/vmlinux", R_OK) == 0,
                              .script_dir = "."};
    struct preproc_out pp = {0};
    int stage = 1;
    if (preproc_run(text, &po, &d, &pp) == 0) {
        stage = 2;
        struct node *ast = parse_program(&d, pp.script);
        if (ast) {
            stage = 3;
            if (macro_expand(ast, &d) == 0) {
                stage = 4;
                struct sema_opts so = {.max_strlen = 64, .cdecls = pp.cdecls};
                struct sema_out sema;
                int failed = sema_check(ast, &so, &d, &sema);
                struct manifest m = {0};
                if (!failed && (stage = 5) && cg_generate(ast, &sema, NULL, &d, &m) == 0)
                    stage = 0;
                manifest_free(&m);
                sema_out_free(&sema);
            }
            ast_free(ast);
        }
    }
    preproc_out_free(&pp);
    diag_free(&d);
    return stage;
}

#endif
