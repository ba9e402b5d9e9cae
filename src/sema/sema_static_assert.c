/* __static_assert(failed, { fail(msg); }): the body of stdlib/meta.bt's
 * static_assert. The condition is folded when the script is compiled;
 * when it holds, the message is reported at fail(msg) in the library, as
 * bpftrace reports its own fail() there. The block is never compiled, and
 * the call leaves no code. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "sema/sema_impl.h"

static bool fold_cond(const struct node *n, int64_t *v);

/* "a" == "b", "a" != "b": literals compare by their bytes. */
static bool fold_strings(const struct node *n, int64_t *v) {
    const struct node *a = n->a, *b = n->b;
    if (a->kind != N_STRING || b->kind != N_STRING || (n->op != OP_EQ && n->op != OP_NE))
        return false;
    bool same = a->len == b->len && memcmp(a->str, b->str, a->len) == 0;
    *v = same == (n->op == OP_EQ);
    return true;
}

static bool fold_binop(const struct node *n, int64_t *v) {
    int64_t a, b;
    if (fold_strings(n, v))
        return true;
    if (!fold_cond(n->a, &a) || !fold_cond(n->b, &b))
        return sema_fold_int(n, v);
    switch (n->op) {
    case OP_LOR:
        *v = a || b;
        return true;
    case OP_LAND:
        *v = a && b;
        return true;
    case OP_EQ:
        *v = a == b;
        return true;
    case OP_NE:
        *v = a != b;
        return true;
    case OP_LT:
        *v = a < b;
        return true;
    case OP_LE:
        *v = a <= b;
        return true;
    case OP_GT:
        *v = a > b;
        return true;
    case OP_GE:
        *v = a >= b;
        return true;
    default:
        return sema_fold_int(n, v);
    }
}

static bool fold_cond(const struct node *n, int64_t *v) {
    if (n->kind == N_BOOL) {
        *v = (int64_t)n->num;
        return true;
    }
    if (n->kind == N_UNOP && n->op == OP_NOT && fold_cond(n->a, v)) {
        *v = !*v;
        return true;
    }
    if (n->kind == N_BINOP)
        return fold_binop(n, v);
    return sema_const_int(n, v);
}

const struct type *sema_check_static_assert(struct sema *s, struct node *call, int nargs) {
    (void)nargs;
    struct node *failed = call->a, *block = failed->next;
    struct node *fail = block->kind == N_BLOCK_EXPR ? block->a : NULL;
    if (fail && fail->kind == N_EXPR_STMT)
        fail = fail->a;
    const struct type *t = sema_expr(s, failed);
    int64_t v;
    if (!t || !fail || fail->kind != N_CALL)
        return &type_void;
    if (!fold_cond(failed, &v)) {
        sema_error(s, &failed->loc, E_ARGS, "Unable to resolve comptime expression");
        return &type_void;
    }
    struct node *msg = fail->a;
    if (v && msg && msg->kind == N_STRING)
        sema_error(s, &fail->loc, E_ARGS, "%s", msg->str);
    else if (v)
        sema_error(s, &fail->loc, E_ARGS, "static_assert() expects a string literal message");
    if (s->report) { /* checked: nothing is left for code generation */
        ast_free(block);
        failed->next = NULL;
    }
    return &type_void;
}
