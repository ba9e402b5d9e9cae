/* Which aggregation maps to fuse (cg_fuse.h). Conservative: a map is a
 * member only when its one use in the whole script is a statement
 *   @m[KEY] = count() | sum(v) | min(v) | max(v) | avg(v) | stats(v)
 * at the top level of a probe block (not inside if, loops or unroll),
 * with no map declaration; its members share the block and a KEY made
 * only of values that stay the same within one run of the probe (pid,
 * tid, cpu, comm, uid, gid, literals, tuples of these), written alike,
 * with identical key types. Nothing from the first member's statement to
 * the last may end the block (return, exit()), so every key the first
 * inserts is written by all. Blocks long enough to be split into
 * subprograms or a chain, and providers whose programs may nest, are left
 * alone. Any other use of a map (a read, print, clear, delete, len,
 * has_key, for) keeps it a map of its own. */
#include <stdlib.h>
#include <string.h>

#include "codegen/cg_fuse.h"

static void count_uses(const struct node *n, int nmaps, int *uses) {
    for (; n; n = n->next) {
        if (n->kind == N_MAP && n->sym >= 0 && n->sym < nmaps)
            uses[n->sym]++;
        count_uses(n->a, nmaps, uses);
        count_uses(n->b, nmaps, uses);
        count_uses(n->c, nmaps, uses);
        count_uses(n->d, nmaps, uses);
    }
}

static bool invariant(const struct node *n) {
    switch (n->kind) {
    case N_INT:
    case N_STRING:
    case N_BOOL:
        return true;
    case N_IDENT:
        return n->sym == B_PID || n->sym == B_TID || n->sym == B_CPU || n->sym == B_COMM ||
               n->sym == B_UID || n->sym == B_GID;
    case N_TUPLE:
        for (const struct node *e = n->a; e; e = e->next)
            if (!invariant(e))
                return false;
        return true;
    default:
        return false;
    }
}

static bool same_list(const struct node *a, const struct node *b);

static bool same_expr(const struct node *a, const struct node *b) {
    if (a->kind != b->kind || a->op != b->op || a->num != b->num || a->sym != b->sym ||
        a->len != b->len || !a->str != !b->str ||
        (a->str && (memcmp(a->str, b->str, a->len) || strcmp(a->str, b->str))))
        return false;
    return same_list(a->a, b->a) && same_list(a->b, b->b) && same_list(a->c, b->c) &&
           same_list(a->d, b->d);
}

static bool same_list(const struct node *a, const struct node *b) {
    for (; a && b; a = a->next, b = b->next)
        if (!same_expr(a, b))
            return false;
    return !a && !b;
}

/* Whether anything in the list can end the block early. */
static bool stops(const struct node *n) {
    for (; n; n = n->next)
        if (n->kind == N_RETURN || (n->kind == N_CALL && n->sym == F_EXIT) || stops(n->a) ||
            stops(n->b) || stops(n->c) || stops(n->d))
            return true;
    return false;
}

/* The map statement s writes as a member, or -1. */
static int member(const struct node *s, const struct sema_out *so, const int *uses) {
    if (s->kind != N_ASSIGN || s->a->kind != N_MAP || !s->a->a || !s->b || s->b->kind != N_CALL)
        return -1;
    int m = s->a->sym;
    if (m < 0 || m >= so->nmaps || uses[m] != 1)
        return -1;
    const struct sema_map *sm = &so->maps[m];
    enum func f = (enum func)s->b->sym;
    bool agg = f == F_COUNT || f == F_SUM || f == F_MIN || f == F_MAX || f == F_AVG || f == F_STATS;
    if (!agg || sm->decl != MAP_DECL_NONE || !sm->key_ty || !sm->val_ty ||
        sm->val_ty->kind != T_AGG)
        return -1;
    for (const struct node *k = s->a->a; k; k = k->next)
        if (!invariant(k))
            return -1;
    return m;
}

/* Whether the probe's block may take members: its programs never nest
 * and it stays one function. */
/* Statement t's map when it joins the members keyed as first's, or -1. */
static int joins(const struct node *first, const struct node *t, const struct sema_out *so,
                 const int *uses, const struct cg_fuse *f) {
    int o = member(t, so, uses);
    if (o < 0 || f->group[o] >= 0 || !same_list(first->a->a, t->a->a) ||
        !type_equal(so->maps[first->a->sym].key_ty, so->maps[o].key_ty))
        return -1;
    return o;
}

static bool block_ok(const struct node *probe, const struct sema_out *so) {
    if (!probe->c || cg_chunk_long(probe->c))
        return false;
    for (int u = 0; u < so->nunits; u++)
        if (so->units[u].probe == probe && so->units[u].prov->may_nest)
            return false;
    return true;
}

static int add_group(struct cg_fuse *f, const struct node *probe, const struct node *first) {
    struct cg_fuse_group *g = realloc(f->groups, (size_t)(f->ngroups + 1) * sizeof(*g));
    if (!g)
        return -1;
    f->groups = g;
    g[f->ngroups] = (struct cg_fuse_group){.probe = probe, .first = first, .map = -1};
    return f->ngroups++;
}

/* Groups the members of one block by key, first member first. */
static int plan_block(const struct node *probe, const struct sema_out *so, const int *uses,
                      struct cg_fuse *f) {
    for (const struct node *s = probe->c->a; s; s = s->next) {
        int m = member(s, so, uses);
        if (m < 0 || f->group[m] >= 0)
            continue;
        const struct node *last = s;
        int n = 1;
        for (const struct node *t = s->next; t; t = t->next) {
            if (joins(s, t, so, uses, f) >= 0) {
                last = t;
                n++;
            }
        }
        bool early_end = false;
        for (const struct node *t = s; t != last->next; t = t->next)
            early_end |=
                stops(t->a) || stops(t->b) || stops(t->c) || stops(t->d) || t->kind == N_RETURN;
        if (n < 2 || early_end)
            continue;
        int g = add_group(f, probe, s);
        if (g < 0)
            return -1;
        f->group[m] = g;
        for (const struct node *t = s->next; t != last->next; t = t->next) {
            int o = joins(s, t, so, uses, f);
            if (o >= 0)
                f->group[o] = g;
        }
    }
    return 0;
}

int cg_fuse_plan(const struct node *program, const struct sema_out *so, struct cg_fuse *f) {
    memset(f, 0, sizeof(*f));
    int n = so->nmaps;
    int *uses = calloc((size_t)n + 1, sizeof(int));
    f->group = malloc(((size_t)n + 1) * sizeof(int));
    f->off = calloc((size_t)n + 1, sizeof(uint32_t));
    if (!uses || !f->group || !f->off) {
        free(uses);
        return -1;
    }
    for (int i = 0; i < n; i++)
        f->group[i] = -1;
    if (program)
        count_uses(program, n, uses);
    int rc = 0;
    for (const struct node *p = program ? program->a : NULL; p && rc == 0; p = p->next)
        if (p->kind == N_PROBE && block_ok(p, so))
            rc = plan_block(p, so, uses, f);
    free(uses);
    return rc;
}

void cg_fuse_free(struct cg_fuse *f) {
    free(f->group);
    free(f->off);
    free(f->groups);
    memset(f, 0, sizeof(*f));
}
