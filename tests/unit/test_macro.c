/* Macro expansion: the AST after macro_expand, and its errors. */
#include "parser/macro.h"
#include "parser/parse.h"
#include "test_util.h"

struct expanded {
    char *dump;   /* the statements of the first probe (tu_stmt_dump) */
    char *errors; /* everything printed through diag */
    int rc;
};

static struct expanded expand_text(const char *text) {
    struct expanded r = {0};
    size_t elen = 0, dlen = 0;
    char *dump = NULL;
    FILE *err = open_memstream(&r.errors, &elen);
    struct diag d;
    diag_init(&d, "stdin", text, err);
    struct node *prog = parse_program(&d, text);
    assert_non_null(prog);
    r.rc = macro_expand(prog, &d);
    fclose(err);
    FILE *out = open_memstream(&dump, &dlen);
    ast_dump(prog, out);
    fclose(out);
    assert_null(strstr(dump, " macro ")); /* definitions are gone */
    r.dump = tu_stmt_dump(dump);
    free(dump);
    ast_free(prog);
    diag_free(&d);
    return r;
}

static void expanded_free(struct expanded *r) {
    free(r->dump);
    free(r->errors);
}

#define assert_expansion(text, expected)                                                           \
    do {                                                                                           \
        struct expanded r_ = expand_text(text);                                                    \
        assert_string_equal(r_.errors, "");                                                        \
        assert_int_equal(r_.rc, 0);                                                                \
        assert_string_equal(r_.dump, expected);                                                    \
        expanded_free(&r_);                                                                        \
    } while (0)

/* The first line of the errors is this one. */
#define assert_expansion_error(text, first_line)                                                   \
    do {                                                                                           \
        struct expanded r_ = expand_text(text);                                                    \
        assert_int_equal(r_.rc, -1);                                                               \
        assert_non_null(r_.errors);                                                                \
        assert_memory_equal(r_.errors, first_line, strlen(first_line));                            \
        expanded_free(&r_);                                                                        \
    } while (0)

static void test_expression_parameter(void **state) {
    (void)state;
    /* a body that is only a value becomes that value */
    assert_expansion("macro add_one(x) { x + 1 } BEGIN { print(add_one(2 * 3)); }", "call print\n"
                                                                                    " binop +\n"
                                                                                    "  binop *\n"
                                                                                    "   int 2\n"
                                                                                    "   int 3\n"
                                                                                    "  int 1\n");
}

static void test_variable_by_reference_and_hygiene(void **state) {
    (void)state;
    assert_expansion("macro inc($x) { $y = 1; $x += $y; $x } BEGIN { $a = 1; $b = inc($a); }",
                     "assign =\n"
                     " var $a\n"
                     " int 1\n"
                     "assign =\n"
                     " var $b\n"
                     " block_expr\n"
                     "  assign =\n"
                     "   var $$inc_y\n"
                     "   int 1\n"
                     "  assign +=\n"
                     "   var $a\n"
                     "   var $$inc_y\n"
                     "  var $a\n");
}

static void test_map_parameter_and_bare_call(void **state) {
    (void)state;
    assert_expansion("macro zero(@m) { @m[1] = 0; } macro go(@y) { zero(@y); } macro one() { 1 } "
                     "BEGIN { go(@x); print(one); }",
                     "block_expr\n"
                     " block_expr\n"
                     "  assign =\n"
                     "   map @x\n"
                     "    int 1\n"
                     "   int 0\n"
                     "call print\n"
                     " int 1\n");
}

/* A variable or map passed for an expression parameter is wrapped in a
 * block when it is a call argument, so print(x) prints a value. */
static void test_wrapped_map_argument(void **state) {
    (void)state;
    assert_expansion("macro show(x) { print(x); } BEGIN { @a = 1; show(@a); }", "assign =\n"
                                                                                " map @a\n"
                                                                                " int 1\n"
                                                                                "block_expr\n"
                                                                                " call print\n"
                                                                                "  block_expr\n"
                                                                                "   map @a\n");
}

static void test_nested_names_carry_depth(void **state) {
    (void)state;
    assert_expansion(
        "macro in() { $v = 2; $v } macro out() { $v = in(); $v } BEGIN { print(out()); }",
        "call print\n"
        " block_expr\n"
        "  assign =\n"
        "   var $$out_v\n"
        "   block_expr\n"
        "    assign =\n"
        "     var $$in_2_v\n"
        "     int 2\n"
        "    var $$in_2_v\n"
        "  var $$out_v\n");
}

static void test_errors(void **state) {
    (void)state;
    assert_expansion_error(
        "macro m(a) { m(a) } BEGIN { m(1); }",
        "stdin:1:14-18: ERROR: Recursive macro call detected. Call chain: m > m\n");
    assert_expansion_error("macro m() { @x++ } BEGIN { m(); }",
                           "stdin:1:13-15: ERROR: Unhygienic access to map: @x. Maps must be "
                           "passed into the macro as arguments.\n");
    assert_expansion_error("macro m(@a) { 1 } BEGIN { $v = 1; m($v); }",
                           "stdin:1:35-40: ERROR: Call to m() has arguments that do not match any "
                           "definition.\n");
    assert_expansion_error("macro m($a) { let $a = 1; } BEGIN { $x = 1; m($x); }",
                           "stdin:1:15-21: ERROR: Variable declaration shadows macro arg $a\n");
    assert_expansion_error(
        "macro m(a, a) { a } BEGIN { m(1, 2); }",
        "stdin:1:12-13: ERROR: Ident for macro argument has already been used: a\n");
    assert_expansion_error("macro m(a) { a } macro m(b) { b } BEGIN { m(1); }",
                           "stdin:1:18-25: ERROR: Redefinition of macro: m\n");
}

/* An error inside a body is followed by the calls it was expanded from. */
static void test_errors_name_their_calls(void **state) {
    (void)state;
    struct expanded r = expand_text("macro n() { @x } macro m() { n() } BEGIN { m(); }");
    assert_string_equal(r.errors,
                        "stdin:1:13-15: ERROR: Unhygienic access to map: @x. Maps must be passed "
                        "into the macro as arguments.\n"
                        "macro n() { @x } macro m() { n() } BEGIN { m(); }\n"
                        "            ~~\n"
                        "stdin:1:30-33: ERROR: expanded from\n"
                        "macro n() { @x } macro m() { n() } BEGIN { m(); }\n"
                        "                             ~~~\n"
                        "stdin:1:44-47: ERROR: expanded from\n"
                        "macro n() { @x } macro m() { n() } BEGIN { m(); }\n"
                        "                                           ~~~\n");
    expanded_free(&r);
}

/* Names with no macro are builtins and functions, left alone. */
static void test_non_macros_untouched(void **state) {
    (void)state;
    assert_expansion("macro m() { 1 } BEGIN { print(pid); }", "call print\n"
                                                              " ident pid\n");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_expression_parameter),
        cmocka_unit_test(test_variable_by_reference_and_hygiene),
        cmocka_unit_test(test_map_parameter_and_bare_call),
        cmocka_unit_test(test_wrapped_map_argument),
        cmocka_unit_test(test_nested_names_carry_depth),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_errors_name_their_calls),
        cmocka_unit_test(test_non_macros_untouched),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
