#include "map_ops.h"

#include <bpf/bpf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bigmem.h"
#include "rows.h"

static bool is_array(const struct map_desc *d) {
    return d->bpf_type == BPF_MAP_TYPE_ARRAY || d->bpf_type == BPF_MAP_TYPE_PERCPU_ARRAY;
}

/* One system call for the keys from *done on; stops at the first key
 * that fails (deleted meanwhile), which the caller then handles alone.
 * Returns false when the kernel refuses batches for the map. Batched
 * updates take no BPF_EXIST: a key deleted meanwhile comes back as zero. */
static bool batch(const struct map_desc *d, const struct out_entries *e, const uint8_t *vals,
                  bool del, size_t *done) {
    DECLARE_LIBBPF_OPTS(bpf_map_batch_opts, opts);
    uint32_t count = (uint32_t)(e->n - *done);
    const uint8_t *keys = e->keys + *done * e->key_size;
    int rc = del ? bpf_map_delete_batch(d->fd, keys, &count, NULL)
                 : bpf_map_update_batch(
                       d->fd, keys, vals + *done * (size_t)e->ncpus * e->val_stride, &count, &opts);
    /* only a key that failed on the way leaves a meaningful count */
    if (rc != 0 && errno != ENOENT)
        return false;
    *done += count <= e->n - *done ? count : 0;
    return true;
}

/* zero() keeps the buckets of a bucket array that are in use, as a hash
 * keeps its keys: the flag after the count, in the first CPU's copy. */
static void mark_in_use(const struct out_entries *e, uint8_t *vals) {
    size_t vsize = (size_t)e->ncpus * e->val_stride;
    for (size_t i = 0; i < e->n; i++)
        if (!out_entry_is_zero(e, i))
            vals[i * vsize + 8] = 1;
}

/* Keys are collected first: deleting while walking would restart the walk. */
static int each_key(const struct map_desc *d, bool del, bool keep) {
    struct out_entries e;
    int err = out_map_read_raw(d, &e); /* a bucket array's u32 keys */
    if (err) {
        out_entries_free(&e);
        return err;
    }
    size_t vsize = (size_t)e.ncpus * e.val_stride;
    /* update_batch wants one value per key */
    uint8_t *zero = out_big_calloc(del ? 1 : e.n, vsize);
    if (keep && d->bucket_array)
        mark_in_use(&e, zero);
    size_t i = 0;
    bool batches = true;
    while (i < e.n && !err) {
        batches = batches && batch(d, &e, zero, del, &i);
        if (i == e.n)
            break;
        const uint8_t *key = e.keys + i * e.key_size;
        int rc = del ? bpf_map_delete_elem(d->fd, key)
                     : bpf_map_update_elem(d->fd, key, zero + i * vsize, BPF_EXIST);
        if (rc != 0 && errno != ENOENT)
            err = -errno;
        i++;
    }
    free(zero);
    out_entries_free(&e);
    return err;
}

/* clear() unsets a packed scalar, zero() keeps it set; both make it 0. */
static int packed_reset(const struct map_desc *d, bool unset) {
    uint8_t *pack = calloc(1, d->pack_size);
    if (!pack)
        abort();
    uint32_t zero = 0;
    int err = bpf_map_lookup_elem(d->fd, &zero, pack) == 0 ? 0 : -errno;
    if (err == 0) {
        memset(pack + d->pack_off + 8, 0, d->value_size);
        if (unset)
            memset(pack + d->pack_off, 0, 8);
        err = bpf_map_update_elem(d->fd, &zero, pack, BPF_ANY) == 0 ? 0 : -errno;
    }
    free(pack);
    return err;
}

int out_map_clear(const struct map_desc *d) {
    if (d->packed)
        return packed_reset(d, true);
    return each_key(d, !is_array(d), false);
}

int out_map_zero(const struct map_desc *d) {
    if (d->packed)
        return packed_reset(d, false);
    return each_key(d, false, true);
}
