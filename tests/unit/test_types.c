/* types.c: layout and bpftrace spellings. */
/* cmocka.h needs these first. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include "types.h"

static const char *name(const struct type *t) {
    static char buf[128];
    return type_name(t, buf, sizeof(buf));
}

static void test_int_names(void **state) {
    (void)state;
    assert_string_equal(name(&type_s64), "int64");
    assert_string_equal(name(&type_u32), "uint32");
    assert_string_equal(name(&type_u8), "uint8");
    assert_string_equal(name(type_int(2, true)), "int16");
    assert_string_equal(name(&type_bool), "bool");
    assert_string_equal(name(&type_probe), "probe");
    assert_string_equal(name(&type_void), "void");
    assert_ptr_equal(type_int(8, false), &type_u64);
    assert_ptr_equal(type_int(4, true), &type_s32);
}

static void test_string_and_agg_names(void **state) {
    (void)state;
    struct type_arena *a = type_arena_new();
    assert_string_equal(name(type_string(a, 16)), "string[16]");
    assert_string_equal(name(type_agg(a, AGG_COUNT, false)), "count_t");
    assert_string_equal(name(type_agg(a, AGG_SUM, true)), "sum_t");
    assert_string_equal(name(type_agg(a, AGG_SUM, false)), "usum_t");
    assert_string_equal(name(type_agg(a, AGG_HIST, true)), "hist_t");
    assert_string_equal(name(type_agg(a, AGG_LHIST, true)), "lhist_t");
    assert_string_equal(name(type_agg(a, AGG_STATS, true)), "stats_t");
    assert_int_equal(type_agg(a, AGG_AVG, true)->size, sizeof(struct agg_avg));
    assert_int_equal(type_agg(a, AGG_MIN, true)->size, sizeof(struct agg_minmax));
    const struct type *p = type_ptr(a, 8);
    assert_true(p->is_ptr);
    assert_int_equal(p->kind, T_INT);
    assert_int_equal(p->size, 8);
    type_arena_free(a);
}

static void test_tuple_layout(void **state) {
    (void)state;
    struct type_arena *a = type_arena_new();
    const struct type *e1[] = {&type_u8, &type_s64, type_string(a, 3), &type_u32};
    const struct type *t = type_tuple(a, 4, e1);
    assert_int_equal(t->kind, T_TUPLE);
    assert_int_equal(t->fields[0].offset, 0);
    assert_int_equal(t->fields[1].offset, 8);
    assert_int_equal(t->fields[2].offset, 16);
    assert_int_equal(t->fields[3].offset, 20);
    assert_int_equal(t->size, 24);
    assert_string_equal(name(t), "(uint8,int64,string[3],uint32)");

    const struct type *e2[] = {&type_s64, type_string(a, 16)};
    const struct type *t2 = type_tuple(a, 2, e2);
    assert_int_equal(t2->size, 24); /* 8 + 16, already a multiple of 8 */
    assert_string_equal(name(t2), "(int64,string[16])");

    const struct type *e3[] = {type_string(a, 2)};
    assert_int_equal(type_tuple(a, 1, e3)->size, 2); /* bytes: no padding */
    const struct type *e4[] = {&type_s8, &type_s16, &type_s32};
    const struct type *t4 = type_tuple(a, 3, e4);
    assert_int_equal(t4->fields[1].offset, 2);
    assert_int_equal(t4->size, 8); /* as bpftrace sizes ((int8)1, (int16)1, (int32)1) */
    const struct type *e5[] = {&type_s8, type_string(a, 2)};
    const struct type *t5 = type_tuple(a, 2, e5);
    const struct type *e6[] = {&type_s8, t5};
    assert_int_equal(type_tuple(a, 2, e6)->size, 4); /* a nested tuple aligns as its elements */

    const struct type *nested[] = {&type_bool, t2};
    const struct type *t3 = type_tuple(a, 2, nested);
    assert_int_equal(t3->fields[1].offset, 8);
    assert_string_equal(name(t3), "(bool,(int64,string[16]))");
    type_arena_free(a);
}

static void test_equal(void **state) {
    (void)state;
    struct type_arena *a = type_arena_new();
    assert_true(type_equal(type_string(a, 16), type_string(a, 16)));
    assert_false(type_equal(type_string(a, 16), type_string(a, 8)));
    assert_false(type_equal(&type_s64, &type_u64));
    assert_false(type_equal(&type_u64, type_ptr(a, 8)));
    assert_false(type_equal(type_agg(a, AGG_SUM, true), type_agg(a, AGG_SUM, false)));
    const struct type *x[] = {&type_s64, type_string(a, 4)};
    const struct type *y[] = {&type_s64, type_string(a, 4)};
    const struct type *z[] = {&type_u64, type_string(a, 4)};
    assert_true(type_equal(type_tuple(a, 2, x), type_tuple(a, 2, y)));
    assert_false(type_equal(type_tuple(a, 2, x), type_tuple(a, 2, z)));
    assert_false(type_equal(NULL, &type_s64));
    type_arena_free(a);
}

static void test_name_truncates(void **state) {
    (void)state;
    char buf[6];
    type_name(&type_u64, buf, sizeof(buf));
    assert_string_equal(buf, "uint6");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_int_names),      cmocka_unit_test(test_string_and_agg_names),
        cmocka_unit_test(test_tuple_layout),   cmocka_unit_test(test_equal),
        cmocka_unit_test(test_name_truncates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
