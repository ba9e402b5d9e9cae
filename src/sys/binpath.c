/* Target path resolution for user-space probes. */
#include "sys/binpath.h"

#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sys/elfsyms.h"

/* glibc 2.32+ writes only the new cache format: a header, then entries
 * whose key (the soname) and value (the path) are offsets from the start. */
#define CACHE_MAGIC "glibc-ld.so.cache1.1"
#define CACHE_FLAG_X8664 0x0303 /* FLAG_ELF_LIBC6 | FLAG_X8664_LIB64 */

struct cache_header {
    char magic[sizeof(CACHE_MAGIC) - 1];
    uint32_t nlibs, len_strings;
    uint8_t flags, pad[3];
    uint32_t extension_offset, unused[3];
};

struct cache_entry {
    int32_t flags;
    uint32_t key, value, osversion;
    uint64_t hwcap;
};

/* Whether soname is libNAME.so... */
static bool soname_matches(const char *soname, const char *name) {
    size_t n = strlen(name);
    return strncmp(soname, "lib", 3) == 0 && strncmp(soname + 3, name, n) == 0 &&
           strncmp(soname + 3 + n, ".so", 3) == 0;
}

static int which_so_cache(const char *name, char *out, size_t outlen) {
    int fd = open("/etc/ld.so.cache", O_RDONLY | O_CLOEXEC);
    struct stat st;
    int rc = -1;
    if (fd < 0)
        return -1;
    if (fstat(fd, &st) == 0 && (size_t)st.st_size > sizeof(struct cache_header)) {
        const char *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        const struct cache_header *h = (const void *)map;
        size_t size = (size_t)st.st_size;
        if (map != MAP_FAILED && memcmp(h->magic, CACHE_MAGIC, sizeof(h->magic)) == 0) {
            const struct cache_entry *e = (const void *)(h + 1);
            for (uint32_t i = 0; i < h->nlibs && rc < 0; i++) {
                if ((const char *)(e + i + 1) > map + size)
                    break;
                if ((e[i].flags & 0xffff) != CACHE_FLAG_X8664 || e[i].key >= size ||
                    e[i].value >= size || !soname_matches(map + e[i].key, name))
                    continue;
                snprintf(out, outlen, "%s", map + e[i].value);
                rc = 0;
            }
        }
        if (map != MAP_FAILED)
            munmap((void *)map, size);
    }
    close(fd);
    return rc;
}

/* A mapping of pid whose file is named libNAME.xxx or libNAME-xxx. */
static int which_so_pid(const char *name, int pid, char *out, size_t outlen) {
    char path[64], line[4096];
    snprintf(path, sizeof(path), "/proc/%d/maps", pid);
    FILE *f = fopen(path, "re");
    int rc = -1;
    if (!f)
        return -1;
    size_t n = strlen(name);
    while (rc < 0 && fgets(line, sizeof(line), f)) {
        char *file = strchr(line, '/');
        if (!file)
            continue;
        file[strcspn(file, "\n")] = 0;
        const char *base = strrchr(file, '/') + 1;
        if (strncmp(base, "lib", 3) == 0 && strncmp(base + 3, name, n) == 0 &&
            (base[3 + n] == '.' || base[3 + n] == '-')) {
            snprintf(out, outlen, "%s", file);
            rc = 0;
        }
    }
    fclose(f);
    return rc;
}

int binpath_which_so(const char *name, int pid, char *out, size_t outlen) {
    if (pid > 0 && which_so_pid(name, pid, out, outlen) == 0)
        return 0;
    return which_so_cache(name, out, outlen);
}

int binpath_pid_exe(int pid, char *out, size_t outlen) {
    char link[64];
    snprintf(link, sizeof(link), "/proc/%d/exe", pid);
    ssize_t n = readlink(link, out, outlen - 1);
    if (n < 0)
        return -1;
    out[n] = 0;
    return 0;
}

