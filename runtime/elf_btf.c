/* The BTF of the --emit-elf object: libbpf opens a map only from its BTF
 * definition in .maps, a struct whose fields are pointers to arrays whose
 * length is the value (the __uint(type, ...) of libbpf's headers). */
#include <bpf/btf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf_emit.h"

struct def_field {
    const char *name;
    uint32_t value;
};

/* The fields of md's definition: type and max_entries always, the rest
 * when not zero (a ring buffer has neither key nor value). */
static int def_fields(const struct map_desc *md, uint32_t entries, struct def_field *f) {
    int n = 0;
    f[n++] = (struct def_field){"type", (uint32_t)md->bpf_type};
    f[n++] = (struct def_field){"max_entries", entries};
    if (md->bpf_type != BPF_MAP_TYPE_RINGBUF && md->key_size)
        f[n++] = (struct def_field){"key_size", md->key_size};
    if (md->bpf_type != BPF_MAP_TYPE_RINGBUF && md->value_size)
        f[n++] = (struct def_field){"value_size", md->value_size};
    if (md->map_flags)
        f[n++] = (struct def_field){"map_flags", md->map_flags};
    return n;
}

uint32_t elf_map_def_size(const struct map_desc *md) {
    struct def_field f[5];
    return (uint32_t)def_fields(md, 0, f) * 8;
}

/* int (*)[n] */
static int add_uint_field(struct btf *btf, int int_id, int index_id, uint32_t n) {
    int arr = btf__add_array(btf, index_id, int_id, n);
    return arr < 0 ? arr : btf__add_ptr(btf, arr);
}

static int add_map(struct btf *btf, int int_id, int index_id, const struct map_desc *md,
                   uint32_t entries, const char *name) {
    struct def_field f[5];
    int n = def_fields(md, entries, f);
    int ptrs[5];
    for (int i = 0; i < n; i++)
        if ((ptrs[i] = add_uint_field(btf, int_id, index_id, f[i].value)) < 0)
            return -1;
    int st = btf__add_struct(btf, NULL, (uint32_t)n * 8);
    for (int i = 0; st >= 0 && i < n; i++)
        if (btf__add_field(btf, f[i].name, ptrs[i], (uint32_t)i * 64, 0) < 0)
            return -1;
    return st < 0 ? -1 : btf__add_var(btf, name, BTF_VAR_GLOBAL_ALLOCATED, st);
}

/* A data map's value: a global variable of its size, alone in its
 * section. */
static int add_data_map(struct btf *btf, int index_id, const struct map_desc *md,
                        const char *name) {
    char section[256];
    int chr = btf__add_int(btf, "char", 1, BTF_INT_SIGNED);
    int arr = chr < 0 ? -1 : btf__add_array(btf, index_id, chr, md->value_size);
    int var = arr < 0 ? -1 : btf__add_var(btf, name, BTF_VAR_GLOBAL_ALLOCATED, arr);
    elf_data_section(md, section, sizeof(section));
    if (var < 0 || btf__add_datasec(btf, section, md->value_size) < 0)
        return -1;
    return btf__add_datasec_var_info(btf, var, 0, md->value_size);
}

static int add_maps(struct btf *btf, int int_id, int index_id, const struct manifest *m,
                    const struct elf_map_slot *slots, int nslots, const uint32_t *entries) {
    int *vars = calloc((size_t)nslots + 1, sizeof(int));
    uint32_t total = 0;
    int rc = vars ? 0 : -1;
    for (int i = 0; rc == 0 && i < nslots; i++) {
        const struct map_desc *md = &m->maps[slots[i].map];
        char name[256];
        elf_map_symbol(md, name, sizeof(name));
        if (slots[i].data) {
            rc = add_data_map(btf, index_id, md, name);
            continue;
        }
        vars[i] = add_map(btf, int_id, index_id, md, entries[i], name);
        total = slots[i].offset + slots[i].size;
        rc = vars[i] < 0 ? -1 : 0;
    }
    if (rc == 0 && btf__add_datasec(btf, ".maps", total) < 0)
        rc = -1;
    for (int i = 0; rc == 0 && i < nslots; i++)
        if (!slots[i].data &&
            btf__add_datasec_var_info(btf, vars[i], slots[i].offset, slots[i].size) < 0)
            rc = -1;
    free(vars);
    return rc;
}

