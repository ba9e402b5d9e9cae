/* Map text without a kernel: entries are made up in memory, then reduced,
 * sorted and rendered as print(@m) and the exit dump show them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "output/hist.h"
#include "output/rows.h"
#include "output/value.h"
#include "types.h"

static const struct type t_s64 = {.kind = T_INT, .size = 8, .is_signed = true};
static const struct type t_u64 = {.kind = T_INT, .size = 8};
static const struct type t_str4 = {.kind = T_STRING, .size = 4};
static const struct type t_count = {.kind = T_AGG, .size = 8, .agg = AGG_COUNT};
static const struct type t_sum_s = {.kind = T_AGG, .size = 8, .agg = AGG_SUM, .agg_signed = true};
static const struct type t_min = {.kind = T_AGG, .size = 16, .agg = AGG_MIN};
static const struct type t_max_s = {.kind = T_AGG, .size = 16, .agg = AGG_MAX, .agg_signed = true};
static const struct type t_avg = {.kind = T_AGG, .size = 16, .agg = AGG_AVG, .agg_signed = true};
static const struct type t_stats = {
    .kind = T_AGG, .size = 16, .agg = AGG_STATS, .agg_signed = true};
static const struct type t_hist = {.kind = T_AGG, .size = 8, .agg = AGG_HIST};

static const struct manifest man;

struct fake {
    struct map_desc d;
    struct out_entries e;
};

static void fake_init(struct fake *f, const char *name, const struct type *kt,
                      const struct type *vt, uint32_t key_size, int ncpus, size_t n) {
    memset(f, 0, sizeof(*f));
    f->d.name = (char *)name;
    f->d.key_ty = kt;
    f->d.val_ty = vt;
    f->d.key_size = key_size;
    f->d.value_size = vt->size;
    f->d.is_scalar = kt == NULL;
    f->e.n = n;
    f->e.ncpus = ncpus;
    f->e.key_size = key_size;
    f->e.val_stride = out_percpu_stride(vt->size);
    f->e.keys = calloc(n, key_size);
    f->e.vals = calloc(n * (size_t)ncpus, f->e.val_stride);
}

static void set_key(struct fake *f, size_t i, const void *k, size_t n) {
    memcpy(f->e.keys + i * f->e.key_size, k, n);
}

static void set_key_u64(struct fake *f, size_t i, uint64_t k) {
    set_key(f, i, &k, 8);
}

/* Word w of CPU cpu's value of entry i. */
static void set_val(struct fake *f, size_t i, int cpu, int w, uint64_t v) {
    uint8_t *p = f->e.vals + (i * (size_t)f->e.ncpus + (size_t)cpu) * f->e.val_stride;
    memcpy(p + 8 * w, &v, 8);
}

static void expect(struct fake *f, uint64_t top, uint64_t div, bool empty_scalar,
                   const char *want) {
    struct out_rows r = {0};
    struct out_str s;
    out_str_init(&s);
    out_rows_build(&f->d, &f->e, &r);
    out_rows_sort(&man, &f->d, &r);
    out_render_map(&s, &man, &f->d, &r, top, div, empty_scalar);
    assert_string_equal(s.p ? s.p : "", want);
    out_str_free(&s);
    out_rows_free(&r);
}

static void test_count_by_string(void **state) {
    (void)state;
    struct fake f;
    fake_init(&f, "@c", &t_str4, &t_count, 4, 2, 3);
    set_key(&f, 0, "b", 2);
    set_val(&f, 0, 0, 0, 1);
    set_val(&f, 0, 1, 0, 1);
    set_key(&f, 1, "a", 2);
    set_val(&f, 1, 1, 0, 1);
    set_key(&f, 2, "c", 2);
    set_val(&f, 2, 0, 0, 2);
    /* by value; the tie b/c goes by key */
    expect(&f, 0, 0, false, "@c[a]: 1\n@c[b]: 2\n@c[c]: 2\n");
    out_entries_free(&f.e);
}

static void test_int_values_top_div(void **state) {
    (void)state;
    struct fake f;
    fake_init(&f, "@m", &t_s64, &t_s64, 8, 1, 3);
    set_key_u64(&f, 0, 1);
    set_val(&f, 0, 0, 0, 10);
    set_key_u64(&f, 1, 2);
    set_val(&f, 1, 0, 0, 30);
    set_key_u64(&f, 2, 3);
    set_val(&f, 2, 0, 0, 20);
    expect(&f, 0, 0, false, "@m[1]: 10\n@m[3]: 20\n@m[2]: 30\n"); /* as 0.17 prints it */
    expect(&f, 2, 0, false, "@m[3]: 20\n@m[2]: 30\n");
    expect(&f, 0, 10, false, "@m[1]: 1\n@m[3]: 2\n@m[2]: 3\n");
    expect(&f, 5, 1, false, "@m[1]: 10\n@m[3]: 20\n@m[2]: 30\n");
    out_entries_free(&f.e);
}

