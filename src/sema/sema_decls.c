/* Map declarations: "let @m = lruhash(100);" chooses a map's BPF type and
 * size. Hash kinds hold plain values, per-CPU kinds aggregations. */
#include <string.h>

#include "sema/sema_impl.h"

static const char *const decl_names[] = {
    [MAP_DECL_HASH] = "hash",
    [MAP_DECL_LRUHASH] = "lruhash",
    [MAP_DECL_PERCPUHASH] = "percpuhash",
    [MAP_DECL_PERCPULRUHASH] = "percpulruhash",
};

static enum map_decl_kind decl_kind(const char *name) {
    for (int k = MAP_DECL_HASH; k <= MAP_DECL_PERCPULRUHASH; k++)
        if (strcmp(decl_names[k], name) == 0)
            return (enum map_decl_kind)k;
    return MAP_DECL_NONE;
}

static bool decl_percpu(enum map_decl_kind k) {
    return k == MAP_DECL_PERCPUHASH || k == MAP_DECL_PERCPULRUHASH;
}

void sema_map_decls(struct sema *s, struct node *program) {
    s->decls = program ? program->d : NULL;
    for (const struct node *n = s->decls; n; n = n->next) {
        if (n->kind != N_MAP_DECL || decl_kind(n->str) != MAP_DECL_NONE)
            continue;
        diag_error(s->d, &n->loc, E_TYPE, "Invalid bpf map type: %s", n->str);
        fputs("HINT: Valid map types: percpulruhash, percpuhash, lruhash, hash\n", s->d->out);
    }
}

/* The first declaration of name, or NULL. */
static const struct node *decl_of(const struct sema *s, const char *name) {
    for (const struct node *n = s->decls; n; n = n->next)
        if (n->kind == N_MAP_DECL && strcmp(n->a->str, name) == 0)
            return n;
    return NULL;
}

void sema_map_decl_apply(struct sema *s, struct sema_map *m) {
    const struct node *n = decl_of(s, m->name);
    if (!n)
        return;
    m->decl = decl_kind(n->str);
    m->decl_max_entries = (uint32_t)n->num;
}

static int map_named(const struct sema *s, const char *name) {
    for (int i = 0; i < s->out->nmaps; i++)
        if (strcmp(s->out->maps[i].name, name) == 0)
            return i;
    return -1;
}

void sema_map_decls_check(struct sema *s) {
    for (const struct node *n = s->decls; n; n = n->next)
        if (n->kind == N_MAP_DECL && decl_of(s, n->a->str) == n && map_named(s, n->a->str) < 0)
            diag_warning(s->d, &n->loc, "Unused map: %s", n->a->str);
    for (int i = 0; i < s->out->nmaps; i++) {
        const struct sema_map *m = &s->out->maps[i];
        if (m->decl == MAP_DECL_NONE || !m->val_ty)
            continue;
        bool agg = m->val_ty->kind == T_AGG;
        /* underline the map's name, not its keys; keep the file and
         * expansion the use is in */
        struct loc l = m->loc;
        l.last_line = l.first_line;
        l.last_column = l.first_column + (int)strlen(m->name);
        if (agg != decl_percpu(m->decl))
            diag_error(s->d, &l, E_TYPE,
                       "Incompatible map types. Type from declaration: %s. Type from value/key "
                       "type: %s",
                       decl_names[m->decl], agg ? "percpuhash" : "hash");
    }
}
