/* A long block as a chain of programs. The verifier patches a program's
 * instructions one site at a time (inlined map lookups, dead code removed)
 * and each patch moves the whole instruction array, subprograms included:
 * a 5,000-line BEGIN spent seconds there. Once generated, a program whose
 * block was split into parts (cg_chunk.c) is cut between part calls into
 * at most CHAIN_MAX programs of about CHAIN_INSNS instructions, each
 * ending with a tail call of the next one:
 *
 *   head:  the program up to its cut; save; tail_call(ctx, .chain, 0)
 *   part:  r6 = ctx; restore; [.scratch lookup, r9 spill]; ctx slot = r6;
 *          r1 = r10; call chunk; if (r0 != 0) goto out; ...   // exit()/return
 *          save; tail_call(ctx, .chain, next)
 *   out:   r0 = 0; exit
 *
 * The stack the parts share (integer variables, a frame on the stack,
 * pointers rewritten by each part) travels through .carry, a per-CPU
 * array: a tail call keeps the CPU, and chained programs are those that
 * never nest on one (as .scratch's shared entry assumes). Each program
 * gets a copy of the subprograms its parts call. */
#include <stdlib.h>
#include <string.h>

#include "codegen/cg.h"

/* Instructions per program: the verifier's patching stays cheap below this. */
#define CHAIN_INSNS 4096
/* The head and the 33 tail calls the kernel follows. */
#define CHAIN_MAX 34

/* The program being cut and what its parts share. */
struct chain {
    struct cg *cg;
    const struct emit *src;
    int *starts; /* function starts, ascending; starts[0] = 0 */
    int nstarts;
    int *sites; /* the main function's part calls: r1 = r10; call; if r0 != 0 */
    int nsites;
    int from;  /* the first site a later program may start with */
    int depth; /* bytes of stack carried */
};

static bool is_part_call(const struct bpf_insn *in) {
    return in[0].code == (BPF_ALU64 | BPF_MOV | BPF_X) && in[0].dst_reg == R1 &&
           in[0].src_reg == R10 && emit_is_local_call(&in[1]) &&
           in[2].code == (BPF_JMP | BPF_JNE | BPF_K) && in[2].dst_reg == R0 && in[2].imm == 0;
}

static int cmp_int(const void *a, const void *b) {
    return (*(const int *)a > *(const int *)b) - (*(const int *)a < *(const int *)b);
}

