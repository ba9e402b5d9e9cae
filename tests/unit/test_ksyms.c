/* The sorted kallsyms table behind kernel stacks (runtime/output/ksyms.h),
 * on hand-written kallsyms text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "output/ksyms.h"

static void parse(struct out_ksyms *k, const char *text, int want) {
    char *copy = strdup(text);
    assert_int_equal(out_ksyms_parse(k, copy, strlen(copy)), want);
}

static void lookup(const struct out_ksyms *k, uint64_t addr, const char *name, uint64_t off) {
    uint64_t got = 99;
    const char *n = out_ksyms_lookup(k, addr, &got);
    if (!name) {
        assert_null(n);
        return;
    }
    assert_non_null(n);
    assert_string_equal(n, name);
    assert_int_equal(got, off);
}

static void text_symbols_hold_the_addresses_above_them(void **state) {
    (void)state;
    struct out_ksyms k;
    parse(&k,
          "ffffffff81000000 T _stext\n"
          "ffffffff81000100 t helper\n"
          "ffffffff81000180 D some_data\n"
          "ffffffff81000200 T do_syscall_64\n"
          "ffffffff81000300 W weak_fn\n",
          0);
    assert_int_equal(k.n, 4); /* the data symbol is left out */
    lookup(&k, 0xffffffff80ffffffull, NULL, 0);
    lookup(&k, 0xffffffff81000000ull, "_stext", 0);
    lookup(&k, 0xffffffff810001a0ull, "helper", 0xa0);
    lookup(&k, 0xffffffff81000234ull, "do_syscall_64", 0x34);
    lookup(&k, 0xffffffff81009999ull, "weak_fn", 0x9699);
    out_ksyms_free(&k);
}

static void modules_after_the_kernel_are_sorted_in(void **state) {
    (void)state;
    struct out_ksyms k;
    parse(&k,
          "ffffffff81000000 T _stext\n"
          "ffffffffc0002000 t ext4_fill_super\t[ext4]\n"
          "ffffffffc0001000 t ext4_init\t[ext4]\n"
          "ffffffff82000000 T _etext\n",
          0);
    lookup(&k, 0xffffffffc0001010ull, "ext4_init", 0x10);
    lookup(&k, 0xffffffffc0002001ull, "ext4_fill_super", 1);
    lookup(&k, 0xffffffff82000010ull, "_etext", 0x10);
    out_ksyms_free(&k);
}

/* Aliases at one address: the last listed, which is what bcc's table
 * gives for nearly all of them (__x64_sys_getppid, not __do_sys_getppid). */
static void of_aliases_the_last_listed_names_the_address(void **state) {
    (void)state;
    struct out_ksyms k;
    parse(&k,
          "ffffffff813828f0 t __do_sys_getppid\n"
          "ffffffff813828f0 T __ia32_sys_getppid\n"
          "ffffffff813828f0 T __x64_sys_getppid\n"
          "ffffffff81382910 T next_fn\n",
          0);
    lookup(&k, 0xffffffff813828f4ull, "__x64_sys_getppid", 4);
    out_ksyms_free(&k);
}

/* Without root, kallsyms shows every address as zero. */
static void zero_addresses_make_no_table(void **state) {
    (void)state;
    struct out_ksyms k;
    parse(&k, "0000000000000000 T _stext\n0000000000000000 t helper\n", -1);
    lookup(&k, 0x1000, NULL, 0);
    out_ksyms_free(&k);
}

static void malformed_lines_are_skipped(void **state) {
    (void)state;
    struct out_ksyms k;
    parse(&k, "garbage\n\nffffffff81000000 T\nffffffff81000010 T ok", 0);
    assert_int_equal(k.n, 1);
    lookup(&k, 0xffffffff81000011ull, "ok", 1);
    out_ksyms_free(&k);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(text_symbols_hold_the_addresses_above_them),
        cmocka_unit_test(modules_after_the_kernel_are_sorted_in),
        cmocka_unit_test(of_aliases_the_last_listed_names_the_address),
        cmocka_unit_test(zero_addresses_make_no_table),
        cmocka_unit_test(malformed_lines_are_skipped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
