/* Histogram bucket indices and rows. The expected rows were captured from
 * bpftrace 0.17 on this machine (its rows match current bpftrace; only the
 * header line differs, and that is not part of these rows). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "output/hist.h"

static void add(uint64_t *counts, size_t n, uint64_t idx, uint64_t times) {
    assert_true(idx < n);
    counts[idx] += times;
}

static void test_hist_index_k0(void **state) {
    (void)state;
    assert_int_equal(hist_bucket_index(-5, 0), 0);
    assert_int_equal(hist_bucket_index(0, 0), 1);
    assert_int_equal(hist_bucket_index(1, 0), 2);
    assert_int_equal(hist_bucket_index(2, 0), 3);
    assert_int_equal(hist_bucket_index(3, 0), 3);
    assert_int_equal(hist_bucket_index(4, 0), 4);
    assert_int_equal(hist_bucket_index(1023, 0), 11);
    assert_int_equal(hist_bucket_index(1024, 0), 12);
    assert_int_equal(hist_bucket_index(INT64_MAX, 0), 64);
}

/* hist_bucket_low(j) bounds what hist_bucket_index puts in bucket j:
 * L(j-1) <= v < L(j), for every sub-bucket count. */
static void test_hist_bucket_low_bounds_index(void **state) {
    (void)state;
    for (int k = 0; k <= 5; k++) {
        for (int64_t v = 0; v < 5000; v++) {
            uint64_t j = hist_bucket_index(v, k);
            assert_true(hist_bucket_low(j - 1, k) <= (uint64_t)v);
            assert_true((uint64_t)v < hist_bucket_low(j, k));
        }
        uint64_t j = hist_bucket_index(INT64_MAX, k);
        assert_true(hist_bucket_low(j - 1, k) <= (uint64_t)INT64_MAX);
    }
    assert_int_equal(hist_bucket_low(11, 0), 1024); /* bucket 12 is [1K, 2K) */
    assert_true(hist_bucket_low(66, 0) == UINT64_MAX);
}

static void test_hist_index_k2(void **state) {
    (void)state;
    /* the worked example in bpftrace's log2(): 225 with k = 2 -> 28 */
    assert_int_equal(hist_bucket_index(225, 2), 28);
    assert_int_equal(hist_bucket_index(-1, 2), 0);
    assert_int_equal(hist_bucket_index(3, 2), 4);
    assert_int_equal(hist_bucket_index(4, 2), 5);
    assert_int_equal(hist_bucket_index(7, 2), 8);
    assert_int_equal(hist_bucket_index(8, 2), 9);
    assert_int_equal(hist_bucket_index(9, 2), 9);
    assert_int_equal(hist_bucket_index(10, 2), 10);
    assert_int_equal(hist_bucket_index(16, 2), 13);
}

static void test_lhist_index(void **state) {
    (void)state;
    assert_int_equal(lhist_bucket_index(-1, 0, 10, 2), 0);
    assert_int_equal(lhist_bucket_index(0, 0, 10, 2), 1);
    assert_int_equal(lhist_bucket_index(3, 0, 10, 2), 2);
    assert_int_equal(lhist_bucket_index(9, 0, 10, 2), 5);
    assert_int_equal(lhist_bucket_index(10, 0, 10, 2), 6);
    assert_int_equal(lhist_bucket_index(1000, 0, 10, 2), 6);
    assert_int_equal(lhist_bucket_index(10, 0, 10, 3), 4);
}

static const char hist_rows[] =
    "(..., 0)               1 |@@@@@@@                                             |\n"
    "[0]                    3 |@@@@@@@@@@@@@@@@@@@@@@                              |\n"
    "[1]                    7 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
    "[2, 4)                 0 |                                                    |\n"
    "[4, 8)                 2 |@@@@@@@@@@@@@@                                      |\n"
    "[8, 16)                0 |                                                    |\n"
    "[16, 32)               0 |                                                    |\n"
    "[32, 64)               0 |                                                    |\n"
    "[64, 128)              5 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@               |\n"
    "[128, 256)             0 |                                                    |\n"
    "[256, 512)             0 |                                                    |\n"
    "[512, 1K)              0 |                                                    |\n"
    "[1K, 2K)               0 |                                                    |\n"
    "[2K, 4K)               0 |                                                    |\n"
    "[4K, 8K)               0 |                                                    |\n"
    "[8K, 16K)              0 |                                                    |\n"
    "[16K, 32K)             0 |                                                    |\n"
    "[32K, 64K)             0 |                                                    |\n"
    "[64K, 128K)            0 |                                                    |\n"
    "[128K, 256K)           0 |                                                    |\n"
    "[256K, 512K)           0 |                                                    |\n"
    "[512K, 1M)             0 |                                                    |\n"
    "[1M, 2M)               1 |@@@@@@@                                             |\n";

static void test_hist_rows(void **state) {
    (void)state;
    uint64_t c[70] = {0};
    add(c, 70, hist_bucket_index(0, 0), 3);
    add(c, 70, hist_bucket_index(1, 0), 7);
    add(c, 70, hist_bucket_index(5, 0), 2);
    add(c, 70, hist_bucket_index(100, 0), 5);
    add(c, 70, hist_bucket_index(2000000, 0), 1);
    add(c, 70, hist_bucket_index(-5, 0), 1);
    struct out_str s;
    out_str_init(&s);
    hist_render(&s, c, 70, 0, 0);
    assert_string_equal(s.p, hist_rows);
    out_str_free(&s);
}

