/* Kernel BTF to trawk types: vmlinux first, then module BTF, both opened on
 * the first lookup that needs them. Types are converted once per BTF id;
 * pointers to records point at forward records so that converting one
 * struct does not convert the whole kernel. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/btf.h>

#include "ctypes/ctypes_impl.h"

#define VMLINUX_PATH "/sys/kernel/btf/vmlinux"
#define MODULES_DIR "/sys/kernel/btf"

struct btf_obj {
    char *name; /* "vmlinux" or the module's */
    struct btf *btf;
    const struct type **cache; /* by type id */
    uint32_t cnt;
};

struct ct_btf {
    struct btf_obj *objs; /* [0] is vmlinux */
    int n;
    bool modules_loaded;
    bool enums_indexed;
    struct ct_table enums; /* constant name -> obj, id, value */
};

static void add_obj(struct ctypes *c, struct btf *b, const char *name) {
    struct ct_btf *k = c->btf;
    k->objs = realloc(k->objs, (k->n + 1) * sizeof(*k->objs));
    if (!k->objs)
        abort();
    struct btf_obj *o = &k->objs[k->n++];
    o->btf = b;
    o->name = strdup(name);
    o->cnt = btf__type_cnt(b);
    o->cache = calloc(o->cnt, sizeof(*o->cache));
    if (!o->cache)
        abort();
    c->btf_loads++;
}

/* Raw BTF mapped rather than read: the kernel's sysfs file can be mapped
 * since 6.16, which halves the start-up of a script that names a kernel
 * type (reading 5 MiB through sysfs costs as much as parsing it). Other
 * files and older kernels go through libbpf's reader. */
static struct btf *parse_mapped(const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat st;
    struct btf *b = NULL;
    if (fstat(fd, &st) == 0 && st.st_size > 0) {
        void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m != MAP_FAILED) {
            b = btf__new(m, (uint32_t)st.st_size); /* copies what it keeps; NULL on error */
            munmap(m, (size_t)st.st_size);
        }
    }
    close(fd);
    return b;
}

static struct ct_btf *get_btf(struct ctypes *c) {
    if (c->btf || c->no_btf || c->btf_failed)
        return c->btf;
    const char *path = c->btf_path ? c->btf_path : VMLINUX_PATH;
    struct btf *b = parse_mapped(path);
    if (!b)
        b = btf__parse(path, NULL);
    if (!b) {
        c->btf_failed = true;
        return NULL;
    }
    c->btf = calloc(1, sizeof(*c->btf));
    if (!c->btf)
        abort();
    add_obj(c, b, "vmlinux");
    return c->btf;
}

/* Module BTF is split BTF on top of vmlinux; only the running kernel's. */
static void load_modules(struct ctypes *c) {
    struct ct_btf *k = c->btf;
    if (k->modules_loaded)
        return;
    k->modules_loaded = true;
    DIR *dir = c->btf_path ? NULL : opendir(MODULES_DIR);
    if (!dir)
        return;
    struct dirent *de;
    while ((de = readdir(dir))) {
        if (de->d_name[0] == '.' || !strcmp(de->d_name, "vmlinux"))
            continue;
        char path[512];
        snprintf(path, sizeof(path), "%s/%s", MODULES_DIR, de->d_name);
        struct btf *b = btf__parse_split(path, k->objs[0].btf);
        if (b)
            add_obj(c, b, de->d_name);
    }
    closedir(dir);
}

static const struct type *convert(struct ctypes *c, int o, uint32_t id);

/* Strips typedefs and qualifiers. */
static const struct btf_type *skip_mods(const struct btf *b, uint32_t *id) {
    const struct btf_type *t = btf__type_by_id(b, *id);
    while (t && (btf_is_mod(t) || btf_is_typedef(t) || btf_is_type_tag(t))) {
        *id = t->type;
        t = btf__type_by_id(b, *id);
    }
    return *id ? t : NULL;
}

