/* Types and errors of the standard library functions (sema_stdlib.c,
 * sema_getopt.c). No BTF: ppid is checked by the runtime tests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sema_run.h"

static struct run *run_named(const char *text, int nnamed, char **named) {
    struct sema_opts opts = {.max_strlen = 64, .nnamed = nnamed, .named = named, .no_btf = true};
    return run_with(text, &opts);
}

static struct run *run(const char *text) {
    return run_named(text, 0, NULL);
}

/* The type of $name in the first probe, as bpftrace names it. */
static const char *var_type(struct run *r, const char *name, char *buf) {
    if (r->rc != 0)
        fail_msg("errors: %s", r->err);
    const struct sema_unit *u = &r->out.units[0];
    for (int i = 0; i < u->nvars; i++)
        if (strcmp(u->vars[i].name, name) == 0)
            return type_name(u->vars[i].ty, buf, 64);
    fail_msg("no variable %s", name);
    return NULL;
}

static void check_var(const char *text, const char *var, const char *want) {
    char buf[64];
    struct run *r = run(text);
    assert_string_equal(var_type(r, var, buf), want);
    run_free(r);
}

/* Some error printed is exactly this "LOC: ERROR: MSG" line. */
static void check_error(const char *text, const char *want) {
    struct run *r = run(text);
    if (r->rc != -1 || !strstr(r->err, want))
        fail_msg("for %s\nwant %s\ngot %s", text, want, r->err);
    run_free(r);
}

static void types_of_values(void **state) {
    check_var("BEGIN { @a[1] = 1; $x = has_key(@a, 1); }", "$x", "bool");
    check_var("BEGIN { @a[1] = 1; $x = delete(@a, 1); }", "$x", "bool");
    check_var("BEGIN { $x = strftime(\"%H\", nsecs); }", "$x", "timestamp");
    check_var("BEGIN { $x = ntop(1); }", "$x", "inet");
    check_var("BEGIN { $x = strerror(1); $y = syscall_name(0); }", "$y", "string");
}

/* bswap keeps the width of its operand: literals are as narrow as they
 * fit (signed), variables remember what was assigned. */
static void bswap_width(void **state) {
    struct run *r = run("BEGIN { $v = (uint16)1; print((bswap(1), bswap(0x80), bswap(0x12345678), "
                        "bswap(0x123456789), bswap(-1), bswap((int32)1), bswap($v))); }");
    assert_int_equal(r->rc, 0);
    const char *want[] = {"uint8", "uint16", "uint32", "uint64", "uint8", "uint32", "uint16"};
    struct node *print = r->prog->a->c->a->next->a; /* the second statement's call */
    int i = 0;
    for (struct node *e = print->a->a; e; e = e->next, i++) {
        char buf[64];
        assert_string_equal(type_name(e->ty, buf, sizeof(buf)), want[i]);
    }
    assert_int_equal(i, 7);
    run_free(r);
}

static void misuse_is_reported(void **state) {
    check_error("BEGIN { @s = 1; print(has_key(@s, 1)); }",
                "stdin:1:23-37: ERROR: call to has_key() expects a map with explicit keys "
                "(non-scalar map)");
    check_error("BEGIN { @h[1] = hist(1); print(has_key(@h, 1)); }",
                "stdin:1:32-46: ERROR: has_key() does not support hist_t maps");
    check_error("BEGIN { print(has_key(1, 1)); }",
                "stdin:1:15-28: ERROR: Call to has_key() has arguments that do not match any "
                "definition.");
    check_error("BEGIN { print(strftime(\"%s\", -1)); }",
                "stdin:1:15-33: ERROR: strftime() does not accept negative timestamps");
    check_error("BEGIN { print(strftime(\"%s\", \"a\")); }",
                "stdin:1:15-34: ERROR: strftime() only supports int arguments (string provided)");
    check_error("BEGIN { print(ntop(\"ab\")); }",
                "stdin:1:15-25: ERROR: ntop() argument must be 4 or 16 bytes in size");
    check_error("BEGIN { print(bswap(\"a\")); }",
                "stdin:1:15-25: ERROR: bswap() only supports integer arguments (string provided)");
    check_error("BEGIN { print(getopt(1)); }",
                "stdin:1:22-23: ERROR: First argument to 'getopt' must be a string literal.");
}

