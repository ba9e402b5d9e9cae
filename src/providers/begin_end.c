/* begin / end (legacy BEGIN / END): one program each, run through
 * BPF_PROG_TEST_RUN before attaching and after detaching. */
#include "providers/provider_impl.h"

/* bpftrace HEAD prints "begin"/"end" for the probe builtin whichever
 * spelling the script used. */
static int expand_special(enum probe_kind kind, const char *name, const char *spec,
                          const struct loc *loc, struct diag *d, struct attach_target **targets,
                          int *ntargets) {
    if (*spec) {
        diag_error(d, loc, E_UNKNOWN_PROBE, "begin/end probes should not have a target");
        return -1;
    }
    return provider_add_target(targets, ntargets, kind, NULL, name) ? 1 : -1;
}

static int expand_begin(const char *spec, const struct loc *loc, struct diag *d,
                        struct attach_target **targets, int *ntargets) {
    return expand_special(PK_BEGIN, "begin", spec, loc, d, targets, ntargets);
}

static int expand_end(const char *spec, const struct loc *loc, struct diag *d,
                      struct attach_target **targets, int *ntargets) {
    return expand_special(PK_END, "end", spec, loc, d, targets, ntargets);
}

const struct provider provider_begin = {
    .name = "begin",
    .aliases = {"BEGIN", NULL},
    .kind = PK_BEGIN,
    .prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT,
    .runs_once = true,
    .expand = expand_begin,
    .list_target = provider_list_nothing,
};

const struct provider provider_end = {
    .name = "end",
    .aliases = {"END", NULL},
    .kind = PK_END,
    .prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT,
    .runs_once = true,
    .expand = expand_end,
    .list_target = provider_list_nothing,
};
