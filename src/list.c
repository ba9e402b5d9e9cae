/* trawk -l: listing probes the way bpftrace -l does. */
#include "list.h"

#include <fnmatch.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "providers/provider.h"
#include "sys/tracefs.h"

struct list_ctx {
    const char *pattern; /* matched against "category:event" */
    FILE *out;
};

static int print_tracepoint(const char *category, const char *event, void *arg) {
    struct list_ctx *c = arg;
    char name[512];
    snprintf(name, sizeof(name), "%s:%s", category, event);
    if (fnmatch(c->pattern, name, 0) == 0)
        fprintf(c->out, "tracepoint:%s\n", name);
    return 0;
}

static int list_tracepoints(const char *rest, FILE *out) {
    char err[300];
    if (!tracefs_dir(err, sizeof(err))) {
        fprintf(stderr, "ERROR: %s\n", err);
        return -1;
    }
    /* "tracepoint:*open*" searches event names in every category. */
    char *pattern = NULL;
    if (strchr(rest, ':'))
        pattern = strdup(rest);
    else if (asprintf(&pattern, "*:%s", rest) < 0)
        return -1;
    struct list_ctx c = {pattern, out};
    int rc = tracefs_foreach_event("*", "*", print_tracepoint, &c);
    free(pattern);
    return rc < 0 ? -1 : 0;
}

/* interval and profile list their units only when named explicitly. */
static void list_units(const char *provider, const char *rest, FILE *out) {
    static const char *const units[] = {"hz", "ms", "s", "us"};
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        char u[8];
        snprintf(u, sizeof(u), "%s:", units[i]);
        if (fnmatch(rest, u, 0) == 0)
            fprintf(out, "%s:%s\n", provider, u);
    }
}

static bool type_selected(const char *ptype, const struct provider *p, bool explicit_only) {
    bool wild = strpbrk(ptype, "*?[") != NULL;
    if (!wild)
        return provider_find(ptype) == p;
    return !explicit_only && fnmatch(ptype, p->name, 0) == 0;
}

int list_probes(const char *glob, FILE *out) {
    if (!glob || !*glob)
        glob = "*";
    const char *colon = strchr(glob, ':');
    char *ptype = colon ? strndup(glob, colon - glob) : strdup(glob);
    const char *rest = colon && colon[1] ? colon + 1 : "*";
    int rc = 0;
    if (type_selected(ptype, provider_get(PK_TRACEPOINT), false))
        rc = list_tracepoints(rest, out);
    for (int k = PK_INTERVAL; k <= PK_PROFILE; k++)
        if (type_selected(ptype, provider_get(k), true))
            list_units(provider_get(k)->name, rest, out);
    free(ptype);
    return rc;
}
