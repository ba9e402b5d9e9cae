/* rt_run end to end: BEGIN, a tracepoint and END sending records through
 * the ring buffer, ended by a signal or by exit(). Needs root, BPF and
 * tracefs; skips with the reason otherwise. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <bpf/bpf.h>
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "codegen/insn.h"
#include "runtime.h"
#include "sys/tracefs.h"
#include "test_kernel.h"

static void require_kernel(void) {
    require_bpf();
    if (!have_tracefs())
        skip();
}

/* ringbuf_output(&.events, &(struct {u32 id, pad; u64 val}){id, 0, val}, 16, 0) */
#define EMIT(id, val)                                                                              \
    ST_MEM(BPF_W, BPF_REG_10, -16, id), ST_MEM(BPF_W, BPF_REG_10, -12, 0),                         \
        ST_MEM(BPF_DW, BPF_REG_10, -8, val), LD_MAP_IDX_LO(BPF_REG_1, 0), LD_IMM64_HI(0),          \
        MOV64_REG(BPF_REG_2, BPF_REG_10), ALU64_IMM(BPF_ADD, BPF_REG_2, -16),                      \
        MOV64_IMM(BPF_REG_3, 16), MOV64_IMM(BPF_REG_4, 0), CALL_HELPER(BPF_FUNC_ringbuf_output)
#define RETURN_0 MOV64_IMM(BPF_REG_0, 0), EXIT_INSN()

enum { EV_BEGIN_TEXT, EV_HIT_TEXT, EV_END_TEXT, EV_EXIT_5 };

static const struct bpf_insn begin_insns[] = {EMIT(EV_BEGIN_TEXT, 0), RETURN_0};
static const struct bpf_insn hit_insns[] = {EMIT(EV_HIT_TEXT, 0), RETURN_0};
static const struct bpf_insn exit_insns[] = {EMIT(EV_EXIT_5, 5), EMIT(EV_HIT_TEXT, 0), RETURN_0};
static const struct bpf_insn end_insns[] = {EMIT(EV_END_TEXT, 0), RETURN_0};
#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

struct script {
    struct manifest m;
    struct map_desc maps[2];
    struct event_desc events[4];
    struct event_arg exit_arg;
    struct prog_desc progs[3];
    struct attach_target targets[3];
};

static void add_prog(struct script *s, enum probe_kind kind, enum bpf_prog_type type,
                     const char *name, struct target_spec spec, const struct bpf_insn *insns,
                     int ninsns) {
    int i = s->m.nprogs++;

    s->targets[i] =
        (struct attach_target){.kind = kind, .spec = spec, .name = (char *)name, .cookie = i};
    s->progs[i] = (struct prog_desc){.name = (char *)name,
                                     .kind = kind,
                                     .attrs = {.prog_type = type},
                                     .insns = (struct bpf_insn *)insns,
                                     .ninsns = ninsns,
                                     .targets = &s->targets[i],
                                     .ntargets = 1};
}

/* BEGIN { printf("begin\n") } tracepoint:syscalls:sys_enter_getppid { ... } END { printf("end\n") }
 */
