/* buf(p, n) and buf(array): a length-prefixed byte buffer, at most
 * max_strlen bytes with its length, as in bpftrace. */
#include "sema/sema_impl.h"

const struct type *sema_check_buf(struct sema *s, struct node *call, int nargs) {
    struct node *p = call->a, *len = nargs > 1 ? p->next : NULL;
    const struct type *t = sema_expr(s, p);
    if (!t)
        return NULL;
    uint32_t max = s->max_strlen > 4 ? (uint32_t)s->max_strlen - 4 : 1;
    uint32_t n = max;
    if (t->kind == T_ARRAY)
        n = t->size;
    else if (t->kind != T_STRING && !sema_is_int(t)) {
        sema_error(s, &call->loc, E_ARGS,
                   "buf() expects an integer, string, or array argument but saw %s",
                   t->kind == T_TUPLE ? "tuple" : sema_tname(t));
        return NULL;
    }
    if (len) {
        if (len->kind == N_POSITIONAL)
            sema_positional(s, len);
        if (!sema_int_arg(s, call, len))
            return NULL;
        int64_t v;
        if (sema_const_int(len, &v) && v < 0) {
            sema_error(s, &len->loc, E_ARGS, "buf() length must be non-negative (%lld provided)",
                       (long long)v);
            return NULL;
        }
        if (sema_const_int(len, &v))
            n = (uint64_t)v < n || t->kind != T_ARRAY ? (uint32_t)v : n;
    }
    return type_buf(s->types, n < max ? n : max);
}
