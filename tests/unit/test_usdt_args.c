/* USDT operand strings: sizes and signs, registers at every width,
 * constants, memory with displacement and index, and what is refused. */
/* cmocka.h needs these first. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include "providers/arch.h"
#include "providers/usdt_args.h"

static int parse(const char *s, struct usdt_arg *out) {
    char err[128];
    return usdt_args_parse(s, out, USDT_MAX_ARGS, err, sizeof(err));
}

static int reg(const char *name) {
    return arch_reg_offset(&arch_x86_64, name);
}

static void test_registers(void **state) {
    (void)state;
    struct usdt_arg a[USDT_MAX_ARGS];
    assert_int_equal(parse("-4@%eax 8@%rdi -1@%al 2@%cx 1@%ah -4@%r8d 8@%r15 1@%sil", a), 8);
    assert_int_equal(a[0].kind, USDT_ARG_REG);
    assert_int_equal(a[0].reg, reg("ax"));
    assert_int_equal(a[0].size, 4);
    assert_true(a[0].is_signed);
    assert_int_equal(a[1].reg, reg("di"));
    assert_int_equal(a[1].size, 8);
    assert_false(a[1].is_signed);
    assert_int_equal(a[2].reg, reg("ax"));
    assert_int_equal(a[2].size, 1);
    assert_int_equal(a[3].reg, reg("cx"));
    assert_int_equal(a[4].shift, 8);
    assert_int_equal(a[5].reg, reg("r8"));
    assert_int_equal(a[6].reg, reg("r15"));
    assert_int_equal(a[7].reg, reg("si"));
}

static void test_constants(void **state) {
    (void)state;
    struct usdt_arg a[USDT_MAX_ARGS];
    assert_int_equal(parse("-4@$5 -4@$-5 8@$0x10 8@$4294967296", a), 4);
    assert_int_equal(a[0].kind, USDT_ARG_CONST);
    assert_int_equal(a[0].value, 5);
    assert_int_equal(a[1].value, -5);
    assert_int_equal(a[2].value, 16);
    assert_int_equal(a[3].value, 4294967296LL);
    assert_int_equal(parse("4@$-202182160 -2@$61936 1@$-16 -1@$240 -8@$-5", a), 5);
    assert_int_equal(usdt_arg_const(&a[0]), 4092785136LL);
    assert_int_equal(usdt_arg_const(&a[1]), -3600);
    assert_int_equal(usdt_arg_const(&a[2]), 240);
    assert_int_equal(usdt_arg_const(&a[3]), -16);
    assert_int_equal(usdt_arg_const(&a[4]), -5);
}

static void test_memory(void **state) {
    (void)state;
    struct usdt_arg a[USDT_MAX_ARGS];
    assert_int_equal(parse("8@-8(%rbp) -4@(%rax) -8@(%rdi,%rax,8) 4@16(%rsp,%rdx) 8@8(,%rcx,4)", a),
                     5);
    assert_int_equal(a[0].kind, USDT_ARG_MEM);
    assert_int_equal(a[0].reg, reg("bp"));
    assert_int_equal(a[0].value, -8);
    assert_int_equal(a[0].index, -1);
    assert_int_equal(a[1].reg, reg("ax"));
    assert_int_equal(a[1].value, 0);
    assert_int_equal(a[2].reg, reg("di"));
    assert_int_equal(a[2].index, reg("ax"));
    assert_int_equal(a[2].scale, 8);
    assert_true(a[2].is_signed);
    assert_int_equal(a[3].reg, reg("sp"));
    assert_int_equal(a[3].index, reg("dx"));
    assert_int_equal(a[3].scale, 1);
    assert_int_equal(a[3].value, 16);
    assert_int_equal(a[4].reg, -1);
    assert_int_equal(a[4].index, reg("cx"));
    assert_int_equal(a[4].scale, 4);
}

/* sdt.h may leave the size out: 8 unsigned bytes. */
static void test_no_size(void **state) {
    (void)state;
    struct usdt_arg a[USDT_MAX_ARGS];
    assert_int_equal(parse("%rax", a), 1);
    assert_int_equal(a[0].size, 8);
    assert_false(a[0].is_signed);
    assert_int_equal(parse("", a), 0);
    assert_int_equal(parse("  ", a), 0);
}

static void test_refused(void **state) {
    (void)state;
    struct usdt_arg a[USDT_MAX_ARGS];
    char err[128];
    assert_int_equal(usdt_args_parse("-4@var(%rip)", a, USDT_MAX_ARGS, err, sizeof(err)), -1);
    assert_string_equal(err, "unsupported USDT argument '-4@var(%rip)'");
    assert_int_equal(parse("8@%fs:40", a), -1);
    assert_int_equal(parse("3@%rax", a), -1);
    assert_int_equal(parse("8@%xmm0", a), -1);
    assert_int_equal(parse("8@(%rax,%rdx,3)", a), -1);
    assert_int_equal(usdt_args_parse("8@%rax 8@%rbx", a, 1, err, sizeof(err)), -1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registers), cmocka_unit_test(test_constants),
        cmocka_unit_test(test_memory),    cmocka_unit_test(test_no_size),
        cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
