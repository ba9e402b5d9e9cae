/* printf() as current bpftrace formats it (C++ streams, see
 * runtime/output/printf.h); the cases marked "HEAD test" are taken from
 * bpftrace's runtime tests (tests/runtime/call). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "output/printf.h"
#include "types.h"

static const struct type t_s64 = {.kind = T_INT, .size = 8, .is_signed = true};
static const struct type t_u64 = {.kind = T_INT, .size = 8};
static const struct type t_s32 = {.kind = T_INT, .size = 4, .is_signed = true};
static const struct type t_ptr = {.kind = T_INT, .size = 8, .is_ptr = true};
static const struct type t_bool = {.kind = T_BOOL, .size = 1};
static const struct type t_str8 = {.kind = T_STRING, .size = 8};
static const struct type t_str4 = {.kind = T_STRING, .size = 4};
static const struct type t_probe = {.kind = T_PROBE, .size = 8};

/* A record under construction: the header, then 8-byte aligned arguments. */
struct rec {
    uint8_t buf[256];
    uint32_t size;
    struct event_arg args[8];
    int nargs;
};

static void rec_init(struct rec *r) {
    memset(r, 0, sizeof(*r));
    r->size = 8;
}

static void rec_add(struct rec *r, const struct type *t, const void *p) {
    r->args[r->nargs].ty = t;
    r->args[r->nargs].offset = r->size;
    memcpy(r->buf + r->size, p, t->size);
    r->size += (t->size + 7) & ~7u;
    r->nargs++;
}

static void rec_int(struct rec *r, const struct type *t, int64_t v) {
    rec_add(r, t, &v); /* little endian: the low bytes come first */
}

static char *probe_names[] = {"tracepoint:syscalls:sys_enter_openat"};
static const struct manifest man = {.probe_names = probe_names, .nprobe_names = 1};

static void check(const char *fmt, struct rec *r, const char *want) {
    struct out_str s;
    out_str_init(&s);
    out_printf(&s, &man, fmt, r->args, r->nargs, r->buf, r->size);
    assert_string_equal(s.p ? s.p : "", want);
    out_str_free(&s);
}

static void check1(const char *fmt, const struct type *t, int64_t v, const char *want) {
    struct rec r;
    rec_init(&r);
    rec_int(&r, t, v);
    check(fmt, &r, want);
}

static void test_columns(void **state) {
    (void)state;
    struct rec r;
    rec_init(&r);
    rec_add(&r, &t_str8, "bash\0\0\0");
    rec_int(&r, &t_u64, 123);
    rec_add(&r, &t_str8, "x\0\0\0\0\0\0");
    check("%-16s %-6d %s\n", &r, "bash             123    x\n");
}

static void test_widths_and_verbs(void **state) {
    (void)state;
    check1("%5d|", &t_s64, 42, "   42|");
    check1("%x", &t_u64, 255, "ff");
    check1("%X", &t_u64, 255, "FF");
    check1("%o", &t_u64, 8, "10");
    check1("%llu", &t_u64, 5, "5");
    check1("%llu", &t_s64, -1, "18446744073709551615");
    check1("%i", &t_s64, -7, "-7");
    check1("%u", &t_s32, -1, "4294967295");
    check1("%c", &t_u64, 'A', "A");
    check1("%3c|", &t_u64, 'A', "  A|");
    check1("%d%%", &t_u64, 50, "50%");
}

static void test_length_modifiers(void **state) {
    (void)state;
    struct rec r;
    rec_init(&r);
    for (int i = 0; i < 4; i++)
        rec_int(&r, &t_s64, 0x12345678abcdefLL);
    check("%hhx %hx %x %jx\n", &r, "ef cdef 78abcdef 12345678abcdef\n"); /* HEAD test */
    check1("%d", &t_s64, 5000000000LL, "705032704");
    check1("%ld", &t_s64, 5000000000LL, "5000000000");
    check1("%lld", &t_s64, -5000000000LL, "-5000000000");
    check1("%zu", &t_u64, 5000000000LL, "5000000000");
    check1("%hd", &t_s64, 65535, "-1");
    check1("%hhu", &t_s64, 257, "1");
}

