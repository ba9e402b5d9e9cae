/* The JSON writer, values, and maps as -f json shows them (no kernel
 * needed); the expected text is what bpftrace 0.27 writes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "output/hist.h"
#include "output/json.h"
#include "output/json_value.h"
#include "output/sink.h"
#include "types.h"

static const struct type t_s64 = {.kind = T_INT, .size = 8, .is_signed = true};
static const struct type t_u64 = {.kind = T_INT, .size = 8};
static const struct type t_ptr = {.kind = T_INT, .size = 8, .is_ptr = true};
static const struct type t_bool = {.kind = T_BOOL, .size = 1};
static const struct type t_str8 = {.kind = T_STRING, .size = 8};
static const struct type t_count = {.kind = T_AGG, .size = 8, .agg = AGG_COUNT};
static const struct type t_stats = {
    .kind = T_AGG, .size = 16, .agg = AGG_STATS, .agg_signed = true};
static const struct type t_avg = {.kind = T_AGG, .size = 16, .agg = AGG_AVG, .agg_signed = true};
static const struct type t_hist = {.kind = T_AGG, .size = 8, .agg = AGG_HIST};
static const struct type t_lhist = {.kind = T_AGG, .size = 8, .agg = AGG_LHIST};

static const struct manifest man;

static void expect_str(struct out_str *s, const char *want) {
    assert_string_equal(s->p ? s->p : "", want);
    out_str_reset(s);
}

static void test_strings(void **state) {
    (void)state;
    struct out_str s;
    out_str_init(&s);
    const char in[] = "a\"\\\n\r\t\x01\x7f\xe9 z";
    json_string(&s, in, sizeof(in) - 1);
    expect_str(&s, "\"a\\\"\\\\\\n\\r\\t\\u0001\x7f\\uffffffe9 z\"");
    json_string(&s, "", 0);
    expect_str(&s, "\"\"");
    out_str_free(&s);
}

static void test_integers(void **state) {
    (void)state;
    struct out_str s;
    out_str_init(&s);
    json_int(&s, 5, false);
    expect_str(&s, "5");
    json_int(&s, (uint64_t)-3, true);
    expect_str(&s, "-3");
    json_int(&s, (UINT64_C(1) << 53) + 1, false);
    expect_str(&s, "\"9007199254740993\"");
    json_int(&s, UINT64_MAX, false);
    expect_str(&s, "\"18446744073709551615\"");
    json_int(&s, UINT64_C(1) << 63, false); /* a power of two is exact */
    expect_str(&s, "9223372036854775808");
    json_int(&s, (uint64_t)INT64_MIN, true);
    expect_str(&s, "-9223372036854775808");
    json_int(&s, (uint64_t) - ((INT64_C(1) << 53) + 1), true);
    expect_str(&s, "\"-9007199254740993\"");
    out_str_free(&s);
}

static void test_hist_ranges(void **state) {
    (void)state;
    struct hist_range r;
    hist_range(0, 0, &r); /* (..., 0) */
    assert_false(r.has_min);
    assert_int_equal(r.max, -1);
    hist_range(1, 0, &r); /* [0] */
    assert_true(r.has_min && r.has_max);
    assert_int_equal(r.min, 0);
    assert_int_equal(r.max, 0);
    hist_range(12, 0, &r); /* [1K, 2K) */
    assert_int_equal(r.min, 1024);
    assert_int_equal(r.max, 2047);
    hist_range(9, 2, &r); /* 8..9 with 4 sub-buckets */
    assert_int_equal(r.min, 8);
    assert_int_equal(r.max, 9);
    lhist_range(0, 0, 100, 10, &r);
    assert_false(r.has_min);
    assert_int_equal(r.max, -1);
    lhist_range(3, 0, 100, 10, &r);
    assert_int_equal(r.min, 20);
    assert_int_equal(r.max, 29);
    lhist_range(11, 0, 100, 10, &r); /* [100, ...) */
    assert_true(r.has_min);
    assert_false(r.has_max);
    assert_int_equal(r.min, 100);
}

