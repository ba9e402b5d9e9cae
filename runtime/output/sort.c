#include <string.h>

#include "msort.h"
#include "rows.h"
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

static int cmp_rows_by_value(const void *a, const void *b, const void *ctx) {
    const struct sort_ctx *c = ctx;
    const struct out_row *x = a, *y = b;
    if (c->is_signed)
        return cmp_s64((int64_t)x->agg.sort, (int64_t)y->agg.sort);
    return cmp_u64(x->agg.sort, y->agg.sort);
}

static bool sorts_by_value(const struct type *t) {
    if (!t)
        return false;
    if (t->kind == T_INT)
        return !t->is_ptr; /* bpftrace's pointers are not integers: by key */
    return t->kind == T_AGG;
}

void out_rows_sort(const struct manifest *m, const struct map_desc *d, struct out_rows *r) {
    struct sort_ctx ctx = {m, d, d->val_ty && out_agg_sort_signed(d->val_ty)};
    out_msort(r->v, r->n, sizeof(*r->v), cmp_rows_by_key, &ctx);
    if (sorts_by_value(d->val_ty))
        out_msort(r->v, r->n, sizeof(*r->v), cmp_rows_by_value, &ctx);
}