static void test_flags(void **state) {
    (void)state;
    check1("%04x", &t_u64, 2, "0002"); /* HEAD test */
    check1("%05d", &t_s64, -42, "00-42");
    check1("%-05d", &t_s64, 42, "42000");
    check1("%-5d|", &t_s64, 42, "42   |");
    check1("%#x", &t_u64, 255, "0xff");
    check1("%#X", &t_u64, 255, "0XFF");
    check1("%#x", &t_u64, 0, "0");
    check1("%#o", &t_u64, 8, "010");
    check1("%+d", &t_s64, 5, "+5");
    check1("%+d", &t_s64, -5, "-5");
    check1("%+u", &t_u64, 5, "5");
    check1("% d", &t_s64, 5, "5");
    check1("%.3d", &t_s64, 5, "5");
    check1("%*d", &t_s64, 5, "5");
}

static void test_pointer(void **state) {
    (void)state;
    check1("%p", &t_u64, 0, "0");
    check1("%p", &t_u64, 0xabc, "0xabc");
    check1("%p", &t_u64, -1, "0xffffffffffffffff");
    check1("%8p|", &t_u64, 0xabc, "   0xabc|");
    check1("%s", &t_ptr, 0xdead, "0xdead");
}

static void test_strings(void **state) {
    (void)state;
    struct rec r;
    rec_init(&r);
    rec_add(&r, &t_str8, "ba\0\0\0\0\0");
    rec_int(&r, &t_u64, 2);
    check("%5s %04x", &r, "   ba 0002"); /* HEAD test */

    rec_init(&r);
    rec_add(&r, &t_str4, "abcd");
    check("[%s]", &r, "[abcd..]");

    rec_init(&r);
    rec_add(&r, &t_str8, "abcdef\0");
    rec_add(&r, &t_str8, "abcdef\0");
    check("%.3s|%-8s|", &r, "abcdef|abcdef  |");
}

static void test_non_string_with_s(void **state) {
    (void)state;
    check1("%s", &t_s64, -3, "-3");
    check1("%+s", &t_s64, 3, "+3");
    check1("%s", &t_bool, 1, "true");
    check1("%5s|", &t_bool, 0, "false|");
    check1("%d", &t_bool, 1, "1");
    check1("%s", &t_probe, 0, "tracepoint:syscalls:sys_enter_openat");
}

static void test_tuple_with_s(void **state) {
    (void)state;
    static const struct type_field f[] = {{&t_s64, 0}, {&t_str4, 8}};
    static const struct type tup = {.kind = T_TUPLE, .size = 16, .nfields = 2, .fields = f};
    uint8_t v[16] = {0};
    v[0] = 1;
    memcpy(v + 8, "two", 4);
    struct rec r;
    rec_init(&r);
    rec_add(&r, &tup, v);
    check("%s", &r, "(1, two)");
    /* the stream width only pads the first piece written, the '(' */
    check("%4s", &r, "   (1, two)");
}

static void test_bad_conversion(void **state) {
    (void)state;
    struct rec r;
    rec_init(&r);
    rec_add(&r, &t_str8, "hi\0\0\0\0\0");
    check("x %d y", &r, "x !{invalid integer conversion: hi} y");
}

static void test_literals(void **state) {
    (void)state;
    struct rec r;
    rec_init(&r);
    check("100%", &r, "100%");
    check("a %% b %5% c", &r, "a % b % c");
    check("%q %-", &r, "%q %-");
    check("", &r, "");
    check("no args\n", &r, "no args\n");
}

static void test_char_nul_kept(void **state) {
    (void)state;
    struct rec r;
    rec_init(&r);
    rec_int(&r, &t_u64, 0);
    struct out_str s;
    out_str_init(&s);
    out_printf(&s, &man, "a%cb", r.args, r.nargs, r.buf, r.size);
    assert_int_equal(s.len, 3);
    assert_memory_equal(s.p, "a\0b", 3);
    out_str_free(&s);
}

