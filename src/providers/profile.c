/* profile: a cpu-clock perf event on every CPU; same spec as interval. */
#include "providers/provider_impl.h"

static int expand_profile(const char *spec, const struct loc *loc, struct diag *d,
                          struct attach_target **targets, int *ntargets) {
    return provider_expand_rate(&provider_profile, spec, loc, d, targets, ntargets);
}

const struct provider provider_profile = {
    .name = "profile",
    .aliases = {"p", NULL},
    .kind = PK_PROFILE,
    .prog_type = BPF_PROG_TYPE_PERF_EVENT,
    .expand = expand_profile,
};
