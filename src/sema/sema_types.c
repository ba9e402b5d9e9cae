/* Type predicates and the rules for storing values in maps and variables. */
#include <stdlib.h>

#include "sema/sema_impl.h"

bool sema_is_int(const struct type *t) {
    return t && (t->kind == T_INT || t->kind == T_BOOL);
}

bool sema_is_str(const struct type *t) {
    return t && t->kind == T_STRING;
}

const struct type *sema_storage_type(struct sema *s, const struct type *t) {
    if (!t)
        return NULL;
    if (t->kind == T_INT && t->enum_def) /* enums keep their names when widened */
        return t->size == 8 ? t : type_enum(s->types, 8, t->is_signed, t->enum_def);
    if (t->kind == T_INT && !t->is_ptr)
        return type_int(8, t->is_signed);
    return t; /* tuples keep their elements' own widths */
}

/* The smallest signed type holding v, as bpftrace types integer literals. */
static const struct type *literal_type(int64_t v) {
    if (v >= INT8_MIN && v <= INT8_MAX)
        return &type_s8;
    if (v >= INT16_MIN && v <= INT16_MAX)
        return &type_s16;
    if (v >= INT32_MIN && v <= INT32_MAX)
        return &type_s32;
    return &type_s64;
}

const struct type *sema_natural_type(struct sema *s, const struct node *n) {
    const struct type *t = n->ty;
    int64_t v;
    if (!t || t->kind != T_INT || t->is_ptr || t->enum_def)
        return t;
    if (n->kind == N_INT && t->size < 8) /* sizeof's or offsetof's (sema_sizeof_type.c) */
        return t;
    if (n->kind == N_INT && n->num > INT64_MAX)
        return &type_u64;
    if (sema_const_int(n, &v)) /* literals, folded ones too */
        return literal_type(v);
    if (n->kind == N_VAR && n->sym >= 0 && n->sym < s->pv->n && s->pv->vars[n->sym].int_ty)
        return s->pv->vars[n->sym].int_ty;
    if (n->kind == N_BLOCK_EXPR && n->b)
        return sema_natural_type(s, n->b);
    if (n->kind == N_MAP && n->sym >= 0 && n->sym < s->out->nmaps && s->out->maps[n->sym].int_ty &&
        s->out->maps[n->sym].val_ty && s->out->maps[n->sym].val_ty->kind == T_INT)
        return s->out->maps[n->sym].int_ty;
    return t;
}

const struct type *sema_element_type(struct sema *s, const struct node *n) {
    const struct type *t = sema_natural_type(s, n);
    if (t && t->kind == T_INT && !t->is_ptr && !t->enum_def)
        return t;
    return sema_storage_type(s, t);
}

bool sema_nonneg_literal(const struct node *n) {
    int64_t v;
    return n->ty && n->ty->kind == T_INT && n->ty->size == 8 && !n->ty->enum_def &&
           !n->ty->is_ptr && sema_fold_int(n, &v) && v >= 0;
}

const struct type *sema_int_join(const struct type *have, bool *have_lit, const struct type *t,
                                 bool t_lit) {
    if (!have) {
        *have_lit = t_lit;
        return t;
    }
    bool lit = *have_lit;
    *have_lit = lit && t_lit;
    if (lit && t_lit)
        return sema_int_upcast(have, t);
    if (lit && have->is_signed && !t->is_signed && have->size <= t->size)
        return t;
    if (t_lit && t->is_signed && !have->is_signed && t->size <= have->size)
        return have;
    return sema_int_upcast(have, t);
}

const struct type *sema_signed_storage(const struct type *stored, const struct type *natural) {
    bool plain_u64 = stored && stored->kind == T_INT && !stored->is_ptr && !stored->enum_def &&
                     !stored->is_signed && stored->size == 8;
    return plain_u64 && natural && natural->is_signed ? &type_s64 : stored;
}

const struct type *sema_int_upcast(const struct type *a, const struct type *b) {
    if (a->is_signed == b->is_signed)
        return b->size > a->size ? b : a;
    const struct type *sgn = a->is_signed ? a : b, *uns = a->is_signed ? b : a;
    if (sgn->size > uns->size)
        return sgn;
    /* 64-bit values of both signs: the first one's sign wins (a widened
     * literal must not turn a uint64 negative) */
    if (uns->size == 8)
        return a;
    return type_int(uns->size * 2, true);
}

static const struct type *unify_tuple(struct sema *s, const struct type *have,
                                      const struct type *got) {
    if (have->nfields != got->nfields)
        return NULL;
    const struct type **elems = calloc(have->nfields ? have->nfields : 1, sizeof(*elems));
    bool changed = false;
    const struct type *r = have;
    for (int i = 0; i < have->nfields && r; i++) {
        elems[i] = sema_unify(s, have->fields[i].ty, got->fields[i].ty);
        if (!elems[i])
            r = NULL;
        else
            changed |= elems[i] != have->fields[i].ty;
    }
    if (r && changed)
        r = type_tuple(s->types, have->nfields, elems);
    free(elems);
    return r;
}

/* Named tuples are the same type when their names are: (a=1, b=2) and
 * (b=3, a=4) hold each other's values, laid out as the first one was. */
static const struct type *unify_named(struct sema *s, const struct type *have,
                                      const struct type *got) {
    if (have->nfields != got->nfields)
        return NULL;
    int n = have->nfields;
    const struct type **elems = calloc(n ? n : 1, sizeof(*elems));
    const char **names = calloc(n ? n : 1, sizeof(*names));
    const struct type *r = have;
    bool changed = false;
    for (int i = 0; i < n && r; i++) {
        uint32_t off;
        const struct type_field *g = type_field_find(got, have->fields[i].name, &off);
        elems[i] = g ? sema_unify(s, have->fields[i].ty, g->ty) : NULL;
        names[i] = have->fields[i].name;
        if (!elems[i])
            r = NULL;
        else
            changed |= elems[i] != have->fields[i].ty;
    }
    if (r && changed)
        r = type_named_tuple(s->types, n, elems, names);
    free(elems);
    free(names);
    return r;
}

const struct type *sema_unify(struct sema *s, const struct type *have, const struct type *got) {
    if (!have || !got)
        return have ? have : got;
    if (have->kind != got->kind)
        return NULL;
    switch (have->kind) {
    case T_INT:
        /* Pointers and integers do not mix; any two integers do, in the
         * type that holds both. */
        if (have->is_ptr != got->is_ptr)
            return NULL;
        return have->is_ptr || have->enum_def || got->enum_def ? have : sema_int_upcast(have, got);
    case T_STRING:
    case T_BUF:
        return got->size > have->size ? got : have;
    case T_TUPLE:
        return unify_tuple(s, have, got);
    case T_AGG:
        return have->agg == got->agg ? have : NULL;
    case T_RECORD:
        if (!have->tag && !got->tag)
            return unify_named(s, have, got);
        return type_equal(have, got) ? have : NULL;
    case T_ARRAY:
    case T_STACK:
    case T_TEXT:
        return type_equal(have, got) ? have : NULL;
    case T_VOID:
    case T_NONE:
        return NULL;
    default:
        return have;
    }
}
