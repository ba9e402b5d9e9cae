/* self:signal:SIGUSR1: a block run by trawk itself (BPF_PROG_TEST_RUN)
 * each time the trawk process receives the signal. */
#include <string.h>

#include "providers/provider_impl.h"

static int expand_self(const char *spec, const struct loc *loc, struct diag *d,
                       struct attach_target **targets, int *ntargets) {
    int parts = provider_count_parts(spec);
    if (parts != 2) {
        diag_error(d, loc, E_UNKNOWN_PROBE, "self probe type requires 2 arguments, found %d",
                   parts);
        return -1;
    }
    const char *colon = strchr(spec, ':');
    if ((size_t)(colon - spec) != strlen("signal") || strncmp(spec, "signal", 6) != 0) {
        diag_error(d, loc, E_UNKNOWN_PROBE, "%.*s is not a supported trigger", (int)(colon - spec),
                   spec);
        return -1;
    }
    if (strcmp(colon + 1, "SIGUSR1") != 0) {
        diag_error(d, loc, E_UNKNOWN_PROBE, "%s is not a supported signal", colon + 1);
        return -1;
    }
    return provider_add_target(targets, ntargets, PK_SELF, "self", spec) ? 1 : -1;
}

const struct provider provider_self = {
    .name = "self",
    .aliases = {NULL},
    .kind = PK_SELF,
    .prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT,
    .expand = expand_self,
    .list_target = provider_list_nothing,
};
