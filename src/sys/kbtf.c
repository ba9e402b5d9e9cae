/* Kernel functions from BTF: vmlinux and module BTF parsed once, walked by
 * the kernel-function providers and their listings. */
#include "sys/kbtf.h"

#include <dirent.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#define BTF_DIR "/sys/kernel/btf"

/* Provider-owned like tracepoint's format cache: read once per process. */
static struct kbtf_obj *objs;
static int nobjs = -1;

static void add(const char *name, struct btf *b, uint32_t first) {
    struct kbtf_obj *n = realloc(objs, sizeof(*objs) * (size_t)(nobjs + 1));
    if (!n) {
        btf__free(b);
        return;
    }
    objs = n;
    objs[nobjs++] = (struct kbtf_obj){strdup(name), b, first, NULL, 0};
}

static int by_name(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void load_modules(struct btf *base) {
    DIR *dir = opendir(BTF_DIR);
    char **names = NULL;
    int n = 0;
    struct dirent *de;
    while (dir && (de = readdir(dir))) {
        if (de->d_name[0] == '.' || strcmp(de->d_name, "vmlinux") == 0)
            continue;
        char **g = realloc(names, sizeof(*names) * (size_t)(n + 1));
        if (!g)
            break;
        names = g;
        names[n++] = strdup(de->d_name);
    }
    if (dir)
        closedir(dir);
    if (n > 1) /* qsort wants an array, even of nothing */
        qsort(names, (size_t)n, sizeof(*names), by_name);
    for (int i = 0; i < n; i++) {
        char path[512];
        snprintf(path, sizeof(path), "%s/%s", BTF_DIR, names[i]);
        struct btf *b = btf__parse_split(path, base);
        if (b)
            add(names[i], b, btf__type_cnt(base));
        free(names[i]);
    }
    free(names);
}

int kbtf_objects(const struct kbtf_obj **out) {
    if (nobjs < 0) {
        nobjs = 0;
        struct btf *v = btf__parse(BTF_DIR "/vmlinux", NULL);
        if (v) {
            add("vmlinux", v, 1);
            load_modules(v);
        }
    }
    *out = objs;
    return nobjs;
}

int kbtf_foreach_func(const char *mod_glob, kbtf_func_fn fn, void *arg) {
    const struct kbtf_obj *o;
    int n = kbtf_objects(&o);
    for (int i = 0; i < n; i++) {
        if (mod_glob && fnmatch(mod_glob, o[i].name, 0) != 0)
            continue;
        uint32_t cnt = btf__type_cnt(o[i].btf);
        for (uint32_t id = o[i].first; id < cnt; id++) {
            const struct btf_type *t = btf__type_by_id(o[i].btf, id);
            if (!btf_is_func(t))
                continue;
            struct kbtf_func f = {&o[i], btf__name_by_offset(o[i].btf, t->name_off), t->type, id};
            int rc = fn(&f, arg);
            if (rc)
                return rc;
        }
    }
    return 0;
}

/* libbpf searches names linearly: -lv and wildcards look up thousands, so
 * each object gets its functions and typedefs sorted by name once. */
static const struct btf *sort_btf;

static const char *type_name(const struct btf *b, uint32_t id) {
    return btf__name_by_offset(b, btf__type_by_id(b, id)->name_off);
}

static int by_type_name(const void *a, const void *b) {
    return strcmp(type_name(sort_btf, *(const uint32_t *)a),
                  type_name(sort_btf, *(const uint32_t *)b));
}

static void index_names(struct kbtf_obj *o) {
    uint32_t cnt = btf__type_cnt(o->btf);
    o->index = malloc(sizeof(*o->index) * (cnt - o->first + 1));
    if (!o->index)
        return;
    for (uint32_t id = o->first; id < cnt; id++) {
        const struct btf_type *t = btf__type_by_id(o->btf, id);
        if (btf_is_func(t) || btf_is_typedef(t))
            o->index[o->nindex++] = id;
    }
    sort_btf = o->btf;
    qsort(o->index, o->nindex, sizeof(*o->index), by_type_name);
}

/* The id of the type of kind called name in o's own types, or -1. */
static int find_in(struct kbtf_obj *o, const char *name, int kind) {
    if (!o->index)
        index_names(o);
    uint32_t lo = 0, hi = o->nindex;
    while (lo < hi) { /* the first entry named name */
        uint32_t mid = (lo + hi) / 2;
        if (strcmp(type_name(o->btf, o->index[mid]), name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < o->nindex && strcmp(type_name(o->btf, o->index[lo]), name) == 0; lo++)
        if (btf_kind(btf__type_by_id(o->btf, o->index[lo])) == kind)
            return (int)o->index[lo];
    return -1;
}

static struct kbtf_obj *obj_named(const char *module) {
    const struct kbtf_obj *o;
    int n = kbtf_objects(&o);
    for (int i = 0; i < n; i++)
        if (strcmp(o[i].name, module ? module : "vmlinux") == 0)
            return &objs[i];
    return NULL;
}

bool kbtf_find_func(const char *module, const char *name, struct kbtf_func *out) {
    struct kbtf_obj *o = obj_named(module);
    int id = o ? find_in(o, name, BTF_KIND_FUNC) : -1;
    if (id <= 0)
        return false;
    *out = (struct kbtf_func){o, name, btf__type_by_id(o->btf, (uint32_t)id)->type, (uint32_t)id};
    return true;
}

int kbtf_find_typedef(const char *module, const char *name) {
    struct kbtf_obj *o = obj_named(module);
    return o ? find_in(o, name, BTF_KIND_TYPEDEF) : -1;
}

/* One btf_dump per object: preparing one walks every type of its BTF. */
static FILE *dump_out;

static void to_file(void *ctx, const char *fmt, va_list ap) {
    (void)ctx;
    vfprintf(dump_out, fmt, ap);
}

static struct btf_dump *dumper(const struct kbtf_obj *o, FILE *out) {
    static struct btf_dump **dumps;
    int i = (int)(o - objs);
    if (!dumps)
        dumps = calloc((size_t)nobjs, sizeof(*dumps));
    if (!dumps)
        return NULL;
    if (!dumps[i])
        dumps[i] = btf_dump__new(o->btf, to_file, NULL, NULL);
    dump_out = out;
    return dumps[i];
}

/* "    " TYPE " " NAME, with btf_dump writing the type as C declares it. */
static void print_decl(const struct kbtf_obj *o, uint32_t type, const char *name, FILE *out) {
    LIBBPF_OPTS(btf_dump_emit_type_decl_opts, opts, .field_name = "");
    struct btf_dump *dump = dumper(o, out);
    if (!dump)
        return;
    fputs("    ", out);
    btf_dump__emit_type_decl(dump, type, &opts);
    fprintf(out, " %s\n", name);
}

void kbtf_print_params(const struct kbtf_func *f, int skip, bool argn, FILE *out) {
    const struct btf *b = f->obj->btf;
    const struct btf_type *proto = btf__type_by_id(b, f->proto);
    if (!proto || !btf_is_func_proto(proto))
        return;
    const struct btf_param *p = btf_params(proto);
    int argno = 0;
    for (int i = 0; i < btf_vlen(proto); i++, p++) {
        if (i < skip)
            continue;
        char name[32];
        if (argn) {
            const struct btf_type *pt = btf__type_by_id(b, p->type);
            if (pt && btf_is_float(pt))
                continue;
            snprintf(name, sizeof(name), "arg%d", argno++);
        }
        print_decl(f->obj, p->type, argn ? name : btf__name_by_offset(b, p->name_off), out);
    }
}

void kbtf_print_retval(const struct kbtf_func *f, bool void_line, FILE *out) {
    const struct btf_type *proto = btf__type_by_id(f->obj->btf, f->proto);
    if (!proto || !btf_is_func_proto(proto))
        return;
    if (proto->type)
        print_decl(f->obj, proto->type, "retval", out);
    else if (void_line)
        fputs("    void\n", out);
}

int kbtf_push_name(char ***names, int *n, int *cap, const char *module, const char *name) {
    if (*n == *cap) {
        int want = *cap ? *cap * 2 : 256;
        char **g = realloc(*names, sizeof(*g) * (size_t)want);
        if (!g)
            return -1;
        *names = g, *cap = want;
    }
    if (asprintf(&(*names)[*n], "%s:%s", module, name) < 0)
        return -1;
    (*n)++;
    return 0;
}

int kbtf_sort_unique(char **names, int n) {
    if (n > 1)
        qsort(names, (size_t)n, sizeof(*names), by_name);
    int k = 0;
    for (int i = 0; i < n; i++) {
        if (k > 0 && strcmp(names[k - 1], names[i]) == 0)
            free(names[i]);
        else
            names[k++] = names[i];
    }
    return k;
}

const struct btf *kbtf_vmlinux(void) {
    const struct kbtf_obj *objs;
    return kbtf_objects(&objs) > 0 ? objs[0].btf : NULL;
}

int kbtf_id(const char *name, int kind) {
    const struct btf *btf = kbtf_vmlinux();
    int id = btf ? btf__find_by_name_kind(btf, name, (unsigned)kind) : -1;
    return id > 0 ? id : -1;
}
