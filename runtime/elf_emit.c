/* --emit-elf FILE: trawk's programs and maps as a relocatable BPF object
 * (EM_BPF) that libbpf opens and llvm-objdump disassembles, written
 * instead of loading anything. A program is one section (libbpf's SEC()
 * name for its type) with a global function symbol; each map is a BTF
 * definition in .maps, and every instruction that refers to a map has an
 * R_BPF_64_64 relocation against the map's symbol, as clang emits them. */
#include <bpf/libbpf.h>
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf_emit.h"
#include "rt_internal.h"
#include "runtime.h"

#ifndef EM_BPF
#define EM_BPF 247
#endif
#define R_BPF_64_64 1
#define MAX_NAME 512

struct blob {
    char *data;
    size_t len, cap;
};

static int blob_add(struct blob *b, const void *p, size_t n) {
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 1024;
        while (cap < b->len + n)
            cap *= 2;
        char *bigger = realloc(b->data, cap);
        if (!bigger)
            return -1;
        b->data = bigger;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}

/* Adds a NUL-terminated name; returns its offset, or 0 when out of memory
 * (offset 0 is the empty name). */
static uint32_t name_add(struct blob *strtab, const char *name) {
    size_t off = strtab->len;
    return blob_add(strtab, name, strlen(name) + 1) < 0 ? 0 : (uint32_t)off;
}

struct section {
    Elf64_Shdr hdr;
    struct blob data;
};

struct object {
    const struct manifest *m;
    struct section *secs;
    int nsecs;
    struct blob strtab, symtab;
    int *map_slot; /* manifest map -> index in slots, -1 for a map that shares another's */
    struct elf_map_slot *slots;
    uint32_t *entries; /* each slot's max_entries as trawk creates the map */
    int nslots;
    bool oom;
};

static struct section *section_add(struct object *o, const char *name, uint32_t type,
                                   uint64_t flags, uint64_t align) {
    struct section *bigger = realloc(o->secs, sizeof(*o->secs) * (size_t)(o->nsecs + 1));
    if (!bigger) {
        o->oom = true;
        return NULL;
    }
    o->secs = bigger;
    struct section *s = &o->secs[o->nsecs++];
    *s = (struct section){.hdr = {.sh_name = name_add(&o->strtab, name),
                                  .sh_type = type,
                                  .sh_flags = flags,
                                  .sh_addralign = align}};
    return s;
}

static void symbol_add(struct object *o, const char *name, int type, int shndx, uint64_t value,
                       uint64_t size) {
    Elf64_Sym sym = {.st_name = name_add(&o->strtab, name),
                     .st_info = ELF64_ST_INFO(STB_GLOBAL, type),
                     .st_shndx = (uint16_t)shndx,
                     .st_value = value,
                     .st_size = size};
    o->oom |= blob_add(&o->symtab, &sym, sizeof(sym)) < 0;
}

/* The map a reference to manifest map i means: a packed or fused map's
 * is the map that holds it. */
static int owning_map(const struct manifest *m, int i) {
    const struct map_desc *md = &m->maps[i];
    return md->packed ? md->pack : md->fused ? md->fuse : i;
}

static int plan_maps(struct object *o) {
    const struct manifest *m = o->m;
    o->map_slot = calloc((size_t)m->nmaps + 1, sizeof(int));
    o->slots = calloc((size_t)m->nmaps + 1, sizeof(*o->slots));
    o->entries = calloc((size_t)m->nmaps + 1, sizeof(*o->entries));
    if (!o->map_slot || !o->slots || !o->entries)
        return -1;
    uint32_t off = 0;
    for (int i = 0; i < m->nmaps; i++) {
        o->map_slot[i] = -1;
        if (owning_map(m, i) != i)
            continue;
        const struct map_desc *md = &m->maps[i];
        o->slots[o->nslots] = (struct elf_map_slot){i, off, elf_map_def_size(md)};
        /* 0: a slot per CPU, known at load */
        o->entries[o->nslots] =
            md->max_entries ? md->max_entries : (uint32_t)libbpf_num_possible_cpus();
        off += o->slots[o->nslots].size;
        o->map_slot[i] = o->nslots++;
    }
    return 0;
}

