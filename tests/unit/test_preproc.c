/* The script preprocessor: directives, expansion rules, #if arithmetic,
 * include search, kept line numbers and located errors. */
#include <sys/stat.h>
#include <unistd.h>

#include "test_util.h"

#include "preproc/preproc.h"

struct pp_result {
    int rc;
    char *script, *cdecls;
    char *errors;
    int nerrors;
};

static struct pp_result run_opts(const char *text, const struct preproc_opts *o) {
    struct pp_result r = {0};
    size_t len = 0;
    FILE *err = open_memstream(&r.errors, &len);
    struct diag d;
    diag_init(&d, "stdin", text, err);
    struct preproc_out out = {0};
    r.rc = preproc_run(text, o, &d, &out);
    fclose(err);
    r.script = out.script;
    r.cdecls = out.cdecls;
    r.nerrors = d.nerrors;
    return r;
}

static struct pp_result run(const char *text) {
    struct preproc_opts o = {0};
    return run_opts(text, &o);
}

static void done(struct pp_result *r) {
    free(r->script);
    free(r->cdecls);
    free(r->errors);
}

/* The script output must be `expected`, without errors. */
static void check(const char *text, const char *expected) {
    struct pp_result r = run(text);
    if (r.rc != 0)
        fprintf(stderr, "unexpected errors:\n%s", r.errors);
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.script, expected);
    done(&r);
}

/* Preprocessing must fail with exactly this diagnostic output. */
static void check_error(const char *text, const char *errors) {
    struct pp_result r = run(text);
    assert_int_equal(r.rc, -1);
    assert_true(r.nerrors > 0);
    assert_string_equal(r.errors, errors);
    done(&r);
}

static int count_lines(const char *s) {
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static void test_fast_path(void **state) {
    (void)state;
    const char *text = "BEGIN { printf(\"#x\\n\"); } // # not first\n  END { }\n";
    struct pp_result r = run(text);
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.script, text);
    assert_ptr_not_equal(r.script, text);
    assert_string_equal(r.cdecls, "");
    done(&r);
}

static void test_object_macro(void **state) {
    (void)state;
    check("#define GREETING \"hi\"\nBEGIN { printf(GREETING); }\n",
          "\nBEGIN { printf(\"hi\"); }\n");
    check("#define A B\n#define B 3\nA + B\n", "\n\n3 + 3\n");
    check("#define E\n#define X 1\nx E y X\n", "\n\nx  y 1\n");
    check("#define X 1\n#undef X\nX\n", "\n\nX\n");
}

static void test_not_in_strings_comments_or_variables(void **state) {
    (void)state;
    check("#define X 1\nprintf(\"X\"); // X\n/* X */ X $X @X\n",
          "\nprintf(\"X\"); // X\n/* X */ 1 $X @X\n");
}

static void test_function_macro(void **state) {
    (void)state;
    check("#define ADD(a, b) ((a) + (b))\nADD(1, 2)\n", "\n((1) + (2))\n");
    /* parentheses protect commas in arguments */
    check("#define F(a, b) a|b\nF((1, 2), f(3, 4))\n", "\n(1, 2)|f(3, 4)\n");
    /* a name without '(' is no use of the macro */
    check("#define F(a) a\nF + F(2)\n", "\nF + 2\n");
    check("#define Z() 7\nZ()\n", "\n7\n");
    /* nested uses: arguments are expanded first */
    check("#define SQ(x) ((x) * (x))\n#define ONE 1\nSQ(SQ(ONE))\n",
          "\n\n((((1) * (1))) * (((1) * (1))))\n");
}

static void test_stringize_and_paste(void **state) {
    (void)state;
    check("#define S(x) #x\nS(  a   +  b ) S(\"q\\n\")\n", "\n\"a + b\" \"\\\"q\\\\n\\\"\"\n");
    check("#define CAT(a, b) a##b\nCAT(x, 1) CAT(, y) CAT(z, )\n", "\nx1 y z\n");
    /* operands of ## are not expanded before pasting */
    check("#define CAT(a, b) a ## b\n#define x 9\nCAT(x, x)\n", "\n\nxx\n");
}

