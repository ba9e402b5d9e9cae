/* User space's text for strftime(), ntop(), strerror() and syscall_name(). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "output/strbuf.h"
#include "output/text.h"
#include "types.h"

/* 2021-03-04 05:06:07 UTC as the realtime of boot. */
#define BOOT_REALTIME_NS (INT64_C(1614834367) * 1000000000)

static char *strftime_text(const char *fmt, uint64_t ns) {
    struct out_str s;
    out_str_init(&s);
    out_fmt_strftime(&s, fmt, ns, BOOT_REALTIME_NS, 64);
    char *r = strdup(s.p ? s.p : "");
    out_str_free(&s);
    return r;
}

static void check_strftime(const char *fmt, uint64_t ns, const char *want) {
    char *got = strftime_text(fmt, ns);
    assert_string_equal(got, want);
    free(got);
}

static int utc(void **state) {
    setenv("TZ", "UTC", 1);
    tzset();
    return 0;
}

static void strftime_counts_from_boot(void **state) {
    check_strftime("%Y-%m-%d %H:%M:%S", 0, "2021-03-04 05:06:07");
    check_strftime("%H:%M:%S", UINT64_C(3600) * 1000000000, "06:06:07");
}

static void strftime_microseconds_and_friends(void **state) {
    check_strftime("%S.%f", 123000, "07.000123");
    check_strftime("%S.%f", 1000123000, "08.000123");
    check_strftime("%f", 999999999, "999999");
    check_strftime("%k", 42, "000000042");
    check_strftime("%l", 12345678, "012");
    /* bpftrace replaces the "%f" of "%%f" too, and strftime(3) then fails */
    check_strftime("%%f %f", 5000, "(?)");
    check_strftime("%%Y %f %%", 5000, "%Y 000005 %");
    check_strftime("%%%f", 5000, "%000005");
}

static void strftime_failure_is_question_mark(void **state) {
    check_strftime("", 0, "(?)"); /* strftime(3) writes nothing */
    struct out_str s;
    out_str_init(&s);
    out_fmt_strftime(&s, "%Y", 0, 0, 64); /* the epoch itself: bpftrace gives up */
    assert_string_equal(s.p, "(?)");
    out_str_free(&s);
}

static void boot_offset_is_close_to_the_clocks(void **state) {
    struct timespec rt, bt;
    clock_gettime(CLOCK_REALTIME, &rt);
    clock_gettime(CLOCK_BOOTTIME, &bt);
    int64_t want = ((int64_t)rt.tv_sec - bt.tv_sec) * 1000000000 + (rt.tv_nsec - bt.tv_nsec);
    int64_t got = out_boot_offset_ns();
    assert_true(llabs(got - want) < 10000000); /* 10 ms */
}

static char *inet_text(uint64_t af, const uint8_t *addr, size_t n) {
    struct text_inet a = {.af = af};
    memcpy(a.addr, addr, n);
    struct out_str s;
    out_str_init(&s);
    out_fmt_inet(&s, &a);
    char *r = strdup(s.p ? s.p : "");
    out_str_free(&s);
    return r;
}

static void ntop_formats_both_families(void **state) {
    const uint8_t v4[] = {127, 0, 0, 1};
    const uint8_t v6[16] = {[15] = 1};
    const uint8_t mapped[16] = {[10] = 0xff, [11] = 0xff, [12] = 10, [15] = 7};
    char *t = inet_text(2, v4, 4);
    assert_string_equal(t, "127.0.0.1");
    free(t);
    t = inet_text(10, v6, 16);
    assert_string_equal(t, "::1");
    free(t);
    t = inet_text(10, mapped, 16);
    assert_string_equal(t, "::ffff:10.0.0.7");
    free(t);
    t = inet_text(10, v4, 4);
    assert_string_equal(t, "7f00:1::");
    free(t);
}

static void syscall_table_from_the_uapi_header(void **state) {
    assert_string_equal(out_syscall_name(0), "read");
    assert_string_equal(out_syscall_name(59), "execve");
    assert_string_equal(out_syscall_name(110), "getppid");
    assert_string_equal(out_syscall_name(435), "clone3");
    assert_null(out_syscall_name(-1));
    assert_null(out_syscall_name(100000));
}

static void text_values_by_kind(void **state) {
    struct type_arena *a = type_arena_new();
    struct out_str s;
    out_str_init(&s);
    int64_t v = 2;
    out_fmt_text(&s, type_text(a, TEXT_STRERROR, NULL), &v);
    out_str_putc(&s, '|');
    v = 1000;
    out_fmt_text(&s, type_text(a, TEXT_STRERROR, NULL), &v);
    out_str_putc(&s, '|');
    v = 1;
    out_fmt_text(&s, type_text(a, TEXT_SYSCALL, NULL), &v);
    out_str_putc(&s, '|');
    v = 5000;
    out_fmt_text(&s, type_text(a, TEXT_SYSCALL, NULL), &v);
    assert_string_equal(s.p, "No such file or directory|Unknown error|write|Unknown syscall");
    out_str_free(&s);
    type_arena_free(a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(strftime_counts_from_boot),
        cmocka_unit_test(strftime_microseconds_and_friends),
        cmocka_unit_test(strftime_failure_is_question_mark),
        cmocka_unit_test(boot_offset_is_close_to_the_clocks),
        cmocka_unit_test(ntop_formats_both_families),
        cmocka_unit_test(syscall_table_from_the_uapi_header),
        cmocka_unit_test(text_values_by_kind),
    };
    return cmocka_run_group_tests(tests, utc, NULL);
}
