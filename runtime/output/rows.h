/* The contents of one map, as the printers see it: raw entries read from
 * the kernel (or made up by a test), then rows with the per-CPU values
 * reduced and histogram buckets gathered under their user key, sorted the
 * way bpftrace sorts them and rendered to text. Only out_map_read touches
 * the kernel. */
#ifndef TRAWK_OUT_ROWS_H
#define TRAWK_OUT_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "agg.h"
#include "manifest.h"
#include "strbuf.h"

/* key_size bytes of key, then ncpus values out_percpu_stride(value_size)
 * apart (ncpus = 1 for maps that are not per-CPU). */
struct out_entries {
    size_t n;
    int ncpus;
    uint32_t key_size, val_stride;
    uint8_t *keys; /* n * key_size */
    uint8_t *vals; /* n * ncpus * val_stride */
};

struct out_row {
    const uint8_t *key; /* the user key; NULL for a scalar */
    const uint8_t *val; /* the raw value (first CPU's copy) */
    struct out_agg agg; /* the reduced value; hist/lhist: total count */
    uint64_t *buckets;  /* hist/lhist: counts summed over CPUs */
    size_t nbuckets;
};

struct out_rows {
    struct out_row *v;
    size_t n;
};

bool out_map_is_hist(const struct map_desc *d);
bool out_map_is_tseries(const struct map_desc *d);
bool out_map_is_percpu(const struct map_desc *d);

/* Reads every entry of d->fd. Returns 0 or a negative errno. */
int out_map_read(const struct map_desc *d, struct out_entries *e);
/* The same with the map's own keys: every bucket of a bucket array, as a
 * u32 (out_map_read gives the ones in use, as u64s, as for a hash). */
int out_map_read_raw(const struct map_desc *d, struct out_entries *e);
/* Whether entry i is zero on every CPU. */
bool out_entry_is_zero(const struct out_entries *e, size_t i);
void out_entries_free(struct out_entries *e);

/* Builds rows pointing into e (which must outlive them). */
void out_rows_build(const struct map_desc *d, const struct out_entries *e, struct out_rows *r);
void out_rows_free(struct out_rows *r);

/* bpftrace's order: by value for count, sum, int, min, max, avg, stats
 * (avg/stats by average), by total count for hist/lhist, by key for the
 * rest; ties, which bpftrace leaves in hash order, go by key. */
void out_rows_sort(const struct manifest *m, const struct map_desc *d, struct out_rows *r);

/* Appends the text of print(@m, top, div). empty_scalar: what to do with a
 * scalar map that holds no entry: print() shows its zero value, the exit
 * dump shows nothing. */
void out_render_map(struct out_str *s, const struct manifest *m, const struct map_desc *d,
                    const struct out_rows *r, uint64_t top, uint64_t div, bool empty_scalar);

#endif
