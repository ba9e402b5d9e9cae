/* Code generator tests: short instruction sequences for small programs,
 * matched against the disassembly with fnmatch patterns, never whole listings. */
#include <fnmatch.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "codegen/codegen.h"
#include "codegen/disasm.h"
#include "parser/parse.h"
#include "sema/sema.h"

struct compiled {
    struct manifest m;
    char errors[4096];
    int rc;
};

static void compile_opts(const char *text, int max_strlen, const struct cg_opts *opts,
                         struct compiled *c) {
    memset(c, 0, sizeof(*c));
    FILE *err = fmemopen(c->errors, sizeof(c->errors) - 1, "w");
    struct diag d;
    diag_init(&d, "stdin", text, err);
    struct node *ast = parse_program(&d, text);
    struct sema_opts so = {.max_strlen = max_strlen};
    struct sema_out s;
    c->rc = -1;
    if (ast && sema_check(ast, &so, &d, &s) == 0)
        c->rc = cg_generate(ast, &s, opts, &d, &c->m);
    if (ast)
        sema_out_free(&s);
    ast_free(ast);
    fclose(err);
}

static void compile_strlen(const char *text, int max_strlen, struct compiled *c) {
    compile_opts(text, max_strlen, NULL, c);
}

static void compile(const char *text, struct compiled *c) {
    compile_strlen(text, 64, c);
}

/* The disassembly of program i, one instruction per string. */
static int listing(const struct prog_desc *p, char lines[][128], int max) {
    int n = 0;
    for (int i = 0; i < p->ninsns && n < max; n++)
        i += disasm_insn(&p->insns[i], lines[n], 128);
    return n;
}

/* True when the patterns match consecutive instructions somewhere in p. */
static bool has_sequence(const struct prog_desc *p, const char *const *pats) {
    static char lines[4096][128];
    int n = listing(p, lines, 4096);
    int npat = 0;
    while (pats[npat])
        npat++;
    for (int start = 0; start + npat <= n; start++) {
        int k = 0;
        while (k < npat && fnmatch(pats[k], lines[start + k], 0) == 0)
            k++;
        if (k == npat)
            return true;
    }
    fprintf(stderr, "sequence not found; listing:\n");
    disasm_prog(p, stderr);
    return false;
}

static int count_matches(const struct prog_desc *p, const char *pat) {
    static char lines[4096][128];
    int n = listing(p, lines, 4096), count = 0;
    for (int i = 0; i < n; i++)
        count += fnmatch(pat, lines[i], 0) == 0;
    return count;
}

#define SEQ(...) ((const char *const[]){__VA_ARGS__, NULL})

static void scalar_count_increments_in_place(void **state) {
    struct compiled c;
    compile("BEGIN { @x = count(); }", &c);
    assert_int_equal(c.rc, 0);
    assert_int_equal(c.m.nprogs, 1);
    /* BEGIN runs once: bpf_map_lookup_percpu_elem on this CPU, which the
     * verifier does not inline by patching the program */
    assert_true(has_sequence(&c.m.progs[0],
                             SEQ("call 8", "r3 = r0", "r1 = map\\[0\\]", "r2 = r10", "r2 += *",
                                 "call 195", "if r0 == 0 goto pc+*", "r1 = *(u64 *)(r0 +0)",
                                 "r1 += 1", "*(u64 *)(r0 +0) = r1")));
    assert_int_equal(c.m.maps[0].bpf_type, BPF_MAP_TYPE_PERCPU_ARRAY);
    manifest_free(&c.m);
}

static void constants_are_folded(void **state) {
    struct compiled c;
    compile("BEGIN { @x = 1 + 2 * 3 - (8 >> 1); }", &c);
    assert_int_equal(c.rc, 0);
    assert_true(has_sequence(&c.m.progs[0], SEQ("*(u64 *)(r10 -*) = 3")));
    manifest_free(&c.m);
}

