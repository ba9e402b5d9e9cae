/* Reducing per-CPU aggregation values to the one value bpftrace prints and
 * sorts by. Pure: the caller hands in the raw lookup buffer. */
#ifndef TRAWK_OUT_AGG_H
#define TRAWK_OUT_AGG_H

#include <stdbool.h>
#include <stdint.h>

#include "strbuf.h"
#include "types.h"

struct out_agg {
    uint64_t value; /* count, sum, min, max, avg; two's complement when signed */
    uint64_t sort;  /* what bpftrace orders rows by (see out_agg_reduce) */
    uint64_t count; /* avg, stats */
    uint64_t total; /* avg, stats */
};

/* Bytes between two CPUs' copies of a value in a per-CPU lookup buffer. */
static inline uint32_t out_percpu_stride(uint32_t value_size) {
    return (value_size + 7) & ~7u;
}

/* Reduces ncpus copies of an aggregation value, stride bytes apart:
 * count/sum add up; min/max take the extreme among the CPUs whose is_set
 * is non-zero (0 when none is); avg/stats add totals and counts and divide
 * (integer division, signed when the aggregated values were, 0 when the
 * count is 0). A plain integer value (T_INT) is read as it is.
 * bpftrace sorts min/max by the extreme compared as unsigned even for
 * signed values, so r->sort holds that; otherwise r->sort = r->value. */
void out_agg_reduce(const struct type *vt, const void *buf, uint32_t stride, int ncpus,
                    struct out_agg *r);

/* Whether r->sort compares as signed. */
bool out_agg_sort_signed(const struct type *vt);

/* Appends the value as print(@m, 0, div) shows it: count, sum, min, max,
 * avg and ints divided by div (div 0 = 1); stats as
 * "{ .count = N, .average = A, .total = T }" with only the average divided. */
void out_agg_fmt(struct out_str *s, const struct type *vt, const struct out_agg *r, uint64_t div);

#endif
