/* Folding of literals (sema_fold.c, sema_fold_int.c): bpftrace 0.27.1's
 * rules, checked against its binary. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sema_run.h"
#include "sema/sema_fold.h"

#define U(v) ((struct fold_int){.neg = false, .bits = (v)})
#define S(v) ((struct fold_int){.neg = (v) < 0, .bits = (uint64_t)(int64_t)(v)})

static const uint64_t U64_MAX = UINT64_MAX;
static const uint64_t S64_MAX = INT64_MAX;

/* a OP b folds to want. */
static void arith_is(enum op op, struct fold_int a, struct fold_int b, struct fold_int want) {
    struct fold_int r;
    assert_true(sema_fold_int_arith(op, a, b, &r));
    assert_int_equal(r.neg, want.neg);
    assert_int_equal(r.bits, want.bits);
}

static void arith_fails(enum op op, struct fold_int a, struct fold_int b) {
    struct fold_int r;
    assert_false(sema_fold_int_arith(op, a, b, &r));
}

static void unsigned_results_stay_unsigned_until_they_overflow(void **state) {
    (void)state;
    arith_is(OP_ADD, U(S64_MAX), U(1), U(S64_MAX + 1));
    arith_is(OP_ADD, U(U64_MAX), U(0), U(U64_MAX));
    arith_fails(OP_ADD, U(U64_MAX), U(1));
    arith_is(OP_MUL, U(3), U(4611686018427387904), U(13835058055282163712u));
    arith_fails(OP_MUL, U(3), U(6148914691236517206));
    arith_fails(OP_MUL, U(4294967296), U(4294967296));
    arith_is(OP_MUL, U(U64_MAX), U(1), U(U64_MAX));
    arith_is(OP_MUL, U(U64_MAX), U(0), U(0));
    arith_is(OP_SHL, U(1), U(63), U(S64_MAX + 1));
    arith_fails(OP_SHL, U(1), U(64));
    arith_fails(OP_SHR, U(1), U(64));
    arith_is(OP_BAND, U(5), U(U64_MAX), U(5));
}

static void unsigned_subtraction_goes_negative_while_int64_holds_it(void **state) {
    (void)state;
    arith_is(OP_SUB, U(1), U(2), S(-1));
    arith_is(OP_SUB, U(0), U(S64_MAX + 1), S(INT64_MIN));
    arith_fails(OP_SUB, U(0), U(S64_MAX + 2));
    arith_fails(OP_SUB, U(1), U(U64_MAX));
    arith_is(OP_SUB, U(U64_MAX), U(U64_MAX), U(0));
}

static void division_by_zero_fails(void **state) {
    (void)state;
    arith_fails(OP_DIV, U(5), U(0));
    arith_fails(OP_MOD, U(5), U(0));
    arith_fails(OP_DIV, S(-5), U(0));
    arith_fails(OP_MOD, S(-5), U(0));
    /* bpftrace 0.27.1 traps here (SIGFPE); an error instead */
    arith_fails(OP_DIV, S(INT64_MIN), S(-1));
    arith_fails(OP_MOD, S(INT64_MIN), S(-1));
}

static void a_negative_makes_both_int64(void **state) {
    (void)state;
    arith_is(OP_DIV, S(-5), U(2), S(-2));
    arith_is(OP_MOD, S(-5), U(3), S(-2));
    arith_is(OP_DIV, U(7), S(-2), S(-3));
    arith_is(OP_DIV, S(-7), S(-2), U(3));
    arith_is(OP_SHR, S(-7), U(1), S(-4));
    arith_is(OP_SHL, S(-1), U(63), S(INT64_MIN));
    arith_fails(OP_SHL, U(1), S(-1));
    arith_fails(OP_SHR, S(-1), U(70));
    arith_is(OP_BXOR, U(1), S(-1), S(-2));
    arith_is(OP_BOR, S(-1), U(5), S(-1));
    /* the unsigned one must fit in int64 */
    arith_fails(OP_ADD, S(-1), U(U64_MAX));
    arith_fails(OP_BAND, S(-5), U(U64_MAX));
    arith_fails(OP_MUL, U(S64_MAX + 1), S(-1));
}

static void int64_results_spill_back_to_uint64(void **state) {
    (void)state;
    arith_is(OP_ADD, U(S64_MAX), S(-1), U(S64_MAX - 1));
    arith_is(OP_ADD, S(-INT64_MAX), S(-1), S(INT64_MIN));
    arith_fails(OP_ADD, S(-INT64_MAX), S(-2));
    arith_is(OP_SUB, S(-1), U(S64_MAX), S(INT64_MIN));
    arith_fails(OP_SUB, S(-2), U(S64_MAX));
    arith_fails(OP_SUB, U(5), S(-INT64_MAX));
    arith_fails(OP_SUB, S(-INT64_MAX), U(2));
    arith_is(OP_SUB, S(-1), S(-1), U(0));
    /* two negatives multiply as unsigned magnitudes */
    arith_is(OP_MUL, S(-3), S(-4), U(12));
    arith_is(OP_MUL, S(INT64_MIN), S(-1), U(S64_MAX + 1));
    arith_fails(OP_MUL, S(-4294967296), S(-4294967296));
    arith_is(OP_MUL, S(-3), U(4), S(-12));
}