static void comm_compares_four_bytes_at_once(void **state) {
    struct compiled c;
    compile("tracepoint:syscalls:sys_enter_openat /comm == \"cat\"/ { @ = count(); }", &c);
    if (c.rc != 0 && strstr(c.errors, "tracefs")) {
        skip();
        return;
    }
    assert_int_equal(c.rc, 0);
    /* "cat\0" as a little-endian u32 is 0x00746163 */
    assert_true(has_sequence(&c.m.progs[0], SEQ("r2 = 16", "call 16", "r1 = *(u32 *)(r10 *)",
                                                "if r1 != 7627107 goto pc+*")));
    manifest_free(&c.m);
}

/* Kernels before 6.2 do not pad the name: a key needs the zeros first. */
static void comm_key_is_zeroed_before_the_helper(void **state) {
    struct compiled c;
    compile("BEGIN { @[comm] = count(); }", &c);
    assert_int_equal(c.rc, 0);
    assert_true(has_sequence(&c.m.progs[0], SEQ("*(u64 *)(r10 -24) = 0", "*(u64 *)(r10 -16) = 0",
                                                "r1 = r10", "r1 += -24", "r2 = 16", "call 16")));
    manifest_free(&c.m);
}

/* sdiv/smod are ISA v4 (kernel 6.6+): signed operands divide magnitudes. */
static void signed_division_avoids_isa_v4(void **state) {
    /* division, modulo, both compound forms and an average's read */
    static const char prog[] = "BEGIN { $a = -7; $b = 2; @q = $a / $b; @r = $a % $b;"
                               " $a /= $b; @q /= $b; @m = avg($a); @x = @m; }";
    struct compiled c;
    compile(prog, &c);
    assert_int_equal(c.rc, 0);
    for (int i = 0; i < c.m.nprogs; i++) {
        assert_int_equal(count_matches(&c.m.progs[i], "* s/= *"), 0);
        assert_int_equal(count_matches(&c.m.progs[i], "* s%= *"), 0);
    }
    assert_true(
        has_sequence(&c.m.progs[0], SEQ("if r* s< 0 goto pc+*", "if r* s< 0 goto pc+*", "r* /= r*",
                                        "goto pc+*", "r* = -r*", "r* /= r*", "r* = -r*")));
    manifest_free(&c.m);
}

static void narrow_signed_field_is_loaded_and_extended(void **state) {
    struct compiled c;
    compile("tracepoint:sched:sched_process_exec { @ = args.pid; }", &c);
    if (c.rc != 0 && strstr(c.errors, "tracefs")) {
        skip();
        return;
    }
    assert_int_equal(c.rc, 0);
    /* pid_t pid at offset 12, 4 bytes, signed */
    assert_true(has_sequence(&c.m.progs[0], SEQ("r6 = *(u64 *)(r10 -8)", "r6 = *(u32 *)(r6 +12)",
                                                "r6 <<= 32", "r6 s>>= 32")));
    manifest_free(&c.m);
}

static void pid_is_the_upper_half(void **state) {
    struct compiled c;
    compile("BEGIN { @x = pid; }", &c);
    assert_int_equal(c.rc, 0);
    assert_true(has_sequence(&c.m.progs[0], SEQ("call 14", "r6 = r0", "r6 >>= 32")));
    manifest_free(&c.m);
}

static void printf_sends_one_record(void **state) {
    struct compiled c;
    compile("BEGIN { printf(\"%d\\n\", 42); }", &c);
    assert_int_equal(c.rc, 0);
    assert_int_equal(c.m.nevents, 1);
    assert_int_equal(c.m.events[0].kind, EV_PRINTF);
    assert_int_equal(c.m.events[0].size, 16);
    assert_true(
        has_sequence(&c.m.progs[0], SEQ("*(u32 *)(r10 *) = 0", "*(u32 *)(r10 *) = 0",
                                        "*(u64 *)(r10 *) = 42", "r1 = map\\[*\\]", "r2 = r10",
                                        "r2 += *", "r3 = 16", "r4 = 0", "call 130")));
    manifest_free(&c.m);
}