static void test_variadic(void **state) {
    (void)state;
    check("#define V(f, ...) g(f, __VA_ARGS__)\nV(1, 2, 3)\n", "\ng(1, 2, 3)\n");
    check("#define W(f, ...) g(f, ##__VA_ARGS__)\nW(1) W(1, 2)\n", "\ng(1) g(1, 2)\n");
    check("#define N(args...) h(args)\nN(4, 5)\n", "\nh(4, 5)\n");
}

static void test_self_reference(void **state) {
    (void)state;
    check("#define foo foo + 1\nfoo\n", "\nfoo + 1\n");
    check("#define a b\n#define b a\na b\n", "\n\na b\n");
    /* the example of C 6.10.3.5 */
    check("#define f(a) a*g\n#define g(a) f(a)\nf(2)(9)\n", "\n\n2*9*g\n");
    check("#define r(x) r(x + 1)\nr(r(0))\n", "\nr(r(0 + 1) + 1)\n");
}

static void check_if(const char *expr, bool expected) {
    char text[512];
    snprintf(text, sizeof(text), "#define X 5\n#if %s\nyes\n#else\nno\n#endif\n", expr);
    check(text, expected ? "\n\nyes\n\n\n\n" : "\n\n\n\nno\n\n");
}

static void test_if_arithmetic(void **state) {
    (void)state;
    check_if("1 + 2 * 3 == 7", true);
    check_if("(1 << 4) == 16 && (256 >> 4) == 16", true);
    check_if("-1 < 0", true);
    check_if("-1 < 0u", false); /* unsigned arithmetic */
    check_if("10 / 3 == 3 && 10 % 3 == 1", true);
    check_if("1 ? 2 : 0", true);
    check_if("0 ? 1 : 0", false);
    check_if("0 && 1 / 0", false); /* not evaluated, no error */
    check_if("1 || 1 / 0", true);
    check_if("'a' == 97 && '\\n' == 10 && '\\x41' == 65", true);
    check_if("0x10 == 16 && 010 == 8 && 0b11 == 3 && 10UL == 10", true);
    check_if("UNDEFINED == 0", true);
    check_if("defined X && defined(X) && !defined Y", true);
    check_if("X == 5 && X * 2 == 10", true);
    check_if("~0 == -1 && (3 ^ 1) == 2 && (6 & 3) == 2 && (4 | 1) == 5", true);
    check_if("(2 > 1) + (3 >= 3) + (1 <= 0) + (1 != 1) == 2", true);
    check_if("__has_attribute(packed) || __has_builtin(__builtin_expect) || __has_feature(x)",
             false);
    check_if("__has_include(<nope/nope.h>)", false);
    check_if("__x86_64__ || __aarch64__", true);
    check_if("__SIZEOF_LONG__ == 8 && __CHAR_BIT__ == 8 && __STDC__", true);
    check_if("__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__", true);
    check_if("BPFTRACE_HAVE_BTF", false); /* have_btf is off here */
}

static void test_conditionals(void **state) {
    (void)state;
    check("#if 0\na\n#elif 1\nb\n#elif 1\nc\n#else\nd\n#endif\n", "\n\n\nb\n\n\n\n\n\n");
    check("#ifdef NOPE\n#if 1\n#else\n#error no\n#endif\n#else\nok\n#endif\n",
          "\n\n\n\n\n\nok\n\n");
    check("#define D\n#ifndef D\nno\n#elifdef D\nyes\n#endif\n", "\n\n\n\nyes\n\n");
    /* comments spanning lines of a false branch keep the count */
    check("#if 0\n/* a\n b */\n#endif\nx\n", "\n\n\n\nx\n");
}

