/* The runtime against the real kernel: hand-built manifests loaded,
 * attached, fired and torn down. Needs root and BPF; each test skips with
 * the reason when the machine lacks what it exercises. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "attach/attach.h"
#include "codegen/insn.h"
#include "rt_internal.h"
#include "runtime.h"
#include "sys/tracefs.h"
#include "test_kernel.h"

/* ---- helpers ---- */

static void require_tracefs(void) {
    char err[256];

    if (!tracefs_dir(err, sizeof(err))) {
        print_message("skipped: %s\n", err);
        skip();
    }
}

/* One array map of n u64 values plus one program with one target. */
struct fixture {
    struct manifest m;
    struct map_desc maps[2];
    struct prog_desc prog;
    struct attach_target target;
    struct rt_state st; /* what the runtime opens for m */
    struct diag d;
    char *diag_text;
    size_t diag_len;
    int fds_before;
};

static void fixture_init(struct fixture *f, enum probe_kind kind, enum bpf_prog_type type,
                         const char *name, struct target_spec spec, const struct bpf_insn *insns,
                         int ninsns) {
    memset(f, 0, sizeof(*f));
    f->fds_before = count_fds();
    f->maps[0] = (struct map_desc){.name = "@values",
                                   .bpf_type = BPF_MAP_TYPE_ARRAY,
                                   .key_size = 4,
                                   .value_size = 8,
                                   .max_entries = 4};
    f->target =
        (struct attach_target){.kind = kind, .spec = spec, .name = (char *)name, .cookie = 0x1234};
    f->prog = (struct prog_desc){.name = "test",
                                 .kind = kind,
                                 .attrs = {.prog_type = type},
                                 .insns = (struct bpf_insn *)insns,
                                 .ninsns = ninsns,
                                 .targets = &f->target,
                                 .ntargets = 1};
    f->m = (struct manifest){.maps = f->maps,
                             .nmaps = 1,
                             .progs = &f->prog,
                             .nprogs = 1,
                             .ringbuf_map = -1,
                             .print_maps_on_exit = true,
                             .lost_map = -1};
    diag_init(&f->d, "stdin", "BEGIN {\n  $x = 1\n}\n",
              open_memstream(&f->diag_text, &f->diag_len));
    assert_int_equal(rt_state_init(&f->st, &f->m), 0);
}

static void fixture_load(struct fixture *f) {
    assert_int_equal(rt_load_maps(&f->m, &f->d), 0);
    assert_int_equal(rt_load_progs(&f->st, false, &f->d), 0);
}

/* Unloads, checks that nothing stayed open, frees the diag buffer. */
static void fixture_done(struct fixture *f) {
    rt_detach_all(&f->st);
    rt_unload(&f->st);
    rt_state_free(&f->st);
    fclose(f->d.out);
    free(f->diag_text);
    assert_int_equal(count_fds(), f->fds_before);
}

static uint64_t map_value(const struct fixture *f, uint32_t key) {
    uint64_t v = 0;

    assert_int_equal(bpf_map_lookup_elem(f->maps[0].fd, &key, &v), 0);
    return v;
}

/* r0 = lookup(map 0, key), skipping the next instruction when NULL. */
#define LOOKUP_SLOT(key)                                                                           \
    ST_MEM(BPF_W, BPF_REG_10, -4, key), MOV64_REG(BPF_REG_2, BPF_REG_10),                          \
        ALU64_IMM(BPF_ADD, BPF_REG_2, -4), LD_MAP_IDX_LO(BPF_REG_1, 0), LD_IMM64_HI(0),            \
        CALL_HELPER(BPF_FUNC_map_lookup_elem), JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 1)

/* values[0] += 1; values[1] = bpf_get_attach_cookie(ctx) */
static const struct bpf_insn count_and_cookie[] = {
    MOV64_REG(BPF_REG_6, BPF_REG_1),
    CALL_HELPER(BPF_FUNC_get_attach_cookie),
    MOV64_REG(BPF_REG_7, BPF_REG_0),
    LOOKUP_SLOT(1),
    STX_MEM(BPF_DW, BPF_REG_0, BPF_REG_7, 0),
    MOV64_IMM(BPF_REG_7, 1),
    LOOKUP_SLOT(0),
    ATOMIC_ADD64(BPF_REG_0, BPF_REG_7, 0),
    MOV64_IMM(BPF_REG_0, 0),
    EXIT_INSN(),
};

/* values[0] += 1 */
static const struct bpf_insn count_only[] = {
    MOV64_IMM(BPF_REG_7, 1), LOOKUP_SLOT(0), ATOMIC_ADD64(BPF_REG_0, BPF_REG_7, 0),
    MOV64_IMM(BPF_REG_0, 0), EXIT_INSN(),
};