static void exit_leaves_the_probe(void **state) {
    struct compiled c;
    compile("BEGIN { exit(); printf(\"not reached\\n\"); }", &c);
    assert_int_equal(c.rc, 0);
    assert_int_equal(c.m.events[0].kind, EV_EXIT);
    /* the record, the lost-event count, then straight to the exit: the
     * printf after exit() is unreachable and pruned */
    assert_true(has_sequence(&c.m.progs[0],
                             SEQ("call 130", "if r0 == 0 goto pc+*", "r1 = &map\\[*\\]\\[0\\]",
                                 "r2 = 1", "lock *(u64 *)(r1 +0) += r2", "r0 = 0", "exit")));
    assert_int_equal(count_matches(&c.m.progs[0], "call 130"), 1);
    manifest_free(&c.m);
}

static void constant_conditions_leave_no_dead_code(void **state) {
    struct compiled c;
    compile("BEGIN { if (0) { printf(\"a\\n\"); } else { printf(\"b\\n\"); } @x = 1 ? 2 : 3; }",
            &c);
    assert_int_equal(c.rc, 0);
    assert_int_equal(count_matches(&c.m.progs[0], "call 130"), 1);
    assert_int_equal(count_matches(&c.m.progs[0], "goto pc+0"), 0);
    assert_int_equal(count_matches(&c.m.progs[0], "r6 = 3"), 0);
    manifest_free(&c.m);
}

static void reading_a_count_sums_the_cpus(void **state) {
    struct compiled c;
    compile("BEGIN { @c = count(); @x = @c; }", &c);
    assert_int_equal(c.rc, 0);
    /* bpf_map_lookup_percpu_elem for each CPU, values added up */
    assert_true(
        has_sequence(&c.m.progs[0], SEQ("r3 = *(u64 *)(r10 *)", "if r3 >= * goto pc+*",
                                        "r1 = map\\[0\\]", "r2 = r10", "r2 += *", "call 195",
                                        "if r0 == 0 goto pc+*", "r1 = *(u64 *)(r0 +0)")));
    manifest_free(&c.m);
}

static void for_map_calls_back(void **state) {
    struct compiled c;
    compile("BEGIN { @m[1] = 2; for ($kv : @m) { @s = sum($kv.1); } }", &c);
    assert_int_equal(c.rc, 0);
    /* bpf_for_each_map_elem(map, callback, caller's stack, 0); the callback
     * finds the caller's stack in r4 and copies key and value into $kv */
    assert_true(has_sequence(
        &c.m.progs[0], SEQ("r1 = map\\[0\\]", "r2 = func pc+*", "r3 = r10", "r4 = 0", "call 164")));
    assert_true(has_sequence(&c.m.progs[0], SEQ("r7 = r4", "r6 = r3", "r1 = *(u64 *)(r2 +0)",
                                                "*(u64 *)(r7 *) = r1", "r1 = *(u64 *)(r6 +0)",
                                                "*(u64 *)(r7 *) = r1")));
    manifest_free(&c.m);
}

static void hist_computes_log2_bucket(void **state) {
    struct compiled c;
    compile("BEGIN { @h = hist(100); }", &c);
    assert_int_equal(c.rc, 0);
    assert_true(has_sequence(
        &c.m.progs[0], SEQ("r3 = r1", "r3 >>= 32", "if r3 == 0 goto pc+2", "r1 = r3", "r2 += 32")));
    /* without a key: a per-CPU array of {count, in use} per bucket */
    assert_int_equal(c.m.maps[0].bpf_type, BPF_MAP_TYPE_PERCPU_ARRAY);
    assert_int_equal(c.m.maps[0].key_size, 4);
    assert_int_equal(c.m.maps[0].value_size, 16);
    assert_int_equal(c.m.maps[0].max_entries, 65);
    assert_true(c.m.maps[0].bucket_array);
    manifest_free(&c.m);
}

/* The top bucket of hist(v, 5) is (64 - 5) << 5, lhist's are 0 to n + 1;
 * 10,000 buckets (bpftrace refuses more than 1,000), more than
 * max_map_keys, and keyed maps stay hashes (key: the user key, then the
 * bucket). */
