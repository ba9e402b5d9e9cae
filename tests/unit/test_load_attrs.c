/* Load attributes: a provider's load_attrs hook reaches prog_desc through
 * the code generator, and the runtime passes them to bpf_prog_load (the
 * kernel half needs root and BPF; it skips with the reason otherwise). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <bpf/btf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/codegen.h"
#include "codegen/insn.h"
#include "parser/parse.h"
#include "providers/provider.h"
#include "rt_internal.h"
#include "sema/sema.h"
#include "test_kernel.h"

/* ---- the compiler half: a fake provider's hook ---- */

static char hook_saw[64]; /* the name of the target the hook was asked about */

static void fake_attrs(const struct attach_target *t, struct prog_attrs *out) {
    snprintf(hook_saw, sizeof(hook_saw), "%s", t->name);
    assert_int_equal(out->prog_type, BPF_PROG_TYPE_RAW_TRACEPOINT); /* set before the call */
    out->prog_type = BPF_PROG_TYPE_TRACING;
    out->expected_attach_type = BPF_TRACE_FENTRY;
    out->attach_btf_id = 4242;
    out->attach_btf_module = strdup("some_module");
    out->attach_prog_id = 17;
}

/* Compiles text with every unit's provider replaced by prov. */
static int compile_with(const char *text, const struct provider *prov, struct manifest *m) {
    struct diag d;
    diag_init(&d, "stdin", text, stderr);
    struct node *ast = parse_program(&d, text);
    struct sema_out s;
    int rc = -1;
    assert_non_null(ast);
    if (sema_check(ast, NULL, &d, &s) == 0) {
        for (int i = 0; i < s.nunits; i++)
            s.units[i].prov = prov;
        rc = cg_generate(ast, &s, NULL, &d, m);
    }
    sema_out_free(&s);
    ast_free(ast);
    return rc;
}

static void hook_sets_attrs(void **state) {
    struct provider fake = *provider_get(PK_BEGIN);
    struct manifest m;

    fake.load_attrs = fake_attrs;
    hook_saw[0] = '\0';
    assert_int_equal(compile_with("BEGIN { @x = 1 }", &fake, &m), 0);
    assert_int_equal(m.nprogs, 1);
    const struct prog_attrs *a = &m.progs[0].attrs;
    assert_int_equal(a->prog_type, BPF_PROG_TYPE_TRACING);
    assert_int_equal(a->expected_attach_type, BPF_TRACE_FENTRY);
    assert_int_equal(a->attach_btf_id, 4242);
    assert_string_equal(a->attach_btf_module, "some_module");
    assert_int_equal(a->attach_prog_id, 17);
    /* the hook was asked about the program's target */
    assert_string_equal(hook_saw, "begin");
    manifest_free(&m);
}

static void no_hook_means_prog_type_only(void **state) {
    struct manifest m;

    assert_int_equal(compile_with("BEGIN { @x = 1 }", provider_get(PK_BEGIN), &m), 0);
    const struct prog_attrs *a = &m.progs[0].attrs;
    assert_int_equal(a->prog_type, BPF_PROG_TYPE_RAW_TRACEPOINT);
    assert_int_equal(a->expected_attach_type, 0);
    assert_int_equal(a->attach_btf_id, 0);
    assert_null(a->attach_btf_module);
    assert_int_equal(a->attach_prog_id, 0);
    manifest_free(&m);
}

/* Programs of a provider that may nest on a CPU get .scratch entries of
 * their own; the others share entry 0. */
static uint32_t scratch_entries(bool may_nest) {
    struct provider fake = *provider_get(PK_BEGIN);
    struct manifest m;
    fake.may_nest = may_nest;
    assert_int_equal(compile_with("BEGIN { $a = str(nsecs); $b = str(nsecs); } "
                                  "END { $c = str(nsecs); $d = str(nsecs); }",
                                  &fake, &m),
                     0);
    uint32_t entries = 0;
    for (int i = 0; i < m.nmaps; i++)
        if (strcmp(m.maps[i].name, ".scratch") == 0)
            entries = m.maps[i].max_entries;
    manifest_free(&m);
    return entries;
}

