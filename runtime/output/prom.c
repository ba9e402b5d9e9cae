/* Maps as Prometheus metrics. The mapping (docs/ecosystem.md):
 *   count()           counter  trawk_NAME_total
 *   sum/min/max/avg, integers   gauge    trawk_NAME
 *   stats()           summary  trawk_NAME_count, trawk_NAME_sum
 *   hist()/lhist()    histogram trawk_NAME_bucket{le=...}, trawk_NAME_count
 * A key becomes label "key"; a tuple key labels key0, key1, ... Values that
 * are not numbers (strings, tuples, stacks) are left out. Histogram bounds
 * are inclusive, as Prometheus's le is: bpftrace's bucket [2, 4) holds the
 * integers 2 and 3, so its bound is le="3". */
#include "prom.h"

#include <inttypes.h>
#include <stdlib.h>

#include "agg.h"
#include "hist.h"
#include "output.h"
#include "rows.h"
#include "value.h"

void out_prom_name(struct out_str *s, const char *map_name) {
    const char *n = map_name[0] == '@' ? map_name + 1 : map_name;
    out_str_puts(s, "trawk_");
    if (!*n)
        out_str_puts(s, "map");
    for (; *n; n++) {
        char c = *n;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        out_str_putc(s, ok ? c : '_');
    }
}

void out_prom_label_value(struct out_str *s, const char *v, size_t len) {
    for (size_t i = 0; i < len && v[i]; i++) {
        if (v[i] == '\\' || v[i] == '"')
            out_str_putc(s, '\\');
        if (v[i] == '\n')
            out_str_puts(s, "\\n");
        else
            out_str_putc(s, v[i]);
    }
}

static void put_label(struct out_str *s, const struct manifest *m, const char *name,
                      const struct type *t, const void *p) {
    struct out_str v;
    out_str_init(&v);
    out_fmt_value(&v, m, t, p);
    /* Strings print as they are; other values' text may carry spaces. */
    out_str_fmt(s, "%s=\"", name);
    out_prom_label_value(s, v.p, v.len);
    out_str_putc(s, '"');
    out_str_free(&v);
}

/* The labels of a row, without braces, comma-separated; empty for a scalar. */
static void put_labels(struct out_str *s, const struct manifest *m, const struct map_desc *d,
                       const uint8_t *key) {
    const struct type *kt = d->key_ty;
    if (!key || !kt || d->is_scalar)
        return;
    if (kt->kind != T_TUPLE) {
        put_label(s, m, "key", kt, key);
        return;
    }
    for (int i = 0; i < kt->nfields; i++) {
        char name[16];
        snprintf(name, sizeof(name), "key%d", i);
        if (i)
            out_str_putc(s, ',');
        put_label(s, m, name, kt->fields[i].ty, key + kt->fields[i].offset);
    }
}

static void put_series(struct out_str *s, const char *metric, const char *suffix,
                       const struct out_str *labels, const char *extra) {
    out_str_puts(s, metric);
    out_str_puts(s, suffix);
    if (labels->len || extra) {
        out_str_putc(s, '{');
        out_str_putn(s, labels->p, labels->len);
        if (labels->len && extra)
            out_str_putc(s, ',');
        if (extra)
            out_str_puts(s, extra);
        out_str_putc(s, '}');
    }
    out_str_putc(s, ' ');
}

static void put_int(struct out_str *s, uint64_t v, bool is_signed) {
    if (is_signed)
        out_str_fmt(s, "%" PRId64 "\n", (int64_t)v);
    else
        out_str_fmt(s, "%" PRIu64 "\n", v);
}

/* Upper bound (inclusive) of bucket i, or NULL for +Inf. */
static const char *bucket_le(const struct map_desc *d, size_t i, char *buf, size_t size) {
    if (d->val_ty->agg == AGG_HIST) {
        uint64_t hi = hist_bucket_low(i, d->hist_bits);
        if (i == 0)
            return "-1";
        if (hi == UINT64_MAX)
            return NULL;
        snprintf(buf, size, "%" PRIu64, hi - 1);
        return buf;
    }
    size_t last = (size_t)((d->lhist_max - d->lhist_min) / d->lhist_step) + 1;
    if (i >= last)
        return NULL;
    snprintf(buf, size, "%" PRId64, d->lhist_min + (int64_t)i * d->lhist_step - 1);
    return buf;
}

