/* struct, union and enum specifiers: their bodies, registered by tag. */
#include <stdlib.h>
#include <string.h>

#include "ctypes/cparse.h"
#include "ctypes/layout.h"

struct members {
    struct ct_member *m;
    int n, cap;
};

static void add_member(struct members *ms, struct ct_member m) {
    if (ms->n == ms->cap) {
        ms->cap = ms->cap ? ms->cap * 2 : 16;
        ms->m = realloc(ms->m, ms->cap * sizeof(*ms->m));
        if (!ms->m)
            abort();
    }
    ms->m[ms->n++] = m;
}

/* The script's definitions redefine a record the kernel's BTF has and the
 * program uses: bpftrace's BTF header then clashes with them. */
static bool redefines_btf(struct cparser *p) {
    const struct ct_table *tags = &p->c->script_tags;
    for (size_t i = 0; i < tags->cap; i++)
        if (tags->slots[i].key && ct_table_get(&p->c->used, tags->slots[i].key) &&
            ct_btf_has(p->c, tags->slots[i].key))
            return true;
    return false;
}

/* The record tag's full definition; not BTF's once the script redefines
 * a kernel type (bpftrace then gives clang no BTF types at all). */
static const struct type *complete_record(struct cparser *p, const struct type *t) {
    struct ct_sym *e = ct_table_get(&p->c->types, t->tag);
    if (p->c->defs_line && !(e && e->ty) && redefines_btf(p))
        return NULL;
    return ctypes_complete(p->c, t);
}

/* The tag token of the specifiers that start at token pos ("struct x"). */
static const struct ctok *spec_tag(const struct cparser *p, int pos) {
    for (int i = pos; i < p->pos; i++)
        if ((cp_tok_is(&p->toks[i], "struct") || cp_tok_is(&p->toks[i], "union")) &&
            p->toks[i + 1].kind == CT_IDENT)
            return &p->toks[i + 1];
    return &p->toks[pos];
}

/* A script's field of a type it never defines: clang's error and note. */
static void *incomplete_field(struct cparser *p, const struct type *t, const struct ctok *name,
                              int spec_pos) {
    if (!p->c->defs_line || !p->d)
        return cp_fail(p, "field has incomplete type '%s'", t->tag);
    const struct ctok *fwd = spec_tag(p, spec_pos);
    int line = p->c->defs_line - 1;
    diag_clang(p->d, line + name->line, name->col, "error", "field has incomplete type '%s'",
               t->tag);
    diag_clang(p->d, line + fwd->line, fwd->col, "note", "forward declaration of '%s'", t->tag);
    p->failed = true;
    p->nreported++;
    return NULL;
}

/* A field's type must be complete: a forward record is looked up by tag.
 * name is the declarator's token, spec_pos where its specifiers start. */
static const struct type *complete_field(struct cparser *p, const struct type *t,
                                         const struct ctok *name, int spec_pos) {
    if (t == &ct_func_type)
        return cp_fail(p, "field of function type");
    if (t->kind == T_VOID)
        return cp_fail(p, "field of type void");
    if (t->kind == T_RECORD && t->incomplete) {
        const struct type *full = complete_record(p, t);
        return full ? full : incomplete_field(p, t, name, spec_pos);
    }
    return t;
}

/* The token of the declarator's name, between token from and the current one. */
static const struct ctok *name_tok(const struct cparser *p, int from, const char *name) {
    for (int i = from; name && i < p->pos; i++)
        if (p->toks[i].kind == CT_IDENT && (size_t)p->toks[i].len == strlen(name) &&
            !strncmp(p->toks[i].s, name, strlen(name)))
            return &p->toks[i];
    return cp_tok(p);
}

