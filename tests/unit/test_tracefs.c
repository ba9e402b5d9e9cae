/* tracefs.c: format parsing on saved format files, and the live tracefs. */
/* cmocka.h needs these first. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sys/tracefs.h"

static char *fixture(const char *name) {
    char path[256];
    snprintf(path, sizeof(path), "tests/unit/fixtures/tracefs/%s", name);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char buf[16384];
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static const struct tp_field *field(const struct tp_format *f, const char *name) {
    const struct tp_field *x = tp_format_field(f, name);
    assert_non_null(x);
    return x;
}

static void test_parse_openat(void **state) {
    (void)state;
    struct tp_format f;
    assert_int_equal(tp_format_parse(fixture("sys_enter_openat.format"), &f), 0);
    assert_int_equal(f.id, 782);
    assert_int_equal(f.nfields, 9);
    const struct tp_field *ct = field(&f, "common_type");
    assert_true(ct->is_common);
    assert_string_equal(ct->type, "unsigned short");
    assert_int_equal(ct->size, 2);
    const struct tp_field *fn = field(&f, "filename");
    assert_string_equal(fn->type, "const char *");
    assert_int_equal(fn->offset, 24);
    assert_int_equal(fn->size, 8);
    assert_true(fn->is_ptr);
    assert_false(fn->is_string);
    assert_false(fn->is_common);
    const struct tp_field *dfd = field(&f, "dfd");
    assert_string_equal(dfd->type, "int");
    assert_int_equal(dfd->offset, 16);
    assert_false(dfd->is_signed); /* as the kernel writes it for syscall args */
    assert_true(field(&f, "common_pid")->is_signed);
    assert_null(tp_format_field(&f, "nope"));
    tp_format_clear(&f);
}

static void test_parse_char_arrays(void **state) {
    (void)state;
    struct tp_format *f = calloc(1, sizeof(*f));
    assert_int_equal(tp_format_parse(fixture("sched_switch.format"), f), 0);
    const struct tp_field *c = field(f, "prev_comm");
    assert_true(c->is_string);
    assert_false(c->is_data_loc);
    assert_string_equal(c->type, "char");
    assert_int_equal(c->size, 16);
    assert_int_equal(c->offset, 8);
    const struct tp_field *st = field(f, "prev_state");
    assert_string_equal(st->type, "long");
    assert_true(st->is_signed);
    assert_int_equal(field(f, "next_pid")->offset, 56);
    assert_string_equal(field(f, "next_pid")->type, "pid_t");
    tp_format_free(f);
}

static void test_parse_data_loc_and_int_arrays(void **state) {
    (void)state;
    struct tp_format *f = calloc(1, sizeof(*f));
    assert_int_equal(tp_format_parse(fixture("sched_process_exec.format"), f), 0);
    const struct tp_field *fn = field(f, "filename");
    assert_true(fn->is_data_loc);
    assert_true(fn->is_string);
    assert_int_equal(fn->size, 4);
    assert_int_equal(fn->offset, 8);
    tp_format_free(f);

    f = calloc(1, sizeof(*f));
    assert_int_equal(tp_format_parse(fixture("raw_sys_enter.format"), f), 0);
    const struct tp_field *args = field(f, "args");
    assert_false(args->is_string);
    assert_string_equal(args->type, "unsigned long[6]");
    assert_int_equal(args->size, 48);
    assert_true(field(f, "id")->is_signed);
    tp_format_free(f);
}

static void test_parse_rejects_garbage(void **state) {
    (void)state;
    struct tp_format f;
    assert_int_equal(tp_format_parse("name: x\nID: 1\nformat:\n", &f), -1);
    assert_int_equal(tp_format_parse("\tfield:int;\toffset:0;\tsize:4;\tsigned:1;\n", &f), -1);
    assert_int_equal(tp_format_parse("\tfield:int x;\tsize:4;\n", &f), -1);
}

/* ---- live tracefs (root on this machine) ---- */

static int need_tracefs(void **state) {
    (void)state;
    char err[300];
    if (!tracefs_dir(err, sizeof(err))) {
        print_message("skip: %s\n", err);
        return -1;
    }
    return 0;
}

#define SKIP_WITHOUT_TRACEFS()                                                                     \
    do {                                                                                           \
        if (need_tracefs(state) < 0)                                                               \
            skip();                                                                                \
    } while (0)

static void test_live_format_and_id(void **state) {
    SKIP_WITHOUT_TRACEFS();
    struct tp_format *f = tracefs_format("syscalls", "sys_enter_openat");
    assert_non_null(f);
    assert_string_equal(f->category, "syscalls");
    assert_string_equal(f->event, "sys_enter_openat");
    assert_non_null(tp_format_field(f, "filename"));
    int id = tracefs_event_id("syscalls", "sys_enter_openat");
    assert_true(id > 0);
    assert_int_equal(id, f->id);
    tp_format_free(f);
    assert_null(tracefs_format("nope", "nope"));
    assert_int_equal(tracefs_event_id("nope", "nope"), -1);
    assert_int_equal(tracefs_event_id("../..", "x"), -1);
}

struct collected {
    char names[64][128];
    int n;
};

static int collect(const char *cat, const char *event, void *arg) {
    struct collected *c = arg;
    if (c->n < 64)
        snprintf(c->names[c->n++], 128, "%s:%s", cat, event);
    return 0;
}

static int stop_at_second(const char *cat, const char *event, void *arg) {
    (void)cat;
    (void)event;
    return ++*(int *)arg == 2 ? 7 : 0;
}

static void test_live_foreach(void **state) {
    SKIP_WITHOUT_TRACEFS();
    struct collected c = {0};
    assert_int_equal(tracefs_foreach_event("syscalls", "sys_enter_open*", collect, &c), 0);
    assert_true(c.n >= 2);
    for (int i = 1; i < c.n; i++)
        assert_true(strcmp(c.names[i - 1], c.names[i]) < 0);
    assert_string_equal(c.names[0], "syscalls:sys_enter_open");

    struct collected none = {0};
    assert_int_equal(tracefs_foreach_event("nope*", "*", collect, &none), 0);
    assert_int_equal(none.n, 0);

    int count = 0;
    assert_int_equal(tracefs_foreach_event("sysc?lls", "*", stop_at_second, &count), 7);
    assert_int_equal(count, 2);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_openat),
        cmocka_unit_test(test_parse_char_arrays),
        cmocka_unit_test(test_parse_data_loc_and_int_arrays),
        cmocka_unit_test(test_parse_rejects_garbage),
        cmocka_unit_test(test_live_format_and_id),
        cmocka_unit_test(test_live_foreach),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
