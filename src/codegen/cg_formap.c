/* for ($kv : @m) { ... }: the body becomes a BPF callback that
 * bpf_for_each_map_elem calls for every entry; for ($i : a..b) whose bounds
 * are known only at run time, a callback bpf_loop calls b - a times (the
 * verifier could not bound an inline loop).
 *
 * The callback runs in its own stack frame, so it reaches the program's
 * variables through the caller's stack pointer, passed as the callback
 * context (r4): r7 holds it (cg->sp) and, with a scratch frame, r9 is
 * reloaded from the caller's spill slot. Callbacks are generated after the
 * program's exit, in the order their loops were met; their temporaries sit
 * below what the caller had live at the loop.
 *
 *   caller:   r1 = map; r2 = &callback; r3 = r10; r4 = 0; call for_each_map_elem
 *             if (stop flag) goto exit           // return or exit() in the body
 *   callback: r7 = r4; $kv = (*key, *value); body; r0 = 0; exit
 *   range:    start = a; r1 = b > a ? b - a : 0; r2 = &callback; r3 = r10; r4 = 0;
 *             call loop;  callback: r7 = r2; $i = start + r1; body
 *             break: r0 = 1; exit    return/exit(): stop flag = 1; r0 = 1; exit */
#include <stdlib.h>
#include <string.h>

#include "codegen/cg.h"
#include "codegen/cg_map.h"

struct cg_callback {
    struct node *loop;  /* N_FOR_MAP or N_FOR_RANGE; NULL for len()'s counting callback */
    cg_callback_fn gen; /* or a callback another file writes */
    int64_t arg;
    int start_slot;           /* N_FOR_RANGE: the first value, on the real stack */
    int label;                /* start of the callback */
    int frame_top, stack_top; /* what the caller had live at the loop */
    int stop_slot;            /* on the real stack: set when the body leaves the probe */
    struct cg_callback *next;
};

static void queue_callback(struct cg *cg, struct cg_callback *cb) {
    struct cg_callback **tail = &cg->callbacks;
    while (*tail)
        tail = &(*tail)->next;
    *tail = cb;
}

/* A loop's callback, with its stop flag cleared (and, for a range, its
 * start slot); NULL after reporting. */
static struct cg_callback *loop_callback(struct cg *cg, struct node *n) {
    struct cg_callback *cb = calloc(1, sizeof(*cb));
    if (!cb) {
        cg_error(cg, &n->loc, E_LIMIT, "out of memory");
        return NULL;
    }
    cb->loop = n;
    cb->label = emit_label(&cg->e);
    cb->stop_slot = cg_stack_alloc(cg, 8);
    if (n->kind == N_FOR_RANGE)
        cb->start_slot = cg_stack_alloc(cg, 8);
    cb->frame_top = cg->frame_top;
    cb->stack_top = cg->scratch ? cg->stack_top : cg->frame_top;
    emit(&cg->e, ST_MEM(BPF_DW, cg->sp, cb->stop_slot, 0));
    return cb;
}

/* After the helper: leave the probe when the body asked to; the body is
 * queued, generated after the program's exit. */
static void loop_called(struct cg *cg, struct cg_callback *cb) {
    emit(&cg->e, LDX_MEM(BPF_DW, R1, cg->sp, cb->stop_slot));
    emit_jump(&cg->e, JMP_IMM(BPF_JNE, R1, 0, 0), cg->exit_label);
    queue_callback(cg, cb);
}

void cg_for_map(struct cg *cg, struct node *n) {
    struct cg_callback *cb = loop_callback(cg, n);
    if (!cb)
        return;
    emit_ld_map(&cg->e, R1, cg_map_index(cg, n->b));
    emit_ld_func(&cg->e, R2, cb->label);
    emit(&cg->e, MOV64_REG(R3, cg->sp));
    emit(&cg->e, MOV64_IMM(R4, 0));
    emit(&cg->e, CALL_HELPER(BPF_FUNC_for_each_map_elem));
    loop_called(cg, cb);
}

void cg_for_range_loop(struct cg *cg, struct node *n) {
    struct cg_callback *cb = loop_callback(cg, n);
    if (!cb)
        return;
    struct val v = cg_int(cg, n->b);
    int start = cg_val_reg(cg, &v, &n->b->loc);
    emit(&cg->e, STX_MEM(BPF_DW, cg->sp, start, cb->start_slot));
    cg_val_free(cg, &v);
    v = cg_int(cg, n->c);
    emit(&cg->e, MOV64_REG(R1, cg_val_reg(cg, &v, &n->c->loc)));
    cg_val_free(cg, &v);
    /* r1 = end - start, or 0 when the range is empty */
    emit(&cg->e, LDX_MEM(BPF_DW, R2, cg->sp, cb->start_slot));
    emit(&cg->e, ALU64_REG(BPF_SUB, R1, R2));
    emit(&cg->e, JMP_IMM(BPF_JSGT, R1, 0, 1));
    emit(&cg->e, MOV64_IMM(R1, 0));
    emit_ld_func(&cg->e, R2, cb->label);
    emit(&cg->e, MOV64_REG(R3, cg->sp));
    emit(&cg->e, MOV64_IMM(R4, 0));
    emit(&cg->e, CALL_HELPER(BPF_FUNC_loop));
    loop_called(cg, cb);
}

/* len(@m): bpf_for_each_map_elem counts the entries a callback that always
 * continues is called for. */
