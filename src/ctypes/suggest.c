/* "Did you mean": the closest known name by edit distance. */
#include <stdlib.h>
#include <string.h>

#include "ctypes/ctypes_impl.h"

/* The edit distance of a and b, or more than bound as soon as every path
 * is past it: a long name asked about against every name in BTF must not
 * take seconds. */
int ct_distance(const char *a, const char *b, int bound) {
    size_t n = strlen(b);
    int *row = malloc((n + 1) * sizeof(*row));
    if (!row)
        abort();
    for (size_t j = 0; j <= n; j++)
        row[j] = (int)j;
    for (size_t i = 1; a[i - 1]; i++) {
        int diag = row[0];
        row[0] = (int)i;
        int row_min = row[0];
        for (size_t j = 1; j <= n; j++) {
            int up = row[j];
            int best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
            if (best < row_min)
                row_min = best;
        }
        if (row_min > bound) {
            free(row);
            return bound + 1;
        }
    }
    int d = row[n];
    free(row);
    return d;
}

struct best {
    const char *name; /* the name asked about */
    char *found;
    int dist;
};

/* Names further than a third of their length (at least 2 edits) are no typo. */
static void consider(void *ctx, const char *cand) {
    struct best *b = ctx;
    size_t len = strlen(b->name), clen = strlen(cand);
    size_t diff = len > clen ? len - clen : clen - len;
    int limit = (int)(len / 3) > 2 ? (int)(len / 3) : 2;
    if (b->dist - 1 < limit)
        limit = b->dist - 1;
    if ((int)diff > limit || !strcmp(cand, b->name))
        return;
    int d = ct_distance(b->name, cand, limit);
    if (d <= limit) {
        free(b->found);
        b->found = strdup(cand);
        b->dist = d;
    }
}

const char *ctypes_suggest(struct ctypes *c, const char *name) {
    struct best b = {.name = name, .dist = 1 << 30};
    for (size_t i = 0; i < c->types.cap; i++)
        if (c->types.slots[i].key && c->types.slots[i].ty)
            consider(&b, c->types.slots[i].key);
    ct_btf_each_name(c, consider, &b);
    if (!b.found)
        return NULL;
    const char *s = type_strdup(c->arena, b.found);
    free(b.found);
    return s;
}

static void fields_of(const struct type *r, struct best *b) {
    for (int i = 0; i < r->nfields; i++) {
        const struct type_field *f = &r->fields[i];
        if (f->name)
            consider(b, f->name);
        else if (f->ty && f->ty->kind == T_RECORD)
            fields_of(f->ty, b);
    }
}

const char *ctypes_suggest_field(const struct type *record, const char *name) {
    if (!record || record->kind != T_RECORD)
        return NULL;
    struct best b = {.name = name, .dist = 1 << 30};
    fields_of(record, &b);
    if (!b.found)
        return NULL;
    /* return the record's own copy of the name, which lives as long as it */
    uint32_t off;
    const struct type_field *f = type_field_find(record, b.found, &off);
    const char *found = f ? f->name : NULL;
    free(b.found);
    return found;
}
