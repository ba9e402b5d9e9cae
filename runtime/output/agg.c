#include "agg.h"

#include <inttypes.h>
#include <string.h>

#include "value.h"

static uint64_t load64(const uint8_t *p) {
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static uint64_t sum_u64(const uint8_t *b, uint32_t stride, int ncpus) {
    uint64_t sum = 0;
    for (int i = 0; i < ncpus; i++)
        sum += load64(b + (size_t)i * stride);
    return sum;
}

/* Layout struct agg_minmax: value, is_set. */
static uint64_t min_max(const uint8_t *b, uint32_t stride, int ncpus, bool is_max, bool is_signed) {
    uint64_t best = 0;
    bool set = false;
    for (int i = 0; i < ncpus; i++) {
        const uint8_t *p = b + (size_t)i * stride;
        if (!load64(p + 8))
            continue;
        uint64_t v = load64(p);
        bool better = is_signed ? (is_max ? (int64_t)v > (int64_t)best : (int64_t)v < (int64_t)best)
                                : (is_max ? v > best : v < best);
        if (!set || better)
            best = v;
        set = true;
    }
    return best;
}

/* Layout struct agg_avg: total, count. */
static void avg(const uint8_t *b, uint32_t stride, int ncpus, bool is_signed, struct out_agg *r) {
    r->total = r->count = 0;
    for (int i = 0; i < ncpus; i++) {
        const uint8_t *p = b + (size_t)i * stride;
        r->total += load64(p);
        r->count += load64(p + 8);
    }
    r->value = 0;
    if (!r->count)
        return;
    if (!is_signed)
        r->value = r->total / r->count;
    else if (!((int64_t)r->count == -1 && (int64_t)r->total == INT64_MIN))
        r->value = (uint64_t)((int64_t)r->total / (int64_t)r->count);
}

void out_agg_reduce(const struct type *vt, const void *buf, uint32_t stride, int ncpus,
                    struct out_agg *r) {
    const uint8_t *b = buf;
    memset(r, 0, sizeof(*r));
    if (vt->kind == T_INT) {
        r->value = out_read_int(vt, b);
    } else if (vt->kind == T_AGG) {
        switch (vt->agg) {
        case AGG_COUNT:
        case AGG_SUM:
        case AGG_HIST:
        case AGG_LHIST:
            r->value = sum_u64(b, stride, ncpus);
            break;
        case AGG_MIN:
        case AGG_MAX:
            r->value = min_max(b, stride, ncpus, vt->agg == AGG_MAX, vt->agg_signed);
            r->sort = min_max(b, stride, ncpus, vt->agg == AGG_MAX, false);
            return;
        case AGG_AVG:
        case AGG_STATS:
            avg(b, stride, ncpus, vt->agg_signed, r);
            break;
        default:
            break;
        }
    }
    r->sort = r->value;
}

bool out_agg_sort_signed(const struct type *vt) {
    if (vt->kind == T_INT)
        return vt->is_signed;
    if (vt->kind != T_AGG)
        return false;
    return vt->agg_signed && (vt->agg == AGG_SUM || vt->agg == AGG_AVG || vt->agg == AGG_STATS);
}

static void fmt_num(struct out_str *s, uint64_t v, bool is_signed, uint64_t div) {
    if (div == 0)
        div = 1;
    if (div == 1) { /* the usual case, without a 64-bit division */
        if (is_signed)
            out_str_i64(s, (int64_t)v);
        else
            out_str_u64(s, v);
        return;
    }
    if (!is_signed) {
        out_str_u64(s, v / div);
        return;
    }
    /* bpftrace's divisor is a u32, so it never exceeds INT64_MAX there */
    int64_t q = div > INT64_MAX ? 0 : (int64_t)v / (int64_t)div;
    out_str_i64(s, q);
}

void out_agg_fmt(struct out_str *s, const struct type *vt, const struct out_agg *r, uint64_t div) {
    bool sgn = vt->kind == T_INT ? vt->is_signed : vt->agg_signed;
    if (vt->kind == T_AGG && vt->agg == AGG_COUNT)
        sgn = false;
    if (vt->kind == T_INT && vt->is_ptr) {
        out_str_fmt(s, "0x%" PRIx64, r->value);
    } else if (vt->kind == T_AGG && vt->agg == AGG_STATS) {
        out_str_puts(s, "{ .count = ");
        fmt_num(s, r->count, sgn, 1);
        out_str_puts(s, ", .average = ");
        fmt_num(s, r->value, sgn, div);
        out_str_puts(s, ", .total = ");
        fmt_num(s, r->total, sgn, 1);
        out_str_puts(s, " }");
    } else {
        fmt_num(s, r->value, sgn, div);
    }
}