static void test_lines_kept(void **state) {
    (void)state;
    const char *text = "#!/usr/bin/env bpftrace\n"
                       "#define LONG(a, \\\n  b) a + \\\n  b\n"
                       "BEGIN { $x = LONG(1,\n  2); }\n"
                       "#if 0\nskipped\n#endif\n"
                       "END { }\n";
    struct pp_result r = run(text);
    assert_int_equal(r.rc, 0);
    assert_int_equal(count_lines(r.script), count_lines(text));
    assert_string_equal(r.script, "#!/usr/bin/env bpftrace\n\n\n\n"
                                  "BEGIN { $x = 1 + 2\n; }\n\n\n\nEND { }\n");
    done(&r);
}

static void test_dynamic_macros(void **state) {
    (void)state;
    check("#define X 1\n__LINE__ __FILE__\n", "\n2 \"stdin\"\n");
}

static void test_errors(void **state) {
    (void)state;
    /* clang's line in bpftrace's definitions.h, one line below the script's */
    check_error("#include <nope.h>\nBEGIN {}\n",
                "definitions.h:2:10: fatal error: 'nope.h' file not found\nClang parse error\n");
    check_error("#define A 1\n#include \"x/nope.h\"\nBEGIN {}\n",
                "definitions.h:3:10: fatal error: 'x/nope.h' file not found\nClang parse error\n");
    check_error("#if 1\nBEGIN {}\n", "stdin:1:2-4: ERROR: unterminated conditional directive\n"
                                     "#if 1\n"
                                     " ~~\n");
    check_error("#endif\n", "stdin:1:2-7: ERROR: #endif without #if\n#endif\n ~~~~~\n");
    check_error("#else\n", "stdin:1:2-6: ERROR: #else without #if\n#else\n ~~~~\n");
    check_error("#foo\n", "stdin:1:2-5: ERROR: invalid preprocessing directive\n#foo\n ~~~\n");
    check_error("#define\n", "stdin:1:2-8: ERROR: macro name missing\n#define\n ~~~~~~\n");
    check_error("#define 3 x\n",
                "stdin:1:9-10: ERROR: macro name must be an identifier\n#define 3 x\n        ~\n");
    check_error("#error stop here\n", "stdin:1:2-7: ERROR: stop here\n#error stop here\n ~~~~~\n");
    check_error("#if 1 +\n#endif\n",
                "stdin:1:7-8: ERROR: expected value in expression\n#if 1 +\n      ~\n");
    check_error("#if 1 / 0\n#endif\n",
                "stdin:1:7-8: ERROR: division by zero in preprocessor expression\n"
                "#if 1 / 0\n"
                "      ~\n");
    check_error("#define F(x) x\nBEGIN { F(1 }\n",
                "stdin:2:9-10: ERROR: unterminated function-like macro invocation\n"
                "BEGIN { F(1 }\n"
                "        ~\n");
    check_error("#define F(x) x\nF(1, 2)\n",
                "stdin:2:1-2: ERROR: too many arguments provided to function-like macro "
                "invocation\nF(1, 2)\n~\n");
    check_error("#define F(x) #y\n",
                "stdin:1:14-15: ERROR: '#' is not followed by a macro parameter\n"
                "#define F(x) #y\n"
                "             ~\n");
}

/* Input nested without end is an error, not a stack overflow. */
static void test_nesting_limits(void **state) {
    (void)state;
    enum { N = 5000 };
    char *text = malloc(2 * N + 64), *p = text;
    p += sprintf(p, "#if ");
    for (int i = 0; i < N; i++)
        *p++ = '(';
    *p++ = '1';
    for (int i = 0; i < N; i++)
        *p++ = ')';
    sprintf(p, "\n#endif\n");
    struct pp_result r = run(text);
    assert_int_equal(r.rc, -1);
    assert_non_null(strstr(r.errors, "expression nested too deeply"));
    done(&r);

    p = text + sprintf(text, "#define F(x) x\n");
    for (int i = 0; i < N / 2; i++)
        p += sprintf(p, "F(");
    *p++ = '1';
    for (int i = 0; i < N / 2; i++)
        *p++ = ')';
    sprintf(p, "\n");
    r = run(text);
    assert_int_equal(r.rc, -1);
    assert_non_null(strstr(r.errors, "macro arguments nested too deeply"));
    done(&r);
    free(text);
}

