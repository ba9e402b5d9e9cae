/* Ring buffer records dispatched by out_event (no kernel needed). */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "output/output.h"

static const struct type t_s64 = {.kind = T_INT, .size = 8, .is_signed = true};
static const struct type t_u64 = {.kind = T_INT, .size = 8};
static const struct type t_str4 = {.kind = T_STRING, .size = 4};
static const struct type t_probe = {.kind = T_PROBE, .size = 8};
static const struct type_field fl[] = {{&t_s64, 0}, {&t_str4, 8}};
static const struct type t_tup = {.kind = T_TUPLE, .size = 16, .nfields = 2, .fields = fl};

static char *probes[] = {"BEGIN", "interval:s:1"};

static struct event_arg a_int = {.ty = &t_s64, .offset = 8};
static struct event_arg a_pair[] = {{.ty = &t_s64, .offset = 8}, {.ty = &t_str4, .offset = 16}};
static struct event_arg a_tup = {.ty = &t_tup, .offset = 8};
static struct event_arg a_probe = {.ty = &t_probe, .offset = 8};

/* print(((struct task_struct *)curtask)->se.load) */
static const struct type t_u32 = {.kind = T_INT, .size = 4};
static const struct type_field load_f[] = {{&t_u64, 0, "weight"}, {&t_u32, 8, "inv_weight"}};
static const struct type t_load = {
    .kind = T_RECORD, .size = 16, .nfields = 2, .fields = load_f, .tag = "struct load_weight"};
static struct event_arg a_load = {.ty = &t_load, .offset = 8};
static struct event_arg a_load2[] = {{.ty = &t_load, .offset = 8}, {.ty = &t_load, .offset = 24}};

static struct event_desc events[] = {
    {.kind = EV_PRINTF, .fmt = "pid %d comm %s\n", .nargs = 2, .args = a_pair, .size = 24},
    {.kind = EV_PRINT, .nargs = 1, .args = &a_int, .size = 16},
    {.kind = EV_PRINT, .nargs = 1, .args = &a_tup, .size = 24},
    {.kind = EV_PRINT, .nargs = 1, .args = &a_probe, .size = 16},
    {.kind = EV_TIME, .fmt = "at 100%%\n"},
    {.kind = EV_TIME, .fmt = NULL},
    {.kind = EV_EXIT, .nargs = 1, .args = &a_int, .size = 16},
    {.kind = EV_PRINT, .nargs = 1, .args = &a_load, .size = 24},
    {.kind = EV_PRINTF, .fmt = "%s|%-12s|\n", .nargs = 2, .args = a_load2, .size = 40},
};

static const struct manifest man = {
    .events = events, .nevents = 9, .probe_names = probes, .nprobe_names = 2};

static char *run(uint32_t id, const void *payload, size_t n) {
    uint8_t rec[64] = {0};
    struct event_header h = {.event_id = id};
    memcpy(rec, &h, sizeof(h));
    memcpy(rec + 8, payload, n);
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    struct out_sink o = out_sink_make(out, OUT_FORMAT_TEXT, false);
    out_event(&o, &man, rec, (uint32_t)(8 + n));
    fclose(out);
    return buf;
}

static void expect(uint32_t id, const void *payload, size_t n, const char *want) {
    char *got = run(id, payload, n);
    assert_string_equal(got, want);
    free(got);
}

static void test_printf_event(void **state) {
    (void)state;
    uint8_t p[16] = {0};
    int64_t v = 42;
    memcpy(p, &v, 8);
    memcpy(p + 8, "sh", 3);
    expect(0, p, 16, "pid 42 comm sh\n");
    /* a record too short for its arguments prints them as nothing */
    expect(0, p, 8, "pid 42 comm \n");
}

static void test_print_event(void **state) {
    (void)state;
    int64_t v = -9;
    expect(1, &v, 8, "-9\n");
    uint8_t t[16] = {0};
    t[0] = 1;
    memcpy(t + 8, "two", 4);
    expect(2, t, 16, "(1, two)\n");
    uint64_t idx = 1;
    expect(3, &idx, 8, "interval:s:1\n");
}

static void test_print_record(void **state) {
    (void)state;
    uint8_t p[32] = {0};
    uint64_t w = 1048576;
    uint32_t iw = 4194304;
    memcpy(p, &w, 8);
    memcpy(p + 8, &iw, 4);
    expect(7, p, 16, "{ .weight = 1048576, .inv_weight = 4194304 }\n");
    memcpy(p + 16, p, 16);
    expect(8, p, 32,
           "{ .weight = 1048576, .inv_weight = 4194304 }|"
           "{           .weight = 1048576, .inv_weight = 4194304 }|\n");
}

static void test_time_event(void **state) {
    (void)state;
    expect(4, "", 0, "at 100%\n");
    char *got = run(5, "", 0);
    assert_int_equal(strlen(got), 9);
    assert_true(isdigit((unsigned char)got[0]) && got[2] == ':' && got[5] == ':');
    assert_int_equal(got[8], '\n');
    free(got);
}

static void test_ignored(void **state) {
    (void)state;
    int64_t v = 3;
    expect(6, &v, 8, "");  /* exit is the runtime's business */
    expect(99, &v, 8, ""); /* unknown event id */
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    struct out_sink o = out_sink_make(out, OUT_FORMAT_TEXT, false);
    out_event(&o, &man, "abc", 3);
    fclose(out);
    assert_string_equal(buf, "");
    free(buf);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_printf_event), cmocka_unit_test(test_print_event),
        cmocka_unit_test(test_print_record), cmocka_unit_test(test_time_event),
        cmocka_unit_test(test_ignored),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