static void put_histogram(struct out_str *s, const struct map_desc *d, const char *metric,
                          const struct out_row *r, const struct out_str *labels) {
    uint64_t cum = 0;
    size_t n = r->nbuckets;
    char extra[64], buf[32];
    for (size_t i = 0; i < n; i++) {
        cum += r->buckets[i];
        const char *le = bucket_le(d, i, buf, sizeof(buf));
        if (!le)
            break;
        snprintf(extra, sizeof(extra), "le=\"%s\"", le);
        put_series(s, metric, "_bucket", labels, extra);
        put_int(s, cum, false);
    }
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += r->buckets[i];
    put_series(s, metric, "_bucket", labels, "le=\"+Inf\"");
    put_int(s, total, false);
    put_series(s, metric, "_count", labels, NULL);
    put_int(s, total, false);
}

static void put_row(struct out_str *s, const struct manifest *m, const struct map_desc *d,
                    const char *metric, const struct out_row *r) {
    struct out_str labels;
    out_str_init(&labels);
    put_labels(&labels, m, d, r->key);
    const struct type *vt = d->val_ty;
    enum agg_kind agg = vt->kind == T_AGG ? vt->agg : AGG_NONE;
    switch (agg) {
    case AGG_COUNT:
        put_series(s, metric, "_total", &labels, NULL);
        put_int(s, r->agg.value, false);
        break;
    case AGG_STATS:
        put_series(s, metric, "_count", &labels, NULL);
        put_int(s, r->agg.count, false);
        put_series(s, metric, "_sum", &labels, NULL);
        put_int(s, r->agg.total, vt->agg_signed);
        break;
    case AGG_HIST:
    case AGG_LHIST:
        put_histogram(s, d, metric, r, &labels);
        break;
    case AGG_NONE:
        put_series(s, metric, "", &labels, NULL);
        put_int(s, out_read_int(vt, r->val), vt->is_signed);
        break;
    default:
        put_series(s, metric, "", &labels, NULL);
        put_int(s, r->agg.value, vt->agg_signed);
    }
    out_str_free(&labels);
}

static const char *metric_type(const struct type *vt) {
    if (vt->kind == T_INT && !vt->is_ptr && !vt->enum_def)
        return "gauge";
    if (vt->kind != T_AGG)
        return NULL;
    switch (vt->agg) {
    case AGG_COUNT:
        return "counter";
    case AGG_STATS:
        return "summary";
    case AGG_HIST:
    case AGG_LHIST:
        return "histogram";
    default:
        return "gauge";
    }
}

static void put_map(struct out_str *s, const struct manifest *m, const struct map_desc *d) {
    const char *type = metric_type(d->val_ty);
    if (!type)
        return;
    struct out_str metric;
    out_str_init(&metric);
    out_prom_name(&metric, d->name);
    struct out_entries e;
    if (out_map_read(d, &e) == 0) {
        struct out_rows r;
        out_rows_build(d, &e, &r);
        out_rows_sort(m, d, &r);
        out_str_fmt(s, "# TYPE %s%s %s\n", metric.p,
                    d->val_ty->kind == T_AGG && d->val_ty->agg == AGG_COUNT ? "_total" : "", type);
        for (size_t i = 0; i < r.n; i++)
            put_row(s, m, d, metric.p, &r.v[i]);
        out_rows_free(&r);
        out_entries_free(&e);
    }
    out_str_free(&metric);
}

void out_prometheus(struct out_str *s, const struct manifest *m) {
    int n;
    const struct map_desc **v = out_user_maps(m, &n);
    for (int i = 0; i < n; i++)
        put_map(s, m, v[i]);
    free(v);
}
