/* for ranges with run-time bounds go through bpf_loop when the kernel has
 * it; literal bounds stay an inline loop the verifier bounds itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "cg_compile.h"

#define CALL_LOOP "call 181"

static int loop_calls(const char *prog, bool bpf_loop) {
    struct cg_opts o = {.bpf_loop = bpf_loop};
    struct manifest m;
    assert_int_equal(tu_compile(prog, &o, &m), 0);
    int n = tu_count_insns(&m.progs[0], CALL_LOOP);
    manifest_free(&m);
    return n;
}

static void map_bound_uses_bpf_loop(void **state) {
    (void)state;
    const char *prog = "BEGIN { @n = 8; for ($i : 0..@n) { print($i); } }";
    assert_int_equal(loop_calls(prog, true), 1);
    assert_int_equal(loop_calls(prog, false), 0); /* no helper: the inline loop */
}

static void literal_bounds_stay_inline(void **state) {
    (void)state;
    assert_int_equal(loop_calls("BEGIN { for ($i : 1..-3) { print($i); } }", true), 0);
}

static void callback_starts_from_the_start_slot(void **state) {
    (void)state;
    struct cg_opts o = {.bpf_loop = true};
    struct manifest m;
    assert_int_equal(tu_compile("BEGIN { $s = 2; for ($i : $s..($s + 3)) { print($i); } }", &o, &m),
                     0);
    /* count = end - start, never negative; the callback finds the caller's
     * stack in r2 and adds the index in r1 to the start */
    assert_int_equal(tu_count_insns(&m.progs[0], "if r1 s> 0 goto pc+1"), 1);
    assert_int_equal(tu_count_insns(&m.progs[0], "r7 = r2"), 1);
    assert_int_equal(tu_count_insns(&m.progs[0], "r2 += r1"), 1);
    manifest_free(&m);
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(map_bound_uses_bpf_loop),
                                       cmocka_unit_test(literal_bounds_stay_inline),
                                       cmocka_unit_test(callback_starts_from_the_start_slot)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
