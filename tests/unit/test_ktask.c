/* task_struct.comm's offset found by streaming the kernel's BTF agrees with
 * libbpf's full parse, and comm is read from the task where it is known. */
#include <fnmatch.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <cmocka.h>

#include "cg_compile.h"

#include "codegen/codegen.h"
#include "codegen/disasm.h"
#include "parser/parse.h"
#include "sema/sema.h"
#include "sys/ktask.h"

#define VMLINUX "/sys/kernel/btf/vmlinux"

static void release_versions(void **state) {
    (void)state;
    assert_true(ktask_release_at_least("6.2.0", 6, 2));
    assert_true(ktask_release_at_least("6.18.0-1-amd64", 6, 2));
    assert_true(ktask_release_at_least("7.0", 6, 2));
    assert_false(ktask_release_at_least("6.1.0-25-amd64", 6, 2));
    assert_false(ktask_release_at_least("5.19.17", 6, 2));
}

/* libbpf's answer: the member of struct task_struct of that name. */
static int libbpf_task_offset(const char *name) {
    struct btf *b = btf__parse(VMLINUX, NULL);
    int off = -1;
    int id = b ? btf__find_by_name_kind(b, "task_struct", BTF_KIND_STRUCT) : -1;
    const struct btf_type *t = id > 0 ? btf__type_by_id(b, id) : NULL;
    for (int i = 0; t && i < btf_vlen(t); i++)
        if (strcmp(btf__name_by_offset(b, btf_members(t)[i].name_off), name) == 0)
            off = (int)btf_member_bit_offset(t, i) / 8;
    btf__free(b);
    return off;
}

static void offset_matches_libbpf(void **state) {
    (void)state;
    if (access(VMLINUX, R_OK) != 0) {
        printf("skipped: the kernel has no BTF at " VMLINUX "\n");
        skip();
        return;
    }
    int off = ktask_comm_offset_in(VMLINUX);
    assert_true(off > 0);
    assert_int_equal(off, libbpf_task_offset("comm"));
    struct ktask_offsets o;
    ktask_offsets_in(VMLINUX, &o);
    assert_int_equal(o.comm, off);
    assert_true(o.pid > 0);
    assert_int_equal(o.pid, libbpf_task_offset("pid"));
    assert_int_equal(o.tgid, libbpf_task_offset("tgid"));
}

static void missing_file_is_unknown(void **state) {
    (void)state;
    assert_int_equal(ktask_comm_offset_in("/nonexistent/btf"), -1);
    assert_int_equal(ktask_comm_offset_in("/dev/null"), -1);
}

static int compile(const char *prog, bool task_comm, struct manifest *m) {
    return tu_compile(prog, &(struct cg_opts){.task_comm = task_comm}, m);
}

/* With the offset known, a comm key is two loads from the task (helper 158,
 * bpf_get_current_task_btf) and no bpf_get_current_comm (16). */
static void comm_key_loads_from_task(void **state) {
    (void)state;
    int off = ktask_comm_offset();
    struct manifest m;
    assert_int_equal(compile("BEGIN { @[comm] = count(); }", true, &m), 0);
    if (off < 0) {
        printf("skipped: no task_struct.comm in kernel BTF, or a kernel before 6.2\n");
        assert_int_equal(tu_count_insns(&m.progs[0], "call 16"), 1);
        manifest_free(&m);
        skip();
        return;
    }
    char pat[64];
    snprintf(pat, sizeof pat, "r1 = \\*(u64 \\*)(r0 +%d)", off + 8);
    assert_int_equal(tu_count_insns(&m.progs[0], "call 158"), 1);
    assert_int_equal(tu_count_insns(&m.progs[0], "call 16"), 0);
    assert_int_equal(tu_count_insns(&m.progs[0], pat), 1);
    manifest_free(&m);
    /* without the option: the helper */
    assert_int_equal(compile("BEGIN { @[comm] = count(); }", false, &m), 0);
    assert_int_equal(tu_count_insns(&m.progs[0], "call 158"), 0);
    assert_int_equal(tu_count_insns(&m.progs[0], "call 16"), 1);
    manifest_free(&m);
}

/* pid and tid are loads from the task too, and a key (tid, comm) makes one
 * call for both; a call or a jump target in between makes another. */
static void tid_comm_key_calls_once(void **state) {
    (void)state;
    struct ktask_offsets o;
    ktask_offsets_in(VMLINUX, &o);
    if (ktask_comm_offset() < 0 || o.pid < 0) {
        printf("skipped: no task_struct.comm/pid in kernel BTF, or a kernel before 6.2\n");
        skip();
        return;
    }
    struct manifest m;
    char pat[64];
    assert_int_equal(
        compile("BEGIN { @[tid, comm] = count(); @p[comm, pid] = count(); }", true, &m), 0);
    assert_int_equal(tu_count_insns(&m.progs[0], "call 14"), 0);
    /* one per key: the lookups between them clobber r0 */
    assert_int_equal(tu_count_insns(&m.progs[0], "call 158"), 2);
    snprintf(pat, sizeof pat, "r* = \\*(u32 \\*)(r0 +%d)", o.pid);
    assert_int_equal(tu_count_insns(&m.progs[0], pat), 1);
    snprintf(pat, sizeof pat, "r* = \\*(u32 \\*)(r0 +%d)", o.tgid);
    assert_int_equal(tu_count_insns(&m.progs[0], pat), 1);
    manifest_free(&m);
    /* the end of the if is a jump target: comm cannot trust r0 there */
    assert_int_equal(
        compile("BEGIN { $x = tid; if ($x == 1) { $x = 2; } @[comm] = count(); }", true, &m), 0);
    assert_int_equal(tu_count_insns(&m.progs[0], "call 158"), 2);
    manifest_free(&m);
    /* a second program starts without the task in r0, whatever the first
     * program's last instructions were: its predicate's tid calls, and the
     * body's pid again after the lookup */
    assert_int_equal(compile("tracepoint:syscalls:sys_enter_bind { @a[tid] = 1; } "
                             "tracepoint:syscalls:sys_exit_bind /@a[tid]/ { @b = pid; }",
                             true, &m),
                     0);
    assert_int_equal(m.nprogs, 2);
    assert_int_equal(tu_count_insns(&m.progs[1], "call 158"), 2);
    manifest_free(&m);
    /* without the option: the helper */
    assert_int_equal(compile("BEGIN { @[tid] = count(); }", false, &m), 0);
    assert_int_equal(tu_count_insns(&m.progs[0], "call 14"), 1);
    manifest_free(&m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(release_versions),        cmocka_unit_test(offset_matches_libbpf),
        cmocka_unit_test(missing_file_is_unknown), cmocka_unit_test(comm_key_loads_from_task),
        cmocka_unit_test(tid_comm_key_calls_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
