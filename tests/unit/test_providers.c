/* Providers: lookup, attach point expansion, tracepoint args; trawk -l. */
/* cmocka.h needs these first. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_kernel.h"
/* clang-format on */

#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "list.h"
#include "providers/provider.h"
#include "test_expansion.h"
#include "types.h"

/* Expands text expecting one error with this code and message. */
static void expect_error(const char *text, enum diag_code code, const char *msg) {
    struct expansion *x = expand(text);
    assert_int_equal(x->rc, -1);
    assert_int_equal(x->d.nerrors, 1);
    assert_int_equal(x->d.last_code, code);
    if (!strstr(x->errbuf, msg))
        fail_msg("expected \"%s\" in \"%s\"", msg, x->errbuf);
    assert_int_equal(x->ntargets, 0);
    expansion_free(x);
}

/* Expands text expecting exactly one target of this kind and name; the
 * caller checks its spec and frees the expansion. */
static struct expansion *expect_one(const char *text, enum probe_kind kind, const char *name) {
    struct expansion *x = expand(text);
    if (x->rc != 1)
        fail_msg("%s: %s", text, x->errbuf);
    assert_int_equal(x->ntargets, 1);
    assert_int_equal(x->prov->kind, kind);
    assert_int_equal(x->targets[0].kind, kind);
    assert_string_equal(x->targets[0].name, name);
    return x;
}

/* A target whose spec has nothing set: begin/end. */
static void expect_bare(const char *text, enum probe_kind kind, const char *name) {
    static const struct target_spec empty;
    struct expansion *x = expect_one(text, kind, name);
    assert_memory_equal(&x->targets[0].spec, &empty, sizeof(empty));
    expansion_free(x);
}

/* interval/profile: the period or frequency the runtime will program. */
static void expect_rate(const char *text, enum probe_kind kind, const char *name,
                        uint64_t period_ns, uint64_t freq_hz) {
    struct expansion *x = expect_one(text, kind, name);
    const struct target_spec *s = &x->targets[0].spec;
    assert_int_equal(s->period_ns, period_ns);
    assert_int_equal(s->freq_hz, freq_hz);
    assert_int_equal(s->every_cpu, kind == PK_PROFILE);
    assert_null(s->category);
    assert_null(s->event);
    expansion_free(x);
}

static void expect_tracepoint(const char *text, const char *name, const char *category,
                              const char *event) {
    struct expansion *x = expect_one(text, PK_TRACEPOINT, name);
    assert_string_equal(x->targets[0].spec.category, category);
    assert_string_equal(x->targets[0].spec.event, event);
    assert_int_equal(x->targets[0].spec.period_ns, 0);
    expansion_free(x);
}

static void test_find(void **state) {
    (void)state;
    assert_int_equal(provider_find("BEGIN")->kind, PK_BEGIN);
    assert_int_equal(provider_find("begin")->kind, PK_BEGIN);
    assert_int_equal(provider_find("End")->kind, PK_END);
    assert_int_equal(provider_find("t")->kind, PK_TRACEPOINT);
    assert_int_equal(provider_find("TRACEPOINT")->kind, PK_TRACEPOINT);
    assert_int_equal(provider_find("i")->kind, PK_INTERVAL);
    assert_int_equal(provider_find("p")->kind, PK_PROFILE);
    assert_int_equal(provider_find("kprobe")->kind, PK_KPROBE);
    assert_int_equal(provider_find("kr")->kind, PK_KRETPROBE);
    assert_int_equal(provider_find("kfunc")->kind, PK_FENTRY);
    assert_int_equal(provider_find("kretfunc")->kind, PK_FEXIT);
    assert_int_equal(provider_find("rt")->kind, PK_RAWTRACEPOINT);
    assert_null(provider_find("kprob"));
    assert_null(provider_find(""));
    for (int k = 0; k < PK__COUNT; k++)
        assert_int_equal(provider_get(k)->kind, k);
    assert_null(provider_get(PK__COUNT));
    assert_non_null(provider_get(PK_TRACEPOINT)->args_type);
    assert_true(provider_get(PK_TRACEPOINT)->args_per_target);
    assert_null(provider_get(PK_BEGIN)->args_type);
    assert_null(provider_get(PK_BEGIN)->emit_argn);
}

