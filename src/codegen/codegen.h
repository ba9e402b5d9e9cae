/* The code generator: turns the checked AST into BPF instruction images and
 * the manifest of maps, programs and events that the runtime loads. */
#ifndef TRAWK_CODEGEN_H
#define TRAWK_CODEGEN_H

#include "diag.h"
#include "manifest.h"
#include "parser/ast.h"
#include "sema/sema.h"

struct cg_opts {
    bool perf_buffer;   /* send events through a perf buffer: the kernel has no ring buffer */
    bool helper_errors; /* -k: report helpers that fail (EV_HELPER_ERROR) */
    bool no_warnings;   /* --no-warnings: not even a full map is reported */
    bool task_comm;     /* comm, pid, tid read from the task_struct where the kernel's BTF says */
    bool bpf_loop;      /* the kernel has bpf_loop: for ranges with run-time bounds use it */
};

/* Returns 0, or -1 after reporting errors through d. The manifest takes
 * over sema->types (sema->types becomes NULL); opts may be NULL. */
int cg_generate(struct node *program, struct sema_out *sema, const struct cg_opts *opts,
                struct diag *d, struct manifest *out);

#endif
