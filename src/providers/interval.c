/* interval: a cpu-clock perf event on one CPU; also the rate syntax shared
 * with profile ("unit:N", or a bare N in nanoseconds). */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "providers/provider_impl.h"

/* Nanoseconds per unit; 0 for "hz", a frequency. */
static const struct {
    const char *name;
    uint64_t ns;
} time_units[] = {{"s", 1000000000}, {"ms", 1000000}, {"us", 1000}, {"hz", 0}};

static int time_unit(const char *u) {
    for (size_t i = 0; i < sizeof(time_units) / sizeof(time_units[0]); i++)
        if (strcmp(u, time_units[i].name) == 0)
            return (int)i;
    return -1;
}

/* Names the target "<provider>:<unit>:<n>" and sets its period or frequency. */
static int add_rate_target(const struct provider *p, int unit, uint64_t n,
                           struct attach_target **targets, int *ntargets) {
    char rest[64];
    snprintf(rest, sizeof(rest), "%s:%" PRIu64, time_units[unit].name, n);
    struct attach_target *t = provider_add_target(targets, ntargets, p->kind, p->name, rest);
    if (!t)
        return -1;
    if (time_units[unit].ns)
        t->spec.period_ns = n * time_units[unit].ns;
    else
        t->spec.freq_hz = n;
    return 1;
}

/* "interval:N" is N nanoseconds; bpftrace turns it into microseconds. */
static int expand_bare_rate(const struct provider *p, const char *spec, const struct loc *loc,
                            struct diag *d, struct attach_target **targets, int *ntargets) {
    static const struct {
        const char *suffix;
        uint64_t ns;
    } units[] = {{"", 1}, {"ns", 1}, {"us", 1000}, {"ms", 1000000}, {"s", 1000000000}};
    uint64_t n;
    const char *rest;
    if (provider_parse_uint_prefix(spec, &n, &rest) < 0) {
        diag_error(d, loc, E_UNKNOWN_PROBE, "Invalid rate of %s probe: invalid integer: %s",
                   p->name, spec);
        return -1;
    }
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        if (strcmp(rest, units[i].suffix) != 0)
            continue;
        uint64_t ns = n * units[i].ns;
        if (ns < 1000) {
            diag_error(d, loc, E_UNKNOWN_PROBE,
                       "Invalid rate of %s probe. Minimum is 1000 or 1us. Found: %" PRIu64
                       " nanoseconds",
                       p->name, ns);
            return -1;
        }
        return add_rate_target(p, time_unit("us"), ns / 1000, targets, ntargets);
    }
    diag_error(d, loc, E_UNKNOWN_PROBE, "Invalid rate of %s probe: invalid integer: %s", p->name,
               spec);
    return -1;
}

int provider_expand_rate(const struct provider *p, const char *spec, const struct loc *loc,
                         struct diag *d, struct attach_target **targets, int *ntargets) {
    if (!*spec) {
        diag_error(d, loc, E_UNKNOWN_PROBE, "%s probe must have unit of time", p->name);
        return -1;
    }
    const char *colon = strchr(spec, ':');
    if (!colon)
        return expand_bare_rate(p, spec, loc, d, targets, ntargets);
    if (strchr(colon + 1, ':')) {
        int found = 2;
        for (const char *c = strchr(colon + 1, ':'); c; c = strchr(c + 1, ':'))
            found++;
        diag_error(d, loc, E_UNKNOWN_PROBE, "%s probe type requires 1 or 2 arguments, found %d",
                   p->name, found);
        return -1;
    }
    char name[16];
    snprintf(name, sizeof(name), "%.*s", (int)(colon - spec), spec);
    int unit = time_unit(name);
    if (unit < 0) {
        diag_error(d, loc, E_UNKNOWN_PROBE, "%.*s is not an accepted unit of time",
                   (int)(colon - spec), spec);
        return -1;
    }
    uint64_t n;
    char why[160];
    bool negative = colon[1] == '-';
    if (!negative && provider_parse_uint(colon + 1, &n, why, sizeof(why)) < 0) {
        diag_error(d, loc, E_UNKNOWN_PROBE, "Invalid rate of %s probe: %s", p->name, why);
        return -1;
    }
    if (negative || n == 0) {
        diag_error(d, loc, E_UNKNOWN_PROBE, "%s frequency should be a positive integer", p->name);
        return -1;
    }
    return add_rate_target(p, unit, n, targets, ntargets);
}

static int expand_interval(const char *spec, const struct loc *loc, struct diag *d,
                           struct attach_target **targets, int *ntargets) {
    return provider_expand_rate(&provider_interval, spec, loc, d, targets, ntargets);
}

static int list_interval(const char *rest, bool named, FILE *out) {
    return provider_list_units(&provider_interval, rest, named, out);
}

const struct provider provider_interval = {
    .name = "interval",
    .aliases = {"i", NULL},
    .kind = PK_INTERVAL,
    .prog_type = BPF_PROG_TYPE_PERF_EVENT,
    .expand = expand_interval,
    .list = list_interval,
    .list_target = provider_list_event,
};
