#include "map_ops.h"

#include <bpf/bpf.h>
#include <errno.h>
#include <stdlib.h>

#include "rows.h"

static bool is_array(const struct map_desc *d) {
    return d->bpf_type == BPF_MAP_TYPE_ARRAY || d->bpf_type == BPF_MAP_TYPE_PERCPU_ARRAY;
}

/* Keys are collected first: deleting while walking would restart the walk. */
static int each_key(const struct map_desc *d, bool del) {
    struct out_entries e;
    int err = out_map_read(d, &e);
    if (err) {
        out_entries_free(&e);
        return err;
    }
    void *zero = calloc((size_t)e.ncpus, e.val_stride);
    if (!zero)
        abort();
    for (size_t i = 0; i < e.n && !err; i++) {
        const uint8_t *key = e.keys + i * e.key_size;
        int rc = del ? bpf_map_delete_elem(d->fd, key)
                     : bpf_map_update_elem(d->fd, key, zero, BPF_EXIST);
        if (rc != 0 && errno != ENOENT)
            err = -errno;
    }
    free(zero);
    out_entries_free(&e);
    return err;
}

int out_map_clear(const struct map_desc *d) {
    return each_key(d, !is_array(d));
}

int out_map_zero(const struct map_desc *d) {
    return each_key(d, false);
}