/* kprobe: functions go through one kprobe_multi link, a probe at an offset
 * through a perf event, and one program cannot serve both: a block mixing
 * them gets a program for each, with its own targets, in source order. */
static void kprobe_offsets_apart_from_multi(void **state) {
    const struct provider *kp = provider_get(PK_KPROBE);
    struct manifest m;

    assert_int_equal(
        compile_with("kprobe:vfs_read, kprobe:vfs_write+4, kprobe:vfs_open { @x = 1 }", kp, &m), 0);
    assert_int_equal(m.nprogs, 2);
    assert_int_equal(m.progs[0].ntargets, 2);
    assert_string_equal(m.progs[0].targets[0].name, "kprobe:vfs_read");
    assert_string_equal(m.progs[0].targets[1].name, "kprobe:vfs_open");
    assert_int_equal(m.progs[0].attrs.expected_attach_type, BPF_TRACE_KPROBE_MULTI);
    assert_int_equal(m.progs[1].ntargets, 1);
    assert_string_equal(m.progs[1].targets[0].name, "kprobe:vfs_write+4");
    assert_int_equal(m.progs[1].attrs.expected_attach_type, 0);
    manifest_free(&m);
    /* alike, they share one program */
    assert_int_equal(compile_with("kprobe:vfs_read, kprobe:vfs_write { @x = 1 }", kp, &m), 0);
    assert_int_equal(m.nprogs, 1);
    assert_int_equal(m.progs[0].ntargets, 2);
    manifest_free(&m);
}

static void nesting_programs_get_own_scratch(void **state) {
    assert_int_equal(scratch_entries(false), 1);
    assert_int_equal(scratch_entries(true), 3);
}

/* ---- the runtime half ---- */

static void kernel_btf_by_name(void **state) {
    int fds = count_fds(), fd;

    require_bpf();
    fd = rt_kernel_btf_fd("vmlinux");
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(rt_kernel_btf_fd("no_such_module"), -1);
    assert_int_equal(errno, ENOENT);
    assert_int_equal(count_fds(), fds);
}

/* A manifest of one two-instruction program with the given attributes. */
struct one_prog {
    struct manifest m;
    struct prog_desc prog;
    struct rt_state st;
    struct diag d;
    char *text;
    size_t len;
};

static const struct bpf_insn return_0[] = {MOV64_IMM(BPF_REG_0, 0), EXIT_INSN()};

static int load_one_insns(struct one_prog *o, struct prog_attrs attrs,
                          const struct bpf_insn insns[2]) {
    memset(o, 0, sizeof(*o));
    o->prog = (struct prog_desc){
        .name = "test", .attrs = attrs, .insns = (struct bpf_insn *)insns, .ninsns = 2};
    o->m = (struct manifest){.progs = &o->prog, .nprogs = 1, .ringbuf_map = -1, .lost_map = -1};
    diag_init(&o->d, "stdin", "iter:task {}\n", open_memstream(&o->text, &o->len));
    assert_int_equal(rt_state_init(&o->st, &o->m), 0);
    int rc = rt_load_progs(&o->st, false, &o->d);
    fflush(o->d.out);
    return rc;
}

static int load_one(struct one_prog *o, struct prog_attrs attrs) {
    return load_one_insns(o, attrs, return_0);
}

static void one_prog_done(struct one_prog *o) {
    rt_unload(&o->st);
    rt_state_free(&o->st);
    fclose(o->d.out);
    free(o->text);
}

/* The BTF id of the task iterator's function, which every BPF-enabled
 * kernel has; iterators load wherever BPF tracing programs do. */
