#include <fnmatch.h>
/* The provider table, lookup by name, and attach point expansion. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "providers/provider_impl.h"

static const struct provider *const providers[PK__COUNT] = {
    [PK_BEGIN] = &provider_begin,
    [PK_END] = &provider_end,
    [PK_TRACEPOINT] = &provider_tracepoint,
    [PK_INTERVAL] = &provider_interval,
    [PK_PROFILE] = &provider_profile,
    [PK_UPROBE] = &provider_uprobe,
    [PK_URETPROBE] = &provider_uretprobe,
    [PK_USDT] = &provider_usdt,
    [PK_SOFTWARE] = &provider_software,
    [PK_HARDWARE] = &provider_hardware,
    [PK_WATCHPOINT] = &provider_watchpoint,
    [PK_SELF] = &provider_self,
    [PK_BENCH] = &provider_bench,
    [PK_TEST] = &provider_test,
    [PK_ITER] = &provider_iter,
    [PK_RAWTRACEPOINT] = &provider_rawtracepoint,
    [PK_KPROBE] = &provider_kprobe,
    [PK_KRETPROBE] = &provider_kretprobe,
    [PK_FENTRY] = &provider_fentry,
    [PK_FEXIT] = &provider_fexit,
};

static bool name_matches(const char *name, const char *const *aliases, const char *want) {
    if (strcasecmp(name, want) == 0)
        return true;
    for (int i = 0; aliases[i]; i++)
        if (strcasecmp(aliases[i], want) == 0)
            return true;
    return false;
}

const struct provider *provider_find(const char *name) {
    for (int k = 0; k < PK__COUNT; k++)
        if (name_matches(providers[k]->name, providers[k]->aliases, name))
            return providers[k];
    return NULL;
}

const struct provider *provider_get(enum probe_kind kind) {
    return kind >= 0 && kind < PK__COUNT ? providers[kind] : NULL;
}

/* -p PID, set once by the CLI before anything is expanded. */
static int target_pid;

void provider_set_pid(int pid) {
    target_pid = pid;
}

int provider_pid(void) {
    return target_pid;
}

/* -lv, set once by the CLI before listing. */
static bool list_verbose;

void provider_set_list_verbose(bool verbose) {
    list_verbose = verbose;
}

bool provider_list_verbose(void) {
    return list_verbose;
}

static bool unsafe_mode;

void provider_set_unsafe(bool unsafe) {
    unsafe_mode = unsafe;
}

bool provider_unsafe(void) {
    return unsafe_mode;
}

/* The slots allocated for count targets: none, or a power of two >= 8. */
static size_t target_capacity(int count) {
    size_t cap = 8;
    while (cap < (size_t)count)
        cap *= 2;
    return count > 0 ? cap : 0;
}

struct attach_target *provider_add_target(struct attach_target **targets, int *ntargets,
                                          enum probe_kind kind, const char *prefix,
                                          const char *rest) {
    /* a wildcard over a library adds thousands: one realloc each was
     * quadratic (minutes under the sanitizer, which copies every time) */
    struct attach_target *n = *targets;
    if ((size_t)*ntargets == target_capacity(*ntargets)) {
        n = realloc(*targets, sizeof(*n) * target_capacity(*ntargets + 1));
        if (!n)
            return NULL;
        *targets = n;
    }
    struct attach_target *t = &n[*ntargets];
    memset(t, 0, sizeof(*t));
    t->kind = kind;
    int len = prefix && *rest ? asprintf(&t->name, "%s:%s", prefix, rest)
                              : asprintf(&t->name, "%s", prefix ? prefix : rest);
    if (len < 0) {
        t->name = NULL;
        return NULL;
    }
    (*ntargets)++;
    return t;
}

int provider_expand(const char *attach_point, const struct loc *loc, struct diag *d,
                    const struct provider **prov, struct attach_target **targets, int *ntargets) {
    const char *colon = strchr(attach_point, ':');
    size_t n = colon ? (size_t)(colon - attach_point) : strlen(attach_point);
    char *name = strndup(attach_point, n);
    const char *spec = colon ? colon + 1 : "";
    const struct provider *p = provider_find(name);
    *prov = p;
    int rc = -1;
    if (p) {
        rc = p->expand(spec, loc, d, targets, ntargets);
    } else {
        diag_error(d, loc, E_UNKNOWN_PROBE, "Invalid probe type: %s", name);
    }
    free(name);
    return rc;
}

int provider_list_units(const struct provider *p, const char *rest, bool named, FILE *out) {
    static const char *const units[] = {"hz", "ms", "s", "us"};
    if (!named)
        return 0;
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        char u[8];
        snprintf(u, sizeof(u), "%s:", units[i]);
        if (fnmatch(rest, u, 0) == 0)
            fprintf(out, "%s:%s\n", p->name, u);
    }
    return 0;
}

void provider_list_event(const struct attach_target *t, FILE *out) {
    const char *c1 = strchr(t->name, ':');
    const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (c2)
        fprintf(out, "%.*s\n", (int)(c2 - t->name + 1), t->name);
    else
        fprintf(out, "%s:\n", t->name);
}

void provider_list_nothing(const struct attach_target *t, FILE *out) {
    (void)t, (void)out;
}
