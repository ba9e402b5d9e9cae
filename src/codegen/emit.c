#include "codegen/emit.h"

#include <stdlib.h>
#include <string.h>

/* Grows an array to hold one more element; sets the sticky error on failure. */
static bool grow(struct emit *e, void **arr, int *cap, int n, size_t elem) {
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

void emit_init(struct emit *e) {
    memset(e, 0, sizeof(*e));
}

void emit_free(struct emit *e) {
    free(e->insns);
    free(e->locs);
    free(e->label_pos);
    free(e->fixups);
    memset(e, 0, sizeof(*e));
}

void emit(struct emit *e, struct bpf_insn insn) {
    if (e->failed)
        return;
    if (e->n == e->cap) {
        /* insns and locs grow together so they always share one capacity */
        int ncap = e->cap ? e->cap * 2 : 64;
        struct bpf_insn *insns = realloc(e->insns, (size_t)ncap * sizeof(*insns));
        if (insns)
            e->insns = insns;
        struct loc *locs = realloc(e->locs, (size_t)ncap * sizeof(*locs));
        if (locs)
            e->locs = locs;
        if (!insns || !locs) {
            e->failed = true;
            return;
        }
        e->cap = ncap;
    }
    e->insns[e->n] = insn;
    e->locs[e->n] = e->loc;
    e->n++;
}

void emit_ld_imm64(struct emit *e, int dst, int64_t value) {
    emit(e, LD_IMM64_LO(dst, 0, value));
    emit(e, LD_IMM64_HI(value));
}

void emit_ld_map(struct emit *e, int dst, int map_index) {
    emit(e, LD_MAP_IDX_LO(dst, map_index));
    emit(e, LD_IMM64_HI(0));
}

int emit_label(struct emit *e) {
    if (!grow(e, (void **)&e->label_pos, &e->label_cap, e->nlabels, sizeof(int)))
        return 0;
    e->label_pos[e->nlabels] = -1;
    return e->nlabels++;
}

void emit_place(struct emit *e, int label) {
    if (!e->failed)
        e->label_pos[label] = e->last_place = e->n;
}

void emit_jump(struct emit *e, struct bpf_insn insn, int label) {
    if (e->failed)
        return;
    if (!grow(e, (void **)&e->fixups, &e->fixup_cap, e->nfixups, sizeof(*e->fixups)))
        return;
    e->fixups[e->nfixups++] = (struct fixup){.insn = e->n, .label = label};
    emit(e, insn);
}

void emit_ld_func(struct emit *e, int dst, int label) {
    if (e->failed)
        return;
    if (!grow(e, (void **)&e->fixups, &e->fixup_cap, e->nfixups, sizeof(*e->fixups)))
        return;
    e->fixups[e->nfixups++] = (struct fixup){.insn = e->n, .label = label, .func = true};
    emit(e, INSN(BPF_LD | BPF_DW | BPF_IMM, dst, BPF_PSEUDO_FUNC, 0, 0));
    emit(e, LD_IMM64_HI(0));
}

void emit_call_local(struct emit *e, int label) {
    if (e->failed)
        return;
    if (!grow(e, (void **)&e->fixups, &e->fixup_cap, e->nfixups, sizeof(*e->fixups)))
        return;
    e->fixups[e->nfixups++] = (struct fixup){.insn = e->n, .label = label, .func = true};
    emit(e, INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 0));
}

bool emit_is_func_ref(const struct bpf_insn *in) {
    return in->code == (BPF_LD | BPF_DW | BPF_IMM) && in->src_reg == BPF_PSEUDO_FUNC;
}

bool emit_is_local_call(const struct bpf_insn *in) {
    return in->code == (BPF_JMP | BPF_CALL) && in->src_reg == BPF_PSEUDO_CALL;
}

bool emit_is_jump(const struct bpf_insn *in) {
    int cls = BPF_CLASS(in->code), op = BPF_OP(in->code);
    return (cls == BPF_JMP || cls == BPF_JMP32) && op != BPF_CALL && op != BPF_EXIT;
}

