/* Declaration specifiers and declarators: "unsigned long", "struct x *(*f)[3]". */
#include <stdlib.h>
#include <string.h>

#include "ctypes/cparse.h"

#define MAX_DEPTH 200

const struct type ct_func_type = {.kind = T_NONE};

/* Keywords that change nothing about a type's layout. */
static bool is_ignored_kw(const struct cparser *p) {
    static const char *const kws[] = {
        "const",      "volatile",   "restrict",      "__restrict",    "__restrict__",
        "__const",    "__volatile", "__volatile__",  "inline",        "__inline",
        "__inline__", "_Noreturn",  "extern",        "static",        "register",
        "auto",       "__thread",   "_Thread_local", "__extension__", "_Atomic",
        "__signed__", "__signed",   "__unaligned",   "__user",        "__kernel",
        "__seg_gs",   "__seg_fs",   "__iomem",       "__percpu",      "__rcu",
        "__force",    "noreturn"};
    for (size_t i = 0; i < sizeof(kws) / sizeof(kws[0]); i++)
        if (cp_is(p, kws[i]))
            return true;
    return false;
}

/* Counted base-type keywords. */
struct base_kw {
    int nlong, nshort, nsigned, nunsigned, nchar, nint, nvoid, nbool, nfloat, ndouble, n128;
    int nvalist, ncomplex;
};

static bool count_base_kw(struct cparser *p, struct base_kw *k) {
    static const struct {
        const char *kw;
        size_t off;
    } kws[] = {
        {"long", offsetof(struct base_kw, nlong)},
        {"short", offsetof(struct base_kw, nshort)},
        {"signed", offsetof(struct base_kw, nsigned)},
        {"__signed__", offsetof(struct base_kw, nsigned)},
        {"unsigned", offsetof(struct base_kw, nunsigned)},
        {"char", offsetof(struct base_kw, nchar)},
        {"int", offsetof(struct base_kw, nint)},
        {"void", offsetof(struct base_kw, nvoid)},
        {"_Bool", offsetof(struct base_kw, nbool)},
        {"float", offsetof(struct base_kw, nfloat)},
        {"double", offsetof(struct base_kw, ndouble)},
        {"__int128", offsetof(struct base_kw, n128)},
        {"__builtin_va_list", offsetof(struct base_kw, nvalist)},
        {"_Complex", offsetof(struct base_kw, ncomplex)},
        {"_Float128", offsetof(struct base_kw, n128)},
        {"__float128", offsetof(struct base_kw, n128)},
    };
    for (size_t i = 0; i < sizeof(kws) / sizeof(kws[0]); i++)
        if (cp_is(p, kws[i].kw)) {
            (*(int *)((char *)k + kws[i].off))++;
            cp_next(p);
            return true;
        }
    return false;
}

static bool any_base_kw(const struct base_kw *k) {
    return k->nlong || k->nshort || k->nsigned || k->nunsigned || k->nchar || k->nint || k->nvoid ||
           k->nbool || k->nfloat || k->ndouble || k->n128 || k->nvalist;
}

/* 16-byte scalars (__int128, long double): two u64 words, trawk has nothing wider. */
static const struct type *wide(struct cparser *p, uint32_t words) {
    return type_array(p->c->arena, &type_u64, words);
}

static const struct type *base_type(struct cparser *p, const struct base_kw *k, bool *plain_char) {
    bool sign = !k->nunsigned;
    *plain_char = false;
    if (k->nvoid)
        return &type_void;
    if (k->nbool)
        return &type_bool;
    if (k->nvalist)
        return wide(p, 3); /* x86_64: struct __va_list_tag[1], 24 bytes */
    if (k->n128 || (k->ndouble && k->nlong) || (k->ncomplex && k->ndouble))
        return wide(p, 2);
    if (k->ndouble || (k->nfloat && k->ncomplex))
        return type_float(8);
    if (k->nfloat)
        return type_float(4);
    if (k->nchar) {
        *plain_char = !k->nsigned && !k->nunsigned;
        return type_int(1, sign);
    }
    if (k->nshort)
        return type_int(2, sign);
    if (k->nlong)
        return type_int(8, sign);
    return type_int(4, sign);
}

/* Whether an identifier in specifier position names a type: a known
 * typedef, or one that is followed by what follows a type. */
