/* The DWARF unwinder (runtime/dwunwind.h) on this test's own stack: the
 * registers and a copy of the stack are taken the way dw_ustack takes
 * them, and the frames found must be the functions that called. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "dwunwind.h"

/* Enough for the few frames checked; the stack above is not read. */
#define COPY 2048

static uint8_t copy[COPY];
static struct rt_dw_stack taken;

/* The stack is read as the kernel reads it, redzones and all: not
 * through the sanitizers' checked memcpy. */
__attribute__((noinline, no_sanitize_address)) static void copy_stack(uint64_t sp) {
    const volatile uint8_t *src = (const volatile uint8_t *)(uintptr_t)sp;
    for (size_t i = 0; i < COPY; i++)
        copy[i] = src[i];
}

__attribute__((noinline)) void dwu_capture(void) {
    uint64_t sp, bp, ip;
    __asm__ volatile("mov %%rsp, %0\n\tmov %%rbp, %1\n\tlea 0(%%rip), %2"
                     : "=r"(sp), "=r"(bp), "=r"(ip));
    copy_stack(sp);
    taken = (struct rt_dw_stack){
        .pid = getpid(), .ip = ip, .sp = sp, .bp = bp, .stack = copy, .len = COPY};
}

/* The asm after each call keeps it from becoming a jump (a tail call). */
__attribute__((noinline)) void dwu_inner(void) {
    dwu_capture();
    __asm__ volatile("");
}

__attribute__((noinline)) void dwu_outer(void) {
    dwu_inner();
    __asm__ volatile("");
}

static bool within(uint64_t pc, void (*fn)(void)) {
    uint64_t start = (uint64_t)(uintptr_t)fn;
    return pc >= start && pc < start + 256;
}

static void test_own_stack(void **state) {
    (void)state;
    dwu_outer();
    uint64_t ips[8] = {0};
    int n = rt_dw_unwind(&taken, ips, 8);
    assert_true(n >= 3);
    assert_true(within(ips[0], dwu_capture));
    assert_true(within(ips[1], dwu_inner));
    assert_true(within(ips[2], dwu_outer));
    /* callers are named at their call: before the return address */
    assert_true(ips[1] > (uint64_t)(uintptr_t)dwu_inner);
    rt_dw_free();
}

static void test_limit_and_empty_copy(void **state) {
    (void)state;
    dwu_outer();
    uint64_t ips[8] = {0};
    assert_int_equal(rt_dw_unwind(&taken, ips, 2), 2);
    assert_true(within(ips[1], dwu_inner));
    /* without the stack's words nothing past the first frame is known */
    struct rt_dw_stack none = taken;
    none.len = 0;
    assert_int_equal(rt_dw_unwind(&none, ips, 8), 1);
    rt_dw_free();
}

static void test_pids(void **state) {
    (void)state;
    const int pids[] = {10, 20};
    rt_dw_set_pids(pids, 2);
    assert_true(rt_dw_pid_known(20));
    assert_false(rt_dw_pid_known(30));
    rt_dw_free();
    assert_false(rt_dw_pid_known(10));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_own_stack),
        cmocka_unit_test(test_limit_and_empty_copy),
        cmocka_unit_test(test_pids),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
