/* ctypes against the running kernel's BTF: conversion of real structs
 * (offsets as libbpf reports them), enums, typedefs, lazy loading. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <cmocka.h>

#include "ctypes/ctypes.h"

#define VMLINUX "/sys/kernel/btf/vmlinux"

struct fixture {
    struct type_arena *arena;
    struct ctypes *c;
};

static int setup(void **state) {
    struct fixture *f = calloc(1, sizeof(*f));
    f->arena = type_arena_new();
    f->c = ctypes_new(f->arena, NULL);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    struct fixture *f = *state;
    ctypes_free(f->c);
    type_arena_free(f->arena);
    free(f);
    return 0;
}

static void require_btf(void) {
    if (access(VMLINUX, R_OK) != 0) {
        print_message("skipped: no kernel BTF at %s\n", VMLINUX);
        skip();
    }
}

static const struct type *lookup(struct fixture *f, const char *name) {
    const struct type *t = ctypes_lookup(f->c, name);
    if (!t)
        fail_msg("%s is unknown", name);
    return t;
}

static const struct type_field *field(const struct type *rec, const char *name, uint32_t *off) {
    const struct type_field *fl = type_field_find(rec, name, off);
    if (!fl)
        fail_msg("no field %s in %s", name, rec->tag ? rec->tag : "(anonymous)");
    return fl;
}

/* The byte offset of a direct member of a struct, as libbpf's API gives it. */
static uint32_t libbpf_offset(const char *strct, const char *member) {
    struct btf *b = btf__parse(VMLINUX, NULL);
    assert_non_null(b);
    int id = btf__find_by_name_kind(b, strct, BTF_KIND_STRUCT);
    assert_true(id > 0);
    const struct btf_type *t = btf__type_by_id(b, id);
    uint32_t off = UINT32_MAX;
    for (int i = 0; i < btf_vlen(t); i++)
        if (!strcmp(btf__name_by_offset(b, btf_members(t)[i].name_off), member))
            off = btf_member_bit_offset(t, i) / 8;
    btf__free(b);
    assert_int_not_equal(off, UINT32_MAX);
    return off;
}

static void test_task_struct(void **state) {
    require_btf();
    struct fixture *f = *state;
    const struct type *task = lookup(f, "struct task_struct");
    assert_int_equal(task->kind, T_RECORD);
    assert_false(task->incomplete);
    assert_string_equal(task->tag, "struct task_struct");
    uint32_t off;
    const struct type_field *pid = field(task, "pid", &off);
    assert_true(type_equal(pid->ty, &type_s32));
    assert_int_equal(off, libbpf_offset("task_struct", "pid"));
    const struct type_field *comm = field(task, "comm", &off);
    assert_int_equal(comm->ty->kind, T_STRING);
    assert_int_equal(comm->ty->size, 16);
    assert_int_equal(off, libbpf_offset("task_struct", "comm"));
    const struct type *parent = field(task, "real_parent", &off)->ty;
    assert_true(parent->is_ptr);
    assert_int_equal(parent->addr, AS_KERNEL);
    assert_true(parent->pointee->incomplete); /* converted lazily */
    assert_string_equal(parent->pointee->tag, "struct task_struct");
    assert_ptr_equal(ctypes_complete(f->c, parent->pointee), task);
    /* converted once per BTF id */
    assert_ptr_equal(lookup(f, "struct task_struct"), task);
}

static void test_sock(void **state) {
    require_btf();
    struct fixture *f = *state;
    const struct type *sk = lookup(f, "struct sock");
    uint32_t off;
    const struct type *common = field(sk, "__sk_common", &off)->ty;
    assert_int_equal(off, 0);
    assert_string_equal(common->tag, "struct sock_common");
    const struct type_field *fam = field(common, "skc_family", &off);
    assert_int_equal(fam->ty->size, 2);
    assert_int_equal(off, libbpf_offset("sock_common", "skc_family"));
    /* skc_daddr sits in anonymous unions and structs */
    field(common, "skc_daddr", &off);
    assert_true(off < common->size);
}