static void test_tuple_key(void **state) {
    (void)state;
    static const struct type_field fl[] = {{&t_s64, 0}, {&t_str4, 8}};
    static const struct type tup = {.kind = T_TUPLE, .size = 16, .nfields = 2, .fields = fl};
    struct fake f;
    fake_init(&f, "@c2", &tup, &t_count, 16, 1, 2);
    uint8_t k[16] = {0};
    k[0] = 2;
    memcpy(k + 8, "x", 2);
    set_key(&f, 0, k, 16);
    set_val(&f, 0, 0, 0, 1);
    k[0] = 1;
    memcpy(k + 8, "y", 2);
    set_key(&f, 1, k, 16);
    set_val(&f, 1, 0, 0, 1);
    expect(&f, 0, 0, false, "@c2[1, y]: 1\n@c2[2, x]: 1\n");
    out_entries_free(&f.e);
}

static void test_signed_sum(void **state) {
    (void)state;
    struct fake f;
    fake_init(&f, "@s", &t_u64, &t_sum_s, 8, 2, 2);
    set_key_u64(&f, 0, 1);
    set_val(&f, 0, 0, 0, 3);
    set_key_u64(&f, 1, 2);
    set_val(&f, 1, 0, 0, (uint64_t)-10);
    set_val(&f, 1, 1, 0, 5);
    expect(&f, 0, 0, false, "@s[2]: -5\n@s[1]: 3\n");
    expect(&f, 0, 2, false, "@s[2]: -2\n@s[1]: 1\n");
    out_entries_free(&f.e);
}

static void test_min_max(void **state) {
    (void)state;
    struct fake f;
    fake_init(&f, "@mn", NULL, &t_min, 4, 2, 1);
    set_val(&f, 0, 0, 0, 7);
    set_val(&f, 0, 0, 1, 1);
    set_val(&f, 0, 1, 0, 0); /* CPU 1 never saw a value: its 0 does not count */
    expect(&f, 0, 0, false, "@mn: 7\n");
    out_entries_free(&f.e);

    fake_init(&f, "@mx", NULL, &t_max_s, 4, 2, 1);
    set_val(&f, 0, 0, 0, (uint64_t)-3);
    set_val(&f, 0, 0, 1, 1);
    set_val(&f, 0, 1, 0, (uint64_t)-10);
    set_val(&f, 0, 1, 1, 1);
    expect(&f, 0, 0, false, "@mx: -3\n");
    out_entries_free(&f.e);
}

static void test_avg_stats(void **state) {
    (void)state;
    struct fake f;
    fake_init(&f, "@a", NULL, &t_avg, 4, 2, 1);
    set_val(&f, 0, 0, 0, 10);
    set_val(&f, 0, 0, 1, 1);
    set_val(&f, 0, 1, 0, 21);
    set_val(&f, 0, 1, 1, 1);
    expect(&f, 0, 0, false, "@a: 15\n");
    out_entries_free(&f.e);

    fake_init(&f, "@st", NULL, &t_stats, 4, 2, 1);
    set_val(&f, 0, 0, 0, 10);
    set_val(&f, 0, 0, 1, 1);
    set_val(&f, 0, 1, 0, 2);
    set_val(&f, 0, 1, 1, 1);
    expect(&f, 0, 0, false, "@st: { .count = 2, .average = 6, .total = 12 }\n");
    expect(&f, 0, 4, false, "@st: { .count = 2, .average = 1, .total = 12 }\n");
    out_entries_free(&f.e);

    fake_init(&f, "@st", &t_u64, &t_stats, 8, 1, 2);
    set_key_u64(&f, 0, 1);
    set_val(&f, 0, 0, 0, 100);
    set_val(&f, 0, 0, 1, 2);
    set_key_u64(&f, 1, 2);
    set_val(&f, 1, 0, 0, (uint64_t)-4);
    set_val(&f, 1, 0, 1, 1);
    expect(&f, 0, 0, false,
           "@st[2]: { .count = 1, .average = -4, .total = -4 }\n"
           "@st[1]: { .count = 2, .average = 50, .total = 100 }\n");
    out_entries_free(&f.e);
}

