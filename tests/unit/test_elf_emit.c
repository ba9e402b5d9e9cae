/* --emit-elf: the object trawk writes is one libbpf opens, with the
 * programs in their libbpf sections and the maps as trawk creates them.
 * No root needed: nothing is loaded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <bpf/libbpf.h>
#include <stdlib.h>
#include <unistd.h>

#include "cg_compile.h"
#include "runtime.h"

struct emitted {
    char path[64];
    struct manifest m;
    struct bpf_object *obj;
};

static void emit_and_open(struct emitted *e, const char *prog) {
    struct cg_opts o = {0};
    struct diag d;
    assert_int_equal(tu_compile(prog, &o, &e->m), 0);
    snprintf(e->path, sizeof(e->path), "/tmp/trawk-elf-XXXXXX");
    int fd = mkstemp(e->path);
    assert_true(fd >= 0);
    close(fd);
    diag_init(&d, "stdin", prog, stderr);
    assert_int_equal(rt_emit_elf(&e->m, e->path, &d), 0);
    e->obj = bpf_object__open_file(e->path, NULL);
    assert_non_null(e->obj);
    assert_int_equal(libbpf_get_error(e->obj), 0);
}

static void emitted_free(struct emitted *e) {
    bpf_object__close(e->obj);
    manifest_free(&e->m);
    unlink(e->path);
}

static void test_programs_by_name(void **state) {
    (void)state;
    struct emitted e;
    emit_and_open(&e, "BEGIN { printf(\"hi\\n\"); } interval:s:1 { exit(); }");
    struct bpf_program *begin = bpf_object__find_program_by_name(e.obj, "begin_1");
    struct bpf_program *interval = bpf_object__find_program_by_name(e.obj, "interval_s_1_2");
    assert_non_null(begin);
    assert_non_null(interval);
    assert_string_equal(bpf_program__section_name(begin), "raw_tp");
    assert_string_equal(bpf_program__section_name(interval), "perf_event");
    /* libbpf knows the type from the section name */
    assert_int_equal(bpf_program__type(begin), BPF_PROG_TYPE_RAW_TRACEPOINT);
    assert_int_equal(bpf_program__type(interval), BPF_PROG_TYPE_PERF_EVENT);
    assert_int_equal(bpf_program__insn_cnt(begin), (size_t)e.m.progs[0].ninsns);
    emitted_free(&e);
}

static void test_maps_by_name(void **state) {
    (void)state;
    struct emitted e;
    emit_and_open(&e, "BEGIN { @a[1, 2] = count(); @ = 5; printf(\"x\\n\"); exit(); }");
    struct bpf_map *a = bpf_object__find_map_by_name(e.obj, "AT_a");
    struct bpf_map *anon = bpf_object__find_map_by_name(e.obj, "AT_");
    struct bpf_map *events = bpf_object__find_map_by_name(e.obj, "__trawk_events");
    assert_non_null(a);
    assert_non_null(anon);
    assert_non_null(events);
    assert_int_equal(bpf_map__type(a), BPF_MAP_TYPE_PERCPU_HASH);
    assert_int_equal(bpf_map__key_size(a), 16); /* two integer keys, 8 bytes each */
    assert_int_equal(bpf_map__value_size(a), 8);
    assert_int_equal(bpf_map__type(events), BPF_MAP_TYPE_RINGBUF);
    assert_true(bpf_map__max_entries(events) > 0);
    emitted_free(&e);
}

/* Each map reference is a relocation libbpf has recorded: the program
 * would get the map's fd at load. */
static void test_map_references_relocated(void **state) {
    (void)state;
    struct emitted e;
    emit_and_open(&e, "BEGIN { @x = count(); @y[1] = 2; exit(); }");
    const struct bpf_program *prog = bpf_object__find_program_by_name(e.obj, "begin_1");
    const struct bpf_insn *insns = bpf_program__insns(prog);
    const struct prog_desc *p = &e.m.progs[0];
    int refs_past_first_map = 0;
    /* before load libbpf holds the main program's instructions only (it
     * appends the subprograms at load): compare those, not past its array */
    int n =
        p->ninsns < (int)bpf_program__insn_cnt(prog) ? p->ninsns : (int)bpf_program__insn_cnt(prog);
    for (int i = 0; i < n; i++)
        if (p->insns[i].code == (BPF_LD | BPF_DW | BPF_IMM) &&
            p->insns[i].src_reg == BPF_PSEUDO_MAP_FD) {
            refs_past_first_map += p->insns[i].imm > 0;
            assert_int_equal(insns[i].imm, 0); /* the map index is the relocation's now */
        }
    assert_true(refs_past_first_map > 0);
    emitted_free(&e);
}

/* Emits prog and loads the object with libbpf, which creates the maps,
 * moves the subprograms behind each program that calls them and resolves
 * the relocations; the kernel verifies the result (root only). */
static void emit_and_load(struct emitted *e, const char *prog) {
    if (geteuid() != 0) {
        print_message("skipped: loading needs root\n");
        skip();
    }
    emit_and_open(e, prog);
    libbpf_print_fn_t old = libbpf_set_print(NULL);
    int err = bpf_object__load(e->obj);
    libbpf_set_print(old);
    assert_int_equal(err, 0);
}

static void test_loads_with_libbpf(void **state) {
    (void)state;
    struct emitted e;
    emit_and_load(&e, "BEGIN { @a[1] = count(); @t = nsecs; printf(\"%d %d\\n\", 3, elapsed); } "
                      "interval:s:1 { @h = hist(5); exit(); }");
    struct bpf_map *lost = bpf_object__find_map_by_name(e.obj, ".data.lost");
    assert_non_null(lost);
    assert_true(bpf_map__fd(lost) >= 0);
    assert_true(bpf_program__fd(bpf_object__find_program_by_name(e.obj, "begin_1")) >= 0);
    emitted_free(&e);
}

/* Callbacks (for over a map, bpf_loop) are functions of .text too, which
 * func_info in .BTF.ext describes, as the kernel requires. */
static void test_loads_callbacks_with_libbpf(void **state) {
    (void)state;
    struct emitted e;
    emit_and_load(&e, "BEGIN { @m[1] = 2; for ($kv : @m) { printf(\"%d\\n\", $kv.0); } "
                      "$n = 3; for ($i : 0..$n) { @c = count(); } }");
    assert_true(bpf_program__fd(bpf_object__find_program_by_name(e.obj, "begin_1")) >= 0);
    emitted_free(&e);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_programs_by_name),
        cmocka_unit_test(test_maps_by_name),
        cmocka_unit_test(test_map_references_relocated),
        cmocka_unit_test(test_loads_with_libbpf),
        cmocka_unit_test(test_loads_callbacks_with_libbpf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