static const char *tag_name(struct ctypes *c, const struct btf *b, const struct btf_type *t,
                            bool is_union) {
    const char *name = btf__name_by_offset(b, t->name_off);
    if (!name || !*name)
        return NULL;
    char buf[512];
    snprintf(buf, sizeof(buf), "%s %s", is_union ? "union" : "struct", name);
    return type_strdup(c->arena, buf);
}

static const struct type *pointee(struct ctypes *c, int o, uint32_t id) {
    const struct btf *b = c->btf->objs[o].btf;
    const struct btf_type *t = skip_mods(b, &id);
    if (!t || btf_is_func_proto(t))
        return NULL;
    bool rec = btf_is_composite(t) || btf_is_fwd(t);
    const char *tag =
        rec ? tag_name(c, b, t, btf_is_fwd(t) ? btf_kflag(t) : btf_is_union(t)) : NULL;
    if (tag)
        return ct_forward(c, tag);
    return convert(c, o, id);
}

static void member_field(struct ctypes *c, int o, const struct btf_type *t, int i,
                         struct type_field *f) {
    const struct btf *b = c->btf->objs[o].btf;
    const struct btf_member *m = btf_members(t) + i;
    uint32_t bitpos = btf_member_bit_offset(t, i);
    uint32_t width = btf_member_bitfield_size(t, i);
    const char *name = btf__name_by_offset(b, m->name_off);
    f->name = name && *name ? type_strdup(c->arena, name) : NULL;
    f->ty = convert(c, o, m->type);
    if (!width) { /* old-style bitfields: the width is in the int type */
        uint32_t id = m->type;
        const struct btf_type *mt = skip_mods(b, &id);
        if (mt && btf_is_int(mt) && btf_int_bits(mt) != mt->size * 8) {
            width = btf_int_bits(mt);
            bitpos += btf_int_offset(mt);
        }
    }
    if (!f->ty)
        f->ty = &type_u8;
    if (width) {
        ct_bitfield_place(bitpos, width, f->ty, &f->offset, &f->bit_offset);
        f->bit_size = (uint16_t)width;
    } else {
        f->offset = bitpos / 8;
    }
}

static const struct type *record(struct ctypes *c, int o, const struct btf_type *t) {
    int n = btf_vlen(t);
    struct type_field *fields = calloc(n ? n : 1, sizeof(*fields));
    if (!fields)
        abort();
    for (int i = 0; i < n; i++)
        member_field(c, o, t, i, &fields[i]);
    const struct type *r =
        type_record(c->arena, tag_name(c, c->btf->objs[o].btf, t, btf_is_union(t)), btf_is_union(t),
                    t->size, n, fields);
    free(fields);
    return r;
}

static const struct type *enumeration(struct ctypes *c, int o, const struct btf_type *t) {
    const struct btf *b = c->btf->objs[o].btf;
    int n = btf_vlen(t);
    struct enum_def *def = type_arena_alloc(c->arena, sizeof(*def));
    const char **names = type_arena_alloc(c->arena, sizeof(*names) * (n + 1));
    int64_t *values = type_arena_alloc(c->arena, sizeof(*values) * (n + 1));
    bool sign = btf_kflag(t);
    for (int i = 0; i < n; i++) {
        uint32_t off = btf_is_enum(t) ? btf_enum(t)[i].name_off : btf_enum64(t)[i].name_off;
        names[i] = type_strdup(c->arena, btf__name_by_offset(b, off));
        if (btf_is_enum(t))
            values[i] = sign ? btf_enum(t)[i].val : (int64_t)(uint32_t)btf_enum(t)[i].val;
        else
            values[i] = (int64_t)btf_enum64_value(&btf_enum64(t)[i]);
    }
    const char *name = btf__name_by_offset(b, t->name_off);
    char buf[512];
    snprintf(buf, sizeof(buf), "enum %s", name ? name : "");
    def->name = name && *name ? type_strdup(c->arena, buf) : NULL;
    def->n = n;
    def->names = names;
    def->values = values;
    return type_enum(c->arena, t->size, sign, def);
}