static void test_begin_end(void **state) {
    (void)state;
    expect_bare("BEGIN", PK_BEGIN, "begin");
    expect_bare("begin", PK_BEGIN, "begin");
    expect_bare("END", PK_END, "end");
    expect_error("BEGIN:x", E_UNKNOWN_PROBE, "begin/end probes should not have a target");
}

static void test_interval_profile(void **state) {
    (void)state;
    expect_rate("interval:ms:100", PK_INTERVAL, "interval:ms:100", 100000000, 0);
    expect_rate("i:s:1", PK_INTERVAL, "interval:s:1", 1000000000, 0);
    expect_rate("interval:us:1_000", PK_INTERVAL, "interval:us:1000", 1000000, 0);
    expect_rate("interval:1000000", PK_INTERVAL, "interval:us:1000", 1000000, 0);
    expect_rate("interval:2ms", PK_INTERVAL, "interval:us:2000", 2000000, 0);
    expect_rate("interval:1500ns", PK_INTERVAL, "interval:us:1", 1000, 0); /* whole us */
    expect_rate("profile:hz:99", PK_PROFILE, "profile:hz:99", 0, 99);
    expect_rate("p:hz:0x10", PK_PROFILE, "profile:hz:16", 0, 16);
    expect_rate("profile:ms:5", PK_PROFILE, "profile:ms:5", 5000000, 0);
    expect_error("interval", E_UNKNOWN_PROBE, "interval probe must have unit of time");
    expect_error("interval:xs:1", E_UNKNOWN_PROBE, "xs is not an accepted unit of time");
    expect_error("interval:ms:0", E_UNKNOWN_PROBE,
                 "interval frequency should be a positive integer");
    expect_error("profile:hz:abc", E_UNKNOWN_PROBE,
                 "Invalid rate of profile probe: invalid integer: abc");
    expect_error("profile:hz:1:2", E_UNKNOWN_PROBE,
                 "profile probe type requires 1 or 2 arguments, found 3");
    expect_error("interval:500", E_UNKNOWN_PROBE,
                 "Invalid rate of interval probe. Minimum is 1000 or 1us. Found: 500 nanoseconds");
    expect_error("interval:abc", E_UNKNOWN_PROBE, "Invalid rate of interval probe");
}

static void test_unknown_and_unsupported(void **state) {
    (void)state;
    expect_error("foo:bar", E_UNKNOWN_PROBE, "Invalid probe type: foo");
    expect_error("usdt:/etc/passwd:p:n", E_UNKNOWN_PROBE,
                 "usdt target file '/etc/passwd' does not exist or is not executable");
    expect_error("usdt:/bin/sh", E_UNKNOWN_PROBE,
                 "usdt probe type requires 2 or 3 arguments, found 1");
    expect_error("usdt:/bin/sh:a:b:c", E_UNKNOWN_PROBE,
                 "usdt probe type requires 2 or 3 arguments, found 4");
}

/* ---- software, hardware, watchpoint, self, bench, test ---- */

