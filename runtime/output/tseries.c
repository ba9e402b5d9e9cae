#include "tseries.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static void *xcalloc(size_t n, size_t size) {
    void *p = calloc(n ? n : 1, size);
    if (!p)
        abort();
    return p;
}

static bool before(bool sgn, uint64_t a, uint64_t b) {
    return sgn ? (int64_t)a < (int64_t)b : a < b;
}

/* The latest interval of one slot over the CPUs and its combined value,
 * as bpftrace reduces it; (0, 0) when no CPU used the slot. */
static void reduce_slot(const struct map_desc *d, const uint8_t *vals, uint32_t stride, int ncpus,
                        uint64_t *epoch, uint64_t *value) {
    bool sgn = d->ts_signed;
    uint64_t latest = 0;
    struct agg_tseries acc = {0};
    for (int i = 0; i < ncpus; i++) {
        struct agg_tseries v;
        memcpy(&v, vals + (size_t)i * stride, sizeof(v));
        if (v.epoch > latest) {
            latest = v.epoch;
            acc = v;
        } else if (v.epoch && v.epoch == latest) {
            if (d->ts_fn == TSERIES_LAST && v.meta > acc.meta)
                acc = v;
            else if (d->ts_fn == TSERIES_AVG || d->ts_fn == TSERIES_SUM)
                acc.value += v.value, acc.meta += v.meta;
            else if (d->ts_fn == TSERIES_MIN && before(sgn, (uint64_t)v.value, (uint64_t)acc.value))
                acc.value = v.value;
            else if (d->ts_fn == TSERIES_MAX && before(sgn, (uint64_t)acc.value, (uint64_t)v.value))
                acc.value = v.value;
        }
    }
    *epoch = latest;
    *value = 0;
    if (!latest)
        return;
    *value = (uint64_t)acc.value;
    if (d->ts_fn == TSERIES_AVG && acc.meta)
        *value = sgn ? (uint64_t)(acc.value / (int64_t)acc.meta) : (uint64_t)acc.value / acc.meta;
}

void out_tseries_fill_row(const struct map_desc *d, const struct out_entries *e,
                          const size_t *order, size_t lo, size_t hi, struct out_row *row) {
    uint64_t *pairs = xcalloc(2 * (hi - lo), sizeof(uint64_t));
    size_t n = 0;
    for (size_t k = lo; k < hi; k++) {
        uint64_t epoch, value;
        const uint8_t *vals = e->vals + order[k] * (size_t)e->ncpus * e->val_stride;
        reduce_slot(d, vals, e->val_stride, e->ncpus, &epoch, &value);
        size_t at = 0;
        while (at < n && pairs[2 * at] < epoch)
            at++;
        if (at < n && pairs[2 * at] == epoch)
            continue; /* the first slot seen keeps an epoch, as in bpftrace */
        memmove(pairs + 2 * at + 2, pairs + 2 * at, (n - at) * 2 * sizeof(uint64_t));
        pairs[2 * at] = epoch;
        pairs[2 * at + 1] = value;
        n++;
    }
    row->key = d->is_scalar || !d->key_ty ? NULL : e->keys + order[lo] * e->key_size;
    row->buckets = pairs;
    row->nbuckets = n;
    row->agg.sort = n ? pairs[2 * (n - 1)] : 0;
}

size_t out_tseries_points(const struct map_desc *d, const struct out_rows *r,
                          const struct out_row *row, struct out_tseries_point **pts) {
    /* unsigned arithmetic throughout: bpftrace's range is empty when the
     * latest epoch is below num_intervals - 1 */
    uint64_t last = 0;
    for (size_t i = 0; i < r->n; i++)
        if (r->v[i].agg.sort > last)
            last = r->v[i].agg.sort;
    uint64_t first = last - d->ts_num + 1;
    uint64_t shown = last;
    for (size_t i = 0; i < row->nbuckets; i++)
        if (row->buckets[2 * i] >= first && row->buckets[2 * i] < shown)
            shown = row->buckets[2 * i];
    size_t n = first <= last ? (size_t)(last - shown + 1) : 0;
    *pts = xcalloc(n, sizeof(**pts));
    for (size_t k = 0; k < n; k++) {
        uint64_t epoch = shown + k;
        struct out_tseries_point *p = &(*pts)[k];
        p->ns = epoch * d->ts_interval_ns;
        for (size_t i = 0; i < row->nbuckets; i++)
            if (row->buckets[2 * i] == epoch) {
                p->has_value = true;
                p->value = row->buckets[2 * i + 1];
            }
    }
    return n;
}