/* A process in another mount namespace sees its own files: reach them
 * through /proc/PID/root. */
static bool other_mount_ns(int pid) {
    char p[64];
    struct stat mine, theirs;
    snprintf(p, sizeof(p), "/proc/%d/ns/mnt", pid);
    return pid > 0 && stat(p, &theirs) == 0 && stat("/proc/self/ns/mnt", &mine) == 0 &&
           mine.st_ino != theirs.st_ino;
}

static bool try_path(const char *path, int pid, char *out, size_t outlen) {
    if (other_mount_ns(pid))
        snprintf(out, outlen, "/proc/%d/root%s", pid, path);
    else
        snprintf(out, outlen, "%s", path);
    return elfsyms_is_elf(out);
}

int binpath_resolve(const char *target, int pid, char *out, size_t outlen) {
    if (strncmp(target, "lib", 3) == 0 && !strpbrk(target, "*?[") &&
        binpath_which_so(target + 3, pid, out, outlen) == 0)
        return 0;
    if (try_path(target, pid, out, outlen))
        return 0;
    const char *env = strchr(target, '/') ? NULL : getenv("PATH");
    while (env && *env) {
        size_t len = strcspn(env, ":");
        char cand[4096];
        snprintf(cand, sizeof(cand), "%.*s/%s", (int)len, env, target);
        if (len > 0 && try_path(cand, pid, out, outlen))
            return 0;
        env += len + (env[len] == ':');
    }
    return -1;
}

static int push_path(char ***paths, int *n, const char *path) {
    for (int i = 0; i < *n; i++)
        if (strcmp((*paths)[i], path) == 0)
            return 0;
    char **grown = realloc(*paths, sizeof(*grown) * (size_t)(*n + 1));
    if (!grown)
        return -1;
    *paths = grown;
    if (!(grown[*n] = strdup(path)))
        return -1;
    (*n)++;
    return 0;
}

void binpath_free(char **paths, int n) {
    for (int i = 0; i < n; i++)
        free(paths[i]);
    free(paths);
}

int binpath_mapped(int pid, char ***paths) {
    char path[64], line[4096];
    int n = 0;
    *paths = NULL;
    snprintf(path, sizeof(path), "/proc/%d/maps", pid);
    FILE *f = fopen(path, "re");
    if (!f)
        return 0;
    while (fgets(line, sizeof(line), f)) {
        char *file = strchr(line, '/');
        if (!file)
            continue;
        file[strcspn(file, "\n")] = 0;
        char full[4096 + 64];
        /* the process's own view of its files */
        if (other_mount_ns(pid))
            snprintf(full, sizeof(full), "/proc/%d/root%s", pid, file);
        else
            snprintf(full, sizeof(full), "%s", file);
        if (!strstr(file, " (deleted)") && elfsyms_is_elf(full) && push_path(paths, &n, full) < 0) {
            n = -1;
            break;
        }
    }
    fclose(f);
    return n;
}

static int expand_glob(const char *target, char ***paths) {
    glob_t g;
    int n = 0;
    if (glob(target, 0, NULL, &g) != 0)
        return 0;
    for (size_t i = 0; i < g.gl_pathc && n >= 0; i++)
        if (elfsyms_is_elf(g.gl_pathv[i]) && push_path(paths, &n, g.gl_pathv[i]) < 0)
            n = -1;
    globfree(&g);
    return n;
}

int binpath_expand(const char *target, int pid, char ***paths) {
    char out[4096];
    int n = 0;
    *paths = NULL;
    if (strcmp(target, "*") == 0)
        return pid > 0 ? binpath_mapped(pid, paths) : 0;
    if (strpbrk(target, "*?["))
        return expand_glob(target, paths);
    if (binpath_resolve(target, pid, out, sizeof(out)) < 0)
        return 0;
    return push_path(paths, &n, out) < 0 ? -1 : n;
}
