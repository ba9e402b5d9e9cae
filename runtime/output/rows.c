#include "rows.h"

#include <stdlib.h>
#include <string.h>

#include "bigmem.h"
#include "hist.h"
#include "msort.h"
#include "tseries.h"

bool out_map_is_hist(const struct map_desc *d) {
    const struct type *t = d->val_ty;
    return t && t->kind == T_AGG && (t->agg == AGG_HIST || t->agg == AGG_LHIST);
}

bool out_map_is_tseries(const struct map_desc *d) {
    return d->val_ty && d->val_ty->kind == T_AGG && d->val_ty->agg == AGG_TSERIES;
}

bool out_map_is_percpu(const struct map_desc *d) {
    return d->bpf_type == BPF_MAP_TYPE_PERCPU_HASH || d->bpf_type == BPF_MAP_TYPE_LRU_PERCPU_HASH ||
           d->bpf_type == BPF_MAP_TYPE_PERCPU_ARRAY;
}

static bool is_scalar(const struct map_desc *d) {
    return d->is_scalar || !d->key_ty;
}

static void *xcalloc(size_t n, size_t size) {
    void *p = calloc(n ? n : 1, size);
    if (!p)
        abort();
    return p;
}

void out_entries_free(struct out_entries *e) {
    free(e->keys);
    free(e->vals);
    memset(e, 0, sizeof(*e));
}

void out_rows_free(struct out_rows *r) {
    for (size_t i = 0; r->v && i < r->n; i++)
        free(r->v[i].buckets);
    free(r->v);
    r->v = NULL;
    r->n = 0;
}

static const uint8_t *entry_val(const struct out_entries *e, size_t i) {
    return e->vals + i * (size_t)e->ncpus * e->val_stride;
}

bool out_entry_is_zero(const struct out_entries *e, size_t i) {
    const uint8_t *v = entry_val(e, i);
    for (size_t b = 0; b < (size_t)e->ncpus * e->val_stride; b++)
        if (v[b])
            return false;
    return true;
}

/* A scalar aggregation lives in an array, whose one entry always exists:
 * all zero on every CPU is an aggregation never run (or cleared), which
 * bpftrace, whose entry would be missing, does not show. */
static bool never_set(const struct map_desc *d, const struct out_entries *e, size_t i) {
    if (d->bpf_type != BPF_MAP_TYPE_PERCPU_ARRAY && d->bpf_type != BPF_MAP_TYPE_ARRAY)
        return false;
    return out_entry_is_zero(e, i);
}

static void build_plain(const struct map_desc *d, const struct out_entries *e, struct out_rows *r) {
    r->v = out_big_calloc(e->n, sizeof(*r->v));
    r->n = 0;
    for (size_t i = 0; i < e->n; i++) {
        if (is_scalar(d) && never_set(d, e, i))
            continue;
        struct out_row *row = &r->v[r->n++];
        row->key = is_scalar(d) ? NULL : e->keys + i * e->key_size;
        row->val = entry_val(e, i);
        if (d->val_ty)
            out_agg_reduce(d->val_ty, row->val, e->val_stride, e->ncpus, &row->agg);
    }
}

/* Context for sorting hist entry numbers by their user key. */
struct user_key_ctx {
    const struct out_entries *e;
    uint32_t size;
};

static int cmp_user_key(const void *a, const void *b, const void *ctx) {
    const struct user_key_ctx *c = ctx;
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    return memcmp(c->e->keys + i * c->e->key_size, c->e->keys + j * c->e->key_size, c->size);
}

static uint64_t bucket_of(const struct out_entries *e, size_t i, uint32_t user_size) {
    uint64_t idx;
    memcpy(&idx, e->keys + i * e->key_size + user_size, 8);
    return idx;
}

/* One row from the entries order[lo..hi), which share a user key. */
static void fill_hist_row(const struct map_desc *d, const struct out_entries *e,
                          const size_t *order, size_t lo, size_t hi, struct out_row *row) {
    uint32_t user = e->key_size - 8;
    size_t cap = d->val_ty->agg == AGG_HIST ? HIST_MAX_BUCKETS : LHIST_MAX_BUCKETS;
    size_t nb = 0;
    for (size_t k = lo; k < hi; k++) {
        uint64_t idx = bucket_of(e, order[k], user);
        if (idx < cap && idx + 1 > nb)
            nb = idx + 1;
    }
    row->key = is_scalar(d) ? NULL : e->keys + order[lo] * e->key_size;
    row->buckets = xcalloc(nb, sizeof(uint64_t));
    row->nbuckets = nb;
    for (size_t k = lo; k < hi; k++) {
        uint64_t idx = bucket_of(e, order[k], user);
        struct out_agg a;
        out_agg_reduce(d->val_ty, entry_val(e, order[k]), e->val_stride, e->ncpus, &a);
        if (idx < cap)
            row->buckets[idx] += a.value;
        row->agg.value += a.value; /* bpftrace sorts by the sum of all buckets */
    }
    row->agg.sort = row->agg.value;
}

typedef void (*fill_row)(const struct map_desc *d, const struct out_entries *e, const size_t *order,
                         size_t lo, size_t hi, struct out_row *row);

/* One row per user key (hist, lhist, tseries: the key ends with a bucket). */
static void build_grouped(const struct map_desc *d, const struct out_entries *e, struct out_rows *r,
                          fill_row fill) {
    r->n = 0;
    r->v = xcalloc(e->n, sizeof(*r->v));
    if (e->key_size < 8)
        return;
    struct user_key_ctx ctx = {e, e->key_size - 8};
    size_t *order = xcalloc(e->n, sizeof(size_t));
    for (size_t i = 0; i < e->n; i++)
        order[i] = i;
    out_msort(order, e->n, sizeof(size_t), cmp_user_key, &ctx);
    for (size_t lo = 0, hi; lo < e->n; lo = hi) {
        for (hi = lo + 1; hi < e->n && cmp_user_key(&order[lo], &order[hi], &ctx) == 0; hi++)
            ;
        fill(d, e, order, lo, hi, &r->v[r->n++]);
    }
    free(order);
}

void out_rows_build(const struct map_desc *d, const struct out_entries *e, struct out_rows *r) {
    if (out_map_is_hist(d))
        build_grouped(d, e, r, fill_hist_row);
    else if (out_map_is_tseries(d))
        build_grouped(d, e, r, out_tseries_fill_row);
    else
        build_plain(d, e, r);
}