static void test_values(void **state) {
    (void)state;
    static const struct type_field inner_f[] = {{&t_s64, 0, "a"}};
    static const struct type t_inner = {
        .kind = T_RECORD, .size = 8, .nfields = 1, .fields = inner_f};
    static const struct type_field tup_f[] = {{&t_bool, 0}, {&t_ptr, 8}};
    static const struct type t_tup = {.kind = T_TUPLE, .size = 16, .nfields = 2, .fields = tup_f};
    static const struct type_field rec_f[] = {
        {&t_str8, 0, "s"}, {&t_inner, 8, "in"}, {&t_tup, 16, "t"}};
    static const struct type t_rec = {.kind = T_RECORD, .size = 32, .nfields = 3, .fields = rec_f};
    uint8_t v[32] = "a b";
    int64_t a = -40;
    uint64_t p = 0x32;
    memcpy(v + 8, &a, 8);
    v[16] = 1;
    memcpy(v + 24, &p, 8);
    struct out_str s;
    out_str_init(&s);
    out_json_value(&s, &man, &t_rec, v, 0);
    expect_str(&s, "{\"s\": \"a b\", \"in\": {\"a\": -40}, \"t\": [true,50]}");
    out_json_value(&s, &man, &t_rec, v, 10); /* print()'s div: integers, not pointers */
    expect_str(&s, "{\"s\": \"a b\", \"in\": {\"a\": -4}, \"t\": [true,50]}");
    out_json_key(&s, &man, &t_tup, v + 16); /* "(true, 0x32)" */
    expect_str(&s, "\"true,0x32\"");
    out_str_free(&s);
}

static struct map_desc map_of(const char *name, const struct type *kt, const struct type *vt) {
    struct map_desc d = {.name = (char *)name, .key_ty = kt, .val_ty = vt, .is_scalar = !kt};
    return d;
}

static void expect_map(const struct map_desc *d, struct out_row *rows, size_t n, uint64_t top,
                       uint64_t div, bool empty_scalar, const char *want) {
    struct out_rows r = {rows, n};
    struct out_str s;
    out_str_init(&s);
    out_json_map(&s, &man, d, &r, top, div, empty_scalar);
    expect_str(&s, want);
    out_str_free(&s);
}

static void test_maps(void **state) {
    (void)state;
    uint64_t k1 = 1, k2 = 2;
    struct map_desc c = map_of("@c", &t_u64, &t_count);
    struct out_row rows[] = {{.key = (uint8_t *)&k1, .agg = {.value = 3}},
                             {.key = (uint8_t *)&k2, .agg = {.value = 7}}};
    expect_map(&c, rows, 2, 0, 0, false,
               "{\"type\": \"map\", \"data\": {\"@c\": {\"1\": 3, \"2\": 7}}}\n");
    expect_map(&c, rows, 2, 1, 2, false, "{\"type\": \"map\", \"data\": {\"@c\": {\"2\": 3}}}\n");
    expect_map(&c, rows, 0, 0, 0, true, ""); /* a keyed map with no entry */

    struct map_desc st = map_of("@s", NULL, &t_stats);
    struct out_row srow = {.agg = {.value = 6, .count = 2, .total = 12}};
    expect_map(&st, &srow, 1, 0, 0, false,
               "{\"type\": \"stats\", \"data\": {\"@s\": {\"count\": 2, \"average\": 6, \"total\": "
               "12}}}\n");
    struct map_desc av = map_of("@a", NULL, &t_avg);
    expect_map(&av, &srow, 1, 0, 3, false, "{\"type\": \"stats\", \"data\": {\"@a\": 2}}\n");
    struct map_desc zero = map_of("@z", NULL, &t_count);
    expect_map(&zero, NULL, 0, 0, 0, true, "{\"type\": \"map\", \"data\": {\"@z\": 0}}\n");
    expect_map(&zero, NULL, 0, 0, 0, false, "");
}

