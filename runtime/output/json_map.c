/* A map as one JSON message, the way bpftrace 0.27 writes it:
 *
 *   @x = 5                 {"type": "map", "data": {"@x": 5}}
 *   @m["a"] = 1            {"type": "map", "data": {"@m": {"a": 1}}}
 *   avg()                  {"type": "stats", "data": {"@a": 5}}
 *   stats()                {"type": "stats", "data": {"@s": {"count": 1, "average": 2, "total":
 * 2}}} hist() / lhist()       {"type": "hist", "data": {"@h": [{"min": 2, "max": 3, "count":
 * 1},...]}}
 *
 * Keys are strings (json_value.h); rows keep the text's order and top/div.
 * A keyed map with no entry writes nothing; a zeroed histogram "[]". */
#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "json.h"
#include "json_value.h"
#include "rows.h"
#include "tseries.h"

static const char *message_type(const struct type *t) {
    if (t->kind != T_AGG)
        return "map";
    switch (t->agg) {
    case AGG_AVG:
    case AGG_STATS:
        return "stats";
    case AGG_HIST:
    case AGG_LHIST:
        return "hist";
    case AGG_TSERIES:
        return "tseries";
    default:
        return "map";
    }
}

static void json_range(struct out_str *s, const struct hist_range *hr, uint64_t count) {
    out_str_putc(s, '{');
    if (hr->has_min) {
        out_str_puts(s, "\"min\": ");
        json_int(s, (uint64_t)hr->min, true);
        out_str_puts(s, ", ");
    }
    if (hr->has_max) {
        out_str_puts(s, "\"max\": ");
        json_int(s, (uint64_t)hr->max, true);
        out_str_puts(s, ", ");
    }
    out_str_puts(s, "\"count\": ");
    json_int(s, count, false);
    out_str_putc(s, '}');
}

/* hist counts are divided by print()'s div, lhist counts never are (as in text). */
static void json_hist(struct out_str *s, const struct map_desc *d, const struct out_row *row,
                      uint64_t div) {
    size_t first = 0, last = 0;
    bool any = hist_span(row->buckets, row->nbuckets, &first, &last);
    bool lin = d->val_ty->agg == AGG_LHIST;
    bool sep = true;
    out_str_putc(s, '[');
    for (size_t i = first; any && i <= last; i++) {
        struct hist_range hr;
        if (lin)
            lhist_range(i, d->lhist_min, d->lhist_max, d->lhist_step, &hr);
        else
            hist_range(i, d->hist_bits, &hr);
        json_elem(s, &sep);
        json_range(s, &hr, !lin && div > 1 ? row->buckets[i] / div : row->buckets[i]);
    }
    out_str_putc(s, ']');
}

static void json_num(struct out_str *s, uint64_t v, bool sgn, uint64_t div) {
    json_int(s, json_div(v, sgn, div), sgn);
}

static void json_row_value(struct out_str *s, const struct manifest *m, const struct map_desc *d,
                           const struct out_rows *r, const struct out_row *row, uint64_t div) {
    const struct type *t = d->val_ty;
    if (t->kind != T_AGG) {
        out_json_value(s, m, t, row->val, div);
        return;
    }
    bool sgn = t->agg_signed && t->agg != AGG_COUNT;
    switch (t->agg) {
    case AGG_HIST:
    case AGG_LHIST:
        json_hist(s, d, row, div);
        break;
    case AGG_TSERIES:
        out_tseries_json(s, d, r, row);
        break;
    case AGG_STATS:
        out_str_puts(s, "{\"count\": ");
        json_num(s, row->agg.count, sgn, 1);
        out_str_puts(s, ", \"average\": ");
        json_num(s, row->agg.value, sgn, div);
        out_str_puts(s, ", \"total\": ");
        json_num(s, row->agg.total, sgn, 1);
        out_str_putc(s, '}');
        break;
    default:
        json_num(s, row->agg.value, sgn, div);
        break;
    }
}

static bool is_scalar(const struct map_desc *d) {
    return d->is_scalar || !d->key_ty;
}

void out_json_map(struct out_str *s, const struct manifest *m, const struct map_desc *d,
                  const struct out_rows *r, uint64_t top, uint64_t div, bool empty_scalar) {
    if (!d->val_ty)
        return;
    if (r->n == 0 && !(empty_scalar && is_scalar(d) && !type_agg_bucketed(d->val_ty))) {
        /* bpftrace still shows an empty avg() or stats() map, as {} */
        if (strcmp(message_type(d->val_ty), "stats") == 0) {
            json_begin(s, "stats");
            out_str_puts(s, "{");
            json_cstring(s, d->name);
            out_str_puts(s, ": {}}");
            json_end(s);
        }
        return;
    }
    json_begin(s, message_type(d->val_ty));
    out_str_putc(s, '{');
    json_cstring(s, d->name);
    out_str_puts(s, ": ");
    if (is_scalar(d)) {
        struct out_row zero = {0};
        const struct out_row *row = r->n ? &r->v[0] : &zero;
        if (!r->n && !(zero.val = calloc(1, d->val_ty->size + 16)))
            abort();
        json_row_value(s, m, d, r, row, div);
        free((void *)zero.val);
    } else {
        bool first = true;
        size_t skip = top && r->n > top ? r->n - top : 0;
        out_str_putc(s, '{');
        for (size_t i = skip; i < r->n; i++) {
            if (!first)
                out_str_puts(s, ", ");
            first = false;
            out_json_key(s, m, d->key_ty, r->v[i].key);
            out_str_puts(s, ": ");
            json_row_value(s, m, d, r, &r->v[i], div);
        }
        out_str_putc(s, '}');
    }
    out_str_putc(s, '}');
    json_end(s);
}