static void test_enums_and_typedefs(void **state) {
    require_btf();
    struct fixture *f = *state;
    int64_t v;
    const struct type *ty;
    assert_true(ctypes_enum_value(f->c, "TASK_COMM_LEN", &v, &ty));
    assert_int_equal(v, 16);
    assert_non_null(ty->enum_def);
    assert_true(ctypes_enum_value(f->c, "PIDTYPE_TGID", &v, &ty));
    assert_string_equal(ty->enum_def->name, "enum pid_type");
    assert_int_equal(v, 1);
    assert_ptr_equal(lookup(f, "enum pid_type"), ty);
    assert_false(ctypes_enum_value(f->c, "NO_SUCH_ENUM_CONSTANT_X", &v, &ty));

    assert_true(type_equal(lookup(f, "pid_t"), &type_s32));
    assert_true(type_equal(lookup(f, "u64"), &type_u64));
    assert_true(type_equal(lookup(f, "__u32"), &type_u32));
    assert_true(type_equal(lookup(f, "size_t"), &type_u64));
    assert_int_equal(lookup(f, "bool")->kind, T_BOOL);
    assert_true(lookup(f, "union bpf_attr")->is_union);
    assert_null(ctypes_lookup(f->c, "struct no_such_struct_xyz"));
}

static void test_lazy_loading(void **state) {
    require_btf();
    struct fixture *f = *state;
    FILE *null = fopen("/dev/null", "w");
    struct diag d;
    const char *text = "struct Foo { int a; char b[10]; unsigned long c; }";
    diag_init(&d, "stdin", text, null);
    assert_int_equal(ctypes_parse(f->c, text, 1, &d), 0);
    fclose(null);
    assert_int_equal(lookup(f, "struct Foo")->size, 24);
    assert_int_equal(lookup(f, "unsigned long")->size, 8);
    char err[64];
    assert_non_null(ctypes_parse_typename(f->c, "struct Foo *", err, sizeof(err)));
    assert_int_equal(ctypes_btf_loads(f->c), 0); /* hello world does not pay for BTF */
    lookup(f, "struct task_struct");
    assert_true(ctypes_btf_loads(f->c) >= 1);
    int loads = ctypes_btf_loads(f->c);
    lookup(f, "struct sock");
    assert_int_equal(ctypes_btf_loads(f->c), loads); /* loaded once */
}

static void test_script_overrides_and_uses_btf(void **state) {
    require_btf();
    struct fixture *f = *state;
    FILE *null = fopen("/dev/null", "w");
    struct diag d;
    const char *text = "struct task_struct { int only; };\n"
                       "struct mine { u64 a; struct sock *sk; pid_t p; struct list_head l; };";
    diag_init(&d, "stdin", text, null);
    assert_int_equal(ctypes_parse(f->c, text, 1, &d), 0);
    fclose(null);
    assert_int_equal(lookup(f, "struct task_struct")->size, 4);
    const struct type *mine = lookup(f, "struct mine");
    assert_int_equal(mine->size, 40);
    uint32_t off;
    assert_int_equal(field(mine, "l", &off)->ty->size, 16);
    assert_int_equal(off, 24);
    assert_string_equal(ctypes_complete(f->c, field(mine, "sk", &off)->ty->pointee)->tag,
                        "struct sock");
}

/* The script's definitions, as bpftrace hands them to clang: BTF completes
 * their fields until they redefine a kernel type that the program uses. */
static void test_script_redefinition_drops_btf(void **state) {
    require_btf();
    struct fixture *f = *state;
    char *out = NULL;
    size_t len = 0;
    FILE *err = open_memstream(&out, &len);
    struct diag d;
    const char *uses = "struct mine { struct thread_info x; };";
    diag_init(&d, "stdin", uses, err);
    ctypes_set_defs_line(f->c, 2);
    assert_int_equal(ctypes_parse(f->c, uses, 1, &d), 0);
    const char *redefines = "struct task_struct { struct thread_info x; };";
    diag_init(&d, "stdin", redefines, err);
    ctypes_set_defs_line(f->c, 3);
    assert_int_equal(ctypes_parse(f->c, redefines, 1, &d), 0); /* the program does not use it */
    ctypes_note_used(f->c, "struct task_struct");
    const char *again = "struct other { struct thread_info x; };";
    diag_init(&d, "stdin", again, err);
    ctypes_set_defs_line(f->c, 4);
    assert_int_equal(ctypes_parse(f->c, again, 1, &d), -1);
    fclose(err);
    assert_string_equal(
        out, "definitions.h:4:35: error: field has incomplete type 'struct thread_info'\n"
             "definitions.h:4:23: note: forward declaration of 'struct thread_info'\n");
    assert_int_equal(d.nclang, 1);
    free(out);
}

