/* The printf-free integer formatting that big map dumps use. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "output/bigmem.h"
#include "output/strbuf.h"

static void check_u64(uint64_t v) {
    char want[32];
    snprintf(want, sizeof(want), "%llu", (unsigned long long)v);
    struct out_str s;
    out_str_init(&s);
    out_str_u64(&s, v);
    assert_string_equal(s.p, want);
    assert_int_equal(s.len, strlen(want));
    out_str_free(&s);
}

static void check_i64(int64_t v) {
    char want[32];
    snprintf(want, sizeof(want), "%lld", (long long)v);
    struct out_str s;
    out_str_init(&s);
    out_str_puts(&s, "x=");
    out_str_i64(&s, v);
    assert_string_equal(s.p + 2, want);
    out_str_free(&s);
}

static void test_u64(void **state) {
    (void)state;
    const uint64_t v[] = {0, 1, 9, 10, 99, 100, 4294967295u, 10000000000000000000u, UINT64_MAX};
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
        check_u64(v[i]);
}

static void test_i64(void **state) {
    (void)state;
    const int64_t v[] = {0, -1, 1, -10, 123456789, -987654321, INT64_MAX, INT64_MIN};
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
        check_i64(v[i]);
}

/* A buffer past the huge-page threshold grows with its contents intact. */
static void test_big_realloc(void **state) {
    (void)state;
    size_t n = 3u << 20;
    unsigned char *p = out_big_alloc(1000, 1);
    for (size_t i = 0; i < 1000; i++)
        p[i] = (unsigned char)i;
    p = out_big_realloc(p, 1000, n, 1);
    for (size_t i = 0; i < 1000; i++)
        assert_int_equal(p[i], (unsigned char)i);
    memset(p, 7, n);
    p = out_big_realloc(p, n, 2 * n, 1);
    assert_int_equal(p[n - 1], 7);
    free(p);
    unsigned char *z = out_big_calloc(n, 2);
    assert_int_equal(z[0] | z[2 * n - 1], 0);
    free(z);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_u64),
        cmocka_unit_test(test_i64),
        cmocka_unit_test(test_big_realloc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