static uint32_t iter_task_id(void) {
    struct btf *vmlinux = btf__load_vmlinux_btf();
    int id = vmlinux ? btf__find_by_name_kind(vmlinux, "bpf_iter_task", BTF_KIND_FUNC) : -1;

    btf__free(vmlinux);
    if (id <= 0) {
        print_message("skipped: no BTF for bpf_iter_task\n");
        skip();
    }
    return (uint32_t)id;
}

static void iter_loads_with_btf_id(void **state) {
    struct prog_attrs attrs = {.prog_type = BPF_PROG_TYPE_TRACING,
                               .expected_attach_type = BPF_TRACE_ITER};
    struct one_prog o;
    int fds;

    require_bpf();
    attrs.attach_btf_id = iter_task_id();
    fds = count_fds();
    if (load_one(&o, attrs) != 0)
        fail_msg("%s", o.text);
    assert_true(o.st.progs[0].fd >= 0);
    one_prog_done(&o);

    /* the same through a kernel BTF fd (vmlinux's, the one always there) */
    attrs.attach_btf_module = "vmlinux";
    if (load_one(&o, attrs) != 0)
        fail_msg("%s", o.text);
    assert_true(o.st.progs[0].fd >= 0);
    one_prog_done(&o);

    /* the kernel sees the id: type 1 of vmlinux is no function */
    attrs.attach_btf_id = 1;
    assert_int_equal(load_one(&o, attrs), -1);
    assert_int_equal(o.st.progs[0].fd, -1);
    assert_non_null(strstr(o.text, "attach_btf_id 1 is not a function"));
    one_prog_done(&o);
    assert_int_equal(count_fds(), fds);
}

/* expected_attach_type reaches the kernel: a connect4 program loads with it
 * and is refused without it. */
static void expected_attach_type_is_passed(void **state) {
    static const struct bpf_insn return_1[] = {MOV64_IMM(BPF_REG_0, 1), EXIT_INSN()};
    struct prog_attrs attrs = {.prog_type = BPF_PROG_TYPE_CGROUP_SOCK_ADDR,
                               .expected_attach_type = BPF_CGROUP_INET4_CONNECT};
    struct one_prog o;

    require_bpf();
    assert_int_equal(load_one_insns(&o, attrs, return_1), 0);
    one_prog_done(&o);
    attrs.expected_attach_type = 0;
    assert_int_equal(load_one_insns(&o, attrs, return_1), -1);
    one_prog_done(&o);
}

static void missing_module_or_program_is_reported(void **state) {
    struct one_prog o;
    int fds;

    require_bpf();
    fds = count_fds();
    assert_int_equal(load_one(&o, (struct prog_attrs){.prog_type = BPF_PROG_TYPE_TRACING,
                                                      .expected_attach_type = BPF_TRACE_ITER,
                                                      .attach_btf_id = 1,
                                                      .attach_btf_module = "no_such_module"}),
                     -1);
    assert_int_equal(o.d.nerrors, 1);
    assert_non_null(strstr(o.text, "no BTF for module no_such_module"));
    one_prog_done(&o);

    assert_int_equal(load_one(&o, (struct prog_attrs){.prog_type = BPF_PROG_TYPE_TRACING,
                                                      .expected_attach_type = BPF_TRACE_ITER,
                                                      .attach_btf_id = 1,
                                                      .attach_prog_id = 0x7fffffff}),
                     -1);
    assert_int_equal(o.d.nerrors, 1);
    assert_non_null(strstr(o.text, "BPF program 2147483647"));
    one_prog_done(&o);
    assert_int_equal(count_fds(), fds);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hook_sets_attrs),
        cmocka_unit_test(no_hook_means_prog_type_only),
        cmocka_unit_test(kprobe_offsets_apart_from_multi),
        cmocka_unit_test(nesting_programs_get_own_scratch),
        cmocka_unit_test(kernel_btf_by_name),
        cmocka_unit_test(iter_loads_with_btf_id),
        cmocka_unit_test(expected_attach_type_is_passed),
        cmocka_unit_test(missing_module_or_program_is_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
