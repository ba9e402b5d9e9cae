#include <stdlib.h>
#include <string.h>

#include "bigmem.h"
#include "sort_item.h"

/* Byte b (0: the lowest) of the 128-bit number value:key. */
static inline unsigned digit(const struct sort_item *x, int b) {
    uint64_t half = b < 8 ? x->key : x->value;
    return (unsigned)(half >> ((b & 7) * 8)) & 0xff;
}

/* One counting pass on byte b from src to dst. Returns 0 when every item
 * has the same byte there (nothing moved: the pass is skipped). */
static int pass(const struct sort_item *src, struct sort_item *dst, size_t n, int b) {
    size_t count[256] = {0};
    for (size_t i = 0; i < n; i++)
        count[digit(&src[i], b)]++;
    if (count[digit(&src[0], b)] == n)
        return 0;
    size_t at = 0;
    for (int d = 0; d < 256; d++) {
        size_t c = count[d];
        count[d] = at;
        at += c;
    }
    for (size_t i = 0; i < n; i++)
        dst[count[digit(&src[i], b)]++] = src[i];
    return 1;
}

/* Least significant byte first: each pass is stable, so after the last
 * the items are in (value, key) order, equal ones in their first order. */
void out_radix_sort(struct sort_item *a, size_t n) {
    if (n < 2)
        return;
    struct sort_item *buf[2] = {a, out_big_alloc(n, sizeof(*a))};
    int cur = 0; /* which buffer holds the items */
    for (int b = 0; b < 16; b++)
        cur ^= pass(buf[cur], buf[cur ^ 1], n, b);
    if (cur)
        memcpy(a, buf[1], n * sizeof(*a));
    free(buf[1]);
}
