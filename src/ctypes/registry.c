/* The registry: parsed definitions by name, then BTF, and the base types. */
#include <stdlib.h>
#include <string.h>

#include "ctypes/cparse.h"

struct ctypes *ctypes_new(struct type_arena *arena, const struct ctypes_opts *opts) {
    struct ctypes *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->arena = arena;
    if (opts) {
        c->btf_path = opts->btf_path ? strdup(opts->btf_path) : NULL;
        c->no_btf = opts->no_btf;
    }
    return c;
}

void ctypes_free(struct ctypes *c) {
    if (!c)
        return;
    ct_table_free(&c->types);
    ct_table_free(&c->enums);
    ct_table_free(&c->fwd);
    ct_table_free(&c->missing);
    ct_table_free(&c->script_tags);
    ct_table_free(&c->used);
    ct_btf_free(c->btf);
    free((char *)c->btf_path);
    free(c);
}

int ctypes_btf_loads(const struct ctypes *c) {
    return c->btf_loads;
}

const struct type *ct_forward(struct ctypes *c, const char *tag) {
    struct ct_sym *e = ct_table_put(&c->fwd, tag);
    if (!e->ty)
        e->ty = type_record_forward(c->arena, tag);
    return e->ty;
}

void ctypes_set_defs_line(struct ctypes *c, int line) {
    c->defs_line = line;
}

void ctypes_note_used(struct ctypes *c, const char *name) {
    ct_table_put(&c->used, name);
}

void ctypes_set_source(struct ctypes *c, ctypes_source_fn fn, void *ctx) {
    c->source = fn;
    c->source_ctx = ctx;
}

const struct type *ct_lookup_name(struct ctypes *c, const char *name) {
    struct ct_sym *e = ct_table_get(&c->types, name);
    if (e && e->ty)
        return e->ty;
    const struct type *src = c->source ? c->source(c->source_ctx, name) : NULL;
    if (src) {
        ct_table_put(&c->types, name)->ty = src; /* asked once */
        return src;
    }
    if (ct_table_get(&c->missing, name))
        return NULL;
    const struct type *t = ct_btf_lookup(c, name);
    if (!t)
        ct_table_put(&c->missing, name);
    return t;
}

const struct type *ctypes_complete(struct ctypes *c, const struct type *t) {
    if (!t || t->kind != T_RECORD || !t->incomplete)
        return t;
    if (!t->tag)
        return NULL;
    const struct type *full = ct_lookup_name(c, t->tag);
    return full && full->kind == T_RECORD && !full->incomplete ? full : NULL;
}

static bool is_ident(const char *s) {
    if (!*s || (*s >= '0' && *s <= '9'))
        return false;
    for (; *s; s++)
        if (!(*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
              (*s >= '0' && *s <= '9')))
            return false;
    return true;
}

/* "struct x", "union x", "enum x" with exactly one space, as the tables key them. */
static bool is_tag(const char *s) {
    static const char *const kws[] = {"struct ", "union ", "enum "};
    for (size_t i = 0; i < 3; i++)
        if (!strncmp(s, kws[i], strlen(kws[i])))
            return is_ident(s + strlen(kws[i]));
    return false;
}

static bool is_keyword(const char *s) {
    static const char *const kws[] = {"void",     "char",   "short", "int",    "long",     "signed",
                                      "unsigned", "_Bool",  "float", "double", "__int128", "const",
                                      "volatile", "struct", "union", "enum"};
    for (size_t i = 0; i < sizeof(kws) / sizeof(kws[0]); i++)
        if (!strcmp(s, kws[i]))
            return true;
    return false;
}

const struct type *ctypes_lookup(struct ctypes *c, const char *name) {
    if (!name)
        return NULL;
    if (is_tag(name) || (is_ident(name) && !is_keyword(name))) {
        struct ct_sym *e = ct_table_get(&c->types, name);
        if (!(e && e->ty) && !strcmp(name, "bool"))
            return &type_bool; /* without asking BTF, whose bool is _Bool too */
        const struct type *t = ct_lookup_name(c, name);
        if (t == &ct_func_type)
            return NULL; /* a function type names no value */
        const struct type *full = ctypes_complete(c, t);
        return full ? full : t;
    }
    char err[8];
    const struct type *t = ctypes_parse_typename(c, name, err, sizeof(err));
    return t && !t->is_ptr && t->kind != T_ARRAY ? t : NULL;
}

bool ctypes_enum_value(struct ctypes *c, const char *name, int64_t *value, const struct type **ty) {
    struct ct_sym *e = ct_table_get(&c->enums, name);
    if (e) {
        *value = e->value;
        if (ty)
            *ty = e->ty;
        return true;
    }
    return ct_btf_enum_value(c, name, value, ty);
}
