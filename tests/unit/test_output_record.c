/* Records, arrays, enums, bitfields and pointers as print() shows them.
 * The structs are those given to bpftrace 0.27 in a script, laid over a
 * task's comm "bpftrace" (then NULs); the expected texts are what it
 * printed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "output/value.h"
#include "types.h"

static const uint8_t comm[24] = "bpftrace";
static const struct manifest man;
static struct type_arena *arena;

static int setup(void **state) {
    (void)state;
    arena = type_arena_new();
    return 0;
}

static int teardown(void **state) {
    (void)state;
    type_arena_free(arena);
    return 0;
}

static void expect_with(const struct type *t, const void *p, const struct out_fmt_opts *o,
                        const char *want) {
    struct out_str s;
    out_str_init(&s);
    out_fmt_value_with(&s, &man, t, p, o);
    assert_string_equal(s.p ? s.p : "", want);
    out_str_free(&s);
}

static void expect(const struct type *t, const void *p, const char *want) {
    expect_with(t, p, NULL, want);
}

#define NF(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct type *rec(const char *tag, uint32_t size, int n, const struct type_field *f) {
    return type_record(arena, tag, false, size, n, f);
}

static void test_bitfields(void **state) {
    (void)state;
    /* struct Foo { int a:3; int b:5; unsigned int c:4; unsigned int d:12; } */
    const struct type_field f[] = {
        {&type_s32, 0, "a", 0, 3},
        {&type_s32, 0, "b", 3, 5},
        {&type_u32, 1, "c", 0, 4},
        {&type_u32, 0, "d", 12, 12}, /* the same field counted from the word */
    };
    expect(rec("struct Foo", 4, NF(f), f), comm, "{ .a = 2, .b = 12, .c = 0, .d = 1639 }");

    /* struct Foo { int a:2; int b:7; int c:3; long d:20; }: a is binary 10,
     * which bpftrace prints as 2, not -2 */
    const struct type_field g[] = {
        {&type_s32, 0, "a", 0, 2},
        {&type_s32, 0, "b", 2, 7},
        {&type_s32, 0, "c", 9, 3},
        {&type_s64, 0, "d", 12, 20},
    };
    expect(rec("struct Foo", 8, NF(g), g), comm, "{ .a = 2, .b = 24, .c = 0, .d = 476775 }");
}

static void test_unnamed_bitfield(void **state) {
    (void)state;
    /* struct Foo { unsigned int a:2; int :3; int b:3; } */
    const struct type_field f[] = {
        {&type_u32, 0, "a", 0, 2},
        {&type_s32, 0, NULL, 2, 3},
        {&type_s32, 0, "b", 5, 3},
    };
    expect(rec("struct Foo", 4, NF(f), f), comm, "{ .a = 2, . = 0, .b = 3 }");
}

static void test_bitfield_reader(void **state) {
    (void)state;
    const uint8_t b[9] = {0xf0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f};
    struct type_field whole = {&type_u64, 0, "x", 4, 64};
    assert_int_equal(out_read_bitfield(&whole, b), UINT64_MAX); /* straddles 9 bytes */
    struct type_field one = {&type_u8, 8, "y", 3, 1};
    assert_int_equal(out_read_bitfield(&one, b), 1);
    struct type_field top = {&type_u8, 8, "z", 4, 4};
    assert_int_equal(out_read_bitfield(&top, b), 0);
}

static void test_anonymous_members(void **state) {
    (void)state;
    /* struct Foo { int a; union { int b; short c; }; struct { char d; char e; }; } */
    const struct type_field u[] = {{&type_s32, 0, "b", 0, 0}, {&type_s16, 0, "c", 0, 0}};
    const struct type_field st[] = {{&type_s8, 0, "d", 0, 0}, {&type_s8, 1, "e", 0, 0}};
    const struct type_field f[] = {
        {&type_s32, 0, "a", 0, 0},
        {type_record(arena, NULL, true, 4, NF(u), u), 4, NULL, 0, 0},
        {rec(NULL, 2, NF(st), st), 8, NULL, 0, 0},
    };
    expect(rec("struct Foo", 12, NF(f), f), comm,
           "{ .a = 1952870498, .b = 1701011826, .c = 24946, .d = 0, .e = 0 }");
}

