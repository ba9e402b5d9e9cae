/* comptime X, and the if and ternary it decides: the value is folded while
 * compiling and only the branch taken is checked and compiled, so the other
 * may hold fail() or code that does not type-check. The first walk checks
 * the branch taken and rewrites nothing; the reporting walk rewrites. */
#include <stdlib.h>
#include <string.h>

#include "sema/sema_impl.h"

/* n becomes the literal v (a record stays the expression that made it). */
static void become_literal(struct node *n, const struct ct_val *v) {
    if (v->kind == CT_REC)
        return;
    char *bytes = NULL;
    if (v->kind == CT_STR) {
        bytes = malloc(v->len + 1);
        if (!bytes)
            abort();
        memcpy(bytes, v->s, v->len);
        bytes[v->len] = '\0';
    }
    size_t len = v->len;
    ast_become_int(n, 0);
    if (v->kind == CT_STR) {
        n->kind = N_STRING;
        n->str = bytes;
        n->len = len;
    } else if (v->is_bool) {
        n->kind = N_BOOL;
        n->num = v->i != 0;
    } else {
        sema_become_number(n, v->i < 0 ? 0 - (uint64_t)v->i : (uint64_t)v->i, v->i < 0);
    }
    n->ty = NULL;
}

static bool resolve(struct sema *s, struct node *comptime, struct ct_val *v) {
    if (!sema_expr(s, comptime->a))
        return false;
    if (sema_ct_eval(s, comptime->a, v))
        return true;
    sema_error(s, &comptime->loc, E_TYPE, "Unable to resolve comptime expression");
    return false;
}

const struct type *sema_comptime(struct sema *s, struct node *n) {
    struct ct_val v;
    if (!resolve(s, n, &v))
        return NULL;
    if (!s->report)
        return n->a->ty;
    struct node *inner = n->a;
    n->a = NULL;
    ast_become(n, inner);
    become_literal(n, &v);
    return sema_expr(s, n);
}

/* -1 when the condition is not known (reported), else whether it holds;
 * any string is true. */
static int condition(struct sema *s, struct node *comptime) {
    struct ct_val v;
    if (!resolve(s, comptime, &v))
        return -1;
    return v.kind != CT_INT || v.i != 0;
}

void sema_comptime_if(struct sema *s, struct node *n) {
    int yes = condition(s, n->a);
    if (yes < 0)
        return;
    struct node *taken = yes ? n->b : n->c;
    if (!s->report) {
        if (taken)
            sema_stmt(s, taken);
        return;
    }
    /* a block holding only the branch taken (its node stays where it was
     * for the variables it declared on the first walk) */
    *(yes ? &n->b : &n->c) = NULL;
    ast_free(n->a);
    ast_free(n->b);
    ast_free(n->c);
    n->a = taken;
    n->b = n->c = NULL;
    n->kind = N_BLOCK;
    sema_stmt(s, n);
}

const struct type *sema_comptime_ternary(struct sema *s, struct node *n) {
    int yes = condition(s, n->a);
    if (yes < 0)
        return NULL;
    if (yes && !n->b) /* comptime c ?: d */
        return sema_comptime(s, n->a);
    struct node *taken = yes ? n->b : n->c;
    if (!s->report)
        return sema_expr(s, taken);
    *(yes ? &n->b : &n->c) = NULL;
    ast_free(n->a);
    ast_free(n->b);
    ast_free(n->c);
    n->a = n->c = NULL;
    n->b = taken;
    n->kind = N_BLOCK_EXPR;
    return sema_expr(s, n);
}

/* ---- literals folded where bpftrace folds them ---- */

bool sema_fold_compare(struct sema *s, struct node *n, const struct type **t) {
    struct ct_val v;
    if (!sema_ct_is_compare(n->op) || !sema_ct_eval(s, n, &v))
        return false;
    if (s->report)
        become_literal(n, &v);
    *t = &type_bool;
    return true;
}

/* typeinfo(x).base_type, (a = 1).a: the field's literal. */
bool sema_fold_field(struct sema *s, struct node *n, const struct type **t) {
    struct ct_val v;
    if ((n->a->kind != N_RECORD && n->a->kind != N_TYPEINFO) || !sema_ct_eval(s, n, &v) ||
        v.kind == CT_REC)
        return false;
    if (!s->report) {
        *t = v.kind == CT_STR ? type_string(s->types, (uint32_t)v.len + 1) : &type_s64;
        return true;
    }
    become_literal(n, &v);
    *t = sema_expr(s, n);
    return true;
}

/* "u"[0]: the byte, a signed char. */
bool sema_fold_str_index(struct sema *s, struct node *n, const struct type **t) {
    struct ct_val v;
    if (n->a->kind != N_STRING || !sema_ct_eval(s, n, &v))
        return false;
    if (s->report)
        become_literal(n, &v);
    *t = &type_s8;
    return true;
}

/* is_literal(x): whether x is a literal or folds into one. x is not
 * checked, as bpftrace does not check it: is_literal(nosuchname) is false. */
const struct type *sema_check_is_literal(struct sema *s, struct node *call, int nargs) {
    (void)nargs;
    struct node *x = call->a;
    if (x->kind == N_POSITIONAL || x->kind == N_POSITIONAL_COUNT)
        sema_positional(s, x);
    struct ct_val v;
    /* str("a") and str($1) are literals too, as in bpftrace */
    bool literal = sema_string_literal(s, x) || sema_ct_eval(s, x, &v);
    if (s->report) {
        ast_become_int(call, literal);
        call->kind = N_BOOL;
    }
    return &type_bool;
}