static void member_declarator(struct cparser *p, const struct cspec *s, struct members *ms,
                              int spec_pos) {
    struct ct_member m = {.bits = -1};
    char *name = NULL;
    struct cspec attrs = *s; /* _Alignas and attributes among the specifiers count too */
    int decl_pos = p->pos;
    p->decl_attrs = &attrs;
    m.ty = cp_is(p, ":") ? s->ty : cp_declarator(p, s, &name, NULL);
    p->decl_attrs = NULL;
    if (m.ty && cp_accept(p, ":")) {
        int64_t bits = 0;
        if (cp_const_expr(p, &bits) && (bits < 0 || bits > 64))
            cp_fail(p, "bad bitfield width");
        m.bits = (int)bits;
    }
    cp_skip_attrs(p, &attrs);
    if (m.ty && !p->failed)
        m.ty = complete_field(p, m.ty, name_tok(p, decl_pos, name), spec_pos);
    m.name = name ? type_strdup(p->c->arena, name) : NULL;
    m.packed = attrs.packed;
    m.aligned = attrs.aligned;
    free(name);
    if (!p->failed)
        add_member(ms, m);
}

static void member_decl(struct cparser *p, struct members *ms) {
    if (cp_is(p, "_Static_assert") || cp_is(p, "static_assert")) {
        cp_next(p);
        cp_skip_group(p);
        cp_expect(p, ";");
        return;
    }
    struct cspec s = {0};
    int spec_pos = p->pos;
    if (!cp_specifiers(p, &s)) {
        cp_fail(p, "expected a field declaration");
        return;
    }
    if (cp_is(p, ";")) { /* an anonymous struct/union member */
        if (s.ty->kind == T_RECORD && !s.ty->tag)
            add_member(ms, (struct ct_member){.ty = s.ty, .bits = -1});
        cp_next(p);
        return;
    }
    do
        member_declarator(p, &s, ms, spec_pos);
    while (!p->failed && cp_accept(p, ","));
    /* clang only warns when the last member lacks its ';', and bpftrace
     * accepts such definitions */
    if (!p->failed && !cp_is(p, "}"))
        cp_expect(p, ";");
}

static char *tag_of(struct cparser *p, const char *kw) {
    if (cp_tok(p)->kind != CT_IDENT || cp_is(p, "__attribute__"))
        return NULL;
    char *id = cp_ident(p);
    size_t n = strlen(kw) + strlen(id) + 2;
    char *tag = malloc(n);
    if (!tag)
        abort();
    snprintf(tag, n, "%s %s", kw, id);
    free(id);
    cp_next(p);
    return tag;
}

static const struct type *record_body(struct cparser *p, const char *tag, bool is_union,
                                      struct cspec *s) {
    struct members ms = {0};
    p->body++;
    while (!p->failed && !cp_is(p, "}")) {
        if (cp_tok(p)->kind == CT_EOF) {
            cp_fail(p, "expected '}'");
            break;
        }
        if (!cp_accept(p, ";"))
            member_decl(p, &ms);
    }
    if (!p->failed)
        cp_next(p);
    struct cspec attrs = {0};
    cp_skip_attrs(p, &attrs);
    p->body--;
    const struct type *t = NULL;
    if (!p->failed) {
        uint32_t align;
        struct ct_layout lay = {.is_union = is_union,
                                .packed = s->packed || attrs.packed,
                                .aligned = attrs.aligned > s->aligned ? attrs.aligned : s->aligned};
        t = ct_layout(p->c, tag, &lay, ms.m, ms.n, &align);
        if (tag) {
            struct ct_sym *e = ct_table_put(&p->c->types, tag);
            e->ty = t;
            e->align = align;
        }
    }
    free(ms.m);
    return t;
}

const struct type *cp_record(struct cparser *p, struct cspec *s) {
    bool is_union = cp_is(p, "union");
    const char *kw = is_union ? "union" : "struct";
    cp_next(p);
    cp_skip_attrs(p, s);
    char *tag = tag_of(p, kw);
    cp_skip_attrs(p, s);
    const struct type *t;
    if (cp_accept(p, "{")) {
        if (tag && p->c->defs_line)
            ct_table_put(&p->c->script_tags, tag);
        if (++p->depth > 200)
            t = cp_fail(p, "nested too deeply");
        else
            t = record_body(p, tag, is_union, s);
        p->depth--;
    } else if (tag) {
        struct ct_sym *e = ct_table_get(&p->c->types, tag);
        t = e && e->ty ? e->ty : ct_forward(p->c, tag);
    } else {
        t = cp_fail(p, "expected '{'");
    }
    free(tag);
    return t;
}