static void test_empty(void **state) {
    (void)state;
    /* struct Foo { struct {} empty; int z; } and struct Foo { int z[0]; int y; } */
    const struct type_field f[] = {
        {rec("struct Empty", 0, 0, NULL), 0, "empty", 0, 0},
        {&type_s32, 0, "z", 0, 0},
    };
    expect(rec("struct Foo", 4, NF(f), f), comm, "{ .empty = {}, .z = 1952870498 }");
    const struct type_field g[] = {
        {type_array(arena, &type_s32, 0), 0, "z", 0, 0},
        {&type_s32, 0, "y", 0, 0},
    };
    expect(rec("struct Foo", 4, NF(g), g), comm, "{ .z = [], .y = 1952870498 }");
    expect(rec("struct Empty", 0, 0, NULL), comm, "{}");
    /* only an empty anonymous member: nothing to show */
    const struct type_field h[] = {{rec(NULL, 0, 0, NULL), 0, NULL, 0, 0}};
    expect(rec("struct Foo", 0, NF(h), h), comm, "{}");
}

static void test_arrays(void **state) {
    (void)state;
    /* short a[2]; unsigned char b; ... and struct Bar { short s; } b[2] */
    expect(type_array(arena, &type_s16, 2), comm, "[28770,29798]");
    expect(type_array(arena, &type_u8, 2), comm + 8, "[0,0]");
    const struct type_field bar[] = {{&type_s16, 0, "s", 0, 0}};
    const struct type *tb = rec("struct Bar", 2, NF(bar), bar);
    const struct type_field f[] = {{type_array(arena, tb, 2), 0, "b", 0, 0}};
    expect(rec("struct Foo", 4, NF(f), f), comm, "{ .b = [{ .s = 28770 },{ .s = 29798 }] }");
    expect(type_array(arena, type_string(arena, 4), 2), "ab\0\0cdef", "[ab,cdef..]");
}

static void test_unions(void **state) {
    (void)state;
    /* union U { struct { short a; } s; long l; } u[2] */
    const struct type_field sf[] = {{&type_s16, 0, "a", 0, 0}};
    const struct type_field uf[] = {
        {rec(NULL, 2, NF(sf), sf), 0, "s", 0, 0},
        {&type_s64, 0, "l", 0, 0},
    };
    const struct type *u = type_record(arena, "union U", true, 8, NF(uf), uf);
    const struct type_field f[] = {{type_array(arena, u, 2), 0, "u", 0, 0}};
    expect(rec("struct Foo", 16, NF(f), f), comm,
           "{ .u = [{ .s = { .a = 28770 }, .l = 7305790164732112994 },"
           "{ .s = { .a = 0 }, .l = 0 }] }");
}

static const char *const e_names[] = {"X", "Y", "NEG"};
static const int64_t e_values[] = {0x62, 1, -1};
static const struct enum_def e_def = {"enum E", 3, e_names, e_values};

static void test_enums(void **state) {
    (void)state;
    const struct type *e4 = type_enum(arena, 4, true, &e_def);
    int32_t v = 1;
    expect(e4, &v, "Y");
    v = -1;
    expect(e4, &v, "NEG"); /* matched within the enum's 4 bytes */
    v = 7;
    expect(e4, &v, "7");
    v = -2;
    expect(e4, &v, "4294967294"); /* unknown: unsigned, as bpftrace */
    /* enum E { X = 0x62, Y = 1 } e:8; int q; */
    const struct type_field f[] = {
        {type_enum(arena, 4, false, &e_def), 0, "e", 0, 8},
        {&type_s32, 4, "q", 0, 0},
    };
    expect(rec("struct Foo", 8, NF(f), f), comm, "{ .e = X, .q = 1701011826 }");
    struct out_fmt_opts o = {.div = 10, .plus = true};
    v = 1;
    expect_with(e4, &v, &o, "Y"); /* neither divided nor signed */
    assert_int_equal(out_read_enum(e4, &(int32_t){-1}), 0xffffffffu);
}

static void test_pointers(void **state) {
    (void)state;
    /* int a; struct Foo *next; void *v; char *s; */
    const struct type *foo = type_record_forward(arena, "struct Foo");
    const struct type_field f[] = {
        {&type_s32, 0, "a", 0, 0},
        {type_ptr_to(arena, foo, AS_KERNEL), 8, "next", 0, 0},
        {type_ptr_to(arena, NULL, AS_KERNEL), 16, "v", 0, 0},
        {type_ptr_to(arena, &type_s8, AS_KERNEL), 24, "s", 0, 0},
    };
    uint8_t b[32] = {0};
    uint64_t s = 0xffff888102cae400ULL;
    memcpy(b, "bpft", 4);
    memcpy(b + 24, &s, 8);
    expect(rec("struct Foo", 32, NF(f), f), b,
           "{ .a = 1952870498, .next = 0x0, .v = 0x0, .s = 0xffff888102cae400 }");
}

