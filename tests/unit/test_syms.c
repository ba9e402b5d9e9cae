/* The statically linked bcc symbolizer resolves this test's own functions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "syms.h"

/* Not static, so that the symbol table names it. */
__attribute__((noinline)) int syms_test_marker(int x) {
    return x * 3 + 1;
}

static void resolves_a_function_of_this_process(void **state) {
    struct rt_syms *s = rt_syms_open(getpid());
    assert_non_null(s);
    char buf[256];
    assert_int_equal(rt_syms_resolve(s, (uint64_t)(uintptr_t)&syms_test_marker, buf, sizeof(buf)),
                     0);
    assert_string_equal(buf, "syms_test_marker");
    assert_int_equal(
        rt_syms_resolve(s, (uint64_t)(uintptr_t)&syms_test_marker + 4, buf, sizeof(buf)), 0);
    assert_string_equal(buf, "syms_test_marker+0x4");
    rt_syms_close(s);
}

static void unknown_address_is_an_error(void **state) {
    struct rt_syms *s = rt_syms_open(getpid());
    assert_non_null(s);
    char buf[64];
    assert_int_equal(rt_syms_resolve(s, 8, buf, sizeof(buf)), -1);
    rt_syms_close(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(resolves_a_function_of_this_process),
        cmocka_unit_test(unknown_address_is_an_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
