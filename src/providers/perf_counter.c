/* software:EVENT[:COUNT] and hardware:EVENT[:COUNT]: a perf counter on
 * every online CPU whose program runs once every COUNT events. Event names,
 * aliases and default counts are bpftrace's (which has them from perf). */
#include <fnmatch.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "providers/provider_impl.h"

struct perf_counter {
    uint32_t type; /* PERF_TYPE_SOFTWARE or PERF_TYPE_HARDWARE */
    const char *name, *alias;
    uint64_t config, default_count;
};

#define SW PERF_TYPE_SOFTWARE
#define HW PERF_TYPE_HARDWARE
static const struct perf_counter events[] = {
    {SW, "alignment-faults", NULL, PERF_COUNT_SW_ALIGNMENT_FAULTS, 1},
    {SW, "bpf-output", NULL, PERF_COUNT_SW_BPF_OUTPUT, 1},
    {SW, "context-switches", "cs", PERF_COUNT_SW_CONTEXT_SWITCHES, 1000},
    {SW, "cpu-clock", "cpu", PERF_COUNT_SW_CPU_CLOCK, 1000000},
    {SW, "cpu-migrations", NULL, PERF_COUNT_SW_CPU_MIGRATIONS, 1},
    {SW, "dummy", NULL, PERF_COUNT_SW_DUMMY, 1},
    {SW, "emulation-faults", NULL, PERF_COUNT_SW_EMULATION_FAULTS, 1},
    {SW, "major-faults", NULL, PERF_COUNT_SW_PAGE_FAULTS_MAJ, 1},
    {SW, "minor-faults", NULL, PERF_COUNT_SW_PAGE_FAULTS_MIN, 100},
    {SW, "page-faults", "faults", PERF_COUNT_SW_PAGE_FAULTS, 100},
    {SW, "task-clock", NULL, PERF_COUNT_SW_TASK_CLOCK, 1},
    {HW, "backend-stalls", NULL, PERF_COUNT_HW_STALLED_CYCLES_BACKEND, 1000000},
    {HW, "branch-instructions", "branches", PERF_COUNT_HW_BRANCH_INSTRUCTIONS, 100000},
    {HW, "branch-misses", NULL, PERF_COUNT_HW_BRANCH_MISSES, 100000},
    {HW, "bus-cycles", NULL, PERF_COUNT_HW_BUS_CYCLES, 100000},
    {HW, "cache-misses", NULL, PERF_COUNT_HW_CACHE_MISSES, 1000000},
    {HW, "cache-references", NULL, PERF_COUNT_HW_CACHE_REFERENCES, 1000000},
    {HW, "cpu-cycles", "cycles", PERF_COUNT_HW_CPU_CYCLES, 1000000},
    {HW, "frontend-stalls", NULL, PERF_COUNT_HW_STALLED_CYCLES_FRONTEND, 1000000},
    {HW, "instructions", NULL, PERF_COUNT_HW_INSTRUCTIONS, 1000000},
    {HW, "ref-cycles", NULL, PERF_COUNT_HW_REF_CPU_CYCLES, 1000000},
};
#define NEVENTS (sizeof(events) / sizeof(events[0]))

static const struct perf_counter *find_event(uint32_t type, const char *name, size_t len) {
    for (const struct perf_counter *e = events; e < events + NEVENTS; e++) {
        if (e->type != type)
            continue;
        if (strlen(e->name) == len && strncmp(e->name, name, len) == 0)
            return e;
        if (e->alias && strlen(e->alias) == len && strncmp(e->alias, name, len) == 0)
            return e;
    }
    return NULL;
}

static int expand_counter(const struct provider *p, uint32_t perf_type, const char *spec,
                          const struct loc *loc, struct diag *d, struct attach_target **targets,
                          int *ntargets) {
    int parts = provider_count_parts(spec);
    if (parts < 1 || parts > 2) {
        diag_error(d, loc, E_UNKNOWN_PROBE, "%s probe type requires 1 or 2 arguments, found %d",
                   p->name, parts);
        return -1;
    }
    if (strpbrk(spec, "*?[")) {
        diag_error(d, loc, E_UNKNOWN_PROBE, "wildcards are not allowed for %s probe type", p->name);
        return -1;
    }
    const char *colon = strchr(spec, ':');
    size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
    const struct perf_counter *e = find_event(perf_type, spec, len);
    if (!e) {
        diag_error(d, loc, E_UNKNOWN_PROBE, "%.*s is not a %s probe", (int)len, spec, p->name);
        return -1;
    }
    uint64_t count = 0;
    char why[128];
    if (colon && provider_parse_uint(colon + 1, &count, why, sizeof(why)) < 0) {
        diag_error(d, loc, E_UNKNOWN_PROBE, "Invalid count for %s probe: %s", p->name, why);
        return -1;
    }
    /* the probe builtin shows the event as written and the count as a number */
    char rest[96];
    if (count)
        snprintf(rest, sizeof(rest), "%.*s:%llu", (int)len, spec, (unsigned long long)count);
    else
        snprintf(rest, sizeof(rest), "%.*s", (int)len, spec);
    struct attach_target *t = provider_add_target(targets, ntargets, p->kind, p->name, rest);
    if (!t)
        return -1;
    t->spec.perf_type = perf_type;
    t->spec.perf_config = e->config;
    t->spec.sample_period = count ? count : e->default_count;
    t->spec.every_cpu = true;
    t->spec.pid = provider_pid();
    return 1;
}

/* Names and aliases as "event:" (trawk -l sorts them with the rest). */
static int list_counter(const struct provider *p, uint32_t type, const char *glob, FILE *out) {
    for (const struct perf_counter *e = events; e < events + NEVENTS; e++) {
        const char *names[2] = {e->name, e->alias};
        for (int i = 0; i < 2 && e->type == type && names[i]; i++) {
            char entry[64];
            snprintf(entry, sizeof(entry), "%s:", names[i]);
            if (fnmatch(glob, entry, 0) == 0 || fnmatch(glob, names[i], 0) == 0)
                fprintf(out, "%s:%s\n", p->name, entry);
        }
    }
    return 0;
}

static int expand_software(const char *spec, const struct loc *loc, struct diag *d,
                           struct attach_target **targets, int *ntargets) {
    return expand_counter(&provider_software, PERF_TYPE_SOFTWARE, spec, loc, d, targets, ntargets);
}

static int expand_hardware(const char *spec, const struct loc *loc, struct diag *d,
                           struct attach_target **targets, int *ntargets) {
    return expand_counter(&provider_hardware, PERF_TYPE_HARDWARE, spec, loc, d, targets, ntargets);
}

static int list_software(const char *glob, bool named, FILE *out) {
    (void)named;
    return list_counter(&provider_software, SW, glob, out);
}

static int list_hardware(const char *glob, bool named, FILE *out) {
    (void)named;
    return list_counter(&provider_hardware, HW, glob, out);
}

const struct provider provider_software = {
    .name = "software",
    .aliases = {"s", NULL},
    .kind = PK_SOFTWARE,
    .prog_type = BPF_PROG_TYPE_PERF_EVENT,
    .expand = expand_software,
    .list = list_software,
    .list_target = provider_list_event,
};

const struct provider provider_hardware = {
    .name = "hardware",
    .aliases = {"h", NULL},
    .kind = PK_HARDWARE,
    .prog_type = BPF_PROG_TYPE_PERF_EVENT,
    .expand = expand_hardware,
    .list = list_hardware,
    .list_target = provider_list_event,
};