/* GCC's choice of an enum's integer type from its values. */
static const struct type *enum_type(struct cparser *p, const struct enum_def *def) {
    int64_t lo = 0, hi = 0;
    for (int i = 0; i < def->n; i++) {
        lo = def->values[i] < lo ? def->values[i] : lo;
        hi = def->values[i] > hi ? def->values[i] : hi;
    }
    bool sign = lo < 0;
    bool fits4 = sign ? lo >= INT32_MIN && hi <= INT32_MAX : (uint64_t)hi <= UINT32_MAX;
    return type_enum(p->c->arena, fits4 ? 4 : 8, sign, def);
}

struct enum_build {
    const char **names;
    int64_t *values;
    int n, cap;
};

static void enumerator(struct cparser *p, struct enum_build *b, int64_t *next) {
    if (cp_tok(p)->kind != CT_IDENT) {
        cp_fail(p, "expected an enumerator");
        return;
    }
    char *name = cp_ident(p);
    cp_next(p);
    cp_skip_attrs(p, NULL);
    int64_t v = *next;
    if (cp_accept(p, "=") && !cp_const_expr(p, &v)) {
        free(name);
        return;
    }
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 16;
        b->names = realloc(b->names, b->cap * sizeof(*b->names));
        b->values = realloc(b->values, b->cap * sizeof(*b->values));
        if (!b->names || !b->values)
            abort();
    }
    b->names[b->n] = type_strdup(p->c->arena, name);
    b->values[b->n++] = v;
    /* visible to the next enumerators' expressions at once */
    struct ct_sym *e = ct_table_put(&p->c->enums, name);
    e->value = v;
    e->ty = &type_s32;
    *next = (int64_t)((uint64_t)v + 1);
    free(name);
}

static const struct type *enum_body(struct cparser *p, const char *tag) {
    struct enum_build b = {0};
    int64_t next = 0;
    p->body++;
    while (!p->failed && !cp_accept(p, "}")) {
        enumerator(p, &b, &next);
        if (!p->failed && !cp_accept(p, ",") && !cp_is(p, "}"))
            cp_fail(p, "expected ',' or '}'");
    }
    p->body--;
    const struct type *t = NULL;
    if (!p->failed) {
        struct enum_def *def = type_arena_alloc(p->c->arena, sizeof(*def));
        def->name = type_strdup(p->c->arena, tag);
        def->n = b.n;
        const char **names = type_arena_alloc(p->c->arena, sizeof(*names) * (b.n + 1));
        int64_t *values = type_arena_alloc(p->c->arena, sizeof(*values) * (b.n + 1));
        memcpy(names, b.names, sizeof(*names) * b.n);
        memcpy(values, b.values, sizeof(*values) * b.n);
        def->names = names;
        def->values = values;
        t = enum_type(p, def);
        for (int i = 0; i < b.n; i++)
            ct_table_put(&p->c->enums, b.names[i])->ty = t;
        if (tag)
            ct_table_put(&p->c->types, tag)->ty = t;
    }
    free(b.names);
    free(b.values);
    return t;
}

const struct type *cp_enum(struct cparser *p, struct cspec *s) {
    cp_next(p);
    cp_skip_attrs(p, s);
    char *tag = tag_of(p, "enum");
    cp_skip_attrs(p, s);
    if (cp_accept(p, ":")) { /* C23 fixed underlying type: only the values matter here */
        struct cspec u = {0};
        cp_specifiers(p, &u);
    }
    const struct type *t;
    if (cp_accept(p, "{")) {
        t = enum_body(p, tag);
    } else if (tag) {
        t = ct_lookup_name(p->c, tag);
        if (!t)
            t = type_enum(p->c->arena, 4, false, NULL); /* a forward enum: int-sized */
    } else {
        t = cp_fail(p, "expected '{'");
    }
    free(tag);
    return t;
}