/* (a=1, b="x"), (x=1, y=(z=2, w="s")), (a=true, b=false, c=(x=true)) */
static void test_named_tuples(void **state) {
    (void)state;
    const struct type *s2 = type_string(arena, 2);
    const struct type *ab[] = {&type_s64, s2};
    const char *const abn[] = {"a", "b"};
    const struct type *t = type_named_tuple(arena, 2, ab, abn);
    uint8_t v[16] = {1, 0, 0, 0, 0, 0, 0, 0, 'x'};
    expect(t, v, "{ .a = 1, .b = x }");

    const struct type *zw[] = {&type_s64, s2};
    const char *const zwn[] = {"z", "w"};
    const struct type *inner = type_named_tuple(arena, 2, zw, zwn);
    const struct type *xy[] = {&type_s64, inner};
    const char *const xyn[] = {"x", "y"};
    const struct type *outer = type_named_tuple(arena, 2, xy, xyn);
    uint8_t w[24] = {1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 's'};
    expect(outer, w, "{ .x = 1, .y = { .z = 2, .w = s } }");

    const struct type *x1[] = {&type_bool};
    const char *const x1n[] = {"x"};
    const struct type *abc[] = {&type_bool, &type_bool, type_named_tuple(arena, 1, x1, x1n)};
    const char *const abcn[] = {"a", "b", "c"};
    uint8_t b[16] = {1, 0, 1};
    expect(type_named_tuple(arena, 3, abc, abcn), b,
           "{ .a = true, .b = false, .c = { .x = true } }");
}

/* (1, (a=1, b=(2, "s")), "x") */
static void test_tuple_holding_record(void **state) {
    (void)state;
    const struct type *s2 = type_string(arena, 2);
    const struct type *pair[] = {&type_s64, s2};
    const struct type *ab[] = {&type_s64, type_tuple(arena, 2, pair)};
    const char *const abn[] = {"a", "b"};
    const struct type *r = type_named_tuple(arena, 2, ab, abn);
    const struct type *el[] = {&type_s64, r, s2};
    const struct type *t = type_tuple(arena, 3, el);
    uint8_t v[48] = {0};
    uint32_t ro = t->fields[1].offset, bo = ro + r->fields[1].offset;
    v[0] = 1;
    v[ro] = 1;
    v[bo] = 2;
    v[bo + 8] = 's';
    v[t->fields[2].offset] = 'x';
    assert_int_equal(t->size, 40);
    expect(t, v, "(1, { .a = 1, .b = (2, s) }, x)");
}

static void test_division_and_plus(void **state) {
    (void)state;
    /* print(@t, 0, 10) of (100, "x", (a=-25)); printf("%+s") of (a=1, b=-2) */
    const struct type *a1[] = {&type_s64};
    const char *const a1n[] = {"a"};
    const struct type *el[] = {&type_u64, type_string(arena, 2),
                               type_named_tuple(arena, 1, a1, a1n)};
    const struct type *t = type_tuple(arena, 3, el);
    uint8_t v[24] = {100, 0, 0, 0, 0, 0, 0, 0, 'x'};
    int64_t neg = -25;
    memcpy(v + 16, &neg, 8);
    struct out_fmt_opts div = {.div = 10};
    expect_with(t, v, &div, "(10, x, { .a = -2 })");
    struct out_fmt_opts plus = {.plus = true};
    expect_with(t, v, &plus, "(100, x, { .a = -25 })"); /* unsigned: no sign */
    neg = 25;
    memcpy(v + 16, &neg, 8);
    expect_with(t, v, &plus, "(100, x, { .a = +25 })");
    expect_with(type_array(arena, &type_s16, 2), comm, &div, "[2877,2979]");
}

static void test_first_piece(void **state) {
    (void)state;
    const struct type *a = type_array(arena, &type_s16, 2);
    assert_int_equal(out_first_piece(a, 13), 1);
    assert_int_equal(out_first_piece(rec("struct E", 0, 0, NULL), 2), 2);
    assert_int_equal(out_first_piece(&type_s64, 5), 5);
    assert_int_equal(out_first_piece(type_string(arena, 4), 0), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bitfields),
        cmocka_unit_test(test_unnamed_bitfield),
        cmocka_unit_test(test_bitfield_reader),
        cmocka_unit_test(test_anonymous_members),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_arrays),
        cmocka_unit_test(test_unions),
        cmocka_unit_test(test_enums),
        cmocka_unit_test(test_pointers),
        cmocka_unit_test(test_named_tuples),
        cmocka_unit_test(test_tuple_holding_record),
        cmocka_unit_test(test_division_and_plus),
        cmocka_unit_test(test_first_piece),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