static const struct type *array(struct ctypes *c, int o, const struct btf_type *t) {
    const struct btf_array *a = btf_array(t);
    const struct type *elem = convert(c, o, a->type);
    if (!elem)
        return NULL;
    /* bpftrace makes arrays of any 1-byte integer strings */
    if (elem->kind == T_INT && elem->size == 1 && !elem->is_ptr && !elem->enum_def)
        return type_string(c->arena, a->nelems);
    return type_array(c->arena, elem, a->nelems);
}

static const struct type *convert_kind(struct ctypes *c, int o, uint32_t id,
                                       const struct btf_type *t) {
    if (btf_is_int(t)) {
        if (btf_int_encoding(t) & BTF_INT_BOOL)
            return &type_bool;
        if (t->size > 8)
            return type_array(c->arena, &type_u64, t->size / 8);
        return type_int(t->size, btf_int_encoding(t) & BTF_INT_SIGNED);
    }
    if (btf_is_float(t) && (t->size == 4 || t->size == 8))
        return type_float(t->size);
    if (btf_is_float(t))
        return t->size > 8 ? type_array(c->arena, &type_u64, t->size / 8) : type_int(t->size, true);
    if (btf_is_ptr(t))
        return type_ptr_to(c->arena, pointee(c, o, t->type), AS_KERNEL);
    if (btf_is_array(t))
        return array(c, o, t);
    if (btf_is_composite(t))
        return record(c, o, t);
    if (btf_is_any_enum(t))
        return enumeration(c, o, t);
    if (btf_is_fwd(t))
        return ct_forward(c, tag_name(c, c->btf->objs[o].btf, t, btf_kflag(t)));
    if (btf_is_mod(t) || btf_is_typedef(t) || btf_is_type_tag(t))
        return convert(c, o, t->type);
    if (btf_is_func_proto(t))
        return &type_void;
    return NULL;
}

static const struct type *convert(struct ctypes *c, int o, uint32_t id) {
    if (id == 0)
        return &type_void;
    if (o > 0 && id < c->btf->objs[0].cnt)
        o = 0; /* a module type refers to vmlinux: share its cache */
    struct btf_obj *obj = &c->btf->objs[o];
    if (id >= obj->cnt)
        return NULL;
    if (obj->cache[id])
        return obj->cache[id];
    const struct btf_type *t = btf__type_by_id(obj->btf, id);
    const struct type *r = t ? convert_kind(c, o, id, t) : NULL;
    obj->cache[id] = r;
    return r;
}

/* "struct x" -> BTF_KIND_STRUCT "x"; a plain name is a typedef. */
static int find(const struct btf *b, const char *name) {
    static const struct {
        const char *prefix;
        int kind;
    } kinds[] = {{"struct ", BTF_KIND_STRUCT},
                 {"union ", BTF_KIND_UNION},
                 {"enum ", BTF_KIND_ENUM},
                 {"enum ", BTF_KIND_ENUM64}};
    bool tagged = false;
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        size_t n = strlen(kinds[i].prefix);
        if (strncmp(name, kinds[i].prefix, n))
            continue;
        tagged = true;
        int id = btf__find_by_name_kind(b, name + n, kinds[i].kind);
        if (id > 0)
            return id;
    }
    return tagged ? -1 : btf__find_by_name_kind(b, name, BTF_KIND_TYPEDEF);
}

const struct type *ct_btf_lookup(struct ctypes *c, const char *name) {
    struct ct_btf *k = get_btf(c);
    if (!k)
        return NULL;
    for (int pass = 0; pass < 2; pass++) {
        for (int o = pass ? 1 : 0; o < (pass ? k->n : 1); o++) {
            int id = find(k->objs[o].btf, name);
            /* split BTF searches its base too: only this module's own ids count */
            if (id > 0 && (o == 0 || (uint32_t)id >= k->objs[0].cnt))
                return convert(c, o, (uint32_t)id);
        }
        if (!pass)
            load_modules(c);
    }
    return NULL;
}

bool ct_btf_has(struct ctypes *c, const char *name) {
    struct ct_btf *k = get_btf(c);
    return k && find(k->objs[0].btf, name) > 0;
}