static const struct type *typedef_name(struct cparser *p) {
    char *name = cp_ident(p);
    const struct ctok *next = cp_peek(p, 1);
    const struct type *ty = NULL;
    struct ct_sym *s = ct_table_get(&p->c->types, name);
    bool typelike = next->kind == CT_IDENT || cp_tok_is(next, "*") ||
                    (p->typename_mode && (next->kind == CT_EOF || cp_tok_is(next, "[") ||
                                          cp_tok_is(next, ")") || cp_tok_is(next, "(")));
    if (s && s->ty)
        ty = s->ty;
    else if (typelike && !strcmp(name, "bool"))
        ty = &type_bool; /* stdbool's (and C23's) bool, without asking BTF */
    else if (typelike)
        ty = ct_lookup_name(p->c, name);
    if (!ty && typelike)
        cp_fail(p, "unknown type name '%s'", name);
    free(name);
    return ty;
}

static bool is_typeof(const struct cparser *p) {
    return cp_is(p, "typeof") || cp_is(p, "__typeof__") || cp_is(p, "__typeof");
}

static const struct type *typeof_spec(struct cparser *p) {
    cp_next(p);
    if (!cp_expect(p, "("))
        return NULL;
    const struct type *t =
        cp_starts_type(p) ? cp_type_name(p) : cp_fail(p, "typeof of an expression");
    cp_expect(p, ")");
    return t;
}

/* _Atomic(T): the type in parentheses. */
static const struct type *atomic_spec(struct cparser *p) {
    cp_next(p);
    const struct type *t = cp_type_name(p);
    return cp_expect(p, ")") ? t : NULL;
}

bool cp_specifiers(struct cparser *p, struct cspec *s) {
    struct base_kw k = {0};
    const struct type *named = NULL;
    while (!p->failed && cp_tok(p)->kind == CT_IDENT) {
        if (cp_is(p, "typedef")) {
            s->is_typedef = true;
            cp_next(p);
        } else if (is_ignored_kw(p)) {
            cp_next(p);
            if (cp_is(p, "(") && named == NULL)
                named = atomic_spec(p);
        } else if (cp_is(p, "__attribute__") || cp_is(p, "__attribute") || cp_is(p, "_Alignas") ||
                   cp_is(p, "alignas") || cp_is(p, "__declspec")) {
            cp_skip_attrs(p, s);
        } else if (count_base_kw(p, &k)) {
        } else if (!named && !any_base_kw(&k) && (cp_is(p, "struct") || cp_is(p, "union"))) {
            named = cp_record(p, s);
        } else if (!named && !any_base_kw(&k) && cp_is(p, "enum")) {
            named = cp_enum(p, s);
        } else if (!named && !any_base_kw(&k) && is_typeof(p)) {
            named = typeof_spec(p);
        } else if (!named && !any_base_kw(&k)) {
            named = typedef_name(p);
            if (!named)
                break;
            cp_next(p);
        } else {
            break;
        }
    }
    if (p->failed)
        return false;
    if (named) {
        s->ty = named;
        return true;
    }
    if (!any_base_kw(&k) && !k.ncomplex)
        return false;
    s->ty = base_type(p, &k, &s->plain_char);
    return true;
}

bool cp_starts_type(struct cparser *p) {
    const struct ctok *t = cp_tok(p);
    if (t->kind != CT_IDENT)
        return false;
    struct base_kw k = {0};
    struct cparser q = *p;
    if (count_base_kw(&q, &k) || is_ignored_kw(p) || cp_is(p, "struct") || cp_is(p, "union") ||
        cp_is(p, "enum") || is_typeof(p))
        return true;
    char *name = cp_ident(p);
    struct ct_sym *s = ct_table_get(&p->c->types, name);
    bool known = s && s->ty;
    /* "(name)" followed by an operand is a cast; "(name)" at the end an expression */
    if (!known && cp_tok_is(cp_peek(p, 1), ")")) {
        const struct ctok *after = cp_peek(p, 2);
        if (after->kind == CT_NUM || after->kind == CT_IDENT || cp_tok_is(after, "(") ||
            cp_tok_is(after, "~") || cp_tok_is(after, "-"))
            known = ct_lookup_name(p->c, name) != NULL;
    }
    if (!known && cp_tok_is(cp_peek(p, 1), "*"))
        known = ct_lookup_name(p->c, name) != NULL;
    free(name);
    return known;
}

/* Derivations of a declarator, applied to the base type in order. */
enum dop_kind { D_PTR, D_ARRAY, D_FUNC };
struct dop {
    enum dop_kind k;
    uint32_t n;
};
struct dlist {
    struct dop *ops;
    int n, cap;
};

static void dl_push(struct dlist *l, enum dop_kind k, uint32_t n) {
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->ops = realloc(l->ops, l->cap * sizeof(*l->ops));
        if (!l->ops)
            abort();
    }
    l->ops[l->n++] = (struct dop){k, n};
}

