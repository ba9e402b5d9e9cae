/* -k in the code generator: a probe read's result is checked and a failure
 * sent as an EV_HELPER_ERROR record; without -k nothing is added. */
#include <fnmatch.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cg_compile.h"

#include "codegen/codegen.h"
#include "codegen/disasm.h"
#include "parser/parse.h"
#include "sema/sema.h"

static const char prog[] = "struct foo { int a; }; BEGIN { $x = ((struct foo *) 8).a; }";

static int compile(bool k, struct manifest *m) {
    return tu_compile(prog, &(struct cg_opts){.helper_errors = k}, m);
}

static const struct event_desc *helper_event(const struct manifest *m) {
    for (int i = 0; i < m->nevents; i++)
        if (m->events[i].kind == EV_HELPER_ERROR)
            return &m->events[i];
    return NULL;
}

static void test_checked_with_k(void **state) {
    (void)state;
    struct manifest m;
    assert_int_equal(compile(true, &m), 0);
    assert_int_equal(tu_count_insns(&m.progs[0], "*if r0 s>= 0 goto*"), 1);
    const struct event_desc *ev = helper_event(&m);
    assert_non_null(ev);
    assert_string_equal(ev->fmt, "probe_read_kernel");
    /* the expression from the cast, as bpftrace underlines it */
    assert_int_equal(ev->args[0].loc.first_column, 38);
    assert_int_equal(ev->args[0].loc.last_column, 57);
    manifest_free(&m);
}

static void test_unchecked_without_k(void **state) {
    (void)state;
    struct manifest m;
    assert_int_equal(compile(false, &m), 0);
    assert_int_equal(tu_count_insns(&m.progs[0], "*if r0 s>= 0 goto*"), 0);
    assert_null(helper_event(&m));
    manifest_free(&m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_checked_with_k),
        cmocka_unit_test(test_unchecked_without_k),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