enum { GRAPH_WIDTH = 53, LABEL_PAD = 21 };

static void put_num(struct out_str *s, bool sgn, uint64_t v) {
    if (sgn)
        out_str_i64(s, (int64_t)v);
    else
        out_str_u64(s, v);
}

/* The min label left in LABEL_PAD columns, the max right in the rest. */
static void put_bounds(struct out_str *s, bool sgn, uint64_t lo, uint64_t hi) {
    struct out_str t;
    out_str_init(&t);
    put_num(&t, sgn, lo);
    out_str_putn(s, t.p, t.len);
    if (t.len < LABEL_PAD)
        out_str_fill(s, ' ', LABEL_PAD - t.len);
    out_str_reset(&t);
    put_num(&t, sgn, hi);
    if (t.len < GRAPH_WIDTH - LABEL_PAD)
        out_str_fill(s, ' ', GRAPH_WIDTH - LABEL_PAD - t.len);
    out_str_putn(s, t.p, t.len);
    out_str_putc(s, '\n');
    out_str_free(&t);
}

/* v - w as bpftrace's graph measures it (a float scale follows). */
static float dist(bool sgn, uint64_t v, uint64_t w) {
    return sgn ? (float)((int64_t)v - (int64_t)w) : v >= w ? (float)(v - w) : -(float)(w - v);
}

/* The time unit of the interval: digits after the seconds, its name. */
static int unit_digits(uint64_t interval_ns, const char **name) {
    static const char *const names[] = {"s", "ms", "μs", "ns"};
    int u = interval_ns >= 1000000000ull ? 0
            : interval_ns >= 1000000     ? 1
            : interval_ns >= 1000        ? 2
                                         : 3;
    *name = names[u];
    return 3 * u;
}

static void put_time(struct out_str *s, uint64_t ns, int digits) {
    time_t secs = (time_t)(ns / 1000000000ull);
    struct tm tm;
    char buf[64];
    if (!localtime_r(&secs, &tm) || !strftime(buf, sizeof(buf), "%H:%M:%S", &tm))
        buf[0] = 0;
    out_str_puts(s, buf);
    if (digits) {
        uint64_t frac = ns % 1000000000ull;
        for (int i = digits; i < 9; i++)
            frac /= 10;
        out_str_fmt(s, ".%0*llu", digits, (unsigned long long)frac);
    }
}

static void put_rule(struct out_str *s, size_t indent, char end) {
    out_str_fill(s, ' ', indent);
    out_str_putc(s, end);
    out_str_fill(s, '_', GRAPH_WIDTH - 2);
    out_str_putc(s, end);
    out_str_putc(s, '\n');
}

static void put_point(struct out_str *s, const struct out_tseries_point *p, bool sgn, uint64_t lo,
                      uint64_t hi, int zero, int digits) {
    char line[GRAPH_WIDTH + 1];
    memset(line, ' ', GRAPH_WIDTH);
    line[GRAPH_WIDTH] = 0;
    line[0] = line[GRAPH_WIDTH - 1] = '|';
    if (zero > 0)
        line[zero] = '.';
    put_time(s, p->ns, digits);
    out_str_putc(s, ' ');
    if (!p->has_value) {
        out_str_puts(s, line);
        out_str_puts(s, " -\n");
        return;
    }
    int at = (int)((float)(GRAPH_WIDTH - 1) * dist(sgn, p->value, lo) / dist(sgn, hi, lo));
    line[at < 0 ? 0 : at > GRAPH_WIDTH - 1 ? GRAPH_WIDTH - 1 : at] = '*';
    out_str_puts(s, line);
    out_str_putc(s, ' ');
    put_num(s, sgn, p->value);
    out_str_putc(s, '\n');
}