static bool array_suffix(struct cparser *p, struct dlist *l) {
    cp_next(p);
    while (cp_is(p, "static") || is_ignored_kw(p))
        cp_next(p);
    int64_t n = 0;
    if (cp_accept(p, "]")) {
        dl_push(l, D_ARRAY, 0);
        return true;
    }
    if (cp_is(p, "*") && cp_tok_is(cp_peek(p, 1), "]"))
        cp_next(p);
    else if (!cp_const_expr(p, &n))
        return false;
    if (n < 0 || n > UINT32_MAX)
        return cp_fail(p, "bad array size"), false;
    dl_push(l, D_ARRAY, (uint32_t)n);
    return cp_expect(p, "]");
}

/* "(" starts a nested declarator unless it starts a parameter list. */
static bool nested_follows(struct cparser *p) {
    const struct ctok *t = cp_peek(p, 1);
    if (cp_tok_is(t, "*") || cp_tok_is(t, "(") || cp_tok_is(t, "[") || cp_tok_is(t, "^"))
        return true;
    if (t->kind != CT_IDENT)
        return false;
    struct cparser q = *p;
    cp_next(&q);
    return !cp_starts_type(&q) && !cp_tok_is(t, "__attribute__");
}

static bool declarator_ops(struct cparser *p, struct dlist *out, char **name) {
    if (++p->depth > MAX_DEPTH)
        return cp_fail(p, "declarator nested too deeply"), false;
    int nptr = 0;
    for (;;) {
        cp_skip_attrs(p, NULL);
        if (cp_accept(p, "*") || cp_accept(p, "^"))
            nptr++;
        else if (is_ignored_kw(p))
            cp_next(p);
        else
            break;
    }
    struct dlist inner = {0}, suffix = {0};
    bool ok = true;
    if (cp_is(p, "(") && nested_follows(p)) {
        cp_next(p);
        ok = declarator_ops(p, &inner, name) && cp_expect(p, ")");
    } else if (cp_tok(p)->kind == CT_IDENT && !is_ignored_kw(p) && !cp_is(p, "__attribute__")) {
        if (name && !*name)
            *name = cp_ident(p);
        cp_next(p);
    }
    cp_skip_attrs(p, p->decl_attrs);
    while (ok && (cp_is(p, "[") || cp_is(p, "("))) {
        if (cp_is(p, "("))
            cp_skip_group(p), dl_push(&suffix, D_FUNC, 0);
        else
            ok = array_suffix(p, &suffix);
    }
    for (int i = 0; i < nptr; i++)
        dl_push(out, D_PTR, 0);
    for (int i = suffix.n - 1; i >= 0; i--)
        dl_push(out, suffix.ops[i].k, suffix.ops[i].n);
    for (int i = 0; i < inner.n; i++)
        dl_push(out, inner.ops[i].k, inner.ops[i].n);
    free(inner.ops);
    free(suffix.ops);
    p->depth--;
    return ok && !p->failed;
}

/* The target of a pointer: records by tag (forward), functions as void. */
static const struct type *pointee(struct cparser *p, const struct type *t) {
    if (t == &ct_func_type || (t && t->kind == T_VOID))
        return NULL;
    if (t && t->kind == T_RECORD && t->tag)
        return ct_forward(p->c, t->tag);
    return t;
}

static const struct type *apply(struct cparser *p, const struct type *t, bool plain_char,
                                const struct dop *op) {
    switch (op->k) {
    case D_PTR:
        return type_ptr_to(p->c->arena, pointee(p, t), AS_KERNEL);
    case D_FUNC:
        return &ct_func_type;
    case D_ARRAY:
        if (t == &ct_func_type || t->kind == T_VOID)
            return cp_fail(p, "array of functions or void");
        if (t->kind == T_RECORD && t->incomplete) {
            const struct type *full = ctypes_complete(p->c, t);
            if (!full)
                return cp_fail(p, "array of incomplete type '%s'", t->tag);
            t = full;
        }
        if (plain_char)
            return type_string(p->c->arena, op->n);
        return type_array(p->c->arena, t, op->n);
    }
    return NULL;
}

const struct type *cp_declarator(struct cparser *p, const struct cspec *base, char **name,
                                 bool *is_func) {
    struct dlist l = {0};
    if (name)
        *name = NULL;
    const struct type *t = NULL;
    if (declarator_ops(p, &l, name)) {
        t = base->ty;
        for (int i = 0; i < l.n && t; i++)
            t = apply(p, t, base->plain_char && i == 0, &l.ops[i]);
    }
    if (is_func)
        *is_func = t == &ct_func_type;
    free(l.ops);
    return p->failed ? NULL : t;
}

const struct type *cp_type_name(struct cparser *p) {
    struct cspec s = {0};
    if (!cp_specifiers(p, &s))
        return p->failed ? NULL : cp_fail(p, "expected a type");
    return cp_declarator(p, &s, NULL, NULL);
}
