/* Compound assignments (@m op= v, $x op= v) with bpftrace's errors: it
 * checks them as `x = x op v`, so a value that is no integer is a mismatch
 * of the operation, and a target that is no integer is a mismatch of the
 * assignment. */
#include "sema/sema_impl.h"

/* Where the operator starts: bpftrace's operation runs from there to the
 * value's end. */
static struct loc operator_loc(struct sema *s, const struct node *n) {
    struct loc l = n->loc;
    const char *src = n->loc.file == 0              ? s->d->source
                      : n->loc.file <= s->d->nfiles ? s->d->files[n->loc.file - 1].source
                                                    : NULL;
    int line = 1, col = 1;
    for (const char *p = src; p && *p; p++) {
        bool past = line > n->a->loc.last_line ||
                    (line == n->a->loc.last_line && col >= n->a->loc.last_column);
        if (past && *p != ' ' && *p != '\t' && *p != '\n') {
            l.first_line = line;
            l.first_column = col;
            break;
        }
        if (*p == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    return l;
}

/* The type bpftrace gives `x op v` when x is no integer: int64 for a
 * signed integer v (unsigned beside a bool x), uint64 otherwise. */
static const struct type *operation_type(const struct type *have, const struct type *val) {
    bool sgn = val->kind == T_INT && !val->is_ptr && val->is_signed && have->kind != T_BOOL;
    return sgn ? &type_s64 : &type_u64;
}

static void value_mismatch(struct sema *s, struct node *n, const struct type *left,
                           const struct type *val) {
    struct loc op = operator_loc(s, n);
    sema_error(s, &op, E_TYPE, "Type mismatch for '%s': comparing %s with %s", ast_op_text(n->op),
               sema_tname(left), sema_tname(val));
    sema_error(s, &n->a->loc, E_TYPE, "left (%s)", sema_tname(left));
    sema_error(s, &n->b->loc, E_TYPE, "right (%s)", sema_tname(val));
}

static void target_mismatch(struct sema *s, struct node *n, const struct type *have,
                            const struct type *val) {
    sema_error(s, &n->loc, E_TYPE,
               "Type mismatch for %s: trying to assign value of type '%s' when %s already has a "
               "type '%s'",
               n->a->str, sema_tname(operation_type(have, val)),
               n->a->kind == N_MAP ? "map" : "variable", sema_tname(have));
}

/* A pointer takes + and - only. */
static bool pointer_op_ok(struct sema *s, struct node *n, const struct type *have) {
    if (!have->is_ptr || n->op == OP_ADD || n->op == OP_SUB)
        return true;
    struct loc op = operator_loc(s, n);
    sema_error(s, &op, E_TYPE, "The %s operator can not be used on expressions of types %s, %s",
               ast_op_text(n->op), sema_tname(have), sema_tname(sema_natural_type(s, n->b)));
    return false;
}

/* The target's type: a map new here holds an int64 from now on. */
static const struct type *target_type(struct sema *s, struct node *target) {
    if (target->kind != N_MAP) {
        const struct type *have = sema_expr(s, target);
        sema_var_widen(s, target);
        return have;
    }
    sema_map_mark_written(s, target);
    if (sema_map_ref(s, target) < 0)
        return NULL;
    const struct type *have = s->out->maps[target->sym].val_ty;
    if (!have || (have->kind == T_INT && !have->is_ptr)) {
        sema_map_write(s, target, &type_s64, NULL, &target->loc);
        sema_map_int(s, target, &type_s64, false);
    }
    return s->out->maps[target->sym].val_ty;
}

/* x /= v and x %= v are x = x / v: a signed x draws bpftrace's warning
 * (division is unsigned in BPF), and x is no longer a literal's. */
static void signed_divmod_warning(struct sema *s, struct node *n, const struct type *have) {
    if (n->a->kind == N_VAR && n->a->sym >= 0 && n->a->sym < s->pv->n)
        s->pv->vars[n->a->sym].nonliteral = true;
    if ((n->op != OP_DIV && n->op != OP_MOD) || have->is_ptr || !have->is_signed || !s->report)
        return;
    struct loc op = operator_loc(s, n);
    diag_warning(s->d, &op,
                 "signed operands for '%s' can lead to undefined behavior (cast to unsigned to "
                 "silence warning)",
                 ast_op_text(n->op));
}

void sema_assign_compound(struct sema *s, struct node *n) {
    const struct type *val = sema_expr(s, n->b);
    const struct type *have = target_type(s, n->a);
    if (!have || !val)
        return;
    n->a->ty = have;
    if (have->kind != T_INT)
        target_mismatch(s, n, have, val);
    else if (!sema_is_int(val))
        value_mismatch(s, n, have, val);
    else if (pointer_op_ok(s, n, have))
        signed_divmod_warning(s, n, have);
}
