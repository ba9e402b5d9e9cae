/* Where headers are found: the including file's directory for "...", then
 * -I, the kernel's headers when installed (as bpftrace adds them), the
 * system directories, and last the compiler's own headers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "pp.h"

#define PP_BUILTIN_DIR "<built-in>"

/* The multiarch directory of the machine trawk was built for. */
#if defined(__x86_64__)
#define PP_TRIPLET "x86_64-linux-gnu"
#elif defined(__aarch64__)
#define PP_TRIPLET "aarch64-linux-gnu"
#else
#define PP_TRIPLET NULL
#endif

static const char *const system_dirs[] = {
    "/usr/local/include",
    PP_TRIPLET ? "/usr/include/" PP_TRIPLET : NULL,
    "/usr/include",
    PP_BUILTIN_DIR,
};

enum { PP_MAX_KERNEL_DIRS = 8 };

void pp_search_init(struct pp_state *st, const struct preproc_opts *opts) {
    size_t nsys = sizeof(system_dirs) / sizeof(system_dirs[0]);
    size_t cap = (size_t)opts->ninclude_dirs + PP_MAX_KERNEL_DIRS + nsys;
    st->dirs = pp_alloc(&st->arena, sizeof(char *) * cap);
    for (int i = 0; i < opts->ninclude_dirs; i++)
        st->dirs[st->ndirs++] = opts->include_dirs[i];
    st->ndirs += pp_kernel_dirs(st, st->dirs + st->ndirs);
    for (size_t i = 0; i < nsys; i++)
        if (system_dirs[i])
            st->dirs[st->ndirs++] = system_dirs[i];
}

static bool is_file(const char *path) {
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && access(path, R_OK) == 0;
}

static const char *in_dir(struct pp_state *st, const char *dir, const char *name) {
    if (strcmp(dir, PP_BUILTIN_DIR) == 0) {
        if (!pp_builtin_header(name))
            return NULL;
    }
    size_t n = strlen(dir) + strlen(name) + 2;
    char *path = pp_alloc(&st->arena, n);
    snprintf(path, n, "%s/%s", dir, name);
    if (strcmp(dir, PP_BUILTIN_DIR) == 0 || is_file(path))
        return path;
    return NULL;
}

const char *pp_search(struct pp_state *st, const char *name, bool quoted,
                      const struct pp_file *from, bool next, int *dir_index) {
    int idx = -1;
    const char *found = NULL;
    if (name[0] == '/') {
        found = is_file(name) ? pp_strndup(&st->arena, name, strlen(name)) : NULL;
    } else {
        int first = next && from && from->dir_index >= 0 ? from->dir_index + 1 : 0;
        if (quoted && !next && from)
            found = in_dir(st, from->dir, name);
        for (int i = first; !found && i < st->ndirs; i++)
            if ((found = in_dir(st, st->dirs[i], name)))
                idx = i;
    }
    if (dir_index)
        *dir_index = idx;
    return found;
}

const char *pp_read_header(struct pp_state *st, const char *path) {
    size_t pre = strlen(PP_BUILTIN_DIR "/");
    if (strncmp(path, PP_BUILTIN_DIR "/", pre) == 0)
        return pp_builtin_header(path + pre);
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    struct pp_buf b = {0};
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        pp_buf_add(&b, chunk, n);
    fclose(f);
    char *text = pp_buf_take(&b);
    char *copy = pp_strndup(&st->arena, text, strlen(text));
    free(text);
    return copy;
}

/* ---- the kernel's headers, as bpftrace finds them ---- */

static bool is_dir(const char *p) {
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static const char *kernel_arch(const char *machine) {
    static const struct {
        const char *prefix, *arch;
    } map[] = {
        {"x86_64", "x86"},          {"i386", "x86"},  {"i686", "x86"},
        {"aarch64", "arm64"},       {"arm", "arm"},   {"s390", "s390"},
        {"ppc", "powerpc"},         {"mips", "mips"}, {"riscv", "riscv"},
        {"loongarch", "loongarch"},
    };
    const char *env = getenv("ARCH");
    if (env && *env)
        return env;
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strncmp(machine, map[i].prefix, strlen(map[i].prefix)) == 0)
            return map[i].arch;
    return machine;
}

static const char *kpath(struct pp_state *st, const char *a, const char *b, const char *c) {
    size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
    char *p = pp_alloc(&st->arena, n);
    snprintf(p, n, "%s%s%s", a, b, c);
    return p;
}

/* Fills dirs with the kernel's include directories (at most PP_MAX_KERNEL_DIRS). */
int pp_kernel_dirs(struct pp_state *st, const char **dirs) {
    struct utsname u;
    if (uname(&u) < 0)
        return 0;
    const char *src = getenv("BPFTRACE_KERNEL_SOURCE"), *obj = NULL;
    if (src) {
        obj = getenv("BPFTRACE_KERNEL_BUILD") ? getenv("BPFTRACE_KERNEL_BUILD") : src;
    } else {
        src = kpath(st, "/lib/modules/", u.release, "/source");
        obj = kpath(st, "/lib/modules/", u.release, "/build");
        bool has_src = is_dir(src), has_obj = is_dir(obj);
        if (!has_src && !has_obj)
            return 0;
        if (!has_src)
            src = obj;
        else if (!has_obj)
            obj = src;
    }
    const char *arch = kpath(st, "/arch/", kernel_arch(u.machine), "");
    int n = 0;
    dirs[n++] = kpath(st, src, arch, "/include");
    dirs[n++] = kpath(st, obj, arch, "/include/generated");
    dirs[n++] = kpath(st, src, "/include", "");
    dirs[n++] = kpath(st, obj, "/include", "");
    dirs[n++] = kpath(st, src, arch, "/include/uapi");
    dirs[n++] = kpath(st, obj, arch, "/include/generated/uapi");
    dirs[n++] = kpath(st, src, "/include/uapi", "");
    dirs[n++] = kpath(st, obj, "/include/generated/uapi", "");
    const char *kconfig = kpath(st, src, "/include/linux/kconfig.h", "");
    if (access(kconfig, R_OK) == 0)
        st->kconfig = kconfig; /* included before everything, as bpftrace does */
    /* bpftrace parses kernel headers as kernel code */
    pp_macro_define_str(st, "__KERNEL__", "1");
    pp_macro_define_str(st, "__BPF_TRACING__", "1");
    pp_macro_define_str(st, "__HAVE_BUILTIN_BSWAP16__", "1");
    pp_macro_define_str(st, "__HAVE_BUILTIN_BSWAP32__", "1");
    pp_macro_define_str(st, "__HAVE_BUILTIN_BSWAP64__", "1");
    pp_macro_define_str(st, "KBUILD_MODNAME", "\"bpftrace\"");
    return n;
}
