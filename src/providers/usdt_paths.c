/* Resolving a usdt PATH into files. */
#include "providers/usdt_paths.h"

#include <fnmatch.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sys/binpath.h"
#include "sys/elfsyms.h"

static int add(struct usdt_paths *p, const char *path) {
    for (int i = 0; i < p->n; i++)
        if (strcmp(p->v[i], path) == 0)
            return 0;
    char **v = realloc(p->v, sizeof(*v) * (size_t)(p->n + 1));
    if (!v)
        return -1;
    p->v = v;
    v[p->n] = strdup(path);
    return v[p->n++] ? 0 : -1;
}

/* The ELF files pid maps whose path (as the process sees it) matches
 * pattern, as /proc/PID/root/PATH so that other mount namespaces work. */
static int pid_files(int pid, const char *pattern, struct usdt_paths *out) {
    char maps[64], line[PATH_MAX + 256], full[PATH_MAX + 64];
    snprintf(maps, sizeof(maps), "/proc/%d/maps", pid);
    FILE *f = fopen(maps, "r");
    if (!f)
        return -1;
    while (fgets(line, sizeof(line), f)) {
        char *file = strchr(line, '/');
        if (!file)
            continue;
        file[strcspn(file, "\n")] = '\0';
        snprintf(full, sizeof(full), "/proc/%d/root%s", pid, file);
        if ((!*pattern || fnmatch(pattern, file, 0) == 0) && elfsyms_is_elf(full) &&
            add(out, full) < 0)
            break;
    }
    fclose(f);
    return 0;
}

int usdt_paths_resolve(const char *path, int pid, struct usdt_paths *out) {
    memset(out, 0, sizeof(*out));
    char resolved[PATH_MAX];
    if (pid > 0 && (!*path || strcmp(path, "*") == 0))
        return pid_files(pid, "", out);
    if (strpbrk(path, "*?[")) {
        glob_t g;
        if (glob(path, 0, NULL, &g) != 0)
            return -1;
        for (size_t i = 0; i < g.gl_pathc; i++)
            if (elfsyms_is_elf(g.gl_pathv[i]))
                add(out, g.gl_pathv[i]);
        globfree(&g);
        return 0;
    }
    if (!*path || binpath_resolve(path, pid, resolved, sizeof(resolved)) < 0)
        return -1;
    return add(out, resolved);
}

void usdt_paths_free(struct usdt_paths *p) {
    for (int i = 0; i < p->n; i++)
        free(p->v[i]);
    free(p->v);
    *p = (struct usdt_paths){0};
}