static void hist_buckets_bound_the_array(void **state) {
    static const struct {
        const char *prog;
        enum bpf_map_type type;
        uint32_t key_size, entries;
    } cases[] = {
        {"BEGIN { @a = hist(1, 5); }", BPF_MAP_TYPE_PERCPU_ARRAY, 4, (59 << 5) + 1},
        {"BEGIN { @b = lhist(1, 0, 1000, 1); }", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 1002},
        {"BEGIN { @c = lhist(1, 0, 100000, 10); }", BPF_MAP_TYPE_PERCPU_HASH, 8, 4096},
        {"BEGIN { @k[1] = hist(1); }", BPF_MAP_TYPE_PERCPU_HASH, 16, 4096},
        /* more buckets than max_map_keys: the hash fills up, as bpftrace's */
        {"config = { max_map_keys = 10 } BEGIN { @a = hist(1); }", BPF_MAP_TYPE_PERCPU_HASH, 8, 10},
        {"config = { max_map_keys = 66 } BEGIN { @a = hist(1); }", BPF_MAP_TYPE_PERCPU_ARRAY, 4,
         65},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct compiled c;
        compile(cases[i].prog, &c);
        assert_int_equal(c.rc, 0);
        assert_int_equal(c.m.maps[0].bpf_type, cases[i].type);
        assert_int_equal(c.m.maps[0].key_size, cases[i].key_size);
        assert_int_equal(c.m.maps[0].max_entries, cases[i].entries);
        manifest_free(&c.m);
    }
}

static void tuple_key_count_is_short(void **state) {
    struct compiled c;
    /* without the full-map check, which tests its own length below */
    compile_opts("BEGIN { @[tid, comm] = count(); }", 64, &(struct cg_opts){.no_warnings = true},
                 &c);
    assert_int_equal(c.rc, 0);
    assert_int_equal(c.m.maps[0].key_size, 24);
    assert_true(c.m.progs[0].ninsns < 45);
    manifest_free(&c.m);
}

static void full_map_warns_once_per_site(void **state) {
    struct compiled c;
    compile("BEGIN { @m[1] = 2; @n[3] = count(); }", &c);
    assert_int_equal(c.rc, 0);
    /* a failed update (the low half of r0: 6.1 returns an int) calls the
     * shared subprogram with the result and its site's event id */
    assert_true(has_sequence(
        &c.m.progs[0], SEQ("call 2", "if w0 s>= 0 goto pc+3", "r1 = r0", "r2 = 0", "call pc+*")));
    assert_true(has_sequence(
        &c.m.progs[0], SEQ("call 2", "if w0 s>= 0 goto pc+3", "r1 = r0", "r2 = 1", "call pc+*")));
    /* which tests and sets the site's flag, then sends its event */
    const char *const *sub =
        SEQ("exit", "r6 = r1", "r6 <<= 32", "r6 s>>= 32", "r7 = r2", "r1 = &map\\[*\\]\\[0\\]",
            "r2 = r7", "r2 <<= 2", "r1 += r2", "r2 = 1", "r2 = atomic_xchg((u32 *)(r1 +0), r2)",
            "if r2 != 0 goto pc+*", "*(u32 *)(r10 -24) = r7");
    assert_true(has_sequence(&c.m.progs[0], sub));
    assert_int_equal(count_matches(&c.m.progs[0], "call pc+*"), 2);
    assert_int_equal(count_matches(&c.m.progs[0], "r2 = atomic_xchg(*"), 1);
    assert_int_equal(count_matches(&c.m.progs[0], "exit"), 2);
    assert_int_equal(c.m.nevents, 2);
    assert_int_equal(c.m.events[1].kind, EV_HELPER_ERROR);
    assert_string_equal(c.m.events[1].fmt, "map_update_elem");
    manifest_free(&c.m);
}

/* The subprogram's frame adds to the program's in the verifier's count:
 * a frame that fits alone moves to .scratch when the program calls it. */
static void full_map_subprogram_takes_stack(void **state) {
    struct compiled c;
    compile_strlen("BEGIN { printf(\"%s\", str(nsecs)); @m = 2; }", 490, &c);
    assert_int_equal(c.rc, 0);
    assert_int_equal(count_matches(&c.m.progs[0], "r9 = r0"), 0);
    manifest_free(&c.m);
    compile_strlen("BEGIN { printf(\"%s\", str(nsecs)); @m[1] = 2; }", 490, &c);
    assert_int_equal(c.rc, 0);
    assert_int_equal(count_matches(&c.m.progs[0], "r9 = r0"), 1);
    assert_int_equal(count_matches(&c.m.progs[0], "call pc+*"), 1);
    manifest_free(&c.m);
}