static void test_empty(void **state) {
    (void)state;
    struct fake f;
    fake_init(&f, "@x", NULL, &t_s64, 8, 1, 0);
    expect(&f, 0, 0, true, "@x: 0\n");
    expect(&f, 0, 0, false, "");
    out_entries_free(&f.e);

    fake_init(&f, "@st", NULL, &t_stats, 8, 1, 0);
    expect(&f, 0, 0, true, "@st: { .count = 0, .average = 0, .total = 0 }\n");
    out_entries_free(&f.e);

    fake_init(&f, "@c", &t_u64, &t_count, 8, 1, 0);
    expect(&f, 0, 0, true, "");
    out_entries_free(&f.e);

    fake_init(&f, "@h", NULL, &t_hist, 8, 1, 0);
    expect(&f, 0, 0, true, "");
    out_entries_free(&f.e);
}

static void test_string_values_by_key(void **state) {
    (void)state;
    struct fake f;
    fake_init(&f, "@s", &t_s64, &t_str4, 8, 1, 3);
    set_key_u64(&f, 0, 2);
    memcpy(f.e.vals + 0 * f.e.val_stride, "b", 2);
    set_key_u64(&f, 1, (uint64_t)-1);
    memcpy(f.e.vals + 1 * f.e.val_stride, "full", 4);
    set_key_u64(&f, 2, 1);
    memcpy(f.e.vals + 2 * f.e.val_stride, "a", 2);
    expect(&f, 0, 0, false, "@s[-1]: full..\n@s[1]: a\n@s[2]: b\n");
    out_entries_free(&f.e);
}

static void put_bucket(struct fake *f, size_t i, const char *key, uint64_t v, uint64_t n) {
    uint8_t k[12] = {0};
    memcpy(k, key, strlen(key) + 1);
    uint64_t b = hist_bucket_index((int64_t)v, 0);
    memcpy(k + 4, &b, 8);
    set_key(f, i, k, 12);
    set_val(f, i, 0, 0, n);
}

static void test_hist_keyed(void **state) {
    (void)state;
    struct fake f;
    fake_init(&f, "@h", &t_str4, &t_hist, 12, 2, 3);
    put_bucket(&f, 0, "a", 1, 1);
    put_bucket(&f, 1, "a", 5, 2);
    put_bucket(&f, 2, "b", 0, 1);
    set_val(&f, 2, 1, 0, 1); /* second CPU */
    const char *want =
        "@h[b]:\n"
        "[0]                    2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
        "\n"
        "@h[a]:\n"
        "[1]                    1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
        "[2, 4)                 0 |                                                    |\n"
        "[4, 8)                 2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
        "\n";
    expect(&f, 0, 0, false, want); /* totals: b 2, a 3; ties would go by key */
    out_entries_free(&f.e);
}

static void test_hist_scalar_lhist(void **state) {
    (void)state;
    static const struct type t_lhist = {.kind = T_AGG, .size = 8, .agg = AGG_LHIST};
    struct fake f;
    fake_init(&f, "@l", NULL, &t_lhist, 8, 1, 2);
    f.d.lhist_min = 0;
    f.d.lhist_max = 10;
    f.d.lhist_step = 2;
    set_key_u64(&f, 0, lhist_bucket_index(3, 0, 10, 2));
    set_val(&f, 0, 0, 0, 1);
    set_key_u64(&f, 1, lhist_bucket_index(7, 0, 10, 2));
    set_val(&f, 1, 0, 0, 4);
    expect(&f, 0, 0, false,
           "@l:\n"
           "[2, 4)                 1 |@@@@@@@@@@@@@                                       |\n"
           "[4, 6)                 0 |                                                    |\n"
           "[6, 8)                 4 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
           "\n");
    out_entries_free(&f.e);
}