static void index_enums(struct ctypes *c) {
    struct ct_btf *k = c->btf;
    k->enums_indexed = true;
    load_modules(c);
    for (int o = 0; o < k->n; o++) {
        const struct btf *b = k->objs[o].btf;
        for (uint32_t id = o ? k->objs[0].cnt : 1; id < k->objs[o].cnt; id++) {
            const struct btf_type *t = btf__type_by_id(b, id);
            if (!btf_is_any_enum(t))
                continue;
            for (int i = 0; i < btf_vlen(t); i++) {
                uint32_t off = btf_is_enum(t) ? btf_enum(t)[i].name_off : btf_enum64(t)[i].name_off;
                struct ct_sym *e = ct_table_put(&k->enums, btf__name_by_offset(b, off));
                if (!e->id) { /* the first definition wins */
                    e->obj = o;
                    e->id = id;
                    e->value = i;
                }
            }
        }
    }
}

bool ct_btf_enum_value(struct ctypes *c, const char *name, int64_t *value, const struct type **ty) {
    struct ct_btf *k = get_btf(c);
    if (!k)
        return false;
    if (!k->enums_indexed)
        index_enums(c);
    struct ct_sym *e = ct_table_get(&k->enums, name);
    if (!e)
        return false;
    const struct type *t = convert(c, e->obj, e->id);
    if (!t || !t->enum_def)
        return false;
    *value = t->enum_def->values[e->value];
    if (ty)
        *ty = t;
    return true;
}

void ct_btf_each_name(struct ctypes *c, void (*fn)(void *ctx, const char *name), void *ctx) {
    struct ct_btf *k = get_btf(c);
    if (!k)
        return;
    for (int o = 0; o < k->n; o++) {
        const struct btf *b = k->objs[o].btf;
        for (uint32_t id = o ? k->objs[0].cnt : 1; id < k->objs[o].cnt; id++) {
            const struct btf_type *t = btf__type_by_id(b, id);
            const char *name = btf__name_by_offset(b, t->name_off);
            if (!name || !*name)
                continue;
            const char *prefix = btf_is_struct(t)     ? "struct "
                                 : btf_is_union(t)    ? "union "
                                 : btf_is_any_enum(t) ? "enum "
                                 : btf_is_typedef(t)  ? ""
                                                      : NULL;
            if (!prefix)
                continue;
            char buf[512];
            snprintf(buf, sizeof(buf), "%s%s", prefix, name);
            fn(ctx, buf);
        }
    }
}

static int find_obj(struct ctypes *c, const char *module) {
    struct ct_btf *k = get_btf(c);
    if (!k)
        return -1;
    if (strcmp(module, "vmlinux") != 0)
        load_modules(c);
    for (int o = 0; o < k->n; o++)
        if (strcmp(k->objs[o].name, module) == 0)
            return o;
    return -1;
}

int ctypes_func_params(struct ctypes *c, const char *module, const char *func,
                       struct ctypes_param *params, int max, const struct type **ret) {
    int o = find_obj(c, module ? module : "vmlinux");
    if (o < 0)
        return -1;
    const struct btf *b = c->btf->objs[o].btf;
    int id = btf__find_by_name_kind(b, func, BTF_KIND_FUNC);
    const struct btf_type *proto = id > 0 ? btf__type_by_id(b, btf__type_by_id(b, id)->type) : NULL;
    if (!proto || !btf_is_func_proto(proto))
        return -1;
    const struct btf_param *p = btf_params(proto);
    int n = btf_vlen(proto) < max ? btf_vlen(proto) : max;
    for (int i = 0; i < n; i++) {
        params[i].name = type_strdup(c->arena, btf__name_by_offset(b, p[i].name_off));
        params[i].ty = convert(c, o, p[i].type);
    }
    if (ret)
        *ret = convert(c, o, proto->type);
    return n;
}

void ct_btf_free(struct ct_btf *k) {
    if (!k)
        return;
    for (int i = k->n - 1; i >= 0; i--) {
        btf__free(k->objs[i].btf);
        free(k->objs[i].cache);
        free(k->objs[i].name);
    }
    free(k->objs);
    ct_table_free(&k->enums);
    free(k);
}