static void test_hist_rows_trimmed_and_div(void **state) {
    (void)state;
    uint64_t c[20] = {0};
    add(c, 20, hist_bucket_index(1000, 0), 10);
    add(c, 20, hist_bucket_index(1024, 0), 40);
    struct out_str s;
    out_str_init(&s);
    hist_render(&s, c, 20, 0, 10);
    assert_string_equal(
        s.p, "[512, 1K)              1 |@@@@@@@@@@@@@                                       |\n"
             "[1K, 2K)               4 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n");
    out_str_reset(&s);
    uint64_t z[20] = {0};
    hist_render(&s, z, 20, 0, 0);
    assert_int_equal(s.len, 0);
    out_str_free(&s);
}

static void test_hist_rows_k2(void **state) {
    (void)state;
    uint64_t c[80] = {0};
    add(c, 80, hist_bucket_index(7, 2), 1);
    add(c, 80, hist_bucket_index(8, 2), 1);
    add(c, 80, hist_bucket_index(225, 2), 2);
    add(c, 80, hist_bucket_index(1 << 20, 2), 1);
    struct out_str s;
    out_str_init(&s);
    hist_render(&s, c, 80, 2, 0);
    /* first rows: [7] is one value (both bounds plain), then [8, 10) */
    const char *want_start =
        "[7]                    1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
        "[8, 10)                1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
        "[10, 12)               0 |                                                    |\n";
    assert_memory_equal(s.p, want_start, strlen(want_start));
    assert_non_null(strstr(s.p, "[224, 256)             2 |@@@@"));
    /* the suffix follows the sub-bucket size 2^18, not the bound itself */
    assert_non_null(strstr(s.p, "\n[1024K, 1280K)         1 |"));
    out_str_free(&s);
}

static void test_lhist_rows(void **state) {
    (void)state;
    uint64_t c[8] = {0};
    add(c, 8, lhist_bucket_index(3, 0, 10, 2), 1);
    add(c, 8, lhist_bucket_index(-1, 0, 10, 2), 1);
    add(c, 8, lhist_bucket_index(10, 0, 10, 2), 1);
    struct out_str s;
    out_str_init(&s);
    lhist_render(&s, c, 8, 0, 10, 2);
    assert_string_equal(
        s.p, "(..., 0)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
             "[0, 2)                 0 |                                                    |\n"
             "[2, 4)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
             "[4, 6)                 0 |                                                    |\n"
             "[6, 8)                 0 |                                                    |\n"
             "[8, 10)                0 |                                                    |\n"
             "[10, ...)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n");
    out_str_free(&s);
}

static void test_lhist_suffixes(void **state) {
    (void)state;
    uint64_t c[8] = {0};
    int64_t vals[] = {0, 1500, 5000, 3000, 3000};
    for (size_t i = 0; i < 5; i++)
        add(c, 8, lhist_bucket_index(vals[i], 0, 4096, 1024), 1);
    struct out_str s;
    out_str_init(&s);
    lhist_render(&s, c, 8, 0, 4096, 1024);
    assert_string_equal(
        s.p, "[0, 1K)                1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
             "[1K, 2K)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
             "[2K, 3K)               2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
             "[3K, 4K)               0 |                                                    |\n"
             "[4K, ...)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n");

    uint64_t m[8] = {0};
    add(m, 8, lhist_bucket_index(0, 0, 3145728, 1048576), 1);
    add(m, 8, lhist_bucket_index(2097152, 0, 3145728, 1048576), 1);
    out_str_reset(&s);
    lhist_render(&s, m, 8, 0, 3145728, 1048576);
    assert_string_equal(
        s.p, "[0, 1M)                1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
             "[1M, 2M)               0 |                                                    |\n"
             "[2M, 3M)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n");
    out_str_free(&s);
}

/* Current bpftrace prints a one-value bucket of lhist(x, min, max, 1) as
 * [n]; 0.17 printed [n, n+1). */
static void test_lhist_step_one(void **state) {
    (void)state;
    uint64_t c[16] = {0};
    add(c, 16, lhist_bucket_index(3, 0, 10, 1), 1);
    add(c, 16, lhist_bucket_index(5, 0, 10, 1), 2);
    struct out_str s;
    out_str_init(&s);
    lhist_render(&s, c, 16, 0, 10, 1);
    assert_string_equal(
        s.p, "[3]                    1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
             "[4]                    0 |                                                    |\n"
             "[5]                    2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n");
    out_str_free(&s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hist_index_k0),
        cmocka_unit_test(test_hist_index_k2),
        cmocka_unit_test(test_hist_bucket_low_bounds_index),
        cmocka_unit_test(test_lhist_index),
        cmocka_unit_test(test_hist_rows),
        cmocka_unit_test(test_hist_rows_trimmed_and_div),
        cmocka_unit_test(test_hist_rows_k2),
        cmocka_unit_test(test_lhist_rows),
        cmocka_unit_test(test_lhist_suffixes),
        cmocka_unit_test(test_lhist_step_one),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