static void test_value_text(void **state) {
    (void)state;
    static const struct type s32 = {.kind = T_INT, .size = 4, .is_signed = true};
    static const struct type u16 = {.kind = T_INT, .size = 2};
    static const struct type b = {.kind = T_BOOL, .size = 1};
    static const struct type_field fl[] = {{&s32, 0}, {&b, 4}, {&t_str4, 5}};
    static const struct type tup = {.kind = T_TUPLE, .size = 16, .nfields = 3, .fields = fl};
    uint8_t v[16] = {0};
    int32_t m = -7;
    memcpy(v, &m, 4);
    v[4] = 1;
    memcpy(v + 5, "hey", 4);
    struct out_str s;
    out_str_init(&s);
    out_fmt_value(&s, &man, &tup, v);
    assert_string_equal(s.p, "(-7, true, hey)");
    out_str_reset(&s);
    out_fmt_key(&s, &man, &tup, v);
    assert_string_equal(s.p, "-7, true, hey");
    out_str_reset(&s);
    out_fmt_key(&s, &man, &t_str4, "(x)");
    assert_string_equal(s.p, "x"); /* bpftrace strips the parens of any key text */
    out_str_reset(&s);
    uint16_t w = 65535;
    out_fmt_value(&s, &man, &u16, &w);
    assert_string_equal(s.p, "65535");
    out_str_free(&s);
}

/* Maps holding the new types, as bpftrace 0.27 printed them. */
static struct type_arena *arena;

static const struct type *named2(const char *a, const struct type *ta, const char *b,
                                 const struct type *tb) {
    const struct type *el[] = {ta, tb};
    const char *const names[] = {a, b};
    return type_named_tuple(arena, 2, el, names);
}

static void put_pair(struct fake *f, size_t i, bool key, int64_t a, int64_t b) {
    uint8_t buf[16];
    memcpy(buf, &a, 8);
    memcpy(buf + 8, &b, 8);
    if (key)
        set_key(f, i, buf, 16);
    else
        memcpy(f->e.vals + i * f->e.val_stride, buf, 16);
}

static void test_record_keys(void **state) {
    (void)state;
    /* @[(a=1,b=2)] = count(); @[(a=-3,b=1)] = count(); @[(a=2,b=0)] twice */
    const struct type *k = named2("a", &t_s64, "b", &t_s64);
    struct fake f;
    fake_init(&f, "@", k, &t_count, 16, 1, 3);
    put_pair(&f, 0, true, 1, 2);
    set_val(&f, 0, 0, 0, 1);
    put_pair(&f, 1, true, 2, 0);
    set_val(&f, 1, 0, 0, 2);
    put_pair(&f, 2, true, -3, 1);
    set_val(&f, 2, 0, 0, 1);
    /* bpftrace leaves the tie in hash order; trawk orders it by fields */
    expect(&f, 0, 0, false,
           "@[{ .a = -3, .b = 1 }]: 1\n@[{ .a = 1, .b = 2 }]: 1\n@[{ .a = 2, .b = 0 }]: 2\n");
    out_entries_free(&f.e);
}

static void test_record_values(void **state) {
    (void)state;
    /* @m[1] = (a=1, b=2); @m[-5] = (a=2, b=20); @m[3] = (a=-3, b=30): by key */
    const struct type *v = named2("a", &t_s64, "b", &t_u64);
    struct fake f;
    fake_init(&f, "@m", &t_s64, v, 8, 1, 3);
    set_key_u64(&f, 0, 1);
    put_pair(&f, 0, false, 1, 2);
    set_key_u64(&f, 1, (uint64_t)-5);
    put_pair(&f, 1, false, 2, 20);
    set_key_u64(&f, 2, 3);
    put_pair(&f, 2, false, -35, 30);
    expect(
        &f, 0, 0, false,
        "@m[-5]: { .a = 2, .b = 20 }\n@m[1]: { .a = 1, .b = 2 }\n@m[3]: { .a = -35, .b = 30 }\n");
    /* print(@m, 0, 10) divides the fields */
    expect(&f, 0, 10, false,
           "@m[-5]: { .a = 0, .b = 2 }\n@m[1]: { .a = 0, .b = 0 }\n@m[3]: { .a = -3, .b = 3 }\n");
    out_entries_free(&f.e);
}

static const char *const e_names[] = {"A", "B", "Z"};
static const int64_t e_values[] = {1, 2, 3};
static const struct enum_def e_def = {"enum Foo", 3, e_names, e_values};

