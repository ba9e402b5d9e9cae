/* Prometheus metric names and label values: the exposition format's rules
 * (names [a-zA-Z_:][a-zA-Z0-9_:]*, label values with \\, \" and \n escaped). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "output/prom.h"

static void check_name(const char *map, const char *want) {
    struct out_str s;
    out_str_init(&s);
    out_prom_name(&s, map);
    assert_string_equal(s.p, want);
    out_str_free(&s);
}

static void test_names(void **state) {
    (void)state;
    check_name("@", "trawk_map");
    check_name("@bytes", "trawk_bytes");
    check_name("@Lat_ns2", "trawk_Lat_ns2");
    check_name("@a.b-c", "trawk_a_b_c");
}

static void test_label_values(void **state) {
    (void)state;
    struct out_str s;
    out_str_init(&s);
    const char v[] = "a\"b\\c\nd";
    out_prom_label_value(&s, v, sizeof(v) - 1);
    assert_string_equal(s.p, "a\\\"b\\\\c\\nd");
    out_str_reset(&s);
    /* A fixed-size string ends at its NUL. */
    out_prom_label_value(&s, "abc\0def", 7);
    assert_string_equal(s.p, "abc");
    out_str_free(&s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_label_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