static void test_histograms(void **state) {
    (void)state;
    uint64_t b[] = {1, 0, 0, 2, 0};
    struct map_desc h = map_of("@h", NULL, &t_hist);
    struct out_row row = {.buckets = b, .nbuckets = 5};
    expect_map(&h, &row, 1, 0, 0, false,
               "{\"type\": \"hist\", \"data\": {\"@h\": [{\"max\": -1, \"count\": 1},"
               "{\"min\": 0, \"max\": 0, \"count\": 0},{\"min\": 1, \"max\": 1, \"count\": 0},"
               "{\"min\": 2, \"max\": 3, \"count\": 2}]}}\n");
    expect_map(&h, &row, 1, 0, 2, false, /* counts divided, buckets chosen before */
               "{\"type\": \"hist\", \"data\": {\"@h\": [{\"max\": -1, \"count\": 0},"
               "{\"min\": 0, \"max\": 0, \"count\": 0},{\"min\": 1, \"max\": 1, \"count\": 0},"
               "{\"min\": 2, \"max\": 3, \"count\": 1}]}}\n");
    uint64_t zeroed[] = {0, 0};
    struct out_row zrow = {.buckets = zeroed, .nbuckets = 2};
    expect_map(&h, &zrow, 1, 0, 0, false, "{\"type\": \"hist\", \"data\": {\"@h\": []}}\n");

    uint64_t lb[] = {0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 4};
    struct map_desc l = map_of("@l", &t_str8, &t_lhist);
    l.lhist_min = 0, l.lhist_max = 100, l.lhist_step = 10;
    struct out_row lrow = {.key = (const uint8_t *)"a b\0\0\0\0", .buckets = lb, .nbuckets = 12};
    expect_map(&l, &lrow, 1, 0, 2, false, /* lhist counts are never divided */
               "{\"type\": \"hist\", \"data\": {\"@l\": {\"ab\": [{\"min\": 10, \"max\": 19, "
               "\"count\": 1},{\"min\": 20, \"max\": 29, \"count\": 0},{\"min\": 30, \"max\": "
               "39, \"count\": 0},{\"min\": 40, \"max\": 49, \"count\": 0},{\"min\": 50, \"max\": "
               "59, \"count\": 0},{\"min\": 60, \"max\": 69, \"count\": 0},{\"min\": 70, \"max\": "
               "79, \"count\": 0},{\"min\": 80, \"max\": 89, \"count\": 0},{\"min\": 90, \"max\": "
               "99, \"count\": 0},{\"min\": 100, \"count\": 4}]}}}\n");
}

/* Notices and plain text messages, through the JSON sink. */
static void test_sink_messages(void **state) {
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct out_sink o = out_sink_make(f, OUT_FORMAT_JSON, false);
    o.ops->attached_probes(&o, 2);
    o.ops->lost_events(&o, 5);
    o.ops->message(&o, OUT_MSG_PRINTF, "x\n", 2);
    o.ops->message(&o, OUT_MSG_JOIN, "a,b", 3);
    o.ops->end(&o);
    fclose(f);
    assert_string_equal(buf,
                        "{\"type\": \"attached_probes\", \"count\": 2, \"data\": {\"probes\": 2}}\n"
                        "{\"type\": \"lost_events\", \"count\": 5, \"data\": {\"events\": 5}}\n"
                        "{\"type\": \"printf\", \"data\": \"x\\n\"}\n"
                        "{\"type\": \"join\", \"data\": \"a,b\"}\n");
    free(buf);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strings),       cmocka_unit_test(test_integers),
        cmocka_unit_test(test_hist_ranges),   cmocka_unit_test(test_values),
        cmocka_unit_test(test_maps),          cmocka_unit_test(test_histograms),
        cmocka_unit_test(test_sink_messages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
