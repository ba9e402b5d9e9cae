/* Diagnostics printer tests: the exact bpftrace shapes. */
#include "test_util.h"

struct capture {
    char *text;
    size_t len;
    FILE *out;
    struct diag d;
};

static void cap_open(struct capture *c, const char *source) {
    c->text = NULL;
    c->out = open_memstream(&c->text, &c->len);
    diag_init(&c->d, "e.bt", source, c->out);
}

static void cap_check(struct capture *c, const char *expected) {
    fclose(c->out);
    assert_string_equal(c->text, expected);
    free(c->text);
}

static void test_single_line_error(void **state) {
    (void)state;
    struct capture c;
    cap_open(&c, "BEGIN { $x = 1; $x = \"s\"; }\n");
    struct loc l = {1, 20, 1, 21};
    diag_error(&c.d, &l, E_TYPE, "Type mismatch for %s", "$x");
    assert_int_equal(c.d.nerrors, 1);
    assert_int_equal(c.d.last_code, E_TYPE);
    cap_check(&c, "e.bt:1:20-21: ERROR: Type mismatch for $x\n"
                  "BEGIN { $x = 1; $x = \"s\"; }\n"
                  "                   ~\n");
}

static void test_second_line_and_width(void **state) {
    (void)state;
    struct capture c;
    cap_open(&c, "BEGIN {\n  @x = 1 +;\n}\n");
    struct loc l = {2, 10, 2, 12};
    diag_error(&c.d, &l, E_SYNTAX, "syntax: expected expression");
    cap_check(&c, "e.bt:2:10-12: ERROR: syntax: expected expression\n"
                  "  @x = 1 +;\n"
                  "         ~~\n");
}

/* Tabs print as four spaces; the underline moves and widens with them. */
static void test_tabs(void **state) {
    (void)state;
    struct capture c;
    cap_open(&c, "\t@x = \t1;");
    struct loc l = {1, 2, 1, 8};
    diag_error(&c.d, &l, E_TYPE, "m");
    cap_check(&c, "e.bt:1:2-8: ERROR: m\n"
                  "    @x =     1;\n"
                  "    ~~~~~~~~~\n");
}

static void test_multi_line_span(void **state) {
    (void)state;
    struct capture c;
    cap_open(&c, "BEGIN {\n  if (1) {\n  }\n}");
    struct loc l = {2, 3, 3, 4};
    diag_error(&c.d, &l, E_TYPE, "bad if");
    cap_check(&c, "e.bt:2-3: ERROR: bad if\n"
                  "  if (1) {\n"
                  "  }\n");
}

static void test_warning_is_not_counted(void **state) {
    (void)state;
    struct capture c;
    cap_open(&c, "BEGIN { @x = 10/2; }");
    struct loc l = {1, 14, 1, 18};
    diag_warning(&c.d, &l, "signed operands for '%c'", '/');
    assert_int_equal(c.d.nerrors, 0);
    assert_int_equal(c.d.last_code, E_NONE);
    cap_check(&c, "e.bt:1:14-18: WARNING: signed operands for '/'\n"
                  "BEGIN { @x = 10/2; }\n"
                  "             ~~~~\n");
}

static void test_plain_error(void **state) {
    (void)state;
    struct capture c;
    cap_open(&c, "");
    diag_plain_error(&c.d, E_IO, "Error attaching probe: '%s'", "kprobe:x");
    diag_plain_error(&c.d, E_LIMIT, "second");
    assert_int_equal(c.d.nerrors, 2);
    assert_int_equal(c.d.last_code, E_LIMIT);
    cap_check(&c, "ERROR: Error attaching probe: 'kprobe:x'\nERROR: second\n");
}

/* Empty spans (end of input) print spaces only; spans past the end of the
 * line stop at its end; a missing line prints empty. */
static void test_edges(void **state) {
    (void)state;
    struct capture c;
    cap_open(&c, "BEGIN { @x = 1 \r\n");
    struct loc eof = {1, 16, 1, 16};
    diag_error(&c.d, &eof, E_SYNTAX, "eof");
    struct loc past = {1, 14, 1, 30};
    diag_error(&c.d, &past, E_SYNTAX, "past");
    struct loc missing = {7, 1, 7, 3};
    diag_error(&c.d, &missing, E_SYNTAX, "missing");
    cap_check(&c, "e.bt:1:16-16: ERROR: eof\n"
                  "BEGIN { @x = 1 \n"
                  "               \n"
                  "e.bt:1:14-30: ERROR: past\n"
                  "BEGIN { @x = 1 \n"
                  "             ~~\n"
                  "e.bt:7:1-3: ERROR: missing\n"
                  "\n"
                  "\n");
}

static void test_loc_span(void **state) {
    (void)state;
    struct loc a = {1, 5, 1, 8}, b = {3, 2, 3, 9};
    struct loc s = loc_span(&a, &b);
    assert_int_equal(s.first_line, 1);
    assert_int_equal(s.first_column, 5);
    assert_int_equal(s.last_line, 3);
    assert_int_equal(s.last_column, 9);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_single_line_error),
        cmocka_unit_test(test_second_line_and_width),
        cmocka_unit_test(test_tabs),
        cmocka_unit_test(test_multi_line_span),
        cmocka_unit_test(test_warning_is_not_counted),
        cmocka_unit_test(test_plain_error),
        cmocka_unit_test(test_edges),
        cmocka_unit_test(test_loc_span),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