/* Each program is a global function "int NAME(void *ctx)", each of its
 * subprograms a static "int NAME_subN(void)"; func_info places them. */
static int add_progs(struct btf *btf, int int_id, const struct elf_btf_in *in,
                     struct elf_func_recs *recs) {
    const struct manifest *m = in->m;
    int ctx = btf__add_ptr(btf, 0);
    int proto = ctx < 0 ? -1 : btf__add_func_proto(btf, int_id);
    if (proto < 0 || btf__add_func_param(btf, "ctx", ctx) < 0)
        return -1;
    int sub_proto = btf__add_func_proto(btf, int_id);
    for (int i = 0; sub_proto >= 0 && i < m->nprogs; i++) {
        char name[256], sec[512];
        elf_prog_symbol(&m->progs[i], i, name, sizeof(name));
        elf_prog_section(&m->progs[i], sec, sizeof(sec));
        int id = btf__add_func(btf, name, BTF_FUNC_GLOBAL, proto);
        uint32_t off = (uint32_t)in->prog_at[i] * 8;
        if (id < 0 || elf_func_recs_add(recs, sec, off, id) < 0)
            return -1;
    }
    for (int i = 0; sub_proto >= 0 && i < m->nprogs; i++) {
        const struct elf_subprogs *sp = &in->subs[i];
        for (int f = 0; f < sp->nfuncs; f++) {
            char prog[256], name[300];
            elf_prog_symbol(&m->progs[i], i, prog, sizeof(prog));
            snprintf(name, sizeof(name), "%s_sub%d", prog, f + 1);
            int id = btf__add_func(btf, name, BTF_FUNC_STATIC, sub_proto);
            uint32_t off = (uint32_t)(in->text_at[i] + sp->funcs[f] - sp->start) * 8;
            if (id < 0 || elf_func_recs_add(recs, ".text", off, id) < 0)
                return -1;
        }
    }
    return sub_proto < 0 ? -1 : 0;
}

/* char LICENSE[4] in section "license" */
static int add_license(struct btf *btf, int index_id) {
    int chr = btf__add_int(btf, "char", 1, BTF_INT_SIGNED);
    int arr = chr < 0 ? -1 : btf__add_array(btf, index_id, chr, 4);
    int var = arr < 0 ? -1 : btf__add_var(btf, "LICENSE", BTF_VAR_GLOBAL_ALLOCATED, arr);
    if (var < 0 || btf__add_datasec(btf, "license", 4) < 0)
        return -1;
    return btf__add_datasec_var_info(btf, var, 0, 4);
}

int elf_btf_build(const struct elf_btf_in *in, struct elf_btf_out *out) {
    struct btf *btf = btf__new_empty();
    struct elf_func_recs recs = {0};
    *out = (struct elf_btf_out){0};
    if (!btf)
        return -1;
    int int_id = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
    int index_id = btf__add_int(btf, "__ARRAY_SIZE_TYPE__", 4, 0);
    if (int_id > 0 && index_id > 0 &&
        add_maps(btf, int_id, index_id, in->m, in->slots, in->nslots, in->entries) == 0 &&
        add_progs(btf, int_id, in, &recs) == 0 && add_license(btf, index_id) == 0 &&
        (out->ext = elf_btf_ext_build(btf, &recs, &out->ext_size))) {
        const void *raw = btf__raw_data(btf, &out->btf_size);
        out->btf = raw ? malloc(out->btf_size) : NULL;
        if (out->btf)
            memcpy(out->btf, raw, out->btf_size);
    }
    btf__free(btf);
    elf_func_recs_free(&recs);
    if (out->btf)
        return 0;
    free(out->ext);
    *out = (struct elf_btf_out){0};
    return -1;
}
