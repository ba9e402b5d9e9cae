/* Deep inputs of every kind the compiler recurses over, generated here:
 * each must stop with a located error, never overflow the stack. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../fuzz/pipeline.h"
#include "test_util.h"

enum { DEEP = 100000 };

struct buf {
    char *s;
    size_t len;
    FILE *f;
};

static void buf_open(struct buf *b) {
    b->s = NULL;
    b->len = 0;
    b->f = open_memstream(&b->s, &b->len);
    assert_non_null(b->f);
}

static void rep(struct buf *b, const char *piece, int n) {
    for (int i = 0; i < n; i++)
        fputs(piece, b->f);
}

/* head, open repeated n times, middle, close repeated n times, tail. */
static char *nest(const char *head, const char *open, const char *middle, const char *close,
                  const char *tail, int n) {
    struct buf b;
    buf_open(&b);
    fputs(head, b.f);
    rep(&b, open, n);
    fputs(middle, b.f);
    rep(&b, close, n);
    fputs(tail, b.f);
    fclose(b.f);
    return b.s;
}

/* Compiles text; the diagnostics must contain want after a location. */
static void assert_refused(char *text, const char *want) {
    struct buf err;
    buf_open(&err);
    int stage = fuzz_compile(text, err.f);
    fclose(err.f);
    if (stage == 0 || !strstr(err.s, want) || !strstr(err.s, ": ERROR: "))
        fail_msg("stage %d, expected \"%s\", got: %.300s", stage, want, err.s);
    free(err.s);
    free(text);
}

#define TOO_DEEP "nested too deeply"
#define EXPR(open, middle, close) nest("BEGIN { $x = ", open, middle, close, "; exit(); }", DEEP)

/* The known crash: a long left-leaning chain the parser takes flat. */
static void test_binary_chain(void **state) {
    (void)state;
    assert_refused(nest("BEGIN { $x = 1", " + 1", "", "", "; exit(); }", 200000), TOO_DEEP);
    assert_refused(nest("BEGIN { $x = 1", " << 1 && 1", "", "", "; exit(); }", DEEP), TOO_DEEP);
}

static void test_expressions(void **state) {
    (void)state;
    assert_refused(EXPR("(", "1", ")"), TOO_DEEP);
    assert_refused(EXPR("- ", "1", ""), TOO_DEEP);
    assert_refused(EXPR("!", "1", ""), TOO_DEEP);
    assert_refused(EXPR("1 ? ", "1", " : 2"), TOO_DEEP);
    assert_refused(EXPR("(", "1", ", 2)"), TOO_DEEP);
    assert_refused(EXPR("(uint64)", "1", ""), TOO_DEEP);
    assert_refused(nest("BEGIN { @a[1] = 1; $x = ", "@a[", "1", "]", "; }", DEEP), TOO_DEEP);
}

static void test_statements(void **state) {
    (void)state;
    assert_refused(nest("BEGIN { ", "if (1) { ", "$x = 1;", " }", " }", DEEP), TOO_DEEP);
    assert_refused(nest("BEGIN { ", "while (0) { ", "$x = 1;", " }", " }", DEEP), TOO_DEEP);
    assert_refused(EXPR("{ ", "1", " }"), TOO_DEEP);
}

static void test_types(void **state) {
    (void)state;
    assert_refused(nest("BEGIN { $x = (int8", "[1]", "", "", ")0; }", DEEP), "");
    /* a pointer's depth is a count, not a nesting */
    char *ptr = nest("BEGIN { $x = (int8", "*", "", "", ")0; }", DEEP);
    assert_int_equal(fuzz_compile(ptr, stderr), 0);
    free(ptr);
}

/* Below the parser's bound, macro bodies expanded into calls still go
 * past the bound of the passes after them. */
static void test_macros(void **state) {
    (void)state;
    struct buf b;
    buf_open(&b);
    for (int i = 0; i < 100; i++)
        fprintf(b.f, "macro m%d(x) { m%d(x) + 1 }\n", i, i + 1);
    fputs("macro m100(x) { x }\nBEGIN { $x = m0(1); exit(); }\n", b.f);
    fclose(b.f);
    assert_refused(b.s, "macro calls are nested too deeply");
    assert_refused(nest("macro m(x) { x", " + 1", "", "", " }\nBEGIN { $x = m(m(m(1))); }", 400),
                   TOO_DEEP);
    char *arg = nest("1", " + 1", "", "", "", 600);
    char *text = nest("macro m(x) { x", " + 1", "", "", "", 600);
    struct buf t;
    buf_open(&t);
    fprintf(t.f, "%s }\nBEGIN { $x = m(%s); }\n", text, arg);
    fclose(t.f);
    free(arg);
    free(text);
    assert_refused(t.s, TOO_DEEP);
}

/* Just inside the bound, every pass runs to its end without overflowing
 * the stack (the sanitizer build's frames included); other errors, such
 * as running out of registers, are allowed. */
static void assert_not_too_deep(char *text) {
    struct buf err;
    buf_open(&err);
    fuzz_compile(text, err.f);
    fclose(err.f);
    if (strstr(err.s, "nested too deeply"))
        fail_msg("refused inside the bound: %.200s", err.s);
    free(err.s);
    free(text);
}

static void test_inside_bound_compiles(void **state) {
    (void)state;
    int n = AST_MAX_DEPTH - 10;
    assert_not_too_deep(nest("BEGIN { @x = 1", " + 1", "", "", "; exit(); }", n));
    assert_not_too_deep(nest("BEGIN { @x = ", "- ", "1", "", "; exit(); }", n));
    assert_not_too_deep(nest("BEGIN { @x = ", "!", "1", "", "; exit(); }", n));
    assert_not_too_deep(nest("BEGIN { @x = ", "(uint64)(1 + ", "1", ")", "; exit(); }", n / 2));
    assert_not_too_deep(nest("BEGIN { ", "if (1) { ", "@x = 1;", " }", " }", n / 3));
}

static void test_preprocessor(void **state) {
    (void)state;
    assert_refused(nest("#if ", "(", "1", ")", "\n#endif\nBEGIN { }", DEEP), "");
    /* past the bound of 256; every level copies the rest, so not DEEP */
    assert_refused(nest("#define F(x) x\nBEGIN { $x = ", "F(", "1", ")", "; }", 400),
                   "macro arguments nested too deeply");
    char dir[] = "/tmp/trawk-depth-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof(path), "%s/self.h", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "#include \"%s\"\n", path);
    fclose(f);
    struct buf t;
    buf_open(&t);
    fprintf(t.f, "#include \"%s\"\nBEGIN { }\n", path);
    fclose(t.f);
    assert_refused(t.s, "");
    unlink(path);
    rmdir(dir);
}

/* The script's C definitions go through their own recursive parser. */
static void test_c_definitions(void **state) {
    (void)state;
    assert_refused(nest("struct s { ", "struct { ", "int a; ", "} f; ", "};\nBEGIN { }", DEEP), "");
    assert_refused(nest("struct s { int ", "(", "*a", ")", "; };\nBEGIN { }", DEEP), "");
    assert_refused(nest("struct s { int a[", "(", "1", ")", "]; };\nBEGIN { }", DEEP), "");
    assert_refused(nest("struct s { int a[", "- ", "1", "", "]; };\nBEGIN { }", DEEP), "");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_binary_chain), cmocka_unit_test(test_expressions),
        cmocka_unit_test(test_statements),   cmocka_unit_test(test_types),
        cmocka_unit_test(test_macros),       cmocka_unit_test(test_inside_bound_compiles),
        cmocka_unit_test(test_preprocessor), cmocka_unit_test(test_c_definitions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
