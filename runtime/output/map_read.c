/* Reading a whole BPF map into memory: the only part of the map printers
 * that needs the kernel. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "bigmem.h"
#include "map_walk.h"
#include "rows.h"

static void grow(struct out_entries *e, size_t *cap) {
    size_t ncap = *cap ? *cap * 2 : 64;
    size_t vsize = (size_t)e->ncpus * e->val_stride;
    e->keys = out_big_realloc(e->keys, e->n * e->key_size, ncap, e->key_size);
    e->vals = out_big_realloc(e->vals, e->n * vsize, ncap, vsize);
    *cap = ncap;
}

static int setup(const struct map_desc *d, struct out_entries *e) {
    memset(e, 0, sizeof(*e));
    e->ncpus = 1;
    if (out_map_is_percpu(d)) {
        e->ncpus = libbpf_num_possible_cpus();
        if (e->ncpus <= 0)
            return e->ncpus < 0 ? e->ncpus : -EINVAL;
    }
    e->key_size = d->key_size;
    e->val_stride = out_percpu_stride(d->value_size ? d->value_size : 8);
    return 0;
}

/* Entries asked for per batch; a hash bucket holding more makes the
 * kernel answer ENOSPC, and the batch grows. */
#define BATCH_ENTRIES 1024

/* Whole batches of entries per system call (kernel 5.6+), instead of two
 * calls per entry: a map of 10,000 stacks otherwise spends its printing
 * time in system calls. Returns a negative errno when the map cannot be
 * read so, and the caller walks it key by key. */
static int read_batch(const struct map_desc *d, struct out_entries *e, size_t *cap) {
    DECLARE_LIBBPF_OPTS(bpf_map_batch_opts, opts);
    /* the kernel packs plain values value_size apart, the entries 8-aligned */
    if (!out_map_is_percpu(d) && e->val_stride != (d->value_size ? d->value_size : 8))
        return -EINVAL;
    size_t tok_size = e->key_size > 8 ? e->key_size : 8; /* the kernel's cursor */
    uint8_t *tok = calloc(2, tok_size);
    if (!tok)
        abort();
    uint32_t want = BATCH_ENTRIES;
    int err = 0;
    bool first = true;
    for (;;) {
        while (*cap < e->n + want)
            grow(e, cap);
        uint32_t count = want;
        err = bpf_map_lookup_batch(
            d->fd, first ? NULL : tok, tok + tok_size, e->keys + e->n * e->key_size,
            e->vals + e->n * (size_t)e->ncpus * e->val_stride, &count, &opts);
        err = err ? -errno : 0;
        if (err == 0 || err == -ENOENT)
            e->n += count;
        if (err == -ENOSPC && count == 0 && want < (1u << 20)) {
            want *= 2; /* the same bucket again, with more room */
            continue;
        }
        if (err)
            break;
        memcpy(tok, tok + tok_size, tok_size);
        first = false;
    }
    free(tok);
    return err == -ENOENT ? 0 : err;
}

/* A packed scalar: one entry when its flag is set, none otherwise. */
static int read_packed(const struct map_desc *d, struct out_entries *e, size_t *cap) {
    uint8_t *pack = calloc(1, d->pack_size);
    if (!pack)
        abort();
    uint32_t zero = 0;
    int err = bpf_map_lookup_elem(d->fd, &zero, pack) == 0 ? 0 : -errno;
    uint64_t set = 0;
    if (err == 0)
        memcpy(&set, pack + d->pack_off, 8);
    if (set) {
        grow(e, cap);
        memset(e->keys, 0, e->key_size);
        memset(e->vals, 0, e->val_stride);
        memcpy(e->vals, pack + d->pack_off + 8, d->value_size);
        e->n = 1;
    }
    free(pack);
    return err;
}

/* A fused member: the fused map's entries, each CPU's value cut down to
 * the member's slice (the rows never see the other members). */
static int read_fused(const struct map_desc *d, struct out_entries *e) {
    struct map_desc whole = *d;
    whole.fused = false;
    whole.value_size = d->fuse_size;
    int err = out_map_read_raw(&whole, e);
    if (err)
        return err;
    uint32_t stride = out_percpu_stride(d->value_size);
    size_t nvals = e->n * (size_t)e->ncpus;
    /* each slice moves down, never past one not yet moved */
    for (size_t i = 0; i < nvals; i++)
        memmove(e->vals + i * stride, e->vals + i * e->val_stride + d->fuse_off, d->value_size);
    e->val_stride = stride;
    return 0;
}

/* A bucket array read as the hash it stands for: an entry per bucket that
 * is not zero on some CPU, keyed by its index as a u64. */
static void buckets_as_keys(struct out_entries *e) {
    size_t vsize = (size_t)e->ncpus * e->val_stride, n = 0;
    uint8_t *keys = out_big_calloc(e->n, 8);
    for (size_t i = 0; i < e->n; i++) {
        if (out_entry_is_zero(e, i))
            continue;
        uint32_t idx;
        memcpy(&idx, e->keys + i * e->key_size, 4);
        uint64_t key = idx;
        memcpy(keys + n * 8, &key, 8);
        memmove(e->vals + n * vsize, e->vals + i * vsize, vsize);
        n++;
    }
    free(e->keys);
    e->keys = keys;
    e->key_size = 8;
    e->n = n;
}

int out_map_read(const struct map_desc *d, struct out_entries *e) {
    int err = out_map_read_raw(d, e);
    if (err == 0 && d->bucket_array)
        buckets_as_keys(e);
    return err;
}

int out_map_read_raw(const struct map_desc *d, struct out_entries *e) {
    if (d->fused)
        return read_fused(d, e);
    int err = setup(d, e);
    if (err)
        return err;
    size_t cap = 0;
    if (d->packed)
        return read_packed(d, e, &cap);
    enum out_map_walk walk = out_map_walk_choice(d);
    if (walk != WALK_NEVER) {
        err = out_map_walk_read(d, e, &cap, grow);
        if (err == 0 || walk == WALK_ONLY)
            return err;
    }
    if (read_batch(d, e, &cap) == 0)
        return 0;
    e->n = 0;
    /* A key deleted under us sends get_next_key back to the start: the
     * bound keeps a busy map from holding the printer forever. */
    size_t bound = 2 * (size_t)(d->max_entries ? d->max_entries : 1) + 16;
    for (size_t step = 0; step < bound; step++) {
        if (e->n == cap)
            grow(e, &cap);
        uint8_t *key = e->keys + e->n * e->key_size;
        const void *prev = e->n ? key - e->key_size : NULL;
        if (bpf_map_get_next_key(d->fd, prev, key) != 0)
            return errno == ENOENT ? 0 : -errno;
        uint8_t *val = e->vals + e->n * (size_t)e->ncpus * e->val_stride;
        if (bpf_map_lookup_elem(d->fd, key, val) == 0)
            e->n++;
        else if (errno != ENOENT)
            return -errno;
    }
    return 0;
}