struct val cg_map_len(struct cg *cg, struct node *map) {
    struct cg_callback *cb = calloc(1, sizeof(*cb));
    if (!cb) {
        cg_error(cg, &map->loc, E_LIMIT, "out of memory");
        return (struct val){.kind = V_IMM};
    }
    cb->label = emit_label(&cg->e);
    emit_ld_map(&cg->e, R1, cg_map_index(cg, map));
    emit_ld_func(&cg->e, R2, cb->label);
    emit(&cg->e, MOV64_IMM(R3, 0));
    emit(&cg->e, MOV64_IMM(R4, 0));
    emit(&cg->e, CALL_HELPER(BPF_FUNC_for_each_map_elem));
    int reg = cg_reg_alloc(cg, &map->loc);
    emit(&cg->e, MOV64_REG(reg, R0));
    queue_callback(cg, cb);
    return (struct val){.kind = V_REG, .reg = reg};
}

void cg_queue_callback(struct cg *cg, int label, cg_callback_fn gen, int64_t arg) {
    struct cg_callback *cb = calloc(1, sizeof(*cb));
    if (!cb) {
        cg->failed = true;
        return;
    }
    *cb = (struct cg_callback){.label = label, .gen = gen, .arg = arg};
    queue_callback(cg, cb);
}

/* Copies size bytes from (base + 0) into the frame at off. */
static void copy_in(struct cg *cg, int base, int off, int size) {
    for (int i = 0; i < size;) {
        int w = cg_access_width(off + i, i, size - i);
        emit(&cg->e, LDX_MEM(cg_size_code(w), R1, base, i));
        emit(&cg->e, STX_MEM(cg_size_code(w), cg->fp, R1, off + i));
        i += w;
    }
}

/* $kv = (key, value), copied out before r2 and r3 die */
static void map_entry_in(struct cg *cg, struct node *n) {
    int var = n->a->sym;
    const struct type *kv = cg->unit->vars[var].ty;
    int slot = cg->var_slot[var];
    const struct map_desc *md = cg_map(cg, n->b);
    int key = slot + (int)kv->fields[0].offset, value = slot + (int)kv->fields[1].offset;
    emit(&cg->e, MOV64_REG(R6, R3));
    copy_in(cg, R2, key, (int)kv->fields[0].ty->size);
    if (md->val_ty->kind == T_AGG) {
        /* r3 is this CPU's value: combine every CPU's, as reading @m[k] does */
        struct val v = cg_agg_combine(cg, cg_map_index(cg, n->b), key, &n->b->loc);
        emit(&cg->e, STX_MEM(BPF_DW, cg->fp, v.reg, value));
        cg_val_free(cg, &v);
    } else {
        copy_in(cg, R6, value, (int)kv->fields[1].ty->size);
    }
}

/* $i = start + the index bpf_loop passes in r1 */
static void range_index_in(struct cg *cg, struct cg_callback *cb) {
    int var = cb->loop->a->sym;
    emit(&cg->e, LDX_MEM(BPF_DW, R2, R7, cb->start_slot));
    emit(&cg->e, ALU64_REG(BPF_ADD, R2, R1));
    emit(&cg->e, STX_MEM(BPF_DW, cg_var_base(cg, var), R2, cg->var_slot[var]));
}

static void gen_callback(struct cg *cg, struct cg_callback *cb) {
    struct node *n = cb->loop;
    if (cb->gen) {
        emit_place(&cg->e, cb->label);
        cb->gen(cg, cb->arg);
        return;
    }
    if (!n) { /* len(): continue always */
        emit_place(&cg->e, cb->label);
        emit(&cg->e, MOV64_IMM(R0, 0));
        emit(&cg->e, EXIT_INSN());
        return;
    }
    /* the caller's view, restored at the end */
    struct cg saved = *cg;
    int brk = emit_label(&cg->e), stop = emit_label(&cg->e), cont = emit_label(&cg->e);
    bool range = n->kind == N_FOR_RANGE;

    emit_place(&cg->e, cb->label);
    cg->e.loc = n->loc;
    cg_sub_enter(cg, range ? R2 : R4); /* the callback context */
    cg->frame_top = cb->frame_top;
    if (cg->scratch)
        cg->stack_top = cb->stack_top;

    if (range)
        range_index_in(cg, cb);
    else
        map_entry_in(cg, n);

    struct cg_loop loop = {.brk = brk, .cont = cont, .outer = NULL};
    cg->loop = &loop;
    cg->exit_label = stop;
    cg_block(cg, range ? n->d : n->c);
    emit_place(&cg->e, cont);
    emit(&cg->e, MOV64_IMM(R0, 0));
    emit(&cg->e, EXIT_INSN());
    emit_place(&cg->e, brk);
    emit(&cg->e, MOV64_IMM(R0, 1));
    emit(&cg->e, EXIT_INSN());
    emit_place(&cg->e, stop);
    emit(&cg->e, ST_MEM(BPF_DW, R7, cb->stop_slot, 1));
    emit(&cg->e, MOV64_IMM(R0, 1));
    emit(&cg->e, EXIT_INSN());

    cg_sub_leave(cg, &saved);
}

void cg_emit_callbacks(struct cg *cg) {
    while (cg->callbacks) {
        struct cg_callback *cb = cg->callbacks;
        cg->callbacks = cb->next;
        gen_callback(cg, cb);
        free(cb);
    }
}

void cg_drop_callbacks(struct cg *cg) {
    while (cg->callbacks) {
        struct cg_callback *cb = cg->callbacks;
        cg->callbacks = cb->next;
        free(cb);
    }
}