/* The first symbol of a map: programs come first, from 1. */
static int map_symbol_index(const struct object *o, int map) {
    return 1 + o->m->nprogs + o->map_slot[owning_map(o->m, map)];
}

static bool is_map_ref(const struct bpf_insn *in) {
    return in->code == (BPF_LD | BPF_DW | BPF_IMM) &&
           (in->src_reg == BPF_PSEUDO_MAP_FD || in->src_reg == BPF_PSEUDO_MAP_VALUE);
}

/* A program's code, its map indices cleared as clang leaves them, and
 * its relocation section when it refers to maps. */
static void add_program(struct object *o, int index) {
    const struct prog_desc *p = &o->m->progs[index];
    char name[MAX_NAME];
    elf_prog_section(p, name, sizeof(name));
    int shndx = o->nsecs;
    struct section *code = section_add(o, name, SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, 8);
    struct blob rels = {0};
    for (int i = 0; code && i < p->ninsns; i++) {
        struct bpf_insn in = p->insns[i];
        if (is_map_ref(&in) && in.imm >= 0 && in.imm < o->m->nmaps) {
            Elf64_Rel rel = {.r_offset = (uint64_t)i * sizeof(in),
                             .r_info = ELF64_R_INFO(map_symbol_index(o, in.imm), R_BPF_64_64)};
            o->oom |= blob_add(&rels, &rel, sizeof(rel)) < 0;
            in.imm = 0;
        }
        o->oom |= blob_add(&code->data, &in, sizeof(in)) < 0;
    }
    elf_prog_symbol(p, index, name, sizeof(name));
    symbol_add(o, name, STT_FUNC, shndx, 0, (uint64_t)p->ninsns * sizeof(struct bpf_insn));
    if (!rels.len)
        return;
    char relname[MAX_NAME + 8];
    elf_prog_section(p, name, sizeof(name));
    snprintf(relname, sizeof(relname), ".rel%s", name);
    struct section *rel = section_add(o, relname, SHT_REL, 0, 8);
    if (!rel) {
        free(rels.data);
        return;
    }
    rel->hdr.sh_info = (uint32_t)shndx;
    rel->hdr.sh_entsize = sizeof(Elf64_Rel);
    rel->data = rels; /* sh_link: .symtab, set when its index is known */
}

static void add_maps(struct object *o) {
    int shndx = o->nsecs;
    struct section *s = section_add(o, ".maps", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, 8);
    for (int i = 0; s && i < o->nslots; i++) {
        char name[MAX_NAME];
        static const char zeros[40];
        elf_map_symbol(&o->m->maps[o->slots[i].map], name, sizeof(name));
        symbol_add(o, name, STT_OBJECT, shndx, o->slots[i].offset, o->slots[i].size);
        o->oom |= blob_add(&s->data, zeros, o->slots[i].size) < 0;
    }
}

static void add_license(struct object *o) {
    int shndx = o->nsecs;
    struct section *s = section_add(o, "license", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, 1);
    if (s)
        o->oom |= blob_add(&s->data, "GPL", 4) < 0;
    symbol_add(o, "LICENSE", STT_OBJECT, shndx, 0, 4);
}

static void add_btf(struct object *o) {
    uint32_t size = 0;
    void *raw = elf_btf_build(o->m, o->slots, o->nslots, o->entries, &size);
    struct section *s = raw ? section_add(o, ".BTF", SHT_PROGBITS, 0, 4) : NULL;
    if (s)
        o->oom |= blob_add(&s->data, raw, size) < 0;
    o->oom |= !s;
    free(raw);
}