/* ---- tests ---- */

static void begin_runs_once(void **state) {
    struct fixture f;

    require_bpf();
    fixture_init(&f, PK_BEGIN, BPF_PROG_TYPE_RAW_TRACEPOINT, "BEGIN", (struct target_spec){0},
                 count_only, sizeof(count_only) / sizeof(count_only[0]));
    fixture_load(&f);
    assert_int_equal(rt_attach_ops(PK_BEGIN)->phase, RT_PHASE_BEFORE);
    assert_int_equal(rt_attach_ops(PK_BEGIN)->fire(&f.st.targets[0], &f.d), 0);
    assert_int_equal(map_value(&f, 0), 1);
    fixture_done(&f);
}

static void tracepoint_counts_with_cookie(void **state) {
    struct fixture f;
    uint64_t count;

    require_bpf();
    require_tracefs();
    fixture_init(&f, PK_TRACEPOINT, BPF_PROG_TYPE_TRACEPOINT,
                 "tracepoint:syscalls:sys_enter_getppid",
                 (struct target_spec){.category = "syscalls", .event = "sys_enter_getppid"},
                 count_and_cookie, sizeof(count_and_cookie) / sizeof(count_and_cookie[0]));
    fixture_load(&f);
    assert_int_equal(rt_attach_ops(PK_TRACEPOINT)->attach(&f.st.targets[0], &f.d), 0);
    for (int i = 0; i < 5; i++)
        syscall(SYS_getppid);
    rt_detach_target(&f.st.targets[0]);
    count = map_value(&f, 0);
    assert_true(count >= 5);
    assert_int_equal(map_value(&f, 1), 0x1234);
    /* Detached: the count stays put. */
    syscall(SYS_getppid);
    assert_int_equal(map_value(&f, 0), count);
    fixture_done(&f);
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

static void interval_fires(void **state) {
    struct fixture f;

    require_bpf();
    fixture_init(&f, PK_INTERVAL, BPF_PROG_TYPE_PERF_EVENT, "interval:ms:10",
                 (struct target_spec){.period_ns = 10000000}, count_only,
                 sizeof(count_only) / sizeof(count_only[0]));
    fixture_load(&f);
    assert_int_equal(rt_attach_ops(PK_INTERVAL)->attach(&f.st.targets[0], &f.d), 0);
    assert_int_equal(f.st.targets[0].nperf_fds, 1); /* one perf event */
    assert_int_equal(f.st.targets[0].nlink_fds, 1); /* and one link */
    sleep_ms(200);
    rt_detach_target(&f.st.targets[0]);
    assert_true(map_value(&f, 0) >= 1);
    fixture_done(&f);
}

static void profile_on_every_cpu(void **state) {
    struct fixture f;

    require_bpf();
    fixture_init(&f, PK_PROFILE, BPF_PROG_TYPE_PERF_EVENT, "profile:hz:997",
                 (struct target_spec){.freq_hz = 997, .every_cpu = true}, count_only,
                 sizeof(count_only) / sizeof(count_only[0]));
    fixture_load(&f);
    assert_int_equal(rt_attach_ops(PK_PROFILE)->attach(&f.st.targets[0], &f.d), 0);
    assert_int_equal(f.st.targets[0].nperf_fds, sysconf(_SC_NPROCESSORS_ONLN));
    assert_int_equal(f.st.targets[0].nlink_fds, sysconf(_SC_NPROCESSORS_ONLN));
    sleep_ms(100);
    rt_detach_target(&f.st.targets[0]);
    assert_true(map_value(&f, 0) >= 1);
    fixture_done(&f);
}

static void bad_rate_is_reported(void **state) {
    struct fixture f;

    require_bpf();
    fixture_init(&f, PK_INTERVAL, BPF_PROG_TYPE_PERF_EVENT, "interval:none",
                 (struct target_spec){0}, count_only, sizeof(count_only) / sizeof(count_only[0]));
    fixture_load(&f);
    assert_int_equal(rt_attach_ops(PK_INTERVAL)->attach(&f.st.targets[0], &f.d), -1);
    assert_int_equal(f.d.nerrors, 1);
    assert_int_equal(f.st.targets[0].nperf_fds, 0);
    fixture_done(&f);
}

/* r0 = r2 reads a register nobody wrote: the verifier must refuse it, and
 * the error must point at the script line of that instruction. */
static void uninitialised_register_is_rejected(void **state) {
    static const struct bpf_insn bad[] = {MOV64_REG(BPF_REG_0, BPF_REG_2), EXIT_INSN()};
    static struct loc locs[] = {{2, 1, 2, 5}, {3, 1, 3, 5}};
    struct fixture f;

    require_bpf();
    fixture_init(&f, PK_BEGIN, BPF_PROG_TYPE_RAW_TRACEPOINT, "BEGIN", (struct target_spec){0}, bad,
                 2);
    f.prog.insn_loc = locs;
    assert_int_equal(rt_load_maps(&f.m, &f.d), 0);
    assert_int_equal(rt_load_progs(&f.st, false, &f.d), -1);
    assert_int_equal(f.st.progs[0].fd, -1);
    assert_int_equal(f.d.nerrors, 1);
    assert_int_equal(f.d.last_code, E_LIMIT);
    fflush(f.d.out);
    assert_non_null(strstr(f.diag_text, "stdin:2:"));
    assert_non_null(strstr(f.diag_text, "R2 !read_ok"));
    fixture_done(&f);
}

/* A helper the program type may not call (bpf_d_path is for tracing
 * programs): bpftrace's message at the call, not the verifier's log. */
static void refused_helper_is_named(void **state) {
    static const struct bpf_insn prog[] = {
        MOV64_IMM(BPF_REG_1, 0),           MOV64_REG(BPF_REG_2, BPF_REG_10),
        ALU64_IMM(BPF_ADD, BPF_REG_2, -8), MOV64_IMM(BPF_REG_3, 8),
        CALL_HELPER(BPF_FUNC_d_path),      EXIT_INSN()};
    static struct loc locs[] = {{1, 1, 1, 5}, {1, 1, 1, 5}, {1, 1, 1, 5},
                                {1, 1, 1, 5}, {2, 3, 2, 8}, {3, 1, 3, 2}};
    struct fixture f;

    require_bpf();
    fixture_init(&f, PK_BEGIN, BPF_PROG_TYPE_RAW_TRACEPOINT, "BEGIN", (struct target_spec){0}, prog,
                 6);
    f.prog.insn_loc = locs;
    assert_int_equal(rt_load_maps(&f.m, &f.d), 0);
    assert_int_equal(rt_load_progs(&f.st, false, &f.d), -1);
    assert_int_equal(f.d.nerrors, 1);
    fflush(f.d.out);
    assert_non_null(
        strstr(f.diag_text, "stdin:2:3-8: ERROR: helper bpf_d_path not allowed in probe"));
    assert_null(strstr(f.diag_text, "verifier log"));
    fixture_done(&f);
}

/* The parser alone, on both of the kernel's wordings. */
static void refused_helper_log(void **state) {
    char name[32];
    (void)state;
    assert_true(rt_log_refused_helper("0: (b7) r1 = 0\n1: (85) call bpf_d_path#147\n"
                                      "helper call is not allowed in probe\n",
                                      name, sizeof(name)));
    assert_string_equal(name, "bpf_d_path");
    assert_true(rt_log_refused_helper("3: (85) call bpf_skb_output#111\nprogram of this type "
                                      "cannot use helper bpf_skb_output#111\n",
                                      name, sizeof(name)));
    assert_string_equal(name, "bpf_skb_output");
    assert_false(
        rt_log_refused_helper("1: (85) call bpf_d_path#147\nR1 type=scalar\n", name, sizeof(name)));
    assert_false(
        rt_log_refused_helper("helper call is not allowed in probe\n", name, sizeof(name)));
}

static void bad_map_index_is_rejected(void **state) {
    static const struct bpf_insn bad[] = {LD_MAP_IDX_LO(BPF_REG_1, 7), LD_IMM64_HI(0),
                                          MOV64_IMM(BPF_REG_0, 0), EXIT_INSN()};
    struct fixture f;

    require_bpf();
    fixture_init(&f, PK_BEGIN, BPF_PROG_TYPE_RAW_TRACEPOINT, "BEGIN", (struct target_spec){0}, bad,
                 4);
    assert_int_equal(rt_load_maps(&f.m, &f.d), 0);
    assert_int_equal(rt_load_progs(&f.st, false, &f.d), -1);
    assert_int_equal(f.d.nerrors, 1);
    fixture_done(&f);
}

/* BEGIN { exit(3) } through rt_run: the record travels the ring buffer,
 * the run ends by itself and returns exit()'s code. */
static void run_begin_exit(void **state) {
    static const struct bpf_insn prog[] = {
        ST_MEM(BPF_W, BPF_REG_10, -16, 0), /* event_id 0 */
        ST_MEM(BPF_W, BPF_REG_10, -12, 0),
        ST_MEM(BPF_DW, BPF_REG_10, -8, 3), /* exit code */
        LD_MAP_IDX_LO(BPF_REG_1, 0),
        LD_IMM64_HI(0),
        MOV64_REG(BPF_REG_2, BPF_REG_10),
        ALU64_IMM(BPF_ADD, BPF_REG_2, -16),
        MOV64_IMM(BPF_REG_3, 16),
        MOV64_IMM(BPF_REG_4, 0),
        CALL_HELPER(BPF_FUNC_ringbuf_output),
        MOV64_IMM(BPF_REG_0, 0),
        EXIT_INSN(),
    };
    struct event_arg arg = {.ty = &(struct type){.kind = T_INT, .size = 8, .is_signed = true},
                            .offset = 8};
    struct event_desc exit_ev = {.kind = EV_EXIT, .nargs = 1, .args = &arg, .size = 16};
    struct rt_opts opts = {.quiet = true};
    char *text = NULL;
    size_t len = 0;
    struct fixture f;

    require_bpf();
    fixture_init(&f, PK_BEGIN, BPF_PROG_TYPE_RAW_TRACEPOINT, "BEGIN", (struct target_spec){0}, prog,
                 sizeof(prog) / sizeof(prog[0]));
    f.maps[0] = (struct map_desc){
        .name = ".events", .bpf_type = BPF_MAP_TYPE_RINGBUF, .max_entries = 64 * 1024};
    f.m.ringbuf_map = 0;
    f.m.events = &exit_ev;
    f.m.nevents = 1;
    opts.out = open_memstream(&text, &len);
    assert_int_equal(rt_run(&f.m, &opts, &f.d), 3);
    fclose(opts.out);
    assert_string_equal(text, "\n\n");
    free(text);
    assert_int_equal(f.maps[0].fd, -1); /* rt_run closed what it opened */
    fixture_done(&f);
}

/* Runs rt_events_check_lost with stderr captured into buf. */
static void check_lost_captured(struct rt_events *ev, char *buf, size_t size) {
    FILE *tmp = tmpfile();
    int saved = dup(2);
    size_t n;

    fflush(stderr);
    dup2(fileno(tmp), 2);
    rt_events_check_lost(ev);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    rewind(tmp);
    n = fread(buf, 1, size - 1, tmp);
    buf[n] = '\0';
    fclose(tmp);
}

static void lost_events_are_reported_once(void **state) {
    uint64_t val = 0;
    struct rt_events *ev;
    struct fixture f;
    uint32_t key = 0;
    char buf[256];

    require_bpf();
    fixture_init(&f, PK_BEGIN, BPF_PROG_TYPE_RAW_TRACEPOINT, "BEGIN", (struct target_spec){0},
                 count_only, sizeof(count_only) / sizeof(count_only[0]));
    f.maps[0] =
        (struct map_desc){.name = ".events", .bpf_type = BPF_MAP_TYPE_RINGBUF, .max_entries = 4096};
    f.maps[1] = (struct map_desc){.name = ".lost",
                                  .bpf_type = BPF_MAP_TYPE_ARRAY,
                                  .key_size = 4,
                                  .value_size = 8,
                                  .max_entries = 1};
    f.m.nmaps = 2;
    f.m.nprogs = 0;
    f.m.ringbuf_map = 0;
    f.m.lost_map = 1;
    rt_state_free(&f.st);
    assert_int_equal(rt_state_init(&f.st, &f.m), 0);
    assert_int_equal(rt_load_maps(&f.m, &f.d), 0);
    struct out_sink o = out_sink_make(stdout, OUT_FORMAT_TEXT, false);
    assert_int_equal(rt_events_open(&f.m, &o, 0, &ev, &f.d), 0);
    val = 5;
    assert_int_equal(bpf_map_update_elem(f.maps[1].fd, &key, &val, 0), 0);
    check_lost_captured(ev, buf, sizeof(buf));
    assert_string_equal(buf, "Lost 5 events\n");
    check_lost_captured(ev, buf, sizeof(buf));
    assert_string_equal(buf, "");
    val += 2;
    assert_int_equal(bpf_map_update_elem(f.maps[1].fd, &key, &val, 0), 0);
    check_lost_captured(ev, buf, sizeof(buf));
    assert_string_equal(buf, "Lost 2 events\n");
    assert_int_equal(rt_events_lost_total(ev), 7);
    rt_events_close(ev);
    fixture_done(&f);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(begin_runs_once),
        cmocka_unit_test(tracepoint_counts_with_cookie),
        cmocka_unit_test(interval_fires),
        cmocka_unit_test(profile_on_every_cpu),
        cmocka_unit_test(bad_rate_is_reported),
        cmocka_unit_test(uninitialised_register_is_rejected),
        cmocka_unit_test(bad_map_index_is_rejected),
        cmocka_unit_test(refused_helper_is_named),
        cmocka_unit_test(refused_helper_log),
        cmocka_unit_test(run_begin_exit),
        cmocka_unit_test(lost_events_are_reported_once),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
