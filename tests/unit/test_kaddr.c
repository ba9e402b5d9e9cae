/* kaddr("name"): the argument checks, and the call turned into the address
 * /proc/kallsyms lists (when it lists addresses: as root). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sema_run.h"

static void fails_with(const char *text, const char *msg) {
    struct run *r = run_with(text, NULL);
    if (r->rc == 0 || !strstr(r->err ? r->err : "", msg))
        fail_msg("%s: expected \"%s\", got:\n%s", text, msg, r->err ? r->err : "");
    run_free(r);
}

static void argument_must_be_a_string_literal(void **state) {
    (void)state;
    fails_with("BEGIN { print(kaddr(1)); }",
               "stdin:1:15-23: ERROR: kaddr() expects a string literal (int provided)");
    fails_with("BEGIN { $x = \"a\"; print(kaddr($x)); }",
               "stdin:1:25-34: ERROR: kaddr() expects a string literal (string provided)");
    fails_with("BEGIN { print(kaddr()); }", "kaddr() requires one argument (0 provided)");
    fails_with("BEGIN { print(kaddr(\"a\", \"b\")); }",
               "kaddr() requires one argument (2 provided)");
}

static void unknown_symbol_is_located(void **state) {
    (void)state;
    fails_with("BEGIN { @ = kaddr(\"no_such_symbol_anywhere\"); }",
               "stdin:1:13-45: ERROR: Failed to resolve kernel symbol: no_such_symbol_anywhere");
}

/* The address of the first text symbol kallsyms lists, or 0 without root. */
static uint64_t first_symbol(char *name, size_t size) {
    FILE *f = fopen("/proc/kallsyms", "r");
    unsigned long long addr = 0;
    char type;
    if (f && fscanf(f, "%llx %c %63s", &addr, &type, name) != 3)
        addr = 0;
    if (f)
        fclose(f);
    (void)size;
    return addr;
}

static void known_symbol_becomes_its_address(void **state) {
    (void)state;
    char name[64], text[160];
    uint64_t addr = first_symbol(name, sizeof(name));
    if (!addr)
        skip(); /* not root: kallsyms hides the addresses */
    snprintf(text, sizeof(text), "BEGIN { @ = kaddr(\"%s\"); }", name);
    struct run *r = run_with(text, NULL);
    assert_int_equal(r->rc, 0);
    /* program -> probe -> block -> the assignment */
    struct node *assign = r->prog->a->c->a;
    assert_int_equal(assign->b->kind, N_INT);
    assert_true(assign->b->num == addr);
    run_free(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(argument_must_be_a_string_literal),
        cmocka_unit_test(unknown_symbol_is_located),
        cmocka_unit_test(known_symbol_becomes_its_address),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
