/* -d, --debug STAGE[,STAGE]: bpftrace's stage names, mapped onto what trawk
 * has to show. trawk has no LLVM IR: its code stages ('codegen',
 * 'codegen-opt', 'dis' and trawk's own 'bpf') all show the BPF
 * instructions it generates. */
#ifndef TRAWK_DEBUG_STAGES_H
#define TRAWK_DEBUG_STAGES_H

enum debug_stage {
    DEBUG_PARSE = 1 << 0,    /* the AST as parsed */
    DEBUG_AST = 1 << 1,      /* the AST after imports and macros */
    DEBUG_TYPES = 1 << 2,    /* the AST after semantic analysis, with types */
    DEBUG_BPF = 1 << 3,      /* the generated instructions */
    DEBUG_LIBBPF = 1 << 4,   /* libbpf's debug messages */
    DEBUG_VERIFIER = 1 << 5, /* the kernel verifier's log of every program */
};

/* Adds the stages of the comma-separated list to *stages. Returns 0, or -1
 * after printing bpftrace's error for an unknown stage. */
int debug_stages_parse(const char *list, unsigned *stages);

#endif
