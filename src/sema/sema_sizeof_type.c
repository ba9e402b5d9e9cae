/* The type of a sizeof or offsetof value. bpftrace gives one the smallest
 * unsigned type while it resolves types, and a map or variable assigned it
 * keeps that type: `@m = sizeof(int32); @m = -1` makes @m an int16 that
 * prints -1, and `sizeof(int32) - 10` is -6. A sizeof of a map whose type
 * comes from that very sizeof (`@m = sizeof(@m)`, or a cycle through other
 * maps) resolves only in bpftrace's second round, after the first put the
 * uint8 in the map; the literal's int8 then joins it, and the map is an
 * int16 (sizeof 2). A value past 255 has its literal's type, as the
 * literal bpftrace folds it into has (a tuple holds it whole). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sema/sema_impl.h"

static struct sizeof_edge *edge_find(struct sema *s, const char *target, const char *operand) {
    for (int i = 0; i < s->nsizeof_edges; i++)
        if (strcmp(s->sizeof_edges[i].target, target) == 0 &&
            strcmp(s->sizeof_edges[i].operand, operand) == 0)
            return &s->sizeof_edges[i];
    return NULL;
}

static void edge_add(struct sema *s, const char *target, const char *operand, bool deferred) {
    s->sizeof_edges =
        realloc(s->sizeof_edges, sizeof(*s->sizeof_edges) * (size_t)(s->nsizeof_edges + 1));
    if (!s->sizeof_edges)
        abort();
    struct sizeof_edge *e = &s->sizeof_edges[s->nsizeof_edges++];
    e->target = strdup(target);
    e->operand = strdup(operand);
    e->deferred = deferred;
    if (!e->target || !e->operand)
        abort();
}

/* Whether from's type depends on to's through sizeof edges, over a path
 * that holds a deferred edge (or deferred already is set); steps bounds
 * the search by the number of edges. */
static bool reaches(const struct sema *s, const char *from, const char *to, bool deferred,
                    int steps) {
    if (steps < 0)
        return false;
    for (int i = 0; i < s->nsizeof_edges; i++) {
        const struct sizeof_edge *e = &s->sizeof_edges[i];
        if (strcmp(e->target, from) != 0)
            continue;
        bool d = deferred || e->deferred;
        if ((strcmp(e->operand, to) == 0 && d) || reaches(s, e->operand, to, d, steps - 1))
            return true;
    }
    return false;
}

const struct type *sema_sizeof_type(struct sema *s, const struct node *operand) {
    if (operand->kind != N_MAP || !s->assign_target)
        return &type_u8;
    const char *target = s->assign_target;
    struct sizeof_edge *e = edge_find(s, target, operand->str);
    if (!e && !s->report)
        edge_add(s, target, operand->str, !sema_map_typed(s, operand->str));
    e = edge_find(s, target, operand->str);
    if (!e)
        return &type_u8;
    bool cycle = strcmp(operand->str, target) == 0
                     ? e->deferred
                     : reaches(s, operand->str, target, e->deferred, s->nsizeof_edges);
    return cycle ? &type_s16 : &type_u8;
}

const struct type *sema_sizeof_fit(const struct type *ty, uint64_t v) {
    if (v <= UINT8_MAX)
        return ty;
    return v <= INT16_MAX ? &type_s16 : v <= INT32_MAX ? &type_s32 : &type_s64;
}

void sema_sizeof_edges_free(struct sema *s) {
    for (int i = 0; i < s->nsizeof_edges; i++) {
        free(s->sizeof_edges[i].target);
        free(s->sizeof_edges[i].operand);
    }
    free(s->sizeof_edges);
}