/* The function holding instruction i. */
static int func_of(const struct chain *c, int i) {
    int lo = 0, hi = c->nstarts - 1;
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (c->starts[mid] <= i)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

static int func_end(const struct chain *c, int f) {
    return f + 1 < c->nstarts ? c->starts[f + 1] : c->src->n;
}

static int find_functions(struct chain *c) {
    const struct emit *e = c->src;
    c->starts = malloc(sizeof(int) * ((size_t)e->n + 1));
    c->sites = malloc(sizeof(int) * ((size_t)e->n + 1));
    if (!c->starts || !c->sites)
        return -1;
    c->starts[c->nstarts++] = 0;
    for (int i = 0; i < e->n; i++)
        if (emit_is_local_call(&e->insns[i]) || emit_is_func_ref(&e->insns[i]))
            c->starts[c->nstarts++] = i + 1 + e->insns[i].imm;
    qsort(c->starts, (size_t)c->nstarts, sizeof(int), cmp_int);
    int n = 0;
    for (int i = 0; i < c->nstarts; i++)
        if (n == 0 || c->starts[i] != c->starts[n - 1])
            c->starts[n++] = c->starts[i];
    c->nstarts = n;
    for (int i = 0; i + 2 < func_end(c, 0); i++)
        if (is_part_call(&e->insns[i]))
            c->sites[c->nsites++] = i;
    return 0;
}

/* Copies instruction i (both halves of a 16-byte load) as it is, or its
 * subprogram reference through the function's label (labels[f], made on
 * first use). Jumps stay relative: a function is copied whole. */
static void copy_insn(struct chain *c, struct emit *out, int *labels, int i) {
    struct bpf_insn in = c->src->insns[i];
    out->loc = c->src->locs[i];
    if (!emit_is_local_call(&in) && !emit_is_func_ref(&in)) {
        emit(out, in);
        if (in.code == (BPF_LD | BPF_DW | BPF_IMM))
            emit(out, c->src->insns[i + 1]);
        return;
    }
    int f = func_of(c, i + 1 + in.imm);
    if (labels[f] < 0)
        labels[f] = emit_label(out);
    if (emit_is_local_call(&in)) {
        emit_call_local(out, labels[f]);
    } else {
        emit_ld_func(out, in.dst_reg, labels[f]);
    }
}

/* Appends every function referenced so far, and those they reference. */
static void copy_functions(struct chain *c, struct emit *out, int *labels) {
    for (bool more = true; more;) {
        more = false;
        for (int f = 1; f < c->nstarts; f++) {
            if (labels[f] < 0 || out->label_pos[labels[f]] >= 0)
                continue;
            emit_place(out, labels[f]);
            for (int i = c->starts[f]; i < func_end(c, f); i++) {
                copy_insn(c, out, labels, i);
                i += c->src->insns[i].code == (BPF_LD | BPF_DW | BPF_IMM);
            }
            more = true;
        }
    }
}

static void copy_stack(struct emit *e, int depth, int ptr, bool save) {
    for (int off = -depth; off < 0; off += 8) {
        int at = off + depth;
        emit(e, LDX_MEM(BPF_DW, R1, save ? R10 : ptr, save ? off : at));
        emit(e, STX_MEM(BPF_DW, save ? ptr : R10, R1, save ? at : off));
    }
}

/* r0 = map's entry key, or out when it has none. */
static void lookup(struct emit *e, int map, int key, int out) {
    emit(e, ST_MEM(BPF_W, R10, -4, key));
    emit_ld_map(e, R1, map);
    emit(e, MOV64_REG(R2, R10));
    emit(e, ALU64_IMM(BPF_ADD, R2, -4));
    emit(e, CALL_HELPER(BPF_FUNC_map_lookup_elem));
    emit_jump(e, JMP_IMM(BPF_JEQ, R0, 0, 0), out);
}

/* Saves the stack into .carry and tail-calls slot next; r6 holds the context. */
static void tail(struct chain *c, struct emit *e, int next, int out) {
    struct cg *cg = c->cg;
    lookup(e, cg->carry_map, 0, out);
    copy_stack(e, c->depth, R0, true);
    emit(e, MOV64_REG(R1, R6));
    emit_ld_map(e, R2, cg->chain_map);
    emit(e, MOV64_IMM(R3, next));
    emit(e, CALL_HELPER(BPF_FUNC_tail_call));
}

/* A later program: the carried stack, the pointers it cannot carry, then
 * its part calls [from, to). */
static void part_entry(struct chain *c, struct emit *e, int *labels, int from, int to, int out) {
    struct cg *cg = c->cg;
    emit(e, MOV64_REG(R6, R1));
    lookup(e, cg->carry_map, 0, out);
    copy_stack(e, c->depth, R0, false);
    if (cg->scratch) {
        lookup(e, cg->scratch_map, cg->scratch_key, out);
        emit(e, MOV64_REG(R9, R0));
        emit(e, ALU64_IMM(BPF_ADD, R9, (cg->frame_max + 7) & ~7));
        emit(e, STX_MEM(BPF_DW, R10, R9, CG_SCRATCH_SPILL));
    }
    emit(e, STX_MEM(BPF_DW, R10, R6, cg->ctx_slot));
    for (int s = from; s < to; s++) {
        int i = c->sites[s];
        copy_insn(c, e, labels, i);
        copy_insn(c, e, labels, i + 1);
        emit_jump(e, JMP_IMM(BPF_JNE, R0, 0, 0), out);
    }
}

/* The head: the program up to part call `cut`; jumps past it (the exit)
 * go to out. */
static void head_entry(struct chain *c, struct emit *e, int *labels, int cut, int out) {
    for (int i = 0; i < cut; i++) {
        const struct bpf_insn *in = &c->src->insns[i];
        if (emit_is_jump(in) && i + 1 + in->off >= cut) {
            e->loc = c->src->locs[i];
            emit_jump(e, *in, out);
            continue;
        }
        copy_insn(c, e, labels, i);
        i += in->code == (BPF_LD | BPF_DW | BPF_IMM);
    }
    e->loc = c->src->locs[cut];
    emit(e, LDX_MEM(BPF_DW, R6, R10, c->cg->ctx_slot));
}

/* Program k of n: its part calls, then the tail call of slot k (the
 * chain's next program) unless it is the last. */
static int build(struct chain *c, int k, int n, struct cg_part *part) {
    struct emit e;
    emit_init(&e);
    int *labels = malloc(sizeof(int) * (size_t)c->nstarts);
    if (!labels)
        return -1;
    for (int f = 0; f < c->nstarts; f++)
        labels[f] = -1;
    int rest = c->nsites - c->from;
    int from = k ? c->from + rest * k / n : 0, to = c->from + rest * (k + 1) / n;
    int out = emit_label(&e);
    e.loc = c->src->locs[c->sites[from]];
    if (k == 0)
        head_entry(c, &e, labels, c->sites[to], out);
    else
        part_entry(c, &e, labels, from, to, out);
    if (k + 1 < n)
        tail(c, &e, k, out);
    emit_place(&e, out);
    emit(&e, MOV64_IMM(R0, 0));
    emit(&e, EXIT_INSN());
    copy_functions(c, &e, labels);
    free(labels);
    if (emit_finish(&e) < 0) {
        emit_free(&e);
        return -1;
    }
    *part = (struct cg_part){.insns = e.insns, .locs = e.locs, .n = e.n};
    e.insns = NULL;
    e.locs = NULL;
    emit_free(&e);
    return 0;
}

/* .carry, which every chain shares (grown for depth bytes), and this
 * chain's .chain of n programs: the kernel lets only programs of one type
 * share a prog array (the first one loaded owns it). */
static int chain_maps(struct cg *cg, int n, int depth) {
    if (cg->carry_map < 0)
        cg->carry_map = cg_add_map(cg, ".carry", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 1);
    cg->chain_map = cg_add_map(cg, ".chain", BPF_MAP_TYPE_PROG_ARRAY, 4, 4, (uint32_t)n);
    if (cg->carry_map < 0 || cg->chain_map < 0)
        return -1;
    struct map_desc *carry = &cg->m->maps[cg->carry_map];
    if (carry->value_size < (uint32_t)depth)
        carry->value_size = (uint32_t)depth;
    return 0;
}

int cg_chain_split(struct cg *cg, struct cg_part **parts) {
    struct chain c = {.cg = cg, .src = &cg->e};
    int n = (cg->e.n + CHAIN_INSNS - 1) / CHAIN_INSNS;
    *parts = NULL;
    if (!cg->chain_ok || n < 2)
        return 0;
    if (find_functions(&c) < 0)
        goto fail;
    n = n > CHAIN_MAX ? CHAIN_MAX : n;
    /* parts from a loop back stay in the head (see cg_chunk.c) */
    c.from = cg->chain_from;
    if (c.nsites != cg->nparts)
        c.from = c.nsites;
    n = n > c.nsites - c.from ? c.nsites - c.from : n;
    if (n < 2) {
        free(c.starts), free(c.sites);
        return 0;
    }
    c.depth = ((cg->scratch ? cg->stack_max : cg->frame_max) + 7) & ~7;
    int maps = chain_maps(cg, n - 1, c.depth);
    *parts = calloc((size_t)n, sizeof(**parts));
    if (maps < 0 || !*parts)
        goto fail;
    for (int k = 0; k < n; k++) {
        if (build(&c, k, n, &(*parts)[k]) < 0) {
            cg_parts_free(*parts, n);
            *parts = NULL;
            goto fail;
        }
        (*parts)[k].slot = k - 1;
    }
    free(c.starts), free(c.sites);
    return n;
fail:
    free(c.starts), free(c.sites);
    return -1;
}

void cg_parts_free(struct cg_part *parts, int n) {
    for (int i = 0; parts && i < n; i++) {
        free(parts[i].insns);
        free(parts[i].locs);
    }
    free(parts);
}
