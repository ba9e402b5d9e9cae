/* A stable merge sort whose comparison takes a context, which qsort lacks:
 * the printers sort by key first and then stably by value, so that rows
 * with equal values come out in key order. */
#ifndef TRAWK_OUT_MSORT_H
#define TRAWK_OUT_MSORT_H

#include <stddef.h>

typedef int (*out_cmp_fn)(const void *a, const void *b, const void *ctx);

void out_msort(void *base, size_t n, size_t size, out_cmp_fn cmp, const void *ctx);

#endif