/* A long block is split into subprograms called in turn, each given the
 * program's stack pointer; a short one stays one function. */
static void long_blocks_become_subprograms(void **state) {
    static char text[16384];
    size_t n = (size_t)snprintf(text, sizeof(text), "BEGIN { $x = 0; ");
    for (int i = 0; i < 200 && n < sizeof(text) - 64; i++)
        n += (size_t)snprintf(text + n, sizeof(text) - n, "$x += %d; @a = $x; ", i);
    snprintf(text + n, sizeof(text) - n, "exit(); }");
    struct compiled c;
    compile(text, &c);
    assert_int_equal(c.rc, 0);
    const char *const *call = SEQ("r1 = r10", "call pc+*", "if r0 != 0 goto pc+*");
    assert_true(has_sequence(&c.m.progs[0], call));
    assert_true(count_matches(&c.m.progs[0], "call pc+*") > 1);
    /* each part reaches the frame through r7 and ends with r0 = 0 or 1 (stop) */
    assert_true(has_sequence(&c.m.progs[0], SEQ("exit", "r7 = r1")));
    assert_int_equal(count_matches(&c.m.progs[0], "r7 = r1"),
                     count_matches(&c.m.progs[0], "call pc+*"));
    manifest_free(&c.m);
    compile("BEGIN { $x = 1; @a = $x; exit(); }", &c);
    assert_int_equal(c.rc, 0);
    assert_int_equal(count_matches(&c.m.progs[0], "call pc+*"), 0);
    manifest_free(&c.m);
}

/* min/max compute their value after the lookup, as bpftrace does: a clock
 * read before it cost more per event. */
static void extremes_read_the_value_after_the_lookup(void **state) {
    static const char *const progs[] = {"BEGIN { @m[1] = max(nsecs); }",
                                        "BEGIN { @m[1] = min(nsecs); }"};
    const char *const *order = SEQ("call 195", "r6 = r0", "call 125", "r7 = r0",
                                   "if r6 == 0 goto pc+*", "r1 = *(u64 *)(r6 +8)");
    for (int i = 0; i < 2; i++) {
        struct compiled c;
        compile(progs[i], &c);
        assert_int_equal(c.rc, 0);
        assert_true(has_sequence(&c.m.progs[0], order));
        manifest_free(&c.m);
    }
}

static void full_map_check_only_where_a_map_can_fill(void **state) {
    struct compiled c;
    /* LRU maps evict, a scalar's one key fits, --no-warnings asks for none */
    compile("let @l = lruhash(2); BEGIN { @l[1] = 2; @s = 3; @c = count(); }", &c);
    assert_int_equal(c.rc, 0);
    assert_int_equal(count_matches(&c.m.progs[0], "r2 = atomic_xchg(*"), 0);
    manifest_free(&c.m);
    compile_opts("BEGIN { @m[1] = 2; }", 64, &(struct cg_opts){.no_warnings = true}, &c);
    assert_int_equal(c.rc, 0);
    assert_int_equal(count_matches(&c.m.progs[0], "r2 = atomic_xchg(*"), 0);
    assert_int_equal(c.m.nevents, 0);
    manifest_free(&c.m);
}

static void big_frames_move_to_scratch(void **state) {
    struct compiled c;
    compile("BEGIN { printf(\"%s%s%s%s%s%s%s%s%s\", str(nsecs), str(nsecs), str(nsecs), "
            "str(nsecs), str(nsecs), "
            "str(nsecs), str(nsecs), str(nsecs), str(nsecs)); }",
            &c);
    assert_int_equal(c.rc, 0);
    /* the frame is a per-CPU array value, addressed through r9 */
    assert_true(has_sequence(&c.m.progs[0],
                             SEQ("*(u32 *)(r10 -4) = 0", "r1 = map\\[*\\]", "r2 = r10", "r2 += -4",
                                 "call 1", "if r0 == 0 goto pc+*", "r9 = r0", "r9 += *")));
    /* the only stack access left is the lookup's key (no context is used) */
    assert_int_equal(count_matches(&c.m.progs[0], "*(r10 -*"), 1);
    assert_int_equal(c.m.nevents, 1);
    manifest_free(&c.m);
}