static void test_enum_keys_and_values(void **state) {
    (void)state;
    const struct type *e = type_enum(arena, 8, false, &e_def);
    struct fake f;
    /* @k[(enum Foo)2, 1] = 1; @k[(enum Foo)1, 2] = 1; @k[(enum Foo)3, 3] = 1; */
    const struct type_field kf[] = {{e, 0}, {&t_s64, 8}};
    const struct type tup = {.kind = T_TUPLE, .size = 16, .nfields = 2, .fields = kf};
    fake_init(&f, "@k", &tup, &t_s64, 16, 1, 3);
    put_pair(&f, 0, true, 2, 1);
    put_pair(&f, 1, true, 1, 2);
    put_pair(&f, 2, true, 3, 3);
    for (size_t i = 0; i < 3; i++)
        set_val(&f, i, 0, 0, 1);
    expect(&f, 0, 0, false, "@k[A, 2]: 1\n@k[B, 1]: 1\n@k[Z, 3]: 1\n");
    out_entries_free(&f.e);

    /* enum values sort by value and print by name; unknown ones as numbers */
    fake_init(&f, "@e", &t_s64, e, 8, 1, 3);
    set_key_u64(&f, 0, 1);
    set_val(&f, 0, 0, 0, 2);
    set_key_u64(&f, 1, 2);
    set_val(&f, 1, 0, 0, 7);
    set_key_u64(&f, 2, 3);
    set_val(&f, 2, 0, 0, 1);
    expect(&f, 0, 0, false, "@e[3]: A\n@e[1]: B\n@e[2]: 7\n");
    expect(&f, 0, 10, false, "@e[3]: A\n@e[1]: B\n@e[2]: 7\n"); /* never divided */
    out_entries_free(&f.e);

    fake_init(&f, "@f", NULL, e, 8, 1, 1);
    set_val(&f, 0, 0, 0, 1);
    expect(&f, 0, 0, false, "@f: A\n");
    out_entries_free(&f.e);
}

static void test_array_keys_and_values(void **state) {
    (void)state;
    /* @b[curtask->numa_faults_locality] = 1; @c[1] = curtask->numa_faults_locality; */
    const struct type *a = type_array(arena, &t_u64, 3);
    struct fake f;
    fake_init(&f, "@b", a, &t_s64, 24, 1, 2);
    uint64_t k[3] = {0, 5, 0};
    set_key(&f, 0, k, 24);
    set_val(&f, 0, 0, 0, 1);
    k[1] = 0;
    set_key(&f, 1, k, 24);
    set_val(&f, 1, 0, 0, 1);
    expect(&f, 0, 0, false, "@b[[0,0,0]]: 1\n@b[[0,5,0]]: 1\n");
    out_entries_free(&f.e);

    fake_init(&f, "@c", &t_s64, a, 8, 1, 1);
    set_key_u64(&f, 0, 1);
    uint64_t v[3] = {10, 0, 25};
    memcpy(f.e.vals, v, 24);
    expect(&f, 0, 0, false, "@c[1]: [10,0,25]\n");
    expect(&f, 0, 10, false, "@c[1]: [1,0,2]\n");
    out_entries_free(&f.e);
}

static void test_tuple_key_with_record(void **state) {
    (void)state;
    /* @k[(1, (a=2))] = 1: only the tuple's parentheses go */
    const struct type *a1[] = {&t_s64};
    const char *const a1n[] = {"a"};
    const struct type *el[] = {&t_s64, type_named_tuple(arena, 1, a1, a1n)};
    const struct type *k = type_tuple(arena, 2, el);
    struct fake f;
    fake_init(&f, "@k", k, &t_s64, 16, 1, 1);
    put_pair(&f, 0, true, 1, 2);
    set_val(&f, 0, 0, 0, 1);
    expect(&f, 0, 0, false, "@k[1, { .a = 2 }]: 1\n");
    out_entries_free(&f.e);

    /* @r[(a=true)] = (a=true, b=false) */
    const struct type *b1[] = {&type_bool};
    fake_init(&f, "@r", type_named_tuple(arena, 1, b1, a1n),
              named2("a", &type_bool, "b", &type_bool), 8, 1, 1);
    set_key(&f, 0, "\1", 1);
    memcpy(f.e.vals, "\1\0", 2);
    expect(&f, 0, 0, false, "@r[{ .a = true }]: { .a = true, .b = false }\n");
    out_entries_free(&f.e);
}

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

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_count_by_string),
        cmocka_unit_test(test_int_values_top_div),
        cmocka_unit_test(test_tuple_key),
        cmocka_unit_test(test_signed_sum),
        cmocka_unit_test(test_min_max),
        cmocka_unit_test(test_avg_stats),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_string_values_by_key),
        cmocka_unit_test(test_hist_keyed),
        cmocka_unit_test(test_hist_scalar_lhist),
        cmocka_unit_test(test_value_text),
        cmocka_unit_test(test_record_keys),
        cmocka_unit_test(test_record_values),
        cmocka_unit_test(test_enum_keys_and_values),
        cmocka_unit_test(test_array_keys_and_values),
        cmocka_unit_test(test_tuple_key_with_record),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
