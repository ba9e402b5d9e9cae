/* CPU lists as the kernel writes them in /sys/devices/system/cpu/possible. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "sys/cpus.h"

static void lists(void **state) {
    assert_int_equal(cpus_parse_list("0\n"), 1);
    assert_int_equal(cpus_parse_list("0-1\n"), 2);
    assert_int_equal(cpus_parse_list("0-3,8-11"), 12);
    assert_int_equal(cpus_parse_list("0,2,4"), 5);
    assert_int_equal(cpus_parse_list(""), -1);
    assert_int_equal(cpus_parse_list("x"), -1);
    assert_int_equal(cpus_parse_list("3-1"), -1);
    assert_true(cpus_possible() >= 1);
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(lists)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