static void test_perf_counters(void **state) {
    (void)state;
    struct expansion *x = expect_one("s:faults:1e2", PK_SOFTWARE, "software:faults:100");
    assert_int_equal(x->targets[0].spec.perf_type, PERF_TYPE_SOFTWARE);
    assert_int_equal(x->targets[0].spec.perf_config, PERF_COUNT_SW_PAGE_FAULTS);
    assert_int_equal(x->targets[0].spec.sample_period, 100);
    assert_true(x->targets[0].spec.every_cpu);
    expansion_free(x);
    /* no count (or 0): the event's default, and no count in the name */
    x = expect_one("software:cs", PK_SOFTWARE, "software:cs");
    assert_int_equal(x->targets[0].spec.perf_config, PERF_COUNT_SW_CONTEXT_SWITCHES);
    assert_int_equal(x->targets[0].spec.sample_period, 1000);
    expansion_free(x);
    x = expect_one("software:cpu-clock:1_000", PK_SOFTWARE, "software:cpu-clock:1000");
    assert_int_equal(x->targets[0].spec.sample_period, 1000);
    expansion_free(x);
    x = expect_one("hardware:cycles:0x10", PK_HARDWARE, "hardware:cycles:16");
    assert_int_equal(x->targets[0].spec.perf_type, PERF_TYPE_HARDWARE);
    assert_int_equal(x->targets[0].spec.perf_config, PERF_COUNT_HW_CPU_CYCLES);
    expansion_free(x);
    x = expect_one("h:branches", PK_HARDWARE, "hardware:branches");
    assert_int_equal(x->targets[0].spec.sample_period, 100000);
    expansion_free(x);
    expect_error("software:nope:1", E_UNKNOWN_PROBE, "nope is not a software probe");
    expect_error("software:faults:abc", E_UNKNOWN_PROBE,
                 "Invalid count for software probe: invalid integer: abc");
    expect_error("software:faults:1.5e3", E_UNKNOWN_PROBE,
                 "Invalid count for software probe: invalid trailing bytes: 1.5e3");
    expect_error("software:faults:1:2", E_UNKNOWN_PROBE,
                 "software probe type requires 1 or 2 arguments, found 3");
    expect_error("software:*", E_UNKNOWN_PROBE,
                 "wildcards are not allowed for software probe type");
    expect_error("hardware:nope", E_UNKNOWN_PROBE, "nope is not a hardware probe");
}

static void test_watchpoint(void **state) {
    (void)state;
    struct expansion *x = expect_one("w:4096:4:rw", PK_WATCHPOINT, "watchpoint:0x1000:4:rw");
    assert_int_equal(x->targets[0].spec.address, 0x1000);
    assert_int_equal(x->targets[0].spec.length, 4);
    assert_int_equal(x->targets[0].spec.perf_type, PERF_TYPE_BREAKPOINT);
    assert_int_equal(x->targets[0].spec.perf_config, HW_BREAKPOINT_R | HW_BREAKPOINT_W);
    expansion_free(x);
    /* an execute breakpoint covers an instruction: sizeof(long) */
    x = expect_one("watchpoint:0x10000000:1:x", PK_WATCHPOINT, "watchpoint:0x10000000:1:x");
    assert_int_equal(x->targets[0].spec.length, sizeof(long));
    expansion_free(x);
    expect_error("w:0x1000:8:q", E_UNKNOWN_PROBE, "watchpoint mode must be combination of (r,w,x)");
    expect_error("w:0x1000:8:ww", E_UNKNOWN_PROBE,
                 "watchpoint mode must be combination of (r,w,x)");
    expect_error("w:0x1000:3:w", E_UNKNOWN_PROBE, "watchpoint length must be one of (1,2,4,8)");
    expect_error("w:abc:8:w", E_UNKNOWN_PROBE,
                 "Invalid function/address argument: invalid integer: abc");
    expect_error("w:0x1000:8", E_UNKNOWN_PROBE,
                 "watchpoint probe type requires 3 arguments, found 2");
}

static void test_self_bench_test(void **state) {
    (void)state;
    expansion_free(expect_one("self:signal:SIGUSR1", PK_SELF, "self:signal:SIGUSR1"));
    expansion_free(expect_one("bench:lhist", PK_BENCH, "bench:lhist"));
    expansion_free(expect_one("test:okay", PK_TEST, "test:okay"));
    expect_error("self:signal:SIGUSR2", E_UNKNOWN_PROBE, "SIGUSR2 is not a supported signal");
    expect_error("self:foo:SIGUSR1", E_UNKNOWN_PROBE, "foo is not a supported trigger");
    expect_error("self:signal", E_UNKNOWN_PROBE, "self probe type requires 2 arguments, found 1");
    expect_error("bench:", E_UNKNOWN_PROBE, "bench probes must have a name");
    expect_error("test:", E_UNKNOWN_PROBE, "test probes must have a name");
}

/* ---- usdt: Debian's python3.11 has a python:audit probe ---- */