/* .symtab last, then every relocation section links to it. */
static void add_symtab(struct object *o) {
    int symtab = o->nsecs;
    struct section *s = section_add(o, ".symtab", SHT_SYMTAB, 0, 8);
    if (!s)
        return;
    s->data = o->symtab;
    o->symtab = (struct blob){0};
    s->hdr.sh_link = 1; /* .strtab */
    s->hdr.sh_info = 1; /* every symbol after the null one is global */
    s->hdr.sh_entsize = sizeof(Elf64_Sym);
    for (int i = 0; i < o->nsecs; i++)
        if (o->secs[i].hdr.sh_type == SHT_REL)
            o->secs[i].hdr.sh_link = (uint32_t)symtab;
}

static int write_object(struct object *o, FILE *f) {
    /* .strtab is final only now: it names sections and symbols */
    o->secs[1].data = o->strtab;
    o->strtab = (struct blob){0};
    uint64_t off = sizeof(Elf64_Ehdr);
    for (int i = 1; i < o->nsecs; i++) {
        off = (off + 7) & ~7ull;
        o->secs[i].hdr.sh_offset = off;
        o->secs[i].hdr.sh_size = o->secs[i].data.len;
        off += o->secs[i].data.len;
    }
    off = (off + 7) & ~7ull;
    Elf64_Ehdr eh = {.e_ident = {ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64, ELFDATA2LSB,
                                 EV_CURRENT, ELFOSABI_NONE},
                     .e_type = ET_REL,
                     .e_machine = EM_BPF,
                     .e_version = EV_CURRENT,
                     .e_shoff = off,
                     .e_ehsize = sizeof(Elf64_Ehdr),
                     .e_shentsize = sizeof(Elf64_Shdr),
                     .e_shnum = (uint16_t)o->nsecs,
                     .e_shstrndx = 1};
    static const char pad[8];
    uint64_t pos = fwrite(&eh, sizeof(eh), 1, f) == 1 ? sizeof(eh) : 0;
    for (int i = 1; pos && i < o->nsecs; i++) {
        pos += fwrite(pad, 1, o->secs[i].hdr.sh_offset - pos, f);
        pos += fwrite(o->secs[i].data.data, 1, o->secs[i].data.len, f);
    }
    pos += fwrite(pad, 1, off - pos, f);
    for (int i = 0; i < o->nsecs; i++)
        pos += fwrite(&o->secs[i].hdr, 1, sizeof(Elf64_Shdr), f);
    return pos == off + sizeof(Elf64_Shdr) * (uint64_t)o->nsecs ? 0 : -1;
}

static void object_free(struct object *o) {
    for (int i = 0; i < o->nsecs; i++)
        free(o->secs[i].data.data);
    free(o->secs);
    free(o->strtab.data);
    free(o->symtab.data);
    free(o->map_slot);
    free(o->slots);
    free(o->entries);
}

static int build(struct object *o) {
    static const Elf64_Sym null_sym;
    o->oom |= name_add(&o->strtab, "") != 0 || blob_add(&o->symtab, &null_sym, sizeof(null_sym));
    section_add(o, "", SHT_NULL, 0, 0);
    section_add(o, ".strtab", SHT_STRTAB, 0, 1);
    if (o->oom || plan_maps(o) < 0)
        return -1;
    for (int i = 0; i < o->m->nprogs; i++)
        add_program(o, i);
    add_maps(o);
    add_license(o);
    add_btf(o);
    add_symtab(o);
    return o->oom ? -1 : 0;
}

int rt_emit_elf(struct manifest *m, const char *path, struct diag *d) {
    struct object o = {.m = m};
    rt_size_ringbuf(m); /* the map sizes trawk would create */
    if (build(&o) < 0) {
        object_free(&o);
        diag_plain_error(d, E_IO, "Out of memory writing ELF file '%s'", path);
        return -1;
    }
    FILE *f = fopen(path, "wb");
    int rc = f ? write_object(&o, f) : -1;
    int err = errno;
    if (f && fclose(f) != 0 && rc == 0) {
        rc = -1;
        err = errno;
    }
    if (rc < 0)
        diag_plain_error(d, E_IO, "failed to write ELF file '%s': %s", path, strerror(err));
    object_free(&o);
    return rc;
}
