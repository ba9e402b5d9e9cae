/* print(@m) and the map dump at exit. */
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "rows.h"

static void print_one(const struct out_sink *o, const struct manifest *m, const struct map_desc *d,
                      uint64_t top, uint64_t div, bool empty_scalar) {
    struct out_entries e;
    int err = out_map_read(d, &e);
    if (err) {
        fprintf(stderr, "Error printing map: %s: %s\n", d->name, strerror(-err));
        out_entries_free(&e);
        return;
    }
    struct out_rows r = {0};
    out_rows_build(d, &e, &r);
    out_rows_sort(m, d, &r);
    o->ops->map(o, m, d, &r, top, div, empty_scalar);
    out_rows_free(&r);
    out_entries_free(&e);
}

void out_print_map(const struct out_sink *o, const struct manifest *m, const struct map_desc *map,
                   uint64_t top, uint64_t div) {
    print_one(o, m, map, top, div, true);
}

static int cmp_name(const void *a, const void *b) {
    const struct map_desc *x = *(const struct map_desc *const *)a;
    const struct map_desc *y = *(const struct map_desc *const *)b;
    return strcmp(x->name, y->name);
}

const struct map_desc **out_user_maps(const struct manifest *m, int *n) {
    const struct map_desc **v = calloc((size_t)m->nmaps + 1, sizeof(*v));
    if (!v)
        abort();
    *n = 0;
    for (int i = 0; i < m->nmaps; i++)
        if (m->maps[i].is_user)
            v[(*n)++] = &m->maps[i];
    qsort(v, (size_t)*n, sizeof(*v), cmp_name);
    return v;
}

void out_print_all_maps(const struct out_sink *o, const struct manifest *m) {
    o->ops->end(o);
    int n;
    const struct map_desc **v = out_user_maps(m, &n);
    for (int i = 0; i < n; i++)
        print_one(o, m, v[i], 0, 0, false);
    free(v);
}
