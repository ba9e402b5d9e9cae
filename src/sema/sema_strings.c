/* Signatures of the string functions: strlen, strncmp, strcontains. A
 * char pointer argument is read with str() first. */
#include <string.h>

#include "sema/sema_impl.h"

static bool is_char_ptr(const struct type *t) {
    return t->kind == T_INT && t->is_ptr && t->pointee && t->pointee->kind == T_INT &&
           t->pointee->size == 1;
}

/* probe as a string argument: each target's name, written by a program of
 * its own, in a string as long as the longest. */
static const struct type *probe_string(struct sema *s, struct node *a) {
    size_t len = 0;
    for (int u = s->unit_first; u < s->unit_first + s->unit_count; u++)
        for (int i = 0; i < s->out->units[u].ntargets; i++) {
            size_t n = strlen(s->out->units[u].targets[i].name);
            len = n > len ? n : len;
        }
    s->probe_string = true;
    a->ty = type_string(s->types, (uint32_t)len + 1);
    return a->ty;
}

/* Types *slot as a string; a char pointer becomes str(pointer). */
const struct type *sema_string_arg(struct sema *s, struct node **slot) {
    struct node *a = *slot;
    if (a->kind == N_POSITIONAL)
        sema_positional(s, a);
    const struct type *t = sema_expr(s, a);
    if (t && t->kind == T_PROBE && a->kind == N_IDENT)
        return probe_string(s, a);
    if (!t || sema_is_str(t) || !is_char_ptr(t))
        return t;
    struct node *call = ast_new_str(N_CALL, &a->loc, "str", 3);
    if (!call)
        return NULL;
    call->next = a->next;
    a->next = NULL;
    call->a = a;
    *slot = call;
    return sema_expr(s, call);
}

static const char *kind_name(const struct type *t) {
    return t->kind == T_INT || t->kind == T_BOOL ? "int" : sema_tname(t);
}

/* Both arguments strings; reports the first that is not. */
static bool two_strings(struct sema *s, struct node *call) {
    const struct type *a = sema_string_arg(s, &call->a);
    const struct type *b = sema_string_arg(s, &call->a->next);
    if (!a || !b)
        return false;
    const struct type *bad = !sema_is_str(a) ? a : !sema_is_str(b) ? b : NULL;
    if (bad)
        sema_error(s, &call->loc, E_ARGS, "%s() only supports string arguments (%s provided)",
                   call->str, kind_name(bad));
    return !bad;
}

const struct type *sema_check_strncmp(struct sema *s, struct node *call, int nargs) {
    (void)nargs;
    bool ok = two_strings(s, call);
    struct node *n = call->a->next->next;
    if (n->kind == N_POSITIONAL)
        sema_positional(s, n);
    sema_expr(s, n);
    int64_t v;
    if (n->kind != N_INT || !sema_const_int(n, &v) || v < 0) {
        sema_error(s, &call->loc, E_ARGS, "Builtin strncmp requires a non-negative literal");
        return NULL;
    }
    return ok ? &type_s64 : NULL;
}

const struct type *sema_check_strcontains(struct sema *s, struct node *call, int nargs) {
    (void)nargs;
    return two_strings(s, call) ? &type_bool : NULL;
}

const struct type *sema_check_strlen(struct sema *s, struct node *call, int nargs) {
    (void)nargs;
    const struct type *t = sema_string_arg(s, &call->a);
    if (t && !sema_is_str(t)) {
        sema_error(s, &call->loc, E_ARGS,
                   "string-like values must be either strings, arrays or pointers");
        return NULL;
    }
    return t ? &type_u64 : NULL;
}