static void test_usdt(void **state) {
    (void)state;
    const char *py = "/usr/bin/python3.11";
    if (access(py, X_OK) != 0)
        skip();
    struct expansion *x = expect_one("usdt:/usr/bin/python3.11:python:audit", PK_USDT,
                                     "usdt:/usr/bin/python3.11:python:audit");
    const struct target_spec *s = &x->targets[0].spec;
    assert_string_equal(s->path, py);
    assert_string_equal(s->symbol, "python:audit");
    assert_string_equal(s->args, "8@%rbx 8@%r15");
    assert_int_not_equal(s->offset, 0);
    assert_int_not_equal(s->ref_ctr_offset, 0);
    expansion_free(x);
    /* "PATH:NAME" and "PATH::NAME": any provider */
    expansion_free(expect_one("usdt:/usr/bin/python3.11:audit", PK_USDT,
                              "usdt:/usr/bin/python3.11:python:audit"));
    expansion_free(expect_one("usdt:/usr/bin/python3.11::aud?t", PK_USDT,
                              "usdt:/usr/bin/python3.11:python:audit"));
    expect_error("usdt:/usr/bin/python3.11:python:nope", E_UNKNOWN_PROBE,
                 "No matches for usdt /usr/bin/python3.11:nope.");
}

/* ---- tracepoints: need tracefs ---- */

static void test_tracepoint_exact(void **state) {
    (void)state;
    if (!have_tracefs())
        skip();
    expect_tracepoint("tracepoint:syscalls:sys_enter_openat",
                      "tracepoint:syscalls:sys_enter_openat", "syscalls", "sys_enter_openat");
    expect_tracepoint("t:syscalls:sys_enter_openat", "tracepoint:syscalls:sys_enter_openat",
                      "syscalls", "sys_enter_openat");
    expect_error("tracepoint:nope:nope", E_UNKNOWN_PROBE, "No matches for tracepoint nope:nope.");
    expect_error("tracepoint:syscalls:nope*", E_UNKNOWN_PROBE,
                 "No matches for tracepoint syscalls:nope*.");
    expect_error("tracepoint:syscalls", E_UNKNOWN_PROBE,
                 "tracepoint probe type requires 2 arguments, found 1");
    expect_error("tracepoint", E_UNKNOWN_PROBE,
                 "tracepoint probe type requires 2 arguments, found 0");
    expect_error("tracepoint::x", E_UNKNOWN_PROBE, "tracepoint probe must have a target");
}

static void test_tracepoint_globs(void **state) {
    (void)state;
    if (!have_tracefs())
        skip();
    struct expansion *x = expand("tracepoint:syscalls:sys_enter_open*");
    assert_true(x->rc >= 3);
    assert_int_equal(x->rc, x->ntargets);
    assert_string_equal(x->targets[0].name, "tracepoint:syscalls:sys_enter_open");
    for (int i = 1; i < x->ntargets; i++)
        assert_true(strcmp(x->targets[i - 1].name, x->targets[i].name) < 0);
    expansion_free(x);

    /* A single globbed component searches every category. */
    x = expand("tracepoint:sys_enter_openat*");
    assert_true(x->rc >= 1);
    assert_string_equal(x->targets[0].spec.category, "syscalls");
    assert_string_equal(x->targets[0].spec.event, "sys_enter_openat");
    expansion_free(x);
}

/* A field of a tracepoint's args record, NULL when absent. */
static struct attach_target tp_target(const char *target, char *category, size_t size) {
    const char *colon = strchr(target, ':');
    snprintf(category, size, "%.*s", (int)(colon - target), target);
    return (struct attach_target){.kind = PK_TRACEPOINT,
                                  .spec = {.category = category, .event = (char *)colon + 1}};
}

static const struct type_field *arg(struct type_arena *a, const char *target, const char *name,
                                    uint32_t *off) {
    const struct provider *p = provider_get(PK_TRACEPOINT);
    char category[64];
    struct attach_target t = tp_target(target, category, sizeof(category));
    const struct type *rec = p->args_type(&t, NULL, a);
    return rec ? type_field_find(rec, name, off) : NULL;
}