/* bpftrace words argument counts differently for its stdlib macros. */
static void argument_counts(void **state) {
    check_error("BEGIN { @a[1] = 1; print(has_key(@a)); }",
                "stdin:1:26-37: ERROR: Call to has_key() has arguments that do not match any "
                "definition.");
    check_error("BEGIN { print(strerror()); }",
                "stdin:1:15-25: ERROR: Call to strerror() has arguments that do not match any "
                "definition.");
    check_error("BEGIN { print(ppid(1, 2)); }",
                "stdin:1:15-25: ERROR: Call to ppid() has arguments that do not match any "
                "definition.");
    check_error("BEGIN { print(strftime(\"%H\")); }",
                "stdin:1:15-29: ERROR: strftime() requires 2 arguments (1 provided)");
    check_error("BEGIN { print(ntop(1, 2, 3)); }",
                "stdin:1:15-28: ERROR: ntop() takes up to 2 arguments (3 provided)");
    check_error("BEGIN { join(); }",
                "stdin:1:9-15: ERROR: join() requires at least one argument (0 provided)");
}

static void delete_statement_warns(void **state) {
    struct run *r = run("BEGIN { @a[1] = 1; delete(@a, 1); if (delete(@a, 2)) { } delete(@a[1]) }");
    assert_int_equal(r->rc, 0);
    assert_non_null(strstr(r->err, "stdin:1:20-34: WARNING: Return value discarded."));
    assert_non_null(strstr(r->err, "stdin:1:58-71: WARNING: Return value discarded."));
    assert_null(strstr(r->err, "stdin:1:39"));
    run_free(r);
}

/* getopt becomes the option's value or the default; an integer one is cast
 * to the option's type (uint64 here), as bpftrace types it. */
static void getopt_values(void **state) {
    char *named[] = {"--n=5", "--s=bye", "--b", "--f=false"};
    struct run *r =
        run_named("BEGIN { $n = getopt(\"n\", 1); $s = getopt(\"s\", \"hello\"); "
                  "$b = getopt(\"b\"); $f = getopt(\"f\", true); $d = getopt(\"d\", 7); }",
                  4, named);
    assert_int_equal(r->rc, 0);
    struct node *stmt = r->prog->a->c->a;
    const enum node_kind kinds[] = {N_CAST, N_STRING, N_BOOL, N_BOOL, N_CAST};
    const uint64_t nums[] = {5, 0, 1, 0, 7};
    for (int i = 0; i < 5; i++, stmt = stmt->next) {
        struct node *v = stmt->b;
        assert_int_equal(v->kind, kinds[i]);
        if (v->kind == N_CAST) {
            assert_string_equal(v->a->str, "uint64");
            v = v->b;
            assert_int_equal(v->kind, N_INT);
        }
        if (v->kind == N_STRING)
            assert_string_equal(v->str, "bye");
        else
            assert_int_equal(v->num, nums[i]);
    }
    run_free(r);
}

static void getopt_unknown_and_bad_options(void **state) {
    char *unknown[] = {"--x=1"};
    struct run *r = run_named("BEGIN { print(getopt(\"n\", 1)); }", 1, unknown);
    assert_int_equal(r->rc, -1);
    assert_non_null(strstr(r->err, "ERROR: unexpected program command line options: --x\n"
                                   "HINT: expected program options: --n\n"));
    run_free(r);
    char *bad[] = {"--n=1x"};
    r = run_named("BEGIN { print(getopt(\"n\", 1)); }", 1, bad);
    assert_int_equal(r->rc, -1);
    assert_non_null(strstr(r->err, "ERROR: program command line option --n invalid integer "
                                   "(value: 1x)"));
    run_free(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(types_of_values),
        cmocka_unit_test(bswap_width),
        cmocka_unit_test(misuse_is_reported),
        cmocka_unit_test(argument_counts),
        cmocka_unit_test(delete_statement_warns),
        cmocka_unit_test(getopt_values),
        cmocka_unit_test(getopt_unknown_and_bad_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
