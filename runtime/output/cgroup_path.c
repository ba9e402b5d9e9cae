/* cgroup_path(id[, filter]): the paths of a cgroup id in every mounted
 * cgroup hierarchy, "name:/path" joined by commas, as bpftrace prints
 * them: the cgroup2 hierarchy first (named "unified"), then the v1 ones
 * by the name of their mount directory, sorted. A hierarchy where the id
 * is no directory's inode shows an empty path. filter is a glob on names. */
#include <dirent.h>
#include <fnmatch.h>
#include <limits.h>
#include <mntent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "text.h"

#define MAX_HIERARCHIES 32

struct hierarchy {
    char name[NAME_MAX + 1];
    char root[PATH_MAX];
};

/* Searches below dir (path holds it, len bytes) for the inode id; leaves
 * the match in path. */
static bool find_inode(char *path, size_t len, uint64_t id, int depth) {
    DIR *d = depth < 64 ? opendir(path) : NULL;
    if (!d)
        return false;
    bool found = false;
    struct dirent *e;
    while (!found && (e = readdir(d))) {
        if (e->d_type != DT_DIR || strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        size_t n = (size_t)snprintf(path + len, PATH_MAX - len, "/%s", e->d_name);
        if (len + n >= PATH_MAX)
            continue;
        struct stat st;
        found =
            (stat(path, &st) == 0 && st.st_ino == id) || find_inode(path, len + n, id, depth + 1);
    }
    closedir(d);
    if (!found)
        path[len] = '\0';
    return found;
}

static int by_name(const void *a, const void *b) {
    return strcmp(((const struct hierarchy *)a)->name, ((const struct hierarchy *)b)->name);
}

/* The cgroup mounts matching filter: v2 ones first, then v1 sorted. */
static int hierarchies(struct hierarchy *h, const char *filter) {
    FILE *f = setmntent("/proc/mounts", "r");
    int n = 0, nv2 = 0;
    struct mntent *m;
    while (f && n < MAX_HIERARCHIES && (m = getmntent(f))) {
        bool v2 = strcmp(m->mnt_type, "cgroup2") == 0;
        if (!v2 && strcmp(m->mnt_type, "cgroup") != 0)
            continue;
        const char *base = strrchr(m->mnt_dir, '/');
        const char *name = v2 ? "unified" : base ? base + 1 : m->mnt_dir;
        if (fnmatch(filter, name, 0) != 0 || strlen(m->mnt_dir) >= PATH_MAX)
            continue;
        struct hierarchy x;
        snprintf(x.name, sizeof(x.name), "%s", name);
        snprintf(x.root, sizeof(x.root), "%s", m->mnt_dir);
        if (v2) { /* before the v1 ones */
            memmove(h + nv2 + 1, h + nv2, sizeof(*h) * (size_t)(n - nv2));
            h[nv2++] = x;
        } else {
            h[n] = x;
        }
        n++;
    }
    if (f)
        endmntent(f);
    qsort(h + nv2, (size_t)(n - nv2), sizeof(*h), by_name);
    return n;
}

void out_fmt_cgroup_path(struct out_str *s, uint64_t id, const char *filter) {
    struct hierarchy *h = calloc(MAX_HIERARCHIES, sizeof(*h));
    int n = h ? hierarchies(h, filter ? filter : "*") : 0;
    for (int i = 0; i < n; i++) {
        char path[PATH_MAX];
        size_t len = strlen(h[i].root);
        memcpy(path, h[i].root, len + 1);
        struct stat st;
        const char *rel = "";
        if (stat(path, &st) == 0 && st.st_ino == id)
            rel = "/";
        else if (find_inode(path, len, id, 0))
            rel = path + len;
        out_str_fmt(s, "%s%s:%s", i ? "," : "", h[i].name, rel);
    }
    free(h);
}
