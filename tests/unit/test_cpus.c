/* CPU lists as the kernel writes them in /sys/devices/system/cpu/{possible,online}. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <stdlib.h>

#include "sys/cpus.h"

static void lists(void **state) {
    assert_int_equal(cpus_parse_list("0\n", NULL, 0), 1);
    assert_int_equal(cpus_parse_list("0-1\n", NULL, 0), 2);
    assert_int_equal(cpus_parse_list("0-3,8-11", NULL, 0), 12);
    assert_int_equal(cpus_parse_list("0,2,4", NULL, 0), 5);
    assert_int_equal(cpus_parse_list("", NULL, 0), -1);
    assert_int_equal(cpus_parse_list("x", NULL, 0), -1);
    assert_int_equal(cpus_parse_list("3-1", NULL, 0), -1);
    assert_int_equal(cpus_parse_list("0-99999", NULL, 0), -1);
    assert_true(cpus_possible() >= 1);
}

static void masks(void **state) {
    bool mask[6] = {0};
    assert_int_equal(cpus_parse_list("0,2-3,5\n", mask, 6), 6);
    assert_true(mask[0] && !mask[1] && mask[2] && mask[3] && !mask[4] && mask[5]);
    /* CPUs beyond the mask are counted but not written */
    bool small[2] = {0};
    assert_int_equal(cpus_parse_list("1,7", small, 2), 8);
    assert_true(!small[0] && small[1]);
}

static void online(void **state) {
    bool *mask;
    int n = cpus_online(&mask);
    assert_true(n >= 1);
    int count = 0;
    for (int i = 0; i < n; i++)
        count += mask[i];
    assert_true(count >= 1);
    assert_true(mask[n - 1]); /* the highest listed CPU is online */
    free(mask);
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(lists), cmocka_unit_test(masks),
                                       cmocka_unit_test(online)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
