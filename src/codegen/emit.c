#include "codegen/emit.h"

#include <stdlib.h>
#include <string.h>

/* Grows an array to hold one more element; sets the sticky error on failure. */
static bool grow(struct emit *e, void **arr, int *cap, int n, size_t elem)
{
    if (n < *cap)
        return true;
    int ncap = *cap ? *cap * 2 : 64;
    void *p = realloc(*arr, (size_t)ncap * elem);
    if (!p) {
        e->failed = true;
        return false;
    }
    *arr = p;
    *cap = ncap;
    return true;
}

void emit_init(struct emit *e)
{
    memset(e, 0, sizeof(*e));
}

void emit_free(struct emit *e)
{
    free(e->insns);
    free(e->lines);
    free(e->label_pos);
    free(e->fixups);
    memset(e, 0, sizeof(*e));
}

void emit(struct emit *e, struct bpf_insn insn)
{
    if (e->failed)
        return;
    if (e->n == e->cap) {
        /* insns and lines grow together so they always share one capacity */
        int ncap = e->cap ? e->cap * 2 : 64;
        struct bpf_insn *insns = realloc(e->insns, (size_t)ncap * sizeof(*insns));
        if (insns)
            e->insns = insns;
        int *lines = realloc(e->lines, (size_t)ncap * sizeof(*lines));
        if (lines)
            e->lines = lines;
        if (!insns || !lines) {
            e->failed = true;
            return;
        }
        e->cap = ncap;
    }
    e->insns[e->n] = insn;
    e->lines[e->n] = e->line;
    e->n++;
}

void emit_ld_imm64(struct emit *e, int dst, int64_t value)
{
    emit(e, LD_IMM64_LO(dst, 0, value));
    emit(e, LD_IMM64_HI(value));
}

void emit_ld_map(struct emit *e, int dst, int map_index)
{
    emit(e, LD_MAP_IDX_LO(dst, map_index));
    emit(e, LD_IMM64_HI(0));
}

int emit_label(struct emit *e)
{
    if (!grow(e, (void **)&e->label_pos, &e->label_cap, e->nlabels, sizeof(int)))
        return 0;
    e->label_pos[e->nlabels] = -1;
    return e->nlabels++;
}

void emit_place(struct emit *e, int label)
{
    if (!e->failed)
        e->label_pos[label] = e->n;
}

void emit_jump(struct emit *e, struct bpf_insn insn, int label)
{
    if (e->failed)
        return;
    if (!grow(e, (void **)&e->fixups, &e->fixup_cap, e->nfixups, sizeof(*e->fixups)))
        return;
    e->fixups[e->nfixups++] = (struct fixup){.insn = e->n, .label = label};
    emit(e, insn);
}

int emit_finish(struct emit *e)
{
    if (e->failed)
        return -1;
    for (int i = 0; i < e->nfixups; i++) {
        int target = e->label_pos[e->fixups[i].label];
        int off = target - e->fixups[i].insn - 1;
        if (target < 0 || off < -32768 || off > 32767)
            return -1;
        e->insns[e->fixups[i].insn].off = (short)off;
    }
    return 0;
}
