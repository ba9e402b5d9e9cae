/* strstr and str_concat over long strings: code whose size does not grow
 * with the product of the capacities, so that it fits a program and the
 * verifier's limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "cg_compile.h"

#define CALL_READ_KERNEL_STR "call 115"

static void long_strstr_is_a_loop(void **state) {
    (void)state;
    struct cg_opts o = {0};
    struct manifest m;
    /* str() is max_strlen (64) bytes here: a needle of 40 makes 2600 steps */
    const char *prog = "BEGIN { $s = str(nsecs, 1024); "
                       "print(strstr($s, \"0123456789012345678901234567890123456789\")); }";
    assert_int_equal(tu_compile(prog, &o, &m), 0);
    /* unrolled, 65 indexes times 41 needle bytes would be ~8000 */
    assert_true(m.progs[0].ninsns < 2000);
    assert_true(tu_count_insns(&m.progs[0], "goto pc-*") >= 1);
    manifest_free(&m);
}

static void short_strstr_stays_unrolled(void **state) {
    (void)state;
    struct cg_opts o = {0};
    struct manifest m;
    assert_int_equal(tu_compile("BEGIN { print(strstr(\"hello\", \"ll\")); }", &o, &m), 0);
    assert_int_equal(tu_count_insns(&m.progs[0], "goto pc-*"), 0);
    manifest_free(&m);
}

static void str_concat_copies_the_first_string_once(void **state) {
    (void)state;
    struct cg_opts o = {0};
    struct manifest m;
    const char *prog = "BEGIN { $s = str(nsecs, 1024); print(str_concat($s, $s)); }";
    assert_int_equal(tu_compile(prog, &o, &m), 0);
    assert_int_equal(tu_count_insns(&m.progs[0], CALL_READ_KERNEL_STR), 1);
    manifest_free(&m);
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(long_strstr_is_a_loop),
                                       cmocka_unit_test(short_strstr_stays_unrolled),
                                       cmocka_unit_test(str_concat_copies_the_first_string_once)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
