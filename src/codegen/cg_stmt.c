/* Statements: assignments, calls, if/else, loops. */
#include "codegen/cg.h"
#include "codegen/cg_typed.h"

static void stmt(struct cg *cg, struct node *n);

static void var_assign(struct cg *cg, struct node *n) {
    struct node *var = n->a;
    int slot = cg->var_slot[var->sym], base = cg_var_base(cg, var->sym);
    const struct type *ty = cg->unit->vars[var->sym].ty;
    if ((n->op == OP_ASSIGN || n->op == OP_NONE) && cg_is_mem_type(ty)) {
        cg_store_value(cg, n->b, ty, slot);
        return;
    }
    if (n->op == OP_ASSIGN || n->op == OP_NONE) {
        struct val v = cg_int(cg, n->b);
        int reg = cg_val_reg(cg, &v, &n->loc);
        emit(&cg->e, STX_MEM(BPF_DW, base, reg, slot));
        cg_val_free(cg, &v);
        return;
    }
    /* $x OP= v */
    struct val v = cg_int(cg, n->b);
    int vreg = cg_val_reg(cg, &v, &n->loc);
    if (cg_ptr_step(cg, ty) != 1) /* $p += n on a pointer moves n elements */
        emit(&cg->e, ALU64_IMM(BPF_MUL, vreg, cg_ptr_step(cg, ty)));
    int off, alu = cg_alu_op(n->op, ty->is_signed, &off);
    emit(&cg->e, LDX_MEM(BPF_DW, R1, base, slot));
    cg_alu_reg(cg, alu, off, R1, vreg);
    emit(&cg->e, STX_MEM(BPF_DW, base, R1, slot));
    cg_val_free(cg, &v);
}

static void assign(struct cg *cg, struct node *n) {
    if (n->a->kind == N_MAP) {
        cg_map_assign(cg, n);
    } else if (n->a->kind == N_VAR) {
        var_assign(cg, n);
    } else {
        /* _ = expr: evaluate for effect */
        int mark = cg_frame_mark(cg);
        if (cg_is_mem_type(n->b->ty)) {
            cg_mem_value(cg, n->b);
        } else {
            struct val v = cg_int(cg, n->b);
            cg_val_free(cg, &v);
        }
        cg_frame_release(cg, mark);
    }
}

static void expr_stmt(struct cg *cg, struct node *e) {
    if (e->kind == N_BLOCK_EXPR) {
        cg_block(cg, e);
        if (e->b)
            expr_stmt(cg, e->b);
        return;
    }
    if (e->kind == N_CALL) {
        cg_call_stmt(cg, e);
        return;
    }
    if (e->kind == N_TERNARY && e->b && e->ty && e->ty->kind == T_VOID) {
        /* c ? printf(...) : printf(...): an if statement */
        int other = emit_label(&cg->e), done = emit_label(&cg->e);
        cg_cond(cg, e->a, other);
        expr_stmt(cg, e->b);
        emit_jump(&cg->e, JA(0), done);
        emit_place(&cg->e, other);
        expr_stmt(cg, e->c);
        emit_place(&cg->e, done);
        return;
    }
    if (cg_is_mem_type(e->ty)) {
        cg_mem_value(cg, e);
        return;
    }
    struct val v = cg_int(cg, e);
    cg_val_free(cg, &v);
}

static void if_stmt(struct cg *cg, struct node *n) {
    int other = emit_label(&cg->e), done = emit_label(&cg->e);
    cg_cond(cg, n->a, other);
    cg_block(cg, n->b);
    if (n->c)
        emit_jump(&cg->e, JA(0), done);
    emit_place(&cg->e, other);
    if (n->c)
        stmt(cg, n->c);
    emit_place(&cg->e, done);
}

/* Loops rely on the verifier's bounded-loop support (kernel 5.3+). */
static void while_stmt(struct cg *cg, struct node *n) {
    struct cg_loop loop = {
        .brk = emit_label(&cg->e), .cont = emit_label(&cg->e), .outer = cg->loop};
    emit_place(&cg->e, loop.cont);
    cg_cond(cg, n->a, loop.brk);
    cg->loop = &loop;
    cg_block(cg, n->b);
    cg->loop = loop.outer;
    emit_jump(&cg->e, JA(0), loop.cont);
    emit_place(&cg->e, loop.brk);
}

