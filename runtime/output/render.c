#include <stdlib.h>

#include "hist.h"
#include "rows.h"
#include "tseries.h"
#include "value.h"

static bool is_scalar(const struct map_desc *d) {
    return d->is_scalar || !d->key_ty;
}

static void put_name(struct out_str *s, const struct manifest *m, const struct map_desc *d,
                     const struct out_row *row) {
    out_str_puts(s, d->name);
    if (is_scalar(d) || !row->key)
        return;
    out_str_putc(s, '[');
    out_fmt_key(s, m, d->key_ty, row->key);
    out_str_putc(s, ']');
}

static void put_value(struct out_str *s, const struct manifest *m, const struct map_desc *d,
                      const struct out_row *row, uint64_t div) {
    const struct type *t = d->val_ty;
    if (t->kind == T_AGG || (t->kind == T_INT && !t->enum_def)) {
        out_agg_fmt(s, t, &row->agg, div);
    } else {
        struct out_fmt_opts o = {.div = div};
        out_fmt_value_with(s, m, t, row->val, &o);
    }
}

/* A histogram's rows start on the line after its name and end with a
 * blank line. */
static void put_hist(struct out_str *s, const struct manifest *m, const struct map_desc *d,
                     const struct out_row *row, uint64_t div) {
    put_name(s, m, d, row);
    out_str_puts(s, ":\n");
    if (d->val_ty->agg == AGG_HIST)
        hist_render(s, row->buckets, row->nbuckets, d->hist_bits, div);
    else
        lhist_render(s, row->buckets, row->nbuckets, d->lhist_min, d->lhist_max, d->lhist_step);
    out_str_putc(s, '\n');
}

static void put_tseries(struct out_str *s, const struct manifest *m, const struct map_desc *d,
                        const struct out_rows *r, const struct out_row *row) {
    put_name(s, m, d, row);
    out_str_puts(s, ":\n");
    out_tseries_text(s, d, r, row);
    out_str_putc(s, '\n');
}

static void put_line(struct out_str *s, const struct manifest *m, const struct map_desc *d,
                     const struct out_row *row, uint64_t div) {
    put_name(s, m, d, row);
    out_str_puts(s, ": ");
    put_value(s, m, d, row, div);
    out_str_putc(s, '\n');
}

/* print() of a scalar that was never written shows its zero value. */
static void put_zero(struct out_str *s, const struct manifest *m, const struct map_desc *d) {
    uint32_t size = d->val_ty->size > 16 ? d->val_ty->size : 16;
    struct out_row row = {0};
    row.val = calloc(1, size);
    if (!row.val)
        abort();
    put_line(s, m, d, &row, 1);
    free((void *)row.val);
}

void out_render_map(struct out_str *s, const struct manifest *m, const struct map_desc *d,
                    const struct out_rows *r, uint64_t top, uint64_t div, bool empty_scalar) {
    if (!d->val_ty)
        return;
    bool hist = out_map_is_hist(d), tseries = out_map_is_tseries(d);
    if (r->n == 0) {
        if (empty_scalar && is_scalar(d) && !hist && !tseries)
            put_zero(s, m, d);
        return;
    }
    size_t skip = top && r->n > top ? r->n - top : 0;
    for (size_t i = skip; i < r->n; i++) {
        if (hist)
            put_hist(s, m, d, &r->v[i], div);
        else if (tseries)
            put_tseries(s, m, d, r, &r->v[i]);
        else
            put_line(s, m, d, &r->v[i], div);
        if (is_scalar(d))
            break;
        out_str_spill(s);
    }
}