static void test_warning(void **state) {
    (void)state;
    struct pp_result r = run("#warning careful\nx\n");
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.nerrors, 0);
    assert_string_equal(r.errors, "stdin:1:2-9: WARNING: careful\n#warning careful\n ~~~~~~~\n");
    assert_string_equal(r.script, "\nx\n");
    done(&r);
}

/* ---- include search in a temporary tree ---- */

static char tmp[64];

static void put(const char *rel, const char *text) {
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", tmp, rel);
    for (char *slash = strchr(path + strlen(tmp) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
        *slash = 0;
        mkdir(path, 0755);
        *slash = '/';
    }
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int make_tree(void **state) {
    (void)state;
    snprintf(tmp, sizeof(tmp), "/tmp/trawk-pp-XXXXXX");
    if (!mkdtemp(tmp))
        return -1;
    put("local.h", "#define LOCAL 11\nstruct local { int a; };\n");
    put("inc/sys.h", "#define SYS 22\n#include \"sibling.h\"\n");
    put("inc/sibling.h", "#define SIBLING 33\n");
    put("inc/next.h", "#define FIRST 1\n#include_next <next.h>\n");
    put("inc2/next.h", "#define SECOND 2\n");
    put("inc/once.h", "#pragma once\nint once;\n");
    put("inc/bad.h", "int ok;\n#if 1 +\n#endif\n");
    put("inc/forced.h", "#define FORCED 44\ntypedef int forced_t;\n");
    put("inc/loop.h", "#include \"loop.h\"\n");
    put("ksrc/include/uapi/linux/kfoo.h",
        "#define KFOO 5\n#ifdef __KERNEL__\n#define KERN 1\n#endif\n");
    put("ksrc/include/linux/kconfig.h", "#define CONFIG_TRAWK_TEST 1\n");
    return 0;
}

static int remove_tree(void **state) {
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
    return system(cmd) == 0 ? 0 : -1;
}

static struct pp_result run_tree(const char *text) {
    char inc[96], inc2[96];
    snprintf(inc, sizeof(inc), "%s/inc", tmp);
    snprintf(inc2, sizeof(inc2), "%s/inc2", tmp);
    const char *dirs[] = {inc, inc2};
    struct preproc_opts o = {.include_dirs = dirs, .ninclude_dirs = 2, .script_dir = tmp};
    return run_opts(text, &o);
}

static void test_include_search(void **state) {
    (void)state;
    struct pp_result r = run_tree("#include \"local.h\"\n#include <sys.h>\n#include <next.h>\n"
                                  "LOCAL SYS SIBLING FIRST SECOND\n");
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.script, "\n\n\n11 22 33 1 2\n");
    assert_non_null(strstr(r.cdecls, "struct local { int a; };"));
    done(&r);
}

static void test_pragma_once(void **state) {
    (void)state;
    struct pp_result r = run_tree("#include <once.h>\n#include \"inc/once.h\"\nx\n");
    assert_int_equal(r.rc, 0);
    char *first = strstr(r.cdecls, "int once;");
    assert_non_null(first);
    assert_null(strstr(first + 1, "int once;"));
    done(&r);
}

static void test_forced_include(void **state) {
    (void)state;
    char path[128];
    snprintf(path, sizeof(path), "%s/inc/forced.h", tmp);
    const char *files[] = {path};
    struct preproc_opts o = {.include_files = files, .ninclude_files = 1};
    struct pp_result r = run_opts("BEGIN { FORCED }\n", &o);
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.script, "BEGIN { 44 }\n");
    assert_non_null(strstr(r.cdecls, "typedef int forced_t;"));
    done(&r);
}

