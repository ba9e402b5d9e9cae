/* bench: and test: blocks, run by trawk itself. A bench block runs
 * repeatedly inside the kernel (the test run's repeat count, raised until
 * the whole takes a millisecond) and the average time per run is printed;
 * a test block runs once and passes when it returns 0, calls no exit() and
 * the report shows only a failure's output. As in bpftrace, both are XDP
 * programs, whose test runs need a packet of at least an Ethernet header. */
#include <bpf/bpf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "attach/attach.h"
#include "output/sink.h"

#define ETH_HLEN 14
#define GREEN "\033[32m"
#define RED "\033[31m"
#define RESET "\033[0m"

const struct rt_attach_ops rt_attach_bench = {.phase = RT_PHASE_BENCH};
const struct rt_attach_ops rt_attach_test = {.phase = RT_PHASE_TEST};

/* One test run of repeat iterations; *ns gets the average time of one. */
static int test_run(struct rt_target *rt, uint32_t repeat, uint32_t *ns, uint32_t *retval,
                    struct diag *d) {
    char data[ETH_HLEN] = {0};
    LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = data, .data_size_in = sizeof(data),
                .repeat = repeat);
    if (bpf_prog_test_run_opts(rt->prog->fd, &opts) < 0) {
        diag_error(d, &rt->prog->desc->loc, E_IO, "Failed to run %s: %s", rt_target_name(rt),
                   strerror(errno));
        return -1;
    }
    *ns = opts.duration;
    *retval = opts.retval;
    return 0;
}

/* The probe's name without "bench:"/"test:". */
static const char *short_name(const struct rt_target *rt) {
    const char *colon = strchr(rt_target_name(rt), ':');
    return colon ? colon + 1 : rt_target_name(rt);
}

static int name_width(const struct rt_state *st, enum rt_phase phase) {
    int w = 40;
    for (int i = 0; i < st->ntargets; i++) {
        const struct rt_attach_ops *ops = rt_attach_ops(st->targets[i].t->kind);
        int len = (int)strlen(short_name(&st->targets[i]));
        if (ops && ops->phase == phase && len > w)
            w = len;
    }
    return w;
}

/* Raises the repeat count as bpftrace does until the runs take 1 ms. */
static int bench_one(struct rt_target *rt, struct rt_events *ev, FILE *out, int width, bool *header,
                     struct diag *d) {
    uint64_t iters = 1;
    uint32_t ns, retval;
    for (;;) {
        if (test_run(rt, (uint32_t)iters, &ns, &retval, d) < 0)
            return -1;
        rt_events_drain(ev);
        if (retval != 0) /* a block may skip itself by returning 1 */
            return 0;
        uint64_t total = (uint64_t)ns * iters;
        uint64_t grow = total < 1000      ? 1000
                        : total < 10000   ? 100
                        : total < 100000  ? 10
                        : total < 1000000 ? 2
                                          : 1;
        if (grow == 1 || iters * grow > UINT32_MAX)
            break;
        iters *= grow;
    }
    const struct out_sink *o = rt_events_swap_out(ev, NULL);
    rt_events_swap_out(ev, o);
    struct out_sink to_out = *o;
    to_out.f = out;
    o->ops->bench_result(&to_out, short_name(rt), ns, iters, width, !*header);
    *header = true;
    return 0;
}

/* What bpftrace 0.27 prints after a test: the unit of the duration and that
 * unit's size in nanoseconds (its duration_str gives the scale, which is
 * printed as the value): "(1000 us)", in micro sign, for any run of microseconds. */
static void print_duration(FILE *out, uint64_t ns) {
    if (ns >= 1000000000)
        fputs(" (1000000000 s)\n", out);
    else if (ns >= 1000000)
        fputs(" (1000000 ms)\n", out);
    else if (ns >= 1000)
        fputs(" (1000 \xce\xbcs)\n", out);
    else
        fputs(" (1 ns)\n", out);
}

/* Runs one test with its output captured; prints RUN and OK/FAILED. */
static int test_one(struct rt_target *rt, struct rt_events *ev, FILE *out, bool *passed,
                    struct diag *d) {
    char *text = NULL;
    size_t len = 0;
    FILE *capture = open_memstream(&text, &len);
    uint32_t ns, retval;
    int code = 0;
    if (!capture)
        return -1;
    /* the test's output goes to capture, in the run's format */
    const struct out_sink *old = rt_events_swap_out(ev, NULL);
    struct out_sink captured = *old;
    captured.f = capture;
    rt_events_swap_out(ev, &captured);
    int rc = test_run(rt, 1, &ns, &retval, d);
    rt_events_drain(ev);
    rt_events_swap_out(ev, old);
    fclose(capture);
    if (rc == 0) {
        *passed = retval == 0 && !(rt_events_exit_requested(ev, &code) && code != 0);
        fprintf(out, GREEN "[ RUN      ]" RESET " %s\n", short_name(rt));
        if (!*passed) {
            for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
                fprintf(out, "%s\n", line);
        }
        fprintf(out, *passed ? GREEN "[       OK ]" RESET " %s" : RED "[  FAILED  ]" RESET " %s",
                short_name(rt));
        print_duration(out, ns);
    }
    rt_events_clear_exit(ev);
    free(text);
    return rc;
}

static const char *plural(int n) {
    return n == 1 ? "test" : "tests";
}

static int run_tests(struct rt_state *st, struct rt_events *ev, FILE *out, struct diag *d) {
    int n = 0, npassed = 0, k = 0;
    for (int i = 0; i < st->ntargets; i++)
        n += st->targets[i].t->kind == PK_TEST;
    bool *passed = calloc((size_t)n + 1, sizeof(*passed));
    if (!passed)
        return -1;
    fprintf(out, GREEN "[==========]" RESET " Running %d tests.\n", n);
    for (int i = 0; i < st->ntargets; i++) {
        if (st->targets[i].t->kind != PK_TEST)
            continue;
        if (test_one(&st->targets[i], ev, out, &passed[k], d) < 0) {
            free(passed);
            return -1;
        }
        npassed += passed[k++];
    }
    fprintf(out, GREEN "[==========]" RESET " %d %s ran.\n", n, plural(n));
    fprintf(out, GREEN "[  PASSED  ]" RESET " %d %s.\n", npassed, plural(npassed));
    if (npassed < n) {
        fprintf(out, RED "[  FAILED  ]" RESET " %d %s, listed below:\n", n - npassed,
                plural(n - npassed));
        for (int i = 0, j = 0; i < st->ntargets; i++)
            if (st->targets[i].t->kind == PK_TEST && !passed[j++])
                fprintf(out, RED "[  FAILED  ]" RESET " %s\n", short_name(&st->targets[i]));
    }
    free(passed);
    return npassed < n ? 1 : 0;
}

int rt_bench_run(struct rt_state *st, enum rt_phase phase, struct rt_events *ev, FILE *out,
                 struct diag *d) {
    if (phase == RT_PHASE_TEST)
        return run_tests(st, ev, out, d);
    int width = name_width(st, phase);
    bool header = false;
    /* benchmarks print nothing of their own */
    rt_events_set_discard(ev, true);
    for (int i = 0; i < st->ntargets; i++)
        if (st->targets[i].t->kind == PK_BENCH &&
            bench_one(&st->targets[i], ev, out, width, &header, d) < 0)
            return -1;
    rt_events_set_discard(ev, false);
    return 0;
}
