/* bench:NAME and test:NAME: blocks run by trawk itself through
 * BPF_PROG_TEST_RUN in --mode bench / --mode test, ignored otherwise. They
 * are XDP programs, as in bpftrace: that program type can be run repeatedly
 * by the kernel and timed. */
#include <stdio.h>
#include <string.h>

#include "providers/provider_impl.h"

static int expand_named(const struct provider *p, const char *spec, const struct loc *loc,
                        struct diag *d, struct attach_target **targets, int *ntargets) {
    if (!*spec) {
        diag_error(d, loc, E_UNKNOWN_PROBE, "%s probes must have a name", p->name);
        return -1;
    }
    return provider_add_target(targets, ntargets, p->kind, p->name, spec) ? 1 : -1;
}

/* bpftrace lists these under the probe type's internal name, "benchmark". */
static void list_bench_target(const struct attach_target *t, FILE *out) {
    const char *colon = strchr(t->name, ':');
    fprintf(out, "benchmark:%s:\n", colon ? colon + 1 : t->name);
}

static int expand_bench(const char *spec, const struct loc *loc, struct diag *d,
                        struct attach_target **targets, int *ntargets) {
    return expand_named(&provider_bench, spec, loc, d, targets, ntargets);
}

static int expand_test(const char *spec, const struct loc *loc, struct diag *d,
                       struct attach_target **targets, int *ntargets) {
    return expand_named(&provider_test, spec, loc, d, targets, ntargets);
}

const struct provider provider_bench = {
    .name = "bench",
    .aliases = {NULL},
    .kind = PK_BENCH,
    .prog_type = BPF_PROG_TYPE_XDP,
    .expand = expand_bench,
    .list_target = list_bench_target,
};

const struct provider provider_test = {
    .name = "test",
    .aliases = {NULL},
    .kind = PK_TEST,
    .prog_type = BPF_PROG_TYPE_XDP,
    .expand = expand_test,
};
