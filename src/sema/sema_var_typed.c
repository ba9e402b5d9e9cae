/* An integer assigned to a variable declared with an integer type (let $c:
 * uint16): a constant must fit the type, and another value of a type the
 * declared one cannot hold all of is converted with bpftrace's warning. */
#include <stdint.h>

#include "sema/sema_impl.h"

static bool constant_fits(const struct node *value, const struct type *decl) {
    if (value->kind == N_INT && value->num > INT64_MAX) /* a uint64 literal */
        return !decl->is_signed && decl->size == 8;
    int64_t v;
    if (!sema_fold_int(value, &v))
        return true;
    int bits = decl->size * 8;
    if (decl->is_signed)
        return bits == 64 || (v >= -(INT64_C(1) << (bits - 1)) && v < (INT64_C(1) << (bits - 1)));
    return v >= 0 && (bits == 64 || (uint64_t)v < (UINT64_C(1) << bits));
}

/* Every value of `from` is a value of `to`. */
static bool holds_all(const struct type *to, const struct type *from) {
    if (to->is_signed == from->is_signed)
        return from->size <= to->size;
    return to->is_signed && from->size < to->size;
}

bool sema_typed_int_assign(struct sema *s, const struct node *var, const struct type *decl,
                           const struct node *value, const struct type *vt,
                           const struct loc *err_loc) {
    bool bool_vs_int = (decl->kind == T_INT && !decl->is_ptr && vt && vt->kind == T_BOOL) ||
                       (decl->kind == T_BOOL && vt && vt->kind == T_INT && !vt->is_ptr);
    if (bool_vs_int) {
        sema_error(s, err_loc, E_TYPE,
                   "Type mismatch for %s: trying to assign value of type '%s' when variable "
                   "already has a type '%s'",
                   var->str, sema_tname(vt), sema_tname(decl));
        return false;
    }
    bool plain = decl->kind == T_INT && !decl->is_ptr && !decl->enum_def && vt &&
                 vt->kind == T_INT && !vt->is_ptr && !vt->enum_def;
    if (!plain || !value)
        return true;
    int64_t v;
    bool constant = (value->kind == N_INT && value->num > INT64_MAX) || sema_fold_int(value, &v);
    if (constant && !constant_fits(value, decl)) {
        sema_error(s, err_loc, E_TYPE,
                   "Type mismatch for %s: trying to assign value of type '%s' when variable "
                   "already has a type '%s'",
                   var->str, sema_tname(vt), sema_tname(decl));
        return false;
    }
    struct loc at = sema_cast_warning_loc(value);
    if (!constant && !holds_all(decl, vt))
        sema_pass_warning(
            s, PASS_CASTS, &at,
            "Expression of type: %s being cast to type: %s. This may cause unexpected "
            "results. Use an explicit cast to suppress this warning.",
            sema_tname(vt), sema_tname(decl));
    return true;
}