static bool is_ld_imm64(const struct bpf_insn *in) {
    return in->code == (BPF_LD | BPF_DW | BPF_IMM);
}

/* Keeps the instructions marked in keep, re-targeting jumps; a jump to a
 * dropped instruction goes to the next kept one. */
static void compact(struct emit *e, const bool *keep, int *newpos) {
    int n = 0;
    for (int i = 0; i <= e->n; i++) {
        newpos[i] = n;
        if (i < e->n && keep[i])
            n++;
    }
    for (int i = 0, j = 0; i < e->n; i++) {
        if (!keep[i])
            continue;
        struct bpf_insn in = e->insns[i];
        if (emit_is_jump(&in))
            in.off = (short)(newpos[i + 1 + in.off] - j - 1);
        if (emit_is_func_ref(&in) || emit_is_local_call(&in))
            in.imm = newpos[i + 1 + in.imm] - j - 1;
        e->insns[j] = in;
        e->locs[j] = e->locs[i];
        j++;
    }
    e->n = n;
}

/* The verifier rejects unreachable code, which constant conditions leave
 * behind; jumps to the next instruction are dropped on the way. */
static int prune(struct emit *e) {
    bool *keep = calloc((size_t)e->n + 1, sizeof(bool));
    /* every kept instruction pushes at most two successors */
    int *stack = malloc((2 * (size_t)e->n + 2) * sizeof(int));
    int *newpos = malloc(((size_t)e->n + 1) * sizeof(int));
    if (!keep || !stack || !newpos) {
        free(keep), free(stack), free(newpos);
        return -1;
    }
    int sp = 0;
    stack[sp++] = 0;
    while (sp) {
        int i = stack[--sp];
        if (i < 0 || i >= e->n || keep[i])
            continue;
        keep[i] = true;
        const struct bpf_insn *in = &e->insns[i];
        if (is_ld_imm64(in)) {
            keep[i + 1] = true;
            stack[sp++] = i + 2;
            if (emit_is_func_ref(in))
                stack[sp++] = i + 1 + in->imm; /* a callback is reachable too */
        } else if (BPF_OP(in->code) == BPF_EXIT && BPF_CLASS(in->code) == BPF_JMP) {
            continue;
        } else if (emit_is_local_call(in)) {
            stack[sp++] = i + 1 + in->imm; /* the subprogram, and the return */
            stack[sp++] = i + 1;
        } else if (emit_is_jump(in)) {
            stack[sp++] = i + 1 + in->off;
            if (BPF_OP(in->code) != BPF_JA)
                stack[sp++] = i + 1;
        } else {
            stack[sp++] = i + 1;
        }
    }
    /* a jump over only unreachable code lands on the next kept instruction */
    for (int i = 0; i < e->n; i++) {
        const struct bpf_insn *in = &e->insns[i];
        if (!keep[i] || !emit_is_jump(in) || BPF_OP(in->code) != BPF_JA)
            continue;
        int t = i + 1 + in->off, k = i + 1;
        while (k < t && !keep[k])
            k++;
        if (k == t && t > i)
            keep[i] = false;
    }
    compact(e, keep, newpos);
    free(keep), free(stack), free(newpos);
    return 0;
}

int emit_finish(struct emit *e) {
    if (e->failed)
        return -1;
    for (int i = 0; i < e->nfixups; i++) {
        int target = e->label_pos[e->fixups[i].label];
        int off = target - e->fixups[i].insn - 1;
        /* a jump's offset is 16 bits, a subprogram's (in imm) 32 */
        if (target < 0 || (!e->fixups[i].func && (off < -32768 || off > 32767)))
            return -1;
        if (e->fixups[i].func)
            e->insns[e->fixups[i].insn].imm = off;
        else
            e->insns[e->fixups[i].insn].off = (short)off;
    }
    return prune(e);
}