/* Values of the C types, as bpftrace 0.27 printed them. */
static void test_record_with_s(void **state) {
    (void)state;
    /* $r = (a=1, b=-2, c=(3, -4)) */
    struct type_arena *a = type_arena_new();
    const struct type *pair[] = {&t_s64, &t_s64};
    const struct type *el[] = {&t_s64, &t_s64, type_tuple(a, 2, pair)};
    const char *const names[] = {"a", "b", "c"};
    const struct type *t = type_named_tuple(a, 3, el, names);
    int64_t v[4] = {1, -2, 3, -4};
    struct rec r;
    rec_init(&r);
    for (int i = 0; i < 4; i++)
        rec_add(&r, t, v);
    check("[%+s] [%20s] [%-20s|] [%020s]", &r,
          "[{ .a = +1, .b = -2, .c = (+3, -4) }] [                  { .a = 1, .b = -2, .c = (3, "
          "-4) }] [{                   .a = 1, .b = -2, .c = (3, -4) }|] "
          "[000000000000000000{ .a = 1, .b = -2, .c = (3, -4) }]");
    rec_init(&r);
    rec_add(&r, type_record(a, "struct E", false, 0, 0, NULL), v);
    check("[%3s]", &r, "[ {}]");
    type_arena_free(a);
}

static void test_tuple_flags(void **state) {
    (void)state;
    static const struct type_field f[] = {{&t_s64, 0}, {&t_s64, 8}};
    static const struct type tup = {.kind = T_TUPLE, .size = 16, .nfields = 2, .fields = f};
    int64_t v[2] = {1, -2};
    struct rec r;
    rec_init(&r);
    for (int i = 0; i < 3; i++)
        rec_add(&r, &tup, v);
    check("[%+s] [%08s] [%-8s]", &r, "[(+1, -2)] [0000000(1, -2)] [(       1, -2)]");
}

static void test_array_with_s(void **state) {
    (void)state;
    struct type_arena *a = type_arena_new();
    const struct type *arr = type_array(a, &t_u64, 3);
    uint64_t v[3] = {0};
    struct rec r;
    rec_init(&r);
    for (int i = 0; i < 3; i++)
        rec_add(&r, arr, v);
    check("%s|%10s|%-10s|", &r, "[0,0,0]|         [0,0,0]|[         0,0,0]|");
    check("%d", &r, "!{invalid integer conversion: [0,0,0]}");
    type_arena_free(a);
}

static const char *const e_names[] = {"A", "B", "NEG"};
static const int64_t e_values[] = {1, 2, -1};
static const struct enum_def e_def = {"enum Foo", 3, e_names, e_values};

static void test_enum(void **state) {
    (void)state;
    struct type_arena *a = type_arena_new();
    const struct type *e = type_enum(a, 4, true, &e_def);
    struct rec r;
    rec_init(&r);
    for (int i = 0; i < 4; i++)
        rec_int(&r, e, 1);
    check("%s %d|%5s|%+s", &r, "A 1|    A|A");
    rec_init(&r);
    for (int i = 0; i < 3; i++)
        rec_int(&r, e, 7);
    check("%s %d %x", &r, "7 7 7");
    rec_init(&r);
    for (int i = 0; i < 3; i++)
        rec_int(&r, e, -1);
    /* an enum converts from its unsigned value */
    check("%s %d %ld", &r, "NEG -1 4294967295");
    type_arena_free(a);
}

static void test_pointer_conversions(void **state) {
    (void)state;
    struct rec r;
    rec_init(&r);
    for (int i = 0; i < 5; i++)
        rec_int(&r, &t_ptr, (int64_t)0xffff888102e4db00ULL);
    check("%s|%10s|%d|%x|%+d", &r,
          "0xffff888102e4db00|0xffff888102e4db00|48552704|2e4db00|+48552704");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_columns),
        cmocka_unit_test(test_widths_and_verbs),
        cmocka_unit_test(test_length_modifiers),
        cmocka_unit_test(test_flags),
        cmocka_unit_test(test_pointer),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_non_string_with_s),
        cmocka_unit_test(test_tuple_with_s),
        cmocka_unit_test(test_bad_conversion),
        cmocka_unit_test(test_literals),
        cmocka_unit_test(test_char_nul_kept),
        cmocka_unit_test(test_record_with_s),
        cmocka_unit_test(test_tuple_flags),
        cmocka_unit_test(test_array_with_s),
        cmocka_unit_test(test_enum),
        cmocka_unit_test(test_pointer_conversions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