/* 0.27.1's overflow test of a mixed product is compiled away: it wraps. */
static void mixed_products_wrap(void **state) {
    (void)state;
    arith_is(OP_MUL, U(4611686018427387904), S(-3), U(4611686018427387904));
    arith_is(OP_MUL, U(S64_MAX), S(-2), U(2));
    arith_is(OP_MUL, S(-4294967296), U(4294967296), U(0));
    arith_is(OP_MUL, U(4611686018427387904), S(-2), S(INT64_MIN));
}

static void comparisons(void **state) {
    (void)state;
    bool r;
    assert_true(sema_fold_int_compare(OP_LT, S(-1), U(1), &r) && r);
    assert_true(sema_fold_int_compare(OP_GT, U(U64_MAX), U(1), &r) && r);
    assert_true(sema_fold_int_compare(OP_GT, S(-5), U(3), &r) && !r);
    assert_true(sema_fold_int_compare(OP_EQ, S(INT64_MIN), S(INT64_MIN), &r) && r);
    assert_true(sema_fold_int_compare(OP_LE, U(0), U(0), &r) && r);
    assert_true(sema_fold_int_compare(OP_NE, U(0), S(-1), &r) && r);
    assert_true(sema_fold_int_compare(OP_LAND, U(1), U(0), &r) && !r);
    assert_true(sema_fold_int_compare(OP_LOR, U(2), U(0), &r) && r);
    assert_true(sema_fold_int_compare(OP_LAND, S(-1), S(-1), &r) && r);
    /* a negative against an unsigned above INT64_MAX cannot compare */
    assert_false(sema_fold_int_compare(OP_LT, S(-1), U(U64_MAX), &r));
    assert_false(sema_fold_int_compare(OP_EQ, S(-1), U(U64_MAX), &r));
    assert_false(sema_fold_int_compare(OP_LOR, S(-1), U(U64_MAX), &r));
}

/* ---- through sema: what a program's expression becomes ---- */

/* The value of $x in "BEGIN { $x = EXPR; }" after checking. */
static const struct node *folded(struct run *r) {
    const struct node *stmt = r->prog->a->c->a;
    return stmt->b;
}

static struct run *check(const char *expr) {
    char prog[512];
    snprintf(prog, sizeof(prog), "BEGIN { $x = %s; }", expr);
    return run_with(prog, NULL);
}

static void folds_to_int(const char *expr, bool neg, uint64_t bits) {
    struct run *r = check(expr);
    struct fold_int v;
    if (r->rc != 0)
        fail_msg("%s: %s", expr, r->err);
    assert_true(sema_literal_int(folded(r), &v));
    assert_int_equal(v.neg, neg);
    assert_int_equal(v.bits, bits);
    run_free(r);
}

static void folds_to_bool(const char *expr, bool want) {
    struct run *r = check(expr);
    if (r->rc != 0)
        fail_msg("%s: %s", expr, r->err);
    assert_int_equal(folded(r)->kind, N_BOOL);
    assert_int_equal(folded(r)->num, want);
    run_free(r);
}

static void folds_to_string(const char *expr, const char *want) {
    struct run *r = check(expr);
    if (r->rc != 0)
        fail_msg("%s: %s", expr, r->err);
    assert_int_equal(folded(r)->kind, N_STRING);
    assert_string_equal(folded(r)->str, want);
    run_free(r);
}

/* The one error, its place in "BEGIN { $x = EXPR; }" and its text. */
static void fold_error(const char *expr, const char *where, const char *msg) {
    struct run *r = check(expr);
    char want[256];
    snprintf(want, sizeof(want), "stdin:1:%s: ERROR: %s\n", where, msg);
    assert_int_equal(r->rc, -1);
    assert_int_equal(r->d.nerrors, 1);
    if (strncmp(r->err, want, strlen(want)) != 0)
        fail_msg("%s: want %s got %s", expr, want, r->err);
    run_free(r);
}

static void integers_fold_in_the_tree(void **state) {
    (void)state;
    folds_to_int("9223372036854775807 + 1", false, S64_MAX + 1);
    folds_to_int("1 - 2", true, (uint64_t)-1);
    folds_to_int("-(-9223372036854775808)", false, S64_MAX + 1);
    folds_to_int("-9223372036854775808", true, (uint64_t)INT64_MIN);
    folds_to_int("~0", false, U64_MAX);
    folds_to_int("~(-1)", false, 0);
    folds_to_int("-0", false, 0);
    folds_to_int("(1 + 2) * 3 - 10", true, (uint64_t)-1);
    folds_to_bool("!0", true);
    folds_to_bool("!-1", false);
    folds_to_bool("-1 < 1", true);
}

