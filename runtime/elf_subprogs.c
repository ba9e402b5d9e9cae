/* --emit-elf: a program's subprograms (the parts of a long block, loop
 * callbacks, the map-full reporter) follow its exit; libbpf wants them as
 * functions of .text, each with its own symbol, and appends to each
 * program the ones it calls or passes. */
#include <stdlib.h>

#include "elf_emit.h"

static bool is_local_call(const struct bpf_insn *in) {
    return in->code == (BPF_JMP | BPF_CALL) && in->src_reg == BPF_PSEUDO_CALL;
}

static bool is_func_ref(const struct bpf_insn *in) {
    return in->code == (BPF_LD | BPF_DW | BPF_IMM) && in->src_reg == BPF_PSEUDO_FUNC;
}

static int cmp_int(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

int elf_subprogs_find(const struct prog_desc *p, struct elf_subprogs *sp) {
    *sp = (struct elf_subprogs){.start = p->ninsns};
    int nrefs = 0;
    for (int i = 0; i < p->ninsns; i++)
        nrefs += is_local_call(&p->insns[i]) || is_func_ref(&p->insns[i]);
    if (!nrefs)
        return 0;
    sp->funcs = malloc(sizeof(int) * (size_t)nrefs);
    if (!sp->funcs)
        return -1;
    for (int i = 0; i < p->ninsns; i++)
        if (is_local_call(&p->insns[i]) || is_func_ref(&p->insns[i]))
            sp->funcs[sp->nfuncs++] = i + 1 + p->insns[i].imm;
    qsort(sp->funcs, (size_t)sp->nfuncs, sizeof(int), cmp_int);
    int n = 0;
    for (int i = 0; i < sp->nfuncs; i++)
        if (n == 0 || sp->funcs[n - 1] != sp->funcs[i])
            sp->funcs[n++] = sp->funcs[i];
    sp->nfuncs = n;
    sp->start = sp->funcs[0];
    return 0;
}

int elf_subprogs_func_at(const struct elf_subprogs *sp, int insn) {
    for (int i = 0; i < sp->nfuncs; i++)
        if (sp->funcs[i] == insn)
            return i;
    return -1;
}

int elf_subprogs_func_end(const struct elf_subprogs *sp, int func, int ninsns) {
    return func + 1 < sp->nfuncs ? sp->funcs[func + 1] : ninsns;
}

void elf_subprogs_free(struct elf_subprogs *sp) {
    free(sp->funcs);
    sp->funcs = NULL;
}
