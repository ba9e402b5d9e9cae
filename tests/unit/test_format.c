/* --fmt (src/parser/format*.c): the cases that are easiest to get wrong,
 * with bpftrace 0.27.1's output as the expected text. tests/runtime/cases/
 * fmt.test has the construct-by-construct cases. */
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "parser/format.h"
#include "test_util.h"

/* Formats text; returns the output (to free) and sets *rc. */
static char *format(const char *text, int *rc) {
    char *out = NULL, *err = NULL;
    size_t len = 0, elen = 0;
    FILE *f = open_memstream(&out, &len), *e = open_memstream(&err, &elen);
    assert_non_null(f);
    assert_non_null(e);
    struct diag d;
    diag_init(&d, "stdin", text, e);
    *rc = fmt_script(&d, text, f);
    diag_free(&d);
    fclose(f);
    fclose(e);
    free(err);
    return out;
}

static void expect(const char *text, const char *want) {
    int rc;
    char *got = format(text, &rc);
    assert_int_equal(rc, 0);
    assert_string_equal(got, want);
    free(got);
}

/* bpftrace tries wrap points by a 32-bit mask whose shifts wrap at 32: with
 * 35 arguments only 4 masks are tried, none fits, and the list stays on one
 * line, inside "(" and ")" lines of their own. */
static void test_long_list_shift_wraps(void **state) {
    (void)state;
    char text[512] = "BEGIN { printf(\"%d\\n\"";
    char want[512] = "BEGIN\n{\n  printf(\n    \"%d\\n\"";
    for (int i = 1; i <= 34; i++) {
        char arg[16];
        snprintf(arg, sizeof(arg), ", %d", i);
        strcat(text, arg);
        strcat(want, arg);
    }
    strcat(text, "); }");
    strcat(want, "\n  );\n}\n");
    expect(text, want);
}

/* A block comment is a line comment per line, its " * " border dropped. */
static void test_block_comment_lines(void **state) {
    (void)state;
    expect("/*\n * one\n *\n * two */\nBEGIN { }\n", "// one\n//\n// two\nBEGIN\n{}\n");
}

/* Blank lines: one per empty source line; none after ";", "{", "}" or a
 * predicate's "/". */
static void test_blank_lines(void **state) {
    (void)state;
    expect("BEGIN /1/\n{\n  $a = 1;\n\n\n  $b = 2;\n}\n\nEND {}\n",
           "BEGIN\n/1/\n{\n  $a = 1;\n\n\n  $b = 2;\n}\n\nEND\n{}\n");
}

static void test_syntax_error(void **state) {
    (void)state;
    int rc;
    free(format("BEGIN { $x = 1 +; }", &rc));
    assert_int_equal(rc, 1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_long_list_shift_wraps),
        cmocka_unit_test(test_block_comment_lines),
        cmocka_unit_test(test_blank_lines),
        cmocka_unit_test(test_syntax_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
