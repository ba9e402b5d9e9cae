#include <stdlib.h>
#include <string.h>

#include "bigmem.h"
#include "msort.h"
#include "rows.h"
#include "sort_item.h"
#include "value.h"

struct sort_ctx {
    const struct manifest *m;
    const struct map_desc *d;
    bool is_signed;
};

static int cmp_u64(uint64_t a, uint64_t b) {
    return a < b ? -1 : a > b;
}

static int cmp_s64(int64_t a, int64_t b) {
    return a < b ? -1 : a > b;
}

static int cmp_probe(const struct manifest *m, const uint8_t *a, const uint8_t *b) {
    uint64_t x, y;
    memcpy(&x, a, 8);
    memcpy(&y, b, 8);
    const char *nx = out_probe_name(m, x), *ny = out_probe_name(m, y);
    if (nx && ny)
        return strcmp(nx, ny);
    return cmp_u64(x, y);
}

static int cmp_key(const struct manifest *m, const struct type *t, const uint8_t *a,
                   const uint8_t *b);

static int cmp_fields(const struct manifest *m, const struct type *t, const uint8_t *a,
                      const uint8_t *b) {
    for (int i = 0; i < t->nfields; i++) {
        const struct type_field *f = &t->fields[i];
        int c;
        if (!f->ty)
            continue;
        if (f->bit_size)
            c = cmp_u64(out_read_bitfield(f, a), out_read_bitfield(f, b));
        else
            c = cmp_key(m, f->ty, a + f->offset, b + f->offset);
        if (c)
            return c;
    }
    return 0;
}

/* bpftrace compares integer keys (enums too) as signed whatever their type,
 * strings bytewise over the whole buffer, tuples field by field; probes are
 * strings there, so they go by name. Records and arrays it leaves in hash
 * order: here they go field by field and element by element, so that the
 * output does not change from run to run. */
static int cmp_key(const struct manifest *m, const struct type *t, const uint8_t *a,
                   const uint8_t *b) {
    switch (t->kind) {
    case T_INT: {
        struct type s = *t;
        s.is_signed = true;
        return cmp_s64((int64_t)out_read_int(&s, a), (int64_t)out_read_int(&s, b));
    }
    case T_STRING:
        return memcmp(a, b, t->size);
    case T_PROBE:
        return cmp_probe(m, a, b);
    case T_TUPLE:
    case T_RECORD:
        return cmp_fields(m, t, a, b);
    case T_ARRAY:
        for (uint32_t i = 0; t->elem && i < t->nelems; i++) {
            size_t off = (size_t)i * t->elem->size;
            int c = cmp_key(m, t->elem, a + off, b + off);
            if (c)
                return c;
        }
        return 0;
    default:
        return memcmp(a, b, t->size);
    }
}

static int cmp_rows_by_key(const void *a, const void *b, const void *ctx) {
    const struct sort_ctx *c = ctx;
    const struct out_row *x = a, *y = b;
    if (!x->key || !y->key || !c->d->key_ty)
        return 0;
    return cmp_key(c->m, c->d->key_ty, x->key, y->key);
}

static bool sorts_by_value(const struct type *t) {
    if (!t)
        return false;
    if (t->kind == T_INT)
        return !t->is_ptr; /* bpftrace's pointers are not integers: by key */
    return t->kind == T_AGG;
}

static const uint64_t SIGN = 1ull << 63;

static inline bool item_before(const struct sort_item *x, const struct sort_item *y,
                               const struct sort_ctx *c) {
    if (x->value != y->value)
        return x->value < y->value;
    if (x->key != y->key)
        return x->key < y->key;
    return cmp_rows_by_key(x->row, y->row, c) < 0;
}

/* A stable bottom-up merge sort that moves 24-byte items between two
 * buffers: out_msort's calls through a pointer per comparison and per
 * copy cost as much again on 100,000 rows. */
static void sort_items(struct sort_item *a, size_t n, const struct sort_ctx *c) {
    struct sort_item *tmp = out_big_alloc(n, sizeof(*tmp)), *src = a, *dst = tmp;
    for (size_t w = 1; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                dst[k++] = item_before(&src[j], &src[i], c) ? src[j++] : src[i++];
            while (i < mid)
                dst[k++] = src[i++];
            while (j < hi)
                dst[k++] = src[j++];
        }
        struct sort_item *t = src;
        src = dst;
        dst = t;
    }
    if (src != a)
        memcpy(a, src, n * sizeof(*a));
    free(tmp);
}

/* By value, then by key: the order of a stable sort by key followed by a
 * stable sort by value. */
void out_rows_sort(const struct manifest *m, const struct map_desc *d, struct out_rows *r) {
    struct sort_ctx ctx = {m, d, d->val_ty && out_agg_sort_signed(d->val_ty)};
    if (r->n < 2)
        return;
    bool by_value = sorts_by_value(d->val_ty);
    const struct type *kt = d->key_ty;
    struct type int_key = kt && kt->kind == T_INT ? *kt : (struct type){0};
    int_key.is_signed = true; /* as cmp_key reads integer keys */
    struct sort_item *items = out_big_alloc(r->n, sizeof(*items));
    struct out_row *rows = out_big_alloc(r->n, sizeof(*rows));
    for (size_t i = 0; i < r->n; i++) {
        const struct out_row *row = &r->v[i];
        items[i].row = row;
        items[i].value = !by_value ? 0 : ctx.is_signed ? row->agg.sort ^ SIGN : row->agg.sort;
        items[i].key =
            int_key.kind == T_INT && row->key ? out_read_int(&int_key, row->key) ^ SIGN : 0;
    }
    if (int_key.kind == T_INT)
        out_radix_sort(items, r->n); /* no two rows share a key: no ties */
    else
        sort_items(items, r->n, &ctx);
    for (size_t i = 0; i < r->n; i++)
        rows[i] = *items[i].row;
    free(items);
    free(r->v);
    r->v = rows;
}
