/* Signatures of strstr, str_concat and memcmp, the string functions that
 * bpftrace defines as macros of its standard library. */
#include "sema/sema_impl.h"
#include "sys/kbtf.h"

/* bpftrace's macros hold str_concat's result in a string[1024]. */
#define STR_CONCAT_SIZE 1024

/* Both arguments string-like; bpftrace's assert_str wording otherwise. */
static bool string_args(struct sema *s, struct node *call) {
    const struct type *a = sema_string_arg(s, &call->a);
    const struct type *b = sema_string_arg(s, &call->a->next);
    if (!a || !b)
        return false;
    if (sema_is_str(a) && sema_is_str(b))
        return true;
    sema_error(s, &call->loc, E_ARGS,
               "string-like values must be either strings, arrays or pointers");
    return false;
}

const struct type *sema_check_strstr(struct sema *s, struct node *call, int nargs) {
    (void)nargs;
    if (!string_args(s, call))
        return NULL;
    /* bpftrace calls the kernel's bpf_strnstr where there is one, which
     * returns -ENOENT for a missing needle; its own loop returns -1 */
    struct kbtf_func f;
    call->num = kbtf_find_func(NULL, "bpf_strnstr", &f) ? -2 : -1;
    return &type_s64;
}

const struct type *sema_check_str_concat(struct sema *s, struct node *call, int nargs) {
    (void)nargs;
    if (!string_args(s, call))
        return NULL;
    return type_string(s->types, STR_CONCAT_SIZE);
}

/* memcmp(left, right, count): any two values, compared byte by byte. */
const struct type *sema_check_memcmp(struct sema *s, struct node *call, int nargs) {
    (void)nargs;
    bool ok = true;
    for (struct node *a = call->a; a; a = a->next) {
        if (a->kind == N_POSITIONAL)
            sema_positional(s, a);
        ok = sema_expr(s, a) && ok;
    }
    const struct type *n = call->a->next->next->ty;
    if (ok && n->kind != T_INT && n->kind != T_BOOL) {
        /* bpftrace's macro casts the count to uint64 */
        sema_error(s, &call->loc, E_TYPE, "Cannot cast from \"%s\" to \"uint64\"", sema_tname(n));
        return NULL;
    }
    return ok ? &type_s32 : NULL;
}