/* for ($i : a..b): $i runs from a up to b - 1; b is evaluated once. */
static void for_range(struct cg *cg, struct node *n) {
    int64_t lit;
    if (cg->bpf_loop && (!sema_const_int(n->b, &lit) || !sema_const_int(n->c, &lit))) {
        cg_for_range_loop(cg, n); /* the verifier could not bound it */
        return;
    }
    int slot = cg->var_slot[n->a->sym], base = cg_var_base(cg, n->a->sym);
    int end = cg_stack_alloc(cg, 8);
    /* counter and bound on the real stack: the verifier must see them to
     * prove that the loop ends */
    struct val v = cg_int(cg, n->b);
    emit(&cg->e, STX_MEM(BPF_DW, base, cg_val_reg(cg, &v, &n->b->loc), slot));
    cg_val_free(cg, &v);
    v = cg_int(cg, n->c);
    emit(&cg->e, STX_MEM(BPF_DW, cg->sp, cg_val_reg(cg, &v, &n->c->loc), end));
    cg_val_free(cg, &v);
    struct cg_loop loop = {
        .brk = emit_label(&cg->e), .cont = emit_label(&cg->e), .outer = cg->loop};
    int top = emit_label(&cg->e);
    emit_place(&cg->e, top);
    emit(&cg->e, LDX_MEM(BPF_DW, R1, base, slot));
    emit(&cg->e, LDX_MEM(BPF_DW, R2, cg->sp, end));
    emit_jump(&cg->e, JMP_REG(BPF_JSGE, R1, R2, 0), loop.brk);
    cg->loop = &loop;
    cg_block(cg, n->d);
    cg->loop = loop.outer;
    emit_place(&cg->e, loop.cont);
    emit(&cg->e, LDX_MEM(BPF_DW, R1, base, slot));
    emit(&cg->e, ALU64_IMM(BPF_ADD, R1, 1));
    emit(&cg->e, STX_MEM(BPF_DW, base, R1, slot));
    emit_jump(&cg->e, JA(0), top);
    emit_place(&cg->e, loop.brk);
}

static void unroll(struct cg *cg, struct node *n) {
    int64_t count = n->a->kind == N_INT ? (int64_t)n->a->num : 0;
    if (count < 1 || count > 100) {
        cg_error(cg, &n->a->loc, E_ARGS, "unroll maximum value is 100 and minimum is 1");
        return;
    }
    for (int64_t i = 0; i < count; i++)
        cg_block(cg, n->b);
}

static void jump_out(struct cg *cg, struct node *n) {
    if (!cg->loop) {
        cg_error(cg, &n->loc, E_CONTEXT, "%s used outside of a loop",
                 n->kind == N_BREAK ? "break" : "continue");
        return;
    }
    emit_jump(&cg->e, JA(0), n->kind == N_BREAK ? cg->loop->brk : cg->loop->cont);
}

static void stmt(struct cg *cg, struct node *n) {
    cg->e.loc = n->loc;
    int mark = cg_frame_mark(cg);
    switch (n->kind) {
    case N_EXPR_STMT:
        expr_stmt(cg, n->a);
        break;
    case N_ASSIGN:
        assign(cg, n);
        break;
    case N_LET:
        if (n->c) {
            struct node as = {
                .kind = N_ASSIGN, .loc = n->loc, .op = OP_ASSIGN, .a = n->a, .b = n->c};
            var_assign(cg, &as);
        }
        break;
    case N_IF:
        if_stmt(cg, n);
        break;
    case N_BLOCK:
        cg_block(cg, n);
        break;
    case N_WHILE:
        while_stmt(cg, n);
        break;
    case N_FOR_RANGE:
        for_range(cg, n);
        break;
    case N_FOR_MAP:
        cg_for_map(cg, n);
        break;
    case N_UNROLL:
        unroll(cg, n);
        break;
    case N_BREAK:
    case N_CONTINUE:
        jump_out(cg, n);
        break;
    case N_RETURN:
        /* the value is evaluated for its effects; tracing programs'
         * return values mean nothing to the kernel */
        if (n->a)
            expr_stmt(cg, n->a);
        emit_jump(&cg->e, JA(0), cg->exit_label);
        break;
    default:
        cg_error(cg, &n->loc, E_UNSUPPORTED, "%s is not supported yet", ast_kind_name(n->kind));
        break;
    }
    cg_frame_release(cg, mark);
}

void cg_block(struct cg *cg, struct node *block) {
    for (struct node *s = block->a; s; s = s->next)
        stmt(cg, s);
}

void cg_stmt(struct cg *cg, struct node *n) {
    stmt(cg, n);
}
