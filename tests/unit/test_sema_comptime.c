/* comptime, typeinfo, fail, is_literal and the standard library's type
 * predicates (sema_comptime.c, sema_ct_eval.c, sema_typeinfo.c,
 * sema_fail.c): what is folded, which branch is kept, the errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sema_run.h"

static struct run *run(const char *text) {
    struct sema_opts opts = {.max_strlen = 64, .no_btf = true};
    return run_steps(text, &opts, true);
}

/* The value assigned by the probe's first statement, after analysis. */
static const struct node *first_value(struct run *r) {
    if (r->rc != 0)
        fail_msg("errors: %s", r->err);
    const struct node *st = r->prog->a->c->a;
    assert_int_equal(st->kind, N_ASSIGN);
    return st->b;
}

static void check_bool(const char *text, bool want) {
    struct run *r = run(text);
    const struct node *v = first_value(r);
    if (v->kind != N_BOOL || v->num != (uint64_t)want)
        fail_msg("%s: %s %llu, want bool %d", text, ast_kind_name(v->kind),
                 (unsigned long long)v->num, want);
    run_free(r);
}

static void check_int(const char *text, uint64_t want) {
    struct run *r = run(text);
    const struct node *v = first_value(r);
    if (v->kind != N_INT || v->num != want)
        fail_msg("%s: %s %llu, want %llu", text, ast_kind_name(v->kind), (unsigned long long)v->num,
                 (unsigned long long)want);
    run_free(r);
}

static void check_error(const char *text, const char *want) {
    struct run *r = run(text);
    if (r->rc == 0 || !strstr(r->err, want))
        fail_msg("for %s\nwant %s\ngot %s", text, want, r->err);
    run_free(r);
}

static void predicates_fold_to_bools(void **state) {
    (void)state;
    check_bool("BEGIN { $a = is_str(\"a\"); }", true);
    check_bool("BEGIN { $a = is_str(1); }", false);
    check_bool("BEGIN { $a = is_ptr((int8 *)0); }", true);
    check_bool("BEGIN { $a = is_array(comm); }", false);
    check_bool("BEGIN { $a = is_integer(true); }", false);
    check_bool("BEGIN { $a = is_unsigned_integer((uint8)1); }", true);
    check_bool("BEGIN { $a = is_unsigned_integer(1); }", false);
    check_bool("BEGIN { $a = is_literal(1 + 2); }", true);
    check_bool("BEGIN { $a = is_literal(pid); }", false);
    check_bool("BEGIN { $a = is_literal(nosuchname); }", false);
}

static void comptime_folds_to_literals(void **state) {
    (void)state;
    check_int("BEGIN { $a = comptime (1 + 2); }", 3);
    check_bool("BEGIN { $a = comptime (\"ab\"[1] == 98); }", true);
}

static void comptime_ternary_keeps_the_branch(void **state) {
    (void)state;
    struct run *r = run("BEGIN { $a = comptime (1 > 2) ? \"x\" + 1 : 6; }");
    const struct node *v = first_value(r);
    assert_int_equal(v->kind, N_BLOCK_EXPR);
    assert_int_equal(v->b->kind, N_INT);
    assert_int_equal(v->b->num, 6);
    run_free(r);
}

/* The branch not taken is never checked: it may hold fail() or a type error. */
static void comptime_if_checks_one_branch(void **state) {
    (void)state;
    struct run *r = run("BEGIN { if comptime (1 > 2) { fail(\"no\"); $x = \"a\" + 1; } "
                        "else if comptime is_str(comm) { $y = 1; } else { fail(\"no\"); } }");
    if (r->rc != 0)
        fail_msg("errors: %s", r->err);
    const struct node *st = r->prog->a->c->a;
    assert_int_equal(st->kind, N_BLOCK);
    run_free(r);
}

static void errors_are_located(void **state) {
    (void)state;
    check_error("BEGIN { $x = comptime pid; }",
                "stdin:1:14-26: ERROR: Unable to resolve comptime expression");
    check_error("BEGIN { fail(\"boom %d %s\", 1, \"x\"); }", "stdin:1:9-35: ERROR: boom 1 x");
    check_error("BEGIN { if (1 > 2) { fail(\"%u|%5s|%c\", -1, \"ab\", 65); } }",
                "ERROR: 4294967295|   ab|A");
    check_error("BEGIN { fail(\"a %d\", pid); }", "ERROR: fail() arguments need to be literals");
    check_error("BEGIN { fail(1); }", "ERROR: fail() expects a string literal (int provided)");
    check_error("BEGIN { $t = typeinfo(1); }",
                "stdin:1:14-25: ERROR: typeinfo feature is not enabled by default.");
    check_error("BEGIN { assert_str(1); }",
                "stdlib/strings.bt:27:7-76: ERROR: string-like values must be either strings, "
                "arrays or pointers");
}

static void typeinfo_describes_the_type(void **state) {
    (void)state;
    const char *cfg = "config = { unstable_typeinfo = enable } ";
    char text[256];
    snprintf(text, sizeof(text), "%s BEGIN { $b = (uint16)1; $a = typeinfo($b).full_type; }", cfg);
    struct run *r = run(text);
    const struct node *st = r->rc == 0 ? r->prog->a->c->a->next : NULL;
    if (!st)
        fail_msg("errors: %s", r->err);
    assert_int_equal(st->b->kind, N_STRING);
    assert_string_equal(st->b->str, "uint16");
    run_free(r);
    snprintf(text, sizeof(text), "%s BEGIN { $a = typeinfo(1) == typeinfo(int8); }", cfg);
    check_bool(text, true);
    snprintf(text, sizeof(text), "%s BEGIN { $a = typeinfo((1, \"a\")).base_type == \"tuple\"; }",
             cfg);
    check_bool(text, true);
}

/* sizeof(typeof($b)) is the size of the value assigned, not of its slot. */
static void typeof_is_the_natural_type(void **state) {
    (void)state;
    struct run *r = run("BEGIN { $b = (uint16)1; $s = sizeof(typeof($b)); }");
    if (r->rc != 0)
        fail_msg("errors: %s", r->err);
    const struct node *v = r->prog->a->c->a->next->b;
    assert_int_equal(v->kind, N_INT);
    assert_int_equal(v->num, 2);
    run_free(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(predicates_fold_to_bools),
        cmocka_unit_test(comptime_folds_to_literals),
        cmocka_unit_test(comptime_ternary_keeps_the_branch),
        cmocka_unit_test(comptime_if_checks_one_branch),
        cmocka_unit_test(errors_are_located),
        cmocka_unit_test(typeinfo_describes_the_type),
        cmocka_unit_test(typeof_is_the_natural_type),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