static void script_init(struct script *s, const struct bpf_insn *tp, int ntp) {
    static const struct type s64 = {.kind = T_INT, .size = 8, .is_signed = true};

    memset(s, 0, sizeof(*s));
    s->maps[0] = (struct map_desc){
        .name = ".events", .bpf_type = BPF_MAP_TYPE_RINGBUF, .max_entries = 256 * 1024};
    s->maps[1] = (struct map_desc){.name = ".lost",
                                   .bpf_type = BPF_MAP_TYPE_ARRAY,
                                   .key_size = 4,
                                   .value_size = 8,
                                   .max_entries = 1};
    s->exit_arg = (struct event_arg){.ty = &s64, .offset = 8};
    s->events[EV_BEGIN_TEXT] = (struct event_desc){.kind = EV_PRINTF, .fmt = "begin\n", .size = 16};
    s->events[EV_HIT_TEXT] = (struct event_desc){.kind = EV_PRINTF, .fmt = "hit\n", .size = 16};
    s->events[EV_END_TEXT] = (struct event_desc){.kind = EV_PRINTF, .fmt = "end\n", .size = 16};
    s->events[EV_EXIT_5] =
        (struct event_desc){.kind = EV_EXIT, .nargs = 1, .args = &s->exit_arg, .size = 16};
    s->m = (struct manifest){.maps = s->maps,
                             .nmaps = 2,
                             .progs = s->progs,
                             .events = s->events,
                             .nevents = 4,
                             .ringbuf_map = 0,
                             .print_maps_on_exit = true,
                             .lost_map = 1};
    add_prog(s, PK_BEGIN, BPF_PROG_TYPE_RAW_TRACEPOINT, "begin", (struct target_spec){0},
             begin_insns, N(begin_insns));
    add_prog(s, PK_TRACEPOINT, BPF_PROG_TYPE_TRACEPOINT, "tracepoint:syscalls:sys_enter_getppid",
             (struct target_spec){.category = "syscalls", .event = "sys_enter_getppid"}, tp, ntp);
    add_prog(s, PK_END, BPF_PROG_TYPE_RAW_TRACEPOINT, "end", (struct target_spec){0}, end_insns,
             N(end_insns));
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

/* Triggers the tracepoint once attached, then, if asked, sends SIGINT. */
static void *trigger(void *arg) {
    sigset_t all;

    /* Leave the signal to the thread blocked in epoll_wait. */
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    sleep_ms(300);
    for (int i = 0; i < 3; i++)
        syscall(SYS_getppid);
    sleep_ms(300);
    if (arg)
        kill(getpid(), SIGINT);
    return NULL;
}

/* Runs s with a trigger thread; returns rt_run's code and the output. */
static int run_script(struct script *s, bool send_sigint, char **text) {
    struct rt_opts opts = {.quiet = true};
    struct diag d;
    pthread_t th;
    size_t len;
    int rc, fds = count_fds();

    diag_init(&d, "stdin", "", stderr);
    opts.out = open_memstream(text, &len);
    pthread_create(&th, NULL, trigger, send_sigint ? (void *)1 : NULL);
    rc = rt_run(&s->m, &opts, &d);
    pthread_join(th, NULL);
    fclose(opts.out);
    assert_int_equal(d.nerrors, 0);
    assert_int_equal(count_fds(), fds);
    return rc;
}

static void signal_ends_run(void **state) {
    struct script s;
    char *text = NULL;
    size_t n, hits = 0;

    require_kernel();
    script_init(&s, hit_insns, N(hit_insns));
    assert_int_equal(run_script(&s, true, &text), 0);
    /* Other processes may call getppid too: at least our three hits. */
    n = strlen(text);
    assert_true(strncmp(text, "begin\n", 6) == 0);
    for (const char *p = text; (p = strstr(p, "hit\n")); p++)
        hits++;
    assert_true(hits >= 3);
    assert_true(n >= 6 && strcmp(text + n - 6, "end\n\n\n") == 0);
    free(text);
}

static void exit_ends_run_and_drops_later_records(void **state) {
    struct script s;
    char *text = NULL;

    require_kernel();
    script_init(&s, exit_insns, N(exit_insns));
    assert_int_equal(run_script(&s, false, &text), 5);
    assert_string_equal(text, "begin\nend\n\n\n");
    free(text);
}

/* trawk ... | head: once nobody reads the output, tracing ends through the
 * normal exit, so everything is detached quickly; then the process dies of
 * SIGPIPE as bpftrace's does (faults.py closed_pipe), unless its caller
 * ignores SIGPIPE, as this test does to get rt_run's result. */
static void closed_output_ends_run(void **state) {
    struct script s;
    struct rt_opts opts = {.quiet = true};
    struct diag d;
    int pipefd[2], fds;

    require_kernel();
    script_init(&s, hit_insns, N(hit_insns));
    assert_int_equal(pipe(pipefd), 0);
    close(pipefd[0]);
    fds = count_fds();
    opts.out = fdopen(pipefd[1], "w");
    diag_init(&d, "stdin", "", stderr);
    signal(SIGPIPE, SIG_IGN);
    alarm(20); /* a hang fails the test instead of stalling the suite */
    assert_int_equal(rt_run(&s.m, &opts, &d), 0);
    alarm(0);
    fclose(opts.out);
    assert_int_equal(count_fds(), fds - 1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(signal_ends_run),
        cmocka_unit_test(exit_ends_run_and_drops_later_records),
        cmocka_unit_test(closed_output_ends_run),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