void out_tseries_text(struct out_str *s, const struct map_desc *d, const struct out_rows *r,
                      const struct out_row *row) {
    struct out_tseries_point *pts;
    size_t n = out_tseries_points(d, r, row, &pts);
    bool sgn = d->ts_signed;
    if (!n) {
        out_str_puts(s, "<no data>");
        free(pts);
        return;
    }
    uint64_t lo = pts[0].value, hi = pts[0].value;
    for (size_t i = 0; i < n; i++) {
        if (pts[i].has_value && before(sgn, pts[i].value, lo))
            lo = pts[i].value;
        if (pts[i].has_value && before(sgn, hi, pts[i].value))
            hi = pts[i].value;
    }
    if (lo == hi) { /* room on both sides, unless at the type's limit */
        lo -= lo != (sgn ? (uint64_t)INT64_MIN : 0);
        hi += hi != (sgn ? (uint64_t)INT64_MAX : UINT64_MAX);
    }
    const char *uname;
    int digits = unit_digits((pts[n - 1].ns - pts[0].ns) / (n > 1 ? n - 1 : 1), &uname);
    size_t width = 8 + (digits ? 1 + (size_t)digits : 0);
    out_str_fill(s, ' ', width + 1);
    put_bounds(s, sgn, lo, hi);
    size_t flen = 8 + (digits ? 1 + strlen(uname) : 0);
    out_str_puts(s, "hh:mm:ss");
    if (digits)
        out_str_fmt(s, ".%s", uname);
    out_str_fill(s, ' ', width + 1 > flen ? width + 1 - flen : 0);
    out_str_putc(s, '|');
    out_str_fill(s, '_', GRAPH_WIDTH - 2);
    out_str_puts(s, "|\n");
    int zero = 0;
    if (dist(sgn, lo, 0) < 0 && dist(sgn, 0, hi) < 0)
        zero = (int)((float)GRAPH_WIDTH * dist(sgn, lo, 0) / dist(sgn, lo, hi));
    for (size_t i = 0; i < n; i++)
        put_point(s, &pts[i], sgn, lo, hi, zero, digits);
    put_rule(s, width + 1, 'v');
    out_str_fill(s, ' ', width + 1);
    put_bounds(s, sgn, lo, hi);
    free(pts);
}

/* "1970-01-01 00:00:00.500000000": the interval's start in UTC, as C++'s
 * time_point printing writes it. */
static void put_utc(struct out_str *s, uint64_t ns) {
    time_t secs = (time_t)(ns / 1000000000ull);
    struct tm tm;
    char buf[64];
    if (!gmtime_r(&secs, &tm) || !strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm))
        buf[0] = 0;
    out_str_fmt(s, "%s.%09llu", buf, (unsigned long long)(ns % 1000000000ull));
}

void out_tseries_json(struct out_str *s, const struct map_desc *d, const struct out_rows *r,
                      const struct out_row *row) {
    struct out_tseries_point *pts;
    size_t n = out_tseries_points(d, r, row, &pts);
    bool first = true;
    out_str_putc(s, '[');
    for (size_t i = 0; i < n; i++) {
        if (!pts[i].has_value)
            continue;
        if (!first)
            out_str_putc(s, ',');
        first = false;
        out_str_puts(s, "{\"interval_start\":\"");
        put_utc(s, pts[i].ns);
        out_str_puts(s, "\",\"value\":");
        put_num(s, d->ts_signed, pts[i].value);
        out_str_putc(s, '}');
    }
    out_str_putc(s, ']');
    free(pts);
}