static void test_tracepoint_args(void **state) {
    (void)state;
    if (!have_tracefs())
        skip();
    struct type_arena *a = type_arena_new();
    uint32_t off = 0;
    const struct type_field *f = arg(a, "syscalls:sys_enter_openat", "filename", &off);
    assert_non_null(f);
    assert_true(f->ty->is_ptr);
    assert_int_equal(f->ty->addr, AS_USER); /* syscall arguments are user pointers */
    assert_int_equal(off, 24);
    assert_int_equal(f->ty->size, 8);

    f = arg(a, "syscalls:sys_enter_openat", "dfd", &off);
    assert_ptr_equal(f->ty, &type_u64); /* without C types: size 8, "signed:0" */
    assert_null(arg(a, "syscalls:sys_enter_openat", "common_pid", &off));
    assert_null(arg(a, "syscalls:sys_enter_openat", "nope", &off));
    assert_null(arg(a, "nope:nope", "x", &off));

    f = arg(a, "sched:sched_switch", "prev_comm", &off);
    assert_int_equal(f->ty->kind, T_STRING);
    assert_int_equal(f->ty->size, 16);
    f = arg(a, "sched:sched_switch", "prev_pid", &off);
    assert_ptr_equal(f->ty, &type_s32); /* the field's own width, sign kept */

    f = arg(a, "sched:sched_process_exec", "filename", &off);
    assert_true(f->data_loc);
    assert_int_equal(f->ty->kind, T_STRING);

    f = arg(a, "raw_syscalls:sys_enter", "args", &off);
    assert_int_equal(f->ty->kind, T_ARRAY);
    assert_int_equal(f->ty->nelems, 6);
    assert_int_equal(f->ty->elem->size, 8);

    char category[64];
    struct attach_target t = tp_target("sched:sched_switch", category, sizeof(category));
    const struct type *rec = provider_get(PK_TRACEPOINT)->args_type(&t, NULL, a);
    assert_string_equal(rec->tag, "struct tracepoint:sched:sched_switch_args");
    type_arena_free(a);
}

/* ---- trawk -l ---- */

static char *list(const char *glob, int *rc) {
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    *rc = list_probes(glob, out);
    fclose(out);
    return buf;
}

/* Whether the lines of text are in strcmp order. */
static bool lines_sorted(const char *text) {
    size_t prev = 0, prev_len = 0;
    for (size_t i = 0; text[i];) {
        size_t len = strcspn(text + i, "\n");
        if (i > 0) {
            size_t n = prev_len < len ? prev_len : len;
            int c = strncmp(text + prev, text + i, n);
            if (c > 0 || (c == 0 && prev_len > len))
                return false;
        }
        prev = i, prev_len = len;
        i += len + (text[i + len] == '\n');
    }
    return true;
}

static void test_list(void **state) {
    (void)state;
    if (!have_tracefs())
        skip();
    int rc;
    char *s = list("tracepoint:syscalls:sys_enter_openat", &rc);
    assert_int_equal(rc, 0);
    assert_string_equal(s, "tracepoint:syscalls:sys_enter_openat\n");
    free(s);

    s = list("t:*sys_enter_openat", &rc);
    assert_string_equal(s, "tracepoint:syscalls:sys_enter_openat\n");
    free(s);

    s = list(NULL, &rc);
    assert_non_null(strstr(s, "\ntracepoint:syscalls:sys_enter_openat\n"));
    assert_null(strstr(s, "\ninterval:"));
    assert_null(strstr(s, "\nbegin"));
    /* one sorted set, as bpftrace's */
    assert_true(s[0] == 'h' || strstr(s, "\nhardware:backend-stalls:\n"));
    assert_non_null(strstr(s, "\nsoftware:cpu-clock:\nsoftware:cpu-migrations:\nsoftware:cpu:\n"));
    assert_true(lines_sorted(s));
    free(s);

    s = list("interval:*", &rc);
    assert_string_equal(s, "interval:hz:\ninterval:ms:\ninterval:s:\ninterval:us:\n");
    free(s);

    s = list("BEGIN", &rc);
    assert_string_equal(s, "");
    free(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_find),
        cmocka_unit_test(test_begin_end),
        cmocka_unit_test(test_interval_profile),
        cmocka_unit_test(test_unknown_and_unsupported),
        cmocka_unit_test(test_perf_counters),
        cmocka_unit_test(test_watchpoint),
        cmocka_unit_test(test_self_bench_test),
        cmocka_unit_test(test_usdt),
        cmocka_unit_test(test_tracepoint_exact),
        cmocka_unit_test(test_tracepoint_globs),
        cmocka_unit_test(test_tracepoint_args),
        cmocka_unit_test(test_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
