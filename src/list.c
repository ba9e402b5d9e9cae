/* trawk -l: listing probes the way bpftrace -l does. */
#include "list.h"

#include <fnmatch.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "providers/provider.h"

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
    for (int k = 0; k < PK__COUNT; k++) {
        const struct provider *p = provider_get((enum probe_kind)k);
        bool named = type_selected(ptype, p, true);
        if (p->list && (named || type_selected(ptype, p, false)) && p->list(rest, named, out) < 0)
            rc = -1;
    }
    free(ptype);
    return rc;
}
