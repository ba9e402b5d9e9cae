/* __static_assert(failed, { fail(msg); }): the body of stdlib/meta.bt's
 * static_assert. The condition is folded when the script is compiled;
 * when it holds (sema_fold.c makes it a literal), the message is reported at fail(msg) in the
 * library, as bpftrace reports its own fail() there. The block is never compiled, and the call
 * leaves no code. */
#include <stdbool.h>

#include "sema/sema_impl.h"

const struct type *sema_check_static_assert(struct sema *s, struct node *call, int nargs) {
    (void)nargs;
    struct node *failed = call->a, *block = failed->next;
    struct node *fail = block->kind == N_BLOCK_EXPR ? block->a : NULL;
    if (fail && fail->kind == N_EXPR_STMT)
        fail = fail->a;
    const struct type *t = sema_expr(s, failed); /* folds it */
    bool v;
    if (!t || !fail || fail->kind != N_CALL)
        return &type_void;
    if (!sema_literal_truth(failed, &v)) {
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
