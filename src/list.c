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

static int cmp_line(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* bpftrace prints its matches as one sorted set: probes, each with the
 * indented lines -lv adds under it, sorted by the probe's line and without
 * repeats, to out. */
static void print_sorted(char *text, size_t len, FILE *out) {
    size_t n = 0, cap = 0;
    char **probes = NULL;
    char *p = text, *end_of_text = text + len;
    /* memchr, not strchr: the text is megabytes (-l of everything) */
    while (p < end_of_text) {
        char *end = memchr(p, '\n', (size_t)(end_of_text - p));
        /* A probe's record runs until the next line that is not indented. */
        while (end && end + 1 < end_of_text && (end[1] == ' ' || end[1] == '\t'))
            end = memchr(end + 1, '\n', (size_t)(end_of_text - end - 1));
        char *next = end ? end + 1 : end_of_text;
        if (end)
            *end = '\0';
        if (n == cap) {
            char **bigger = realloc(probes, sizeof(*probes) * (cap = cap ? cap * 2 : 256));
            if (!bigger)
                break;
            probes = bigger;
        }
        probes[n++] = p;
        p = next;
    }
    if (n > 1)
        qsort(probes, n, sizeof(*probes), cmp_line);
    for (size_t i = 0; i < n; i++)
        if (i == 0 || strcmp(probes[i], probes[i - 1]) != 0)
            fprintf(out, "%s\n", probes[i]);
    free(probes);
}

/* One pattern: "type:rest", or a bare pattern matched against what
 * follows the type in every type's probes ("*sleep*"). */
static int list_one(const char *glob, FILE *out) {
    const char *colon = strchr(glob, ':');
    char *ptype = colon ? strndup(glob, (size_t)(colon - glob)) : strdup("*");
    const char *rest = colon ? (colon[1] ? colon + 1 : "*") : glob;
    int rc = 0;
    if (!ptype)
        return -1;
    for (int k = 0; k < PK__COUNT; k++) {
        const struct provider *p = provider_get((enum probe_kind)k);
        bool named = type_selected(ptype, p, true);
        if (p->list && (named || type_selected(ptype, p, false)) && p->list(rest, named, out) < 0)
            rc = -1;
    }
    free(ptype);
    return rc;
}

int list_probes(const char *glob, FILE *out) {
    char *text = NULL, *patterns = strdup(glob && *glob ? glob : "*");
    size_t len = 0;
    int rc = 0;
    FILE *all = patterns ? open_memstream(&text, &len) : NULL;
    if (!all) {
        free(patterns);
        return -1;
    }
    /* "a,b" lists both, as bpftrace */
    char *save = NULL;
    for (char *g = strtok_r(patterns, ",", &save); g; g = strtok_r(NULL, ",", &save))
        if ((list_is_type_pattern(g) ? list_type(g, out) : list_one(g, all)) < 0)
            rc = -1;
    fclose(all);
    print_sorted(text, len, out);
    free(text);
    free(patterns);
    return rc;
}
