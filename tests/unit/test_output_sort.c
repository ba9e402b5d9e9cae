/* The radix sort of map rows against a plain comparison sort: the same
 * order on random values and keys, with many ties in the value, bytes
 * that never differ (skipped passes) and the extremes of each half. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "output/sort_item.h"

/* (value, key), then the original position: the order of a stable sort. */
static int cmp_items(const void *a, const void *b) {
    const struct sort_item *x = a, *y = b;
    if (x->value != y->value)
        return x->value < y->value ? -1 : 1;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row;
}

static uint64_t next(uint64_t *s) {
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* n items whose row pointer records their first position (for ties). */
static void check(size_t n, uint64_t value_mask, uint64_t key_mask, uint64_t seed) {
    struct sort_item *a = calloc(n, sizeof(*a)), *want = calloc(n, sizeof(*a));
    for (size_t i = 0; i < n; i++) {
        a[i].value = next(&seed) & value_mask;
        a[i].key = next(&seed) & key_mask;
        a[i].row = (const struct out_row *)(uintptr_t)(i + 1);
    }
    a[n / 2].value = value_mask; /* the extremes */
    a[0].key = key_mask;
    memcpy(want, a, n * sizeof(*a));
    qsort(want, n, sizeof(*want), cmp_items);
    out_radix_sort(a, n);
    assert_memory_equal(a, want, n * sizeof(*a));
    free(a);
    free(want);
}

static void test_random(void **state) {
    (void)state;
    check(1000, ~0ull, ~0ull, 1);
}

static void test_value_ties(void **state) {
    (void)state;
    check(5000, 3, ~0ull, 2); /* most values equal: the key decides */
}

static void test_equal_values_and_keys(void **state) {
    (void)state;
    check(300, 1, 1, 3); /* equal pairs keep their first order */
}

static void test_constant_bytes(void **state) {
    (void)state;
    check(2000, 0, 0xffff0000ull, 4); /* only two bytes differ */
    check(2000, 0xff00000000000000ull, 0, 5);
}

static void test_small(void **state) {
    (void)state;
    struct sort_item one = {7, 9, NULL};
    out_radix_sort(&one, 1);
    assert_int_equal(one.value, 7);
    out_radix_sort(NULL, 0);
    check(2, ~0ull, ~0ull, 6);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random),
        cmocka_unit_test(test_value_ties),
        cmocka_unit_test(test_equal_values_and_keys),
        cmocka_unit_test(test_constant_bytes),
        cmocka_unit_test(test_small),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
