/* has_cpid, cpid, kfunc_exist and kfunc_allowed: the library macros and
 * the constants sema makes of them (sema_kfunc.c, builtins.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "sema_run.h"

/* With the standard library's macros expanded, as trawk runs a script. */
static struct run *run_opts(const char *text, int cpid, bool no_btf) {
    struct sema_opts opts = {.max_strlen = 64, .cpid = cpid, .no_btf = no_btf};
    return run_steps(text, &opts, true);
}

/* The value assigned by the probe's first statement. */
static const struct node *first_value(struct run *r) {
    if (r->rc != 0)
        fail_msg("errors: %s", r->err);
    return r->prog->a->c->a->b;
}

/* The first bool literal in n's tree (a library macro's comptime branch
 * keeps its block around the value). */
static const struct node *first_bool(const struct node *n) {
    for (; n; n = n->next) {
        if (n->kind == N_BOOL)
            return n;
        const struct node *kids[] = {n->a, n->b, n->c, n->d};
        for (int i = 0; i < 4; i++) {
            const struct node *b = first_bool(kids[i]);
            if (b)
                return b;
        }
    }
    return NULL;
}

static void fails_with(const char *text, const char *msg) {
    struct run *r = run_opts(text, 0, true);
    if (r->rc == 0 || !strstr(r->err ? r->err : "", msg))
        fail_msg("%s: expected \"%s\", got:\n%s", text, msg, r->err ? r->err : "");
    run_free(r);
}

static void has_cpid_is_a_bool(void **state) {
    (void)state;
    char buf[64];
    struct run *r = run_opts("BEGIN { $x = has_cpid; $y = has_cpid(); }", 1234, true);
    assert_int_equal(r->rc, 0);
    assert_string_equal(type_name(r->out.units[0].vars[0].ty, buf, sizeof(buf)), "bool");
    run_free(r);
}

/* cpid's warning is the library's warnf, at run time: none while compiling. */
static void cpid_warns_nothing_while_compiling(void **state) {
    (void)state;
    struct run *r = run_opts("BEGIN { @ = cpid; @b = cpid(); }", 0, true);
    assert_int_equal(r->rc, 0);
    assert_string_equal(r->err ? r->err : "", "");
    run_free(r);
    r = run_opts("BEGIN { @ = __builtin_cpid; }", 4321, true);
    assert_int_equal(first_value(r)->kind, N_INT);
    assert_int_equal(first_value(r)->num, 4321);
    run_free(r);
}

static void kfunc_argument_must_be_a_literal(void **state) {
    (void)state;
    fails_with("BEGIN { $x = \"a\"; @ = kfunc_exist($x); }",
               "stdlib/kfunc.bt:10:5-56: ERROR: kfunc_exist() accepts a string literal only");
    fails_with("BEGIN { @ = kfunc_allowed(1); }",
               "stdlib/kfunc.bt:24:5-58: ERROR: kfunc_allowed() accepts a string literal only");
    fails_with("BEGIN { @ = kfunc_exist(); }",
               "stdin:1:13-26: ERROR: Call to kfunc_exist() has arguments that do not match any "
               "definition.");
}

/* Without BTF there is no kfunc, as in bpftrace. */
static void kfunc_without_btf_is_false(void **state) {
    (void)state;
    struct run *r = run_opts("BEGIN { @ = kfunc_exist(\"bpf_task_from_pid\"); }", 0, true);
    assert_int_equal(first_bool(first_value(r))->num, 0);
    run_free(r);
    r = run_opts("BEGIN { @ = kfunc_allowed(\"bpf_map_sum_elem_count\"); }", 0, true);
    assert_int_equal(first_bool(first_value(r))->num, 0);
    run_free(r);
}

/* With the kernel's BTF: a function it has, and one it has not. Asking
 * whether one is allowed loads a program: that takes root. */
static void kfunc_with_btf(void **state) {
    (void)state;
    if (access("/sys/kernel/btf/vmlinux", R_OK) != 0)
        skip();
    struct run *r = run_opts("BEGIN { @ = (kfunc_exist(\"vfs_read\"), kfunc_exist(\"nope_nope\"), "
                             "kfunc_allowed(\"nope_nope\")); }",
                             0, false);
    const struct node *t = first_value(r)->a;
    assert_int_equal(first_bool(t)->num, 1);
    assert_int_equal(first_bool(t->next)->num, 0);
    assert_int_equal(first_bool(t->next->next)->num, 0);
    run_free(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(has_cpid_is_a_bool),
        cmocka_unit_test(cpid_warns_nothing_while_compiling),
        cmocka_unit_test(kfunc_argument_must_be_a_literal),
        cmocka_unit_test(kfunc_without_btf_is_false),
        cmocka_unit_test(kfunc_with_btf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