static void overflow_is_a_located_error(void **state) {
    (void)state;
    const char *flow = "unable to fold literals due to overflow or underflow";
    fold_error("5 / 0", "14-19", flow);
    fold_error("5 % 0", "14-19", flow);
    fold_error("18446744073709551615 + 1", "14-38", flow);
    fold_error("1 << 64", "14-21", flow);
    fold_error("-9223372036854775807 - 2", "14-38", flow);
    fold_error("-1 < 18446744073709551615", "14-39", flow);
    fold_error("1 + (2 / 0)", "19-24", flow);
    fold_error("- 9223372036854775809", "14-35", "negative value will underflow");
}

static void strings_bools_and_tuples(void **state) {
    (void)state;
    folds_to_bool("\"a\" == \"a\"", true);
    folds_to_bool("\"ab\" < \"abc\"", true);
    folds_to_bool("\"b\" > \"abc\"", true);
    folds_to_bool("\"a\" && \"b\"", false); /* 0.27.1 tests the right one for empty */
    folds_to_bool("\"\" || \"\"", true);
    folds_to_bool("\"a\" && true", true);
    folds_to_string("\"ab\" + \"cd\"", "abcd");
    folds_to_string("\"hello\" + 2", "llo");
    folds_to_string("2 + \"hello\"", "llo");
    folds_to_string("\"hello\" + 5", "");
    fold_error("\"a\" - \"b\"", "14-23", "illegal literal operation with strings");
    folds_to_bool("true + true", true);
    folds_to_bool("true - true", false);
    folds_to_bool("true * false", false);
    folds_to_bool("true << false", false);
    folds_to_bool("false || -1", true);
    fold_error("true / false", "14-26", "unable to fold literals due to overflow or underflow");
    folds_to_bool("(1, \"a\") == (1, \"a\")", true);
    folds_to_bool("(1, 2) == (1, -2)", false);
    folds_to_bool("(1, 2) == (1, true)", false);
    folds_to_bool("(1, 2) != (1, 2, 3)", true);
    folds_to_bool("(a = 1, b = 2) == (b = 2, a = 1)", true);
}

static void ternaries_with_literal_conditions(void **state) {
    (void)state;
    folds_to_int("1 ? 2 : 3", false, 2);
    folds_to_int("-1 ? 9223372036854775807 + 1 : 3", false, S64_MAX + 1);
    folds_to_string("0 ? 1 : \"a\"", "a"); /* the other branch's type is not checked */
    folds_to_int("\"\" ? 5 : 6", false, 6);
    folds_to_int("true ? 5 : 6", false, 5);
}

static void str_of_literals(void **state) {
    (void)state;
    folds_to_string("str(5)", "5");
    folds_to_string("str(-5)", "-5");
    folds_to_string("str(18446744073709551615)", "18446744073709551615");
    folds_to_string("str(\"abc\", 2)", "ab");
    folds_to_string("str(12, 0)", "");
}

/* Variables, maps and builtins stay as they are. */
static void no_folding_of_other_operands(void **state) {
    (void)state;
    struct run *r = run_with("BEGIN { $a = 1; $x = $a + 1 + 2; @m = 1; $y = @m * 0; }", NULL);
    assert_int_equal(r->rc, 0);
    const struct node *x = r->prog->a->c->a->next;
    assert_int_equal(x->b->kind, N_BINOP);
    run_free(r);
    r = run_with("BEGIN { $x = 1 ? pid : 3; }", NULL);
    assert_int_equal(r->rc, 0);
    assert_int_equal(folded(r)->kind, N_TERNARY);
    assert_int_equal(folded(r)->a->kind, N_BOOL); /* the condition alone folds */
    run_free(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(unsigned_results_stay_unsigned_until_they_overflow),
        cmocka_unit_test(unsigned_subtraction_goes_negative_while_int64_holds_it),
        cmocka_unit_test(division_by_zero_fails),
        cmocka_unit_test(a_negative_makes_both_int64),
        cmocka_unit_test(int64_results_spill_back_to_uint64),
        cmocka_unit_test(mixed_products_wrap),
        cmocka_unit_test(comparisons),
        cmocka_unit_test(integers_fold_in_the_tree),
        cmocka_unit_test(overflow_is_a_located_error),
        cmocka_unit_test(strings_bools_and_tuples),
        cmocka_unit_test(ternaries_with_literal_conditions),
        cmocka_unit_test(str_of_literals),
        cmocka_unit_test(no_folding_of_other_operands),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
