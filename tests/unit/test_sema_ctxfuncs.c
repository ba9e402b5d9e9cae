/* Checks of the context functions (sema_ctxfuncs.c): where reg(), path(),
 * socket_cookie() and skboutput() may be used, and their arguments. No
 * BTF: the typed cases are in the runtime tests (ctxfuncs.test). */
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
    return run_with(text, &opts);
}

/* Some error printed is exactly this "LOC: ERROR: MSG" line. */
static void check_error(const char *text, const char *want) {
    struct run *r = run(text);
    if (r->rc != -1 || !strstr(r->err, want))
        fail_msg("for %s\nwant %s\ngot %s", text, want, r->err);
    run_free(r);
}

/* The first call named name in the tree under n, or NULL. */
static const struct node *find_call(const struct node *n, const char *name) {
    for (; n; n = n->next) {
        if (n->kind == N_CALL && n->str && strcmp(n->str, name) == 0)
            return n;
        const struct node *kids[] = {n->a, n->b, n->c, n->d};
        for (int i = 0; i < 4; i++) {
            const struct node *f = find_call(kids[i], name);
            if (f)
                return f;
        }
    }
    return NULL;
}

static void reg_offsets_and_type(void **state) {
    (void)state;
    struct run *r =
        run("profile:hz:99 { $a = reg(\"ip\"); $b = reg(\"pc\"); $c = reg(\"orig_rax\"); }"
            "software:cpu-clock:1000 { $d = reg(\"sp\"); }");
    assert_int_equal(r->rc, 0);
    const struct node *ip = find_call(r->prog, "reg");
    assert_non_null(ip);
    assert_int_equal(ip->aux, 128); /* pt_regs->ip */
    assert_int_equal(ip->ty->kind, T_INT);
    assert_int_equal(ip->ty->size, 8);
    assert_false(ip->ty->is_signed);
    run_free(r);
}

static void reg_errors(void **state) {
    (void)state;
    check_error("BEGIN { $a = reg(\"ip\"); }",
                "stdin:1:14-23: ERROR: reg can not be used with \"begin\" probes");
    check_error(
        "interval:s:1 { $a = reg(\"foo\"); }",
        "stdin:1:21-31: ERROR: 'foo' is not a valid register on this architecture (x86_64)");
    check_error("interval:s:1 { $a = reg(\"orig_ax\"); }", "'orig_ax' is not a valid register");
    check_error("interval:s:1 { $a = reg(1); }",
                "stdin:1:21-27: ERROR: reg() expects a string literal");
    check_error("interval:s:1 { $a = reg(); }",
                "stdin:1:21-26: ERROR: reg() requires one argument (0 provided)");
}

static void other_functions_need_tracing_programs(void **state) {
    (void)state;
    check_error("profile:hz:99 { print(path(0)); }",
                "stdin:1:23-30: ERROR: The path function can only be used with 'fentry', 'fexit', "
                "'iter' probes");
    check_error("profile:hz:99 { print(path(0, -1)); }",
                "stdin:1:23-34: ERROR: path: invalid size value, need non-negative literal");
    check_error("profile:hz:99 { print(socket_cookie(0)); }",
                "stdin:1:23-39: ERROR: socket_cookie can not be used with \"profile\" probes");
    check_error("profile:hz:99 { $r = skboutput(\"a\", 0, 1, 0); }",
                "stdin:1:22-45: ERROR: skboutput can not be used with \"profile\" probes");
    check_error("profile:hz:99 { $r = skboutput(\"a\", 0); }",
                "stdin:1:22-39: ERROR: skboutput() requires 4 arguments (2 provided)");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reg_offsets_and_type),
        cmocka_unit_test(reg_errors),
        cmocka_unit_test(other_functions_need_tracing_programs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
