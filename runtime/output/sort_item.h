/* The sort key of one row (sort.c), and the radix sort that orders rows
 * whose keys leave no ties to break. */
#ifndef TRAWK_OUT_SORT_ITEM_H
#define TRAWK_OUT_SORT_ITEM_H

#include <stddef.h>
#include <stdint.h>

struct out_row;

/* A row's place, worked out once rather than at each comparison: the
 * value and, for an integer key, the key, both turned into unsigned order
 * (0 when they do not count). */
struct sort_item {
    uint64_t value, key;
    const struct out_row *row;
};

/* Sorts a by (value, key), stably, in O(n) passes over the bytes that
 * differ: no comparison, so 100,000 rows take a few passes instead of
 * 1.7 million calls of a comparator. */
void out_radix_sort(struct sort_item *a, size_t n);

#endif
