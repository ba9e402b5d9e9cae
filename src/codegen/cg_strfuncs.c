/* String functions: strlen, strncmp, strstr and strcontains. Strings live
 * in the frame with a known capacity, so each is an unrolled byte loop
 * bounded by that capacity (the verifier sees every read in bounds). */
#include "codegen/cg.h"

/* Above this many byte comparisons strcontains would not fit a program. */
#define STRSTR_MAX_STEPS 65536
/* Above this many, a loop over the haystack (cg_strstr_loop.c). */
#define STRSTR_UNROLL_STEPS 2048

static struct val in_reg(int reg) {
    return (struct val){.kind = V_REG, .reg = reg};
}

/* The bytes worth reading: a literal's characters and its NUL. */
static int capacity(const struct node *n) {
    if (n->kind == N_STRING && (int)n->len + 1 < (int)n->ty->size)
        return (int)n->len + 1;
    return (int)n->ty->size;
}

/* The string in the frame, NUL-padded so reads past its NUL are defined. */
int cg_string_in_frame(struct cg *cg, struct node *n) {
    bool zero_fill = cg->zero_fill;
    cg->zero_fill = true;
    int off = cg_mem_value(cg, n);
    cg->zero_fill = zero_fill;
    return off;
}

static void load_byte(struct cg *cg, int reg, int off) {
    emit(&cg->e, LDX_MEM(BPF_B, reg, cg->fp, off));
}

/* strlen(s): the index of the first NUL, or the capacity. */
static struct val strlen_call(struct cg *cg, struct node *call) {
    int mark = cg_frame_mark(cg);
    int off = cg_string_in_frame(cg, call->a);
    int cap = capacity(call->a);
    int reg = cg_reg_alloc(cg, &call->loc);
    int done = emit_label(&cg->e);
    for (int i = 0; i < cap; i++) {
        emit(&cg->e, MOV64_IMM(reg, i));
        load_byte(cg, R1, off + i);
        emit_jump(&cg->e, JMP_IMM(BPF_JEQ, R1, 0, 0), done);
    }
    emit(&cg->e, MOV64_IMM(reg, cap));
    emit_place(&cg->e, done);
    cg_frame_release(cg, mark);
    return in_reg(reg);
}

/* strncmp(a, b, n): 0 when the first n characters match (or both strings
 * end together before), else 1; never reads past the shorter capacity. */
static struct val strncmp_call(struct cg *cg, struct node *call) {
    struct node *a = call->a, *b = a->next;
    int mark = cg_frame_mark(cg);
    int ao = cg_string_in_frame(cg, a);
    int bo = cg_string_in_frame(cg, b);
    int n = (int)b->next->num;
    if (n > capacity(a))
        n = capacity(a);
    if (n > capacity(b))
        n = capacity(b);
    int reg = cg_reg_alloc(cg, &call->loc);
    int done = emit_label(&cg->e);
    emit(&cg->e, MOV64_IMM(reg, 1));
    for (int i = 0; i < n; i++) {
        load_byte(cg, R1, ao + i);
        load_byte(cg, R2, bo + i);
        emit_jump(&cg->e, JMP_REG(BPF_JNE, R1, R2, 0), done);
        if (i + 1 < n) {
            int next = emit_label(&cg->e);
            emit_jump(&cg->e, JMP_IMM(BPF_JNE, R1, 0, 0), next);
            emit(&cg->e, MOV64_IMM(reg, 0));
            emit_jump(&cg->e, JA(0), done);
            emit_place(&cg->e, next);
        }
    }
    emit(&cg->e, MOV64_IMM(reg, 0));
    emit_place(&cg->e, done);
    cg_frame_release(cg, mark);
    return in_reg(reg);
}

/* Tries the needle at haystack index i: jumps to found or falls through. */
static void match_at(struct cg *cg, int ho, int hcap, int no, int ncap, int i, int found) {
    int next = emit_label(&cg->e);
    for (int j = 0; j < ncap; j++) {
        load_byte(cg, R1, no + j);
        emit_jump(&cg->e, JMP_IMM(BPF_JEQ, R1, 0, 0), found);
        if (i + j >= hcap) {
            emit_jump(&cg->e, JA(0), next); /* the haystack ended */
            break;
        }
        load_byte(cg, R2, ho + i + j);
        emit_jump(&cg->e, JMP_REG(BPF_JNE, R1, R2, 0), next);
    }
    emit_jump(&cg->e, JA(0), found);
    emit_place(&cg->e, next);
}

/* strstr(h, n): the index of the needle in the haystack, or -1. */
static struct val strstr_call(struct cg *cg, struct node *call) {
    struct node *h = call->a, *n = h->next;
    int hcap = capacity(h), ncap = capacity(n);
    if (hcap * ncap > STRSTR_MAX_STEPS) {
        cg_error(cg, &call->loc, E_LIMIT,
                 "%s() of strings of %d and %d bytes is too large for a BPF program", call->str,
                 hcap, ncap);
        return (struct val){.kind = V_IMM};
    }
    int mark = cg_frame_mark(cg);
    int ho = cg_string_in_frame(cg, h);
    int no = cg_string_in_frame(cg, n);
    int reg = cg_reg_alloc(cg, &call->loc);
    int done = emit_label(&cg->e), missing = emit_label(&cg->e);
    if (hcap * ncap > STRSTR_UNROLL_STEPS)
        cg_strstr_loop(cg, ho, hcap, no, ncap, reg, done, missing);
    for (int i = 0; hcap * ncap <= STRSTR_UNROLL_STEPS && i < hcap; i++) {
        emit(&cg->e, MOV64_IMM(reg, i));
        match_at(cg, ho, hcap, no, ncap, i, done);
        /* no match at i: a NUL at i ends the haystack */
        load_byte(cg, R1, ho + i);
        emit_jump(&cg->e, JMP_IMM(BPF_JEQ, R1, 0, 0), missing);
    }
    emit_place(&cg->e, missing);
    emit(&cg->e, MOV64_IMM(reg, call->sym == F_STRSTR ? (int)call->num : -1));
    emit_place(&cg->e, done);
    cg_frame_release(cg, mark);
    return in_reg(reg);
}

struct val cg_strfunc_int(struct cg *cg, struct node *call) {
    switch ((enum func)call->sym) {
    case F_STRLEN:
        return strlen_call(cg, call);
    case F_STRNCMP:
        return strncmp_call(cg, call);
    case F_STRCONTAINS: {
        /* strstr(h, n) >= 0 */
        struct val v = strstr_call(cg, call);
        if (v.kind == V_REG) {
            emit(&cg->e, ALU64_IMM(BPF_RSH, v.reg, 63));
            emit(&cg->e, ALU64_IMM(BPF_XOR, v.reg, 1));
        }
        return v;
    }
    default:
        return strstr_call(cg, call);
    }
}
