/* Typing corners that follow bpftrace 0.27.1: sizeof's type, literals
 * beside unsigned values, compound assignment errors, and the order of
 * "Unreachable statement." warnings (sema_sizeof_type.c, sema_types.c,
 * sema_compound.c, sema_stmt.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sema_run.h"

/* The natural integer type of map name, as bpftrace names it. */
static const char *map_int_type(struct run *r, const char *name, char *buf) {
    for (int i = 0; i < r->out.nmaps; i++)
        if (strcmp(r->out.maps[i].name, name) == 0)
            return type_name(r->out.maps[i].int_ty, buf, 64);
    fail_msg("no map %s", name);
    return NULL;
}

static void check_map(const char *text, const char *map, const char *want) {
    char buf[64];
    struct run *r = run_with(text, NULL);
    if (r->rc != 0)
        fail_msg("%s: %s", text, r->err);
    assert_string_equal(map_int_type(r, map, buf), want);
    run_free(r);
}

static void sizeof_is_uint8_while_resolving(void **state) {
    (void)state;
    check_map("BEGIN { @m = sizeof(int32); }", "@m", "uint8");
    check_map("BEGIN { @m = sizeof(int32); @m = -1; }", "@m", "int16");
    check_map("struct S { int a; int b; } BEGIN { @m = offsetof(struct S, b); }", "@m", "uint8");
    check_map("BEGIN { @m = sizeof(@n); @n = 1; }", "@m", "uint8");
}

/* A map whose type its own sizeof decides, directly or through others. */
static void sizeof_cycle_is_int16(void **state) {
    (void)state;
    check_map("BEGIN { @m = sizeof(@m); }", "@m", "int16");
    check_map("BEGIN { @m = sizeof(@n); @n = sizeof(@m); }", "@m", "int16");
    check_map("BEGIN { @m = sizeof(@n); @n = sizeof(@m); }", "@n", "int16");
    /* typed before its sizeof: no cycle */
    check_map("BEGIN { @m = 1; @m = sizeof(@m); }", "@m", "uint8");
}

static void literal_fits_unsigned(void **state) {
    (void)state;
    check_map("BEGIN { @m = 1; @m = (uint8)1; }", "@m", "uint8");
    check_map("BEGIN { @m = (uint8)1; @m = 100; }", "@m", "uint8");
    check_map("BEGIN { @m = 1; @m = (uint16)1; }", "@m", "uint16");
    check_map("BEGIN { @m = (uint8)1; @m = 200; }", "@m", "int16"); /* 200 is an int16 */
    check_map("BEGIN { @m = (int8)1; @m = (uint8)1; }", "@m", "int16");
    check_map("BEGIN { @m = -1; @m = (uint8)1; }", "@m", "int16");
    check_map("BEGIN { @m = 1; @m = 2; }", "@m", "int8");
}

static void fails_with(const char *text, const char *msg) {
    struct run *r = run_with(text, NULL);
    if (r->rc == 0 || !strstr(r->err ? r->err : "", msg))
        fail_msg("%s: expected \"%s\", got:\n%s", text, msg, r->err ? r->err : "");
    run_free(r);
}

static void compound_assignment_errors(void **state) {
    (void)state;
    fails_with("BEGIN { @x = \"a\"; @x += \"b\"; }",
               "stdin:1:19-28: ERROR: Type mismatch for @x: trying to assign value of type "
               "'uint64' when map already has a type 'string[2]'");
    fails_with("BEGIN { $x = \"a\"; $x += 1; }",
               "stdin:1:19-26: ERROR: Type mismatch for $x: trying to assign value of type "
               "'int64' when variable already has a type 'string[2]'");
    fails_with("BEGIN { @x  -=\t\"b\"; }",
               "stdin:1:13-19: ERROR: Type mismatch for '-': comparing int64 with string[2]");
    fails_with("BEGIN { @x  -=\t\"b\"; }", "stdin:1:9-11: ERROR: left (int64)");
    fails_with("BEGIN { $p = (int8 *)0; $p /= 2; }",
               "stdin:1:28-32: ERROR: The / operator can not be used on expressions of types int8 "
               "*, int8");
}

/* The "Unreachable statement." lines' locations, in order. */
static char *unreachable_order(const char *text) {
    struct run *r = run_with(text, NULL);
    char *out = calloc(1, 256);
    for (const char *p = r->err; p && (p = strstr(p, "stdin:")); p++) {
        const char *end = strchr(p, ':');
        end = end ? strchr(end + 1, ':') : NULL;
        end = end ? strchr(end + 1, ':') : NULL;
        size_t len = end ? (size_t)(end - (p + 6)) + 1 : 0; /* "1:9-11:" */
        if (end && strncmp(end, ": WARNING: Unreachable", 22) == 0 && strlen(out) + len < 255)
            strncat(out, p + 6, len);
    }
    run_free(r);
    return out;
}

static void unreachable_in_bpftrace_order(void **state) {
    (void)state;
    char *got =
        unreachable_order("BEGIN { $i = 0; while ($i < 1) { $i++; if (1) { break; $x = 1; } } "
                          "if (1) { if (1) { exit(); $y = 1; } exit(); $z = 2; } }");
    assert_string_equal(got, "1:94-100:1:112-118:1:56-62:");
    free(got);
    got = unreachable_order(
        "BEGIN { if (pid) { exit(); $a = 3; } else { exit(); $b = 4; } $c = 1; }");
    assert_string_equal(got, "1:28-34:");
    free(got);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sizeof_is_uint8_while_resolving),
        cmocka_unit_test(sizeof_cycle_is_int16),
        cmocka_unit_test(literal_fits_unsigned),
        cmocka_unit_test(compound_assignment_errors),
        cmocka_unit_test(unreachable_in_bpftrace_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
