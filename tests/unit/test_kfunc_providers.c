/* The kernel function providers against the running kernel's BTF and
 * function lists: attach point expansion, names, args records typed from
 * BTF prototypes, load attributes. */
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
#include <unistd.h>

#include <bpf/btf.h>

#include "ctypes/ctypes.h"
#include "providers/provider.h"
#include "test_expansion.h"

#define VMLINUX "/sys/kernel/btf/vmlinux"

static void require_btf(void) {
    if (access(VMLINUX, R_OK) != 0) {
        print_message("skipped: no kernel BTF at %s\n", VMLINUX);
        skip();
    }
}

static void expect_error(const char *text, const char *msg) {
    struct expansion *x = expand(text);
    assert_int_equal(x->rc, -1);
    assert_int_equal(x->ntargets, 0);
    if (!strstr(x->errbuf, msg))
        fail_msg("expected \"%s\" in \"%s\"", msg, x->errbuf);
    expansion_free(x);
}

/* One target named name, in module/category cat and function/event ev. */
static struct expansion *expect_one(const char *text, const char *name, const char *cat,
                                    const char *ev) {
    struct expansion *x = expand(text);
    if (x->rc != 1)
        fail_msg("%s: %s", text, x->errbuf);
    assert_string_equal(x->targets[0].name, name);
    if (cat)
        assert_string_equal(x->targets[0].spec.category, cat);
    else
        assert_null(x->targets[0].spec.category);
    if (ev)
        assert_string_equal(x->targets[0].spec.event, ev);
    return x;
}

static void test_rawtracepoint_names(void **state) {
    (void)state;
    require_btf();
    expansion_free(expect_one("rawtracepoint:sys_enter", "rawtracepoint:vmlinux:sys_enter",
                              "vmlinux", "sys_enter"));
    expansion_free(
        expect_one("rt:vmlinux:sys_exit", "rawtracepoint:vmlinux:sys_exit", "vmlinux", "sys_exit"));
    struct expansion *x = expand("rawtracepoint:vmlinu*:sys_e*");
    assert_int_equal(x->rc, 2);
    assert_string_equal(x->targets[0].name, "rawtracepoint:vmlinux:sys_enter");
    assert_string_equal(x->targets[1].name, "rawtracepoint:vmlinux:sys_exit");
    expansion_free(x);
    expect_error("rawtracepoint", "rawtracepoint probe type requires 2 or 1 arguments, found 0");
    expect_error("rawtracepoint:trawk_none", "Probe has no valid attach points.");
    expect_error("rawtracepoint:trawk_none:sys_exit",
                 "No matches for rawtracepoint trawk_none:sys_exit.");
}

static void test_fentry_names_and_attrs(void **state) {
    (void)state;
    require_btf();
    struct expansion *x =
        expect_one("kfunc:vfs_read", "fentry:vmlinux:vfs_read", "vmlinux", "vfs_read");
    struct prog_attrs a = {0};
    x->prov->load_attrs(&x->targets[0], &a);
    struct btf *b = btf__parse(VMLINUX, NULL);
    assert_non_null(b);
    assert_int_equal(a.expected_attach_type, BPF_TRACE_FENTRY);
    assert_int_equal(a.attach_btf_id, btf__find_by_name_kind(b, "vfs_read", BTF_KIND_FUNC));
    assert_null(a.attach_btf_module);
    btf__free(b);
    expansion_free(x);
    x = expect_one("kretfunc:vmlinux:vfs_read", "fexit:vmlinux:vfs_read", "vmlinux", "vfs_read");
    a = (struct prog_attrs){0};
    x->prov->load_attrs(&x->targets[0], &a);
    assert_int_equal(a.expected_attach_type, BPF_TRACE_FEXIT);
    expansion_free(x);
    expect_error("fentry:trawk_no_such_function", "No matches for fentry trawk_no_such_function.");
}

static void expect_field(const struct type *rec, const char *name, uint32_t offset, uint32_t size) {
    uint32_t off = 0;
    const struct type_field *f = type_field_find(rec, name, &off);
    if (!f)
        fail_msg("no field %s", name);
    assert_int_equal(off, offset);
    assert_int_equal(f->ty->size, size);
}

/* A u64 slot per argument, the return value after them (fexit). */
static void test_btf_args_records(void **state) {
    (void)state;
    require_btf();
    struct type_arena *arena = type_arena_new();
    struct ctypes *ct = ctypes_new(arena, NULL);
    struct expansion *x = expand("fexit:vfs_read");
    assert_int_equal(x->rc, 1);
    const struct type *r = x->prov->args_type(&x->targets[0], ct, arena);
    assert_non_null(r);
    expect_field(r, "file", 0, 8);
    expect_field(r, "buf", 8, 8);
    expect_field(r, "count", 16, 8);
    expect_field(r, "pos", 24, 8);
    expect_field(r, "retval", 32, 8);
    expansion_free(x);
    x = expand("rawtracepoint:irq_handler_entry"); /* (void *__data, int irq, action) */
    assert_int_equal(x->rc, 1);
    r = x->prov->args_type(&x->targets[0], ct, arena);
    assert_non_null(r);
    expect_field(r, "irq", 0, 4);
    expect_field(r, "action", 8, 8);
    assert_null(type_field_find(r, "__data", NULL));
    expansion_free(x);
    ctypes_free(ct);
    type_arena_free(arena);
}

static void test_kprobe_specs(void **state) {
    (void)state;
    struct expansion *x = expect_one("kprobe:vfs_read+16", "kprobe:vfs_read+16", NULL, NULL);
    assert_string_equal(x->targets[0].spec.symbol, "vfs_read");
    assert_int_equal(x->targets[0].spec.offset, 16);
    struct prog_attrs a = {0};
    x->prov->load_attrs(&x->targets[0], &a);
    assert_int_equal(a.expected_attach_type, 0); /* an offset: perf events */
    expansion_free(x);
    x = expect_one("kr:do_nanosleep", "kretprobe:do_nanosleep", NULL, NULL);
    a = (struct prog_attrs){0};
    x->prov->load_attrs(&x->targets[0], &a);
    assert_int_equal(a.expected_attach_type, BPF_TRACE_KPROBE_MULTI);
    expansion_free(x);
    expect_error("kprobe:vfs_rea*+1", "Offset not allowed with wildcard");
    expect_error("kprobe:vfs_read+x", "Invalid offset: x");
    expect_error("kprobe:trawk_no_such_function", "No matches for kprobe trawk_no_such_function.");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rawtracepoint_names),
        cmocka_unit_test(test_fentry_names_and_attrs),
        cmocka_unit_test(test_btf_args_records),
        cmocka_unit_test(test_kprobe_specs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