static void test_header_error(void **state) {
    (void)state;
    struct pp_result r = run_tree("#include <bad.h>\nx\n");
    assert_int_equal(r.rc, -1);
    assert_int_equal(r.nerrors, 1);
    char expected[512];
    snprintf(expected, sizeof(expected),
             "%s/inc/bad.h:2:7-8: ERROR: expected value in expression\n#if 1 +\n      ~\n", tmp);
    assert_string_equal(r.errors, expected);
    done(&r);
}

static void test_include_recursion(void **state) {
    (void)state;
    struct pp_result r = run_tree("#include <loop.h>\nx\n");
    assert_int_equal(r.rc, -1);
    assert_int_equal(r.nerrors, 1);
    assert_non_null(strstr(r.errors, "#include nested depth 200 exceeds maximum of 200"));
    done(&r);
}

/* Kernel headers are searched (and parsed as kernel code) as bpftrace does. */
static void test_kernel_headers(void **state) {
    (void)state;
    char ksrc[96];
    snprintf(ksrc, sizeof(ksrc), "%s/ksrc", tmp);
    setenv("BPFTRACE_KERNEL_SOURCE", ksrc, 1);
    struct pp_result r = run("#include <linux/kfoo.h>\nKFOO KERN CONFIG_TRAWK_TEST\n");
    unsetenv("BPFTRACE_KERNEL_SOURCE");
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.script, "\n5 1 1\n");
    done(&r);
}

static void test_btf_defines(void **state) {
    (void)state;
    struct preproc_opts o = {.have_btf = true};
    struct pp_result r = run_opts("#ifndef BPFTRACE_HAVE_BTF\nno\n#else\nyes\n#endif\n", &o);
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.script, "\n\n\nyes\n\n");
    done(&r);
}

/* The system's own headers go through; needs libc6-dev and linux-libc-dev. */
static void test_system_headers(void **state) {
    (void)state;
    if (access("/usr/include/linux/in.h", R_OK) != 0 ||
        access("/usr/include/netinet/in.h", R_OK) != 0) {
        skip();
    }
    static const char *const headers[] = {"sys/socket.h", "linux/socket.h", "linux/in.h",
                                          "netinet/in.h", "linux/sched.h",  "linux/types.h",
                                          "stdint.h",     "limits.h",       "stddef.h"};
    for (size_t i = 0; i < sizeof(headers) / sizeof(headers[0]); i++) {
        char text[128];
        snprintf(text, sizeof(text), "#include <%s>\nBEGIN {}\n", headers[i]);
        struct pp_result r = run(text);
        if (r.rc != 0)
            fprintf(stderr, "%s:\n%s", headers[i], r.errors);
        assert_int_equal(r.rc, 0);
        assert_string_equal(r.script, "\nBEGIN {}\n");
        done(&r);
    }
    check("#include <sys/socket.h>\n#include <limits.h>\nAF_INET INT_MAX\n", "\n\n2 2147483647\n");
    struct pp_result r = run("#include <linux/types.h>\n");
    assert_non_null(strstr(r.cdecls, "__u32;"));
    done(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fast_path),
        cmocka_unit_test(test_object_macro),
        cmocka_unit_test(test_not_in_strings_comments_or_variables),
        cmocka_unit_test(test_function_macro),
        cmocka_unit_test(test_stringize_and_paste),
        cmocka_unit_test(test_variadic),
        cmocka_unit_test(test_self_reference),
        cmocka_unit_test(test_if_arithmetic),
        cmocka_unit_test(test_conditionals),
        cmocka_unit_test(test_lines_kept),
        cmocka_unit_test(test_dynamic_macros),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_nesting_limits),
        cmocka_unit_test(test_warning),
        cmocka_unit_test(test_include_search),
        cmocka_unit_test(test_pragma_once),
        cmocka_unit_test(test_forced_include),
        cmocka_unit_test(test_header_error),
        cmocka_unit_test(test_include_recursion),
        cmocka_unit_test(test_kernel_headers),
        cmocka_unit_test(test_btf_defines),
        cmocka_unit_test(test_system_headers),
    };
    return cmocka_run_group_tests(tests, make_tree, remove_tree);
}
