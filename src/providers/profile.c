/* profile: a cpu-clock perf event on every CPU; same spec as interval. */
#include "providers/provider_impl.h"

static int expand_profile(const char *spec, const struct loc *loc, struct diag *d,
                          struct attach_target **targets, int *ntargets) {
    int rc = provider_expand_rate(&provider_profile, spec, loc, d, targets, ntargets);
    if (rc > 0)
        (*targets)[*ntargets - 1].spec.every_cpu = true;
    return rc;
}

static int list_profile(const char *rest, bool named, FILE *out) {
    return provider_list_units(&provider_profile, rest, named, out);
}

const struct provider provider_profile = {
    .name = "profile",
    .aliases = {"p", NULL},
    .kind = PK_PROFILE,
    .prog_type = BPF_PROG_TYPE_PERF_EVENT,
    .expand = expand_profile,
    .list = list_profile,
    .list_target = provider_list_event,
};
