/* tseries() maps: rows of (epoch, value) pairs and bpftrace's text graph
 * and JSON list of them. */
#ifndef TRAWK_OUT_TSERIES_H
#define TRAWK_OUT_TSERIES_H

#include <stddef.h>

#include "rows.h"

/* One row from the entries order[lo..hi), which share a user key: buckets
 * holds nbuckets (epoch, value) pairs by epoch; agg.sort the latest epoch. */
void out_tseries_fill_row(const struct map_desc *d, const struct out_entries *e,
                          const size_t *order, size_t lo, size_t hi, struct out_row *row);

/* The series of row as printed: the intervals from its first shown one to
 * the latest of all rows, at most d->ts_num of them. */
struct out_tseries_point {
    uint64_t ns; /* the interval's start */
    bool has_value;
    uint64_t value;
};
size_t out_tseries_points(const struct map_desc *d, const struct out_rows *r,
                          const struct out_row *row, struct out_tseries_point **pts);

void out_tseries_text(struct out_str *s, const struct map_desc *d, const struct out_rows *r,
                      const struct out_row *row);
void out_tseries_json(struct out_str *s, const struct map_desc *d, const struct out_rows *r,
                      const struct out_row *row);

#endif
