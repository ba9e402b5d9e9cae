/* An instruction buffer with labels and a sticky error: once something
 * fails, emitting does nothing and the first error is reported at the end,
 * so call sites need no checks. Every instruction keeps its source line. */
#ifndef TRAWK_EMIT_H
#define TRAWK_EMIT_H

#include <stdbool.h>
#include <stdint.h>

#include "codegen/insn.h"
#include "diag.h"

struct emit {
    struct bpf_insn *insns;
    struct loc *locs; /* source of each instruction */
    int n, cap;
    int *label_pos; /* instruction index of each label, -1 until placed */
    int nlabels, label_cap;
    int last_place; /* where the last label was placed: a jump target */
    struct fixup {
        int insn;
        int label;
        bool func; /* a subprogram reference: the label goes in imm, not off */
    } * fixups;
    int nfixups, fixup_cap;
    struct loc loc; /* source given to the next instructions */
    bool failed;
};

void emit_init(struct emit *e);
void emit_free(struct emit *e);
void emit(struct emit *e, struct bpf_insn insn);
/* 64-bit immediate (two slots). */
void emit_ld_imm64(struct emit *e, int dst, int64_t value);
/* Map reference: imm holds the manifest map index. */
void emit_ld_map(struct emit *e, int dst, int map_index);

/* The address of the subprogram starting at label (a BPF callback):
 * BPF_LD_IMM64 with src_reg BPF_PSEUDO_FUNC. */
void emit_ld_func(struct emit *e, int dst, int label);

/* A call of the subprogram starting at label (a bpf-to-bpf call:
 * BPF_CALL with src_reg BPF_PSEUDO_CALL). */
void emit_call_local(struct emit *e, int label);

int emit_label(struct emit *e);
void emit_place(struct emit *e, int label);
/* A jump whose offset is filled in once the label is placed. */
void emit_jump(struct emit *e, struct bpf_insn insn, int label);
/* Kinds of finished instructions: a subprogram's address (BPF_PSEUDO_FUNC),
 * a bpf-to-bpf call, a jump (conditional or not; not a call or exit). */
bool emit_is_func_ref(const struct bpf_insn *in);
bool emit_is_local_call(const struct bpf_insn *in);
bool emit_is_jump(const struct bpf_insn *in);
/* Resolves the jumps; returns -1 when a label was never placed or a jump is too far. */
int emit_finish(struct emit *e);

#endif
