#include "msort.h"

#include "bigmem.h"

#include <stdlib.h>
#include <string.h>

static void merge(char *a, char *tmp, size_t lo, size_t mid, size_t hi, size_t size, out_cmp_fn cmp,
                  const void *ctx) {
    size_t i = lo, j = mid, k = 0;
    while (i < mid && j < hi) {
        /* taking from the left on ties keeps the sort stable */
        if (cmp(a + j * size, a + i * size, ctx) < 0)
            memcpy(tmp + k++ * size, a + j++ * size, size);
        else
            memcpy(tmp + k++ * size, a + i++ * size, size);
    }
    memcpy(tmp + k * size, a + i * size, (mid - i) * size);
    k += mid - i;
    memcpy(tmp + k * size, a + j * size, (hi - j) * size);
    k += hi - j;
    memcpy(a + lo * size, tmp, k * size);
}

void out_msort(void *base, size_t n, size_t size, out_cmp_fn cmp, const void *ctx) {
    if (n < 2)
        return;
    char *tmp = out_big_alloc(n, size);
    for (size_t w = 1; w < n; w *= 2)
        for (size_t lo = 0; lo + w < n; lo += 2 * w) {
            size_t hi = lo + 2 * w < n ? lo + 2 * w : n;
            merge(base, tmp, lo, lo + w, hi, size, cmp, ctx);
        }
    free(tmp);
}
