/* How many probes an attach point is against max_probes, counted as
 * bpftrace counts them: one per target, a USDT probe once however many
 * locations it has, and one for a wildcard that one multi link attaches. */
#include <string.h>

#include "providers/provider.h"

bool provider_glob_one_probe(const char *spec) {
    return strpbrk(spec, "*?[") != NULL;
}

bool provider_glob_one_kprobe(const char *spec) {
    /* "module:func*" gets a link per function in bpftrace */
    return provider_glob_one_probe(spec) && !strchr(spec, ':');
}

int provider_probe_count(const char *attach_point, const struct provider *p,
                         const struct attach_target *targets, int n) {
    const char *colon = strchr(attach_point, ':');
    if (n > 0 && p->one_probe && p->one_probe(colon ? colon + 1 : ""))
        return 1;
    int count = 0;
    for (int i = 0; i < n; i++)
        count += targets[i].spec.location == 0;
    return count;
}

bool provider_expands_to_programs(const char *attach_point, const struct provider *p) {
    const char *colon = strchr(attach_point, ':');
    const char *spec = colon ? colon + 1 : "";
    return provider_glob_one_probe(spec) && !(p->one_probe && p->one_probe(spec));
}