static void small_frames_stay_on_the_stack(void **state) {
    struct compiled c;
    compile("BEGIN { printf(\"%s\", str(nsecs)); }", &c);
    assert_int_equal(c.rc, 0);
    assert_int_equal(count_matches(&c.m.progs[0], "r9 = r0"), 0);
    assert_true(has_sequence(&c.m.progs[0], SEQ("r1 = r10", "r1 += *", "call 45")));
    manifest_free(&c.m);
}

static void frames_beyond_per_cpu_values_use_a_cpu_indexed_array(void **state) {
    struct compiled c;
    compile_strlen(
        "BEGIN { printf(\"%s%s%s%s\", str(nsecs), str(nsecs), str(nsecs), str(nsecs)); }", 10000,
        &c);
    assert_int_equal(c.rc, 0);
    /* the entry is the CPU's, and r9 points 32 KB before the frame's end */
    assert_true(has_sequence(&c.m.progs[0], SEQ("call 8", "*(u32 *)(r10 -4) = r0",
                                                "r1 = map\\[*\\]", "r2 = r10", "r2 += -4", "call 1",
                                                "if r0 == 0 goto pc+*", "r9 = r0", "r9 += 7*")));
    const struct map_desc *md = NULL;
    for (int i = 0; i < c.m.nmaps; i++)
        if (strcmp(c.m.maps[i].name, ".scratch_big0") == 0)
            md = &c.m.maps[i];
    assert_non_null(md);
    assert_int_equal(md->bpf_type, BPF_MAP_TYPE_ARRAY);
    assert_int_equal(md->max_entries, 0); /* one per possible CPU, at load */
    assert_true(md->value_size > 40000);
    manifest_free(&c.m);
}

static void frames_beyond_scratch_are_an_error(void **state) {
    struct compiled c;
    compile_strlen("BEGIN { printf(\"%s%s%s%s%s%s%s\", str(nsecs), str(nsecs), str(nsecs), "
                   "str(nsecs), str(nsecs), "
                   "str(nsecs), str(nsecs)); }",
                   10000, &c);
    assert_int_not_equal(c.rc, 0);
    assert_non_null(strstr(c.errors, "bytes of scratch memory"));
    assert_non_null(strstr(c.errors, "stdin:1:"));
    manifest_free(&c.m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scalar_count_increments_in_place),
        cmocka_unit_test(constants_are_folded),
        cmocka_unit_test(comm_compares_four_bytes_at_once),
        cmocka_unit_test(comm_key_is_zeroed_before_the_helper),
        cmocka_unit_test(signed_division_avoids_isa_v4),
        cmocka_unit_test(pid_is_the_upper_half),
        cmocka_unit_test(narrow_signed_field_is_loaded_and_extended),
        cmocka_unit_test(printf_sends_one_record),
        cmocka_unit_test(exit_leaves_the_probe),
        cmocka_unit_test(constant_conditions_leave_no_dead_code),
        cmocka_unit_test(reading_a_count_sums_the_cpus),
        cmocka_unit_test(for_map_calls_back),
        cmocka_unit_test(hist_computes_log2_bucket),
        cmocka_unit_test(hist_buckets_bound_the_array),
        cmocka_unit_test(tuple_key_count_is_short),
        cmocka_unit_test(full_map_warns_once_per_site),
        cmocka_unit_test(full_map_subprogram_takes_stack),
        cmocka_unit_test(full_map_check_only_where_a_map_can_fill),
        cmocka_unit_test(long_blocks_become_subprograms),
        cmocka_unit_test(extremes_read_the_value_after_the_lookup),
        cmocka_unit_test(big_frames_move_to_scratch),
        cmocka_unit_test(small_frames_stay_on_the_stack),
        cmocka_unit_test(frames_beyond_per_cpu_values_use_a_cpu_indexed_array),
        cmocka_unit_test(frames_beyond_scratch_are_an_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