static void test_typenames_and_suggestions(void **state) {
    require_btf();
    struct fixture *f = *state;
    char err[128], buf[128];
    const struct type *t = ctypes_parse_typename(f->c, "struct sk_buff *", err, sizeof(err));
    assert_non_null(t);
    assert_string_equal(type_name(t->pointee, buf, sizeof(buf)), "struct sk_buff");
    t = ctypes_parse_typename(f->c, "u8[6]", err, sizeof(err));
    assert_non_null(t);
    assert_int_equal(t->kind, T_ARRAY); /* a cast's u8[6], unlike a BTF field */
    assert_string_equal(ctypes_suggest(f->c, "struct task_strct"), "struct task_struct");
    assert_string_equal(ctypes_suggest_field(lookup(f, "struct task_struct"), "pidd"), "pid");
}

/* One record in ten of the kernel's, member by member against libbpf. */
static void test_kernel_records_match_btf(void **state) {
    require_btf();
    struct fixture *f = *state;
    struct btf *b = btf__parse(VMLINUX, NULL);
    assert_non_null(b);
    int checked = 0;
    for (uint32_t id = 1; id < btf__type_cnt(b); id++) {
        const struct btf_type *t = btf__type_by_id(b, id);
        if (!btf_is_composite(t) || !t->name_off || id % 10)
            continue;
        const char *name = btf__name_by_offset(b, t->name_off);
        if (btf__find_by_name_kind(b, name, btf_kind(t)) != (int)id)
            continue; /* a duplicate name: lookups find the first */
        char tag[300];
        snprintf(tag, sizeof(tag), "%s %s", btf_is_union(t) ? "union" : "struct", name);
        const struct type *ty = lookup(f, tag);
        assert_int_equal(ty->size, t->size);
        assert_int_equal(ty->nfields, btf_vlen(t));
        for (int i = 0; i < btf_vlen(t); i++) {
            const struct type_field *fl = &ty->fields[i];
            if (fl->offset * 8 + fl->bit_offset != btf_member_bit_offset(t, i))
                fail_msg("%s.%s at bit %u, BTF says %u", tag, fl->name,
                         fl->offset * 8 + fl->bit_offset, btf_member_bit_offset(t, i));
            assert_int_equal(fl->bit_size, btf_member_bitfield_size(t, i));
            assert_true(fl->bit_offset + fl->bit_size <= fl->ty->size * 8 || !fl->bit_size);
        }
        checked++;
    }
    btf__free(b);
    assert_true(checked > 100);
}

static void test_missing_btf_file(void **state) {
    (void)state;
    struct type_arena *a = type_arena_new();
    struct ctypes_opts opts = {.btf_path = "/nonexistent/vmlinux"};
    struct ctypes *c = ctypes_new(a, &opts);
    assert_null(ctypes_lookup(c, "struct task_struct"));
    assert_int_equal(ctypes_lookup(c, "int")->size, 4);
    int64_t v;
    assert_false(ctypes_enum_value(c, "TASK_COMM_LEN", &v, NULL));
    assert_null(ctypes_suggest(c, "struct task_strct"));
    ctypes_free(c);
    type_arena_free(a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_task_struct, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sock, setup, teardown),
        cmocka_unit_test_setup_teardown(test_enums_and_typedefs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lazy_loading, setup, teardown),
        cmocka_unit_test_setup_teardown(test_script_overrides_and_uses_btf, setup, teardown),
        cmocka_unit_test_setup_teardown(test_script_redefinition_drops_btf, setup, teardown),
        cmocka_unit_test_setup_teardown(test_typenames_and_suggestions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kernel_records_match_btf, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_btf_file, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
