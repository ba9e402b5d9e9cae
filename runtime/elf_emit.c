/* --emit-elf FILE: trawk's programs and maps as a relocatable BPF object
 * (EM_BPF) that libbpf opens and loads and llvm-objdump disassembles,
 * written instead of loading anything. A program is one section (libbpf's
 * SEC() name for its type) with a global function symbol, its
 * subprograms local functions of .text; each map is a BTF definition in
 * .maps, or a global variable in a .data section when the programs read
 * its value directly; every reference to a map or a subprogram is a
 * relocation, as clang emits them. */
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
#define R_BPF_64_64 1  /* a 64-bit immediate: map references */
#define R_BPF_64_32 10 /* a call's immediate */
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
    struct elf_subprogs *subs; /* each program's */
    int *text_at;              /* where each program's subprograms start in .text */
    int *group;                /* the first program whose section each program shares */
    int *prog_at;              /* where each program starts in its section */
    int *first_func;           /* each program's first subprogram symbol */
    int nlocals;               /* .text's section symbol and the subprograms' */
    int text;                  /* .text's index, 0 when no program has subprograms */
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

static void symbol_add(struct object *o, const char *name, int bind, int type, int shndx,
                       uint64_t value, uint64_t size) {
    Elf64_Sym sym = {.st_name = name_add(&o->strtab, name),
                     .st_info = ELF64_ST_INFO(bind, type),
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

static bool is_map_ref(const struct bpf_insn *in) {
    return in->code == (BPF_LD | BPF_DW | BPF_IMM) &&
           (in->src_reg == BPF_PSEUDO_MAP_FD || in->src_reg == BPF_PSEUDO_MAP_VALUE);
}

/* A one-entry array whose value the programs read directly, never by its
 * fd: what libbpf makes of a global variable. */
static bool is_data_map(const struct manifest *m, int map) {
    const struct map_desc *md = &m->maps[map];
    bool value_ref = false;
    if (md->bpf_type != BPF_MAP_TYPE_ARRAY || md->max_entries != 1)
        return false;
    for (int p = 0; p < m->nprogs; p++)
        for (int i = 0; i < m->progs[p].ninsns; i++) {
            const struct bpf_insn *in = &m->progs[p].insns[i];
            if (!is_map_ref(in) || owning_map(m, in->imm) != map)
                continue;
            if (in->src_reg == BPF_PSEUDO_MAP_FD)
                return false;
            value_ref = true;
        }
    return value_ref;
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
        struct elf_map_slot *slot = &o->slots[o->nslots];
        if (is_data_map(m, i)) {
            *slot = (struct elf_map_slot){.map = i, .data = true, .size = md->value_size};
        } else {
            *slot = (struct elf_map_slot){.map = i, .offset = off, .size = elf_map_def_size(md)};
            off += slot->size;
        }
        /* 0: a slot per CPU, known at load */
        o->entries[o->nslots] =
            md->max_entries ? md->max_entries : (uint32_t)libbpf_num_possible_cpus();
        o->map_slot[i] = o->nslots++;
    }
    return 0;
}

/* Each program's subprograms, and .text's index when some have them. */
static int plan_subprogs(struct object *o) {
    const struct manifest *m = o->m;
    o->subs = calloc((size_t)m->nprogs + 1, sizeof(*o->subs));
    o->first_func = calloc((size_t)m->nprogs + 1, sizeof(int));
    o->text_at = calloc((size_t)m->nprogs + 1, sizeof(int));
    if (!o->subs || !o->first_func || !o->text_at)
        return -1;
    int at = 0, nfuncs = 0;
    for (int i = 0; i < m->nprogs; i++) {
        if (elf_subprogs_find(&m->progs[i], &o->subs[i]) < 0)
            return -1;
        o->first_func[i] = 2 + nfuncs; /* after the null and .text's symbols */
        o->text_at[i] = at;
        nfuncs += o->subs[i].nfuncs;
        at += m->progs[i].ninsns - o->subs[i].start;
    }
    o->nlocals = nfuncs ? 1 + nfuncs : 0;
    return 0;
}

/* Programs of one section name share that section (libbpf finds a
 * section's func_info by its name), one after the other. */
static int plan_sections(struct object *o) {
    const struct manifest *m = o->m;
    int *len = calloc((size_t)m->nprogs + 1, sizeof(int));
    o->group = calloc((size_t)m->nprogs + 1, sizeof(int));
    o->prog_at = calloc((size_t)m->nprogs + 1, sizeof(int));
    char(*names)[MAX_NAME] = calloc((size_t)m->nprogs + 1, sizeof(*names));
    int rc = len && o->group && o->prog_at && names ? 0 : -1;
    for (int i = 0; rc == 0 && i < m->nprogs; i++) {
        elf_prog_section(&m->progs[i], names[i], sizeof(names[i]));
        o->group[i] = i;
        for (int j = 0; j < i && o->group[i] == i; j++)
            if (o->group[j] == j && strcmp(names[j], names[i]) == 0)
                o->group[i] = j;
        o->prog_at[i] = len[o->group[i]];
        len[o->group[i]] += o->subs[i].start;
    }
    free(len);
    free(names);
    return rc;
}

/* Symbols: the null one, .text's and the subprograms (local), then the
 * programs and the maps (global), in that order. */
static int map_symbol_index(const struct object *o, int map) {
    return 1 + o->nlocals + o->m->nprogs + o->map_slot[owning_map(o->m, map)];
}

static void relocation_add(struct object *o, struct blob *rels, int insn, int sym, int type) {
    Elf64_Rel rel = {.r_offset = (uint64_t)insn * sizeof(struct bpf_insn),
                     .r_info = ELF64_R_INFO(sym, type)};
    o->oom |= blob_add(rels, &rel, sizeof(rel)) < 0;
}

static bool is_func_ref(const struct bpf_insn *in) {
    return in->code == (BPF_LD | BPF_DW | BPF_IMM) && in->src_reg == BPF_PSEUDO_FUNC;
}

/* Instruction i of program prog, at index at of its section, as clang
 * leaves it for libbpf: a map reference gets the map's symbol (a data
 * map's offset in the first immediate), a call of a subprogram its
 * function's symbol (imm -1), a callback's address .text's symbol (imm:
 * the callback's byte offset in .text). */
static void relocate_insn(struct object *o, int prog, int i, int at, struct bpf_insn in[2],
                          struct blob *rels) {
    const struct elf_subprogs *sp = &o->subs[prog];
    if (is_map_ref(&in[0]) && in[0].imm >= 0 && in[0].imm < o->m->nmaps) {
        relocation_add(o, rels, at, map_symbol_index(o, in[0].imm), R_BPF_64_64);
        bool data = o->slots[o->map_slot[owning_map(o->m, in[0].imm)]].data;
        in[0].imm = data ? in[1].imm : 0;
        if (data)
            in[1].imm = 0;
    } else if (is_func_ref(&in[0])) {
        int target = i + 1 + in[0].imm;
        relocation_add(o, rels, at, 1, R_BPF_64_64);
        in[0].imm = (o->text_at[prog] + target - sp->start) * (int)sizeof(struct bpf_insn);
    } else if (in[0].code == (BPF_JMP | BPF_CALL) && in[0].src_reg == BPF_PSEUDO_CALL) {
        int f = elf_subprogs_func_at(sp, i + 1 + in[0].imm);
        if (f >= 0) {
            relocation_add(o, rels, at, o->first_func[prog] + f, R_BPF_64_32);
            in[0].imm = -1;
        }
    }
}

/* Copies insns [from, to) of program prog to sec from index at on,
 * relocated into rels. */
static void copy_code(struct object *o, int prog, int from, int to, struct blob *sec, int at,
                      struct blob *rels) {
    const struct prog_desc *p = &o->m->progs[prog];
    for (int i = from; i < to; i++, at++) {
        struct bpf_insn in[2] = {p->insns[i], i + 1 < to ? p->insns[i + 1] : (struct bpf_insn){0}};
        relocate_insn(o, prog, i, at, in, rels);
        bool wide = in[0].code == (BPF_LD | BPF_DW | BPF_IMM) && i + 1 < to;
        o->oom |= blob_add(sec, in, sizeof(in[0]) * (wide ? 2 : 1)) < 0;
        i += wide;
        at += wide;
    }
}

/* The relocation section of section target, if it has relocations. */
static void add_relocations(struct object *o, int target, struct blob *rels) {
    char name[MAX_NAME + 8];
    if (!rels->len)
        return;
    snprintf(name, sizeof(name), ".rel%s", o->strtab.data + o->secs[target].hdr.sh_name);
    struct section *rel = section_add(o, name, SHT_REL, 0, 8);
    if (!rel) {
        free(rels->data);
        return;
    }
    rel->hdr.sh_info = (uint32_t)target;
    rel->hdr.sh_entsize = sizeof(Elf64_Rel);
    rel->data = *rels; /* sh_link: .symtab, set when its index is known */
}

/* .text: each program's subprograms in turn, a local function each;
 * calls between them stay relative, as they move together. */
static void add_text(struct object *o) {
    o->text = o->nsecs;
    struct section *text = section_add(o, ".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, 8);
    struct blob code = {0}, rels = {0};
    symbol_add(o, "", STB_LOCAL, STT_SECTION, o->text, 0, 0);
    for (int p = 0; text && p < o->m->nprogs; p++) {
        const struct prog_desc *pd = &o->m->progs[p];
        const struct elf_subprogs *sp = &o->subs[p];
        char prog[MAX_NAME], name[MAX_NAME + 16];
        int at = o->text_at[p];
        elf_prog_symbol(pd, p, prog, sizeof(prog));
        for (int f = 0; f < sp->nfuncs; f++) {
            int end = elf_subprogs_func_end(sp, f, pd->ninsns);
            snprintf(name, sizeof(name), "%s_sub%d", prog, f + 1);
            symbol_add(o, name, STB_LOCAL, STT_FUNC, o->text,
                       (uint64_t)(at + sp->funcs[f] - sp->start) * sizeof(struct bpf_insn),
                       (uint64_t)(end - sp->funcs[f]) * sizeof(struct bpf_insn));
        }
        copy_code(o, p, sp->start, pd->ninsns, &code, at, &rels);
    }
    if (!text) {
        free(code.data);
        free(rels.data);
        return;
    }
    text->data = code;
    add_relocations(o, o->text, &rels);
}

/* The programs of group's section, each up to its subprograms, and their
 * relocations. */
static void add_programs(struct object *o, int group) {
    char name[MAX_NAME];
    elf_prog_section(&o->m->progs[group], name, sizeof(name));
    int shndx = o->nsecs;
    struct section *code = section_add(o, name, SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, 8);
    struct blob rels = {0};
    for (int i = group; code && i < o->m->nprogs; i++) {
        if (o->group[i] != group)
            continue;
        const struct prog_desc *p = &o->m->progs[i];
        int end = o->subs[i].start;
        copy_code(o, i, 0, end, &code->data, o->prog_at[i], &rels);
        elf_prog_symbol(p, i, name, sizeof(name));
        symbol_add(o, name, STB_GLOBAL, STT_FUNC, shndx,
                   (uint64_t)o->prog_at[i] * sizeof(struct bpf_insn),
                   (uint64_t)end * sizeof(struct bpf_insn));
    }
    add_relocations(o, shndx, &rels);
}

/* .maps first, then a section per data map, in slot order, as the map
 * symbols are numbered. */
static void add_maps(struct object *o) {
    int maps = o->nsecs;
    struct section *s = section_add(o, ".maps", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, 8);
    for (int i = 0; s && i < o->nslots; i++) {
        const struct map_desc *md = &o->m->maps[o->slots[i].map];
        char name[MAX_NAME];
        int shndx = maps;
        struct section *sec = &o->secs[maps];
        if (o->slots[i].data) {
            elf_data_section(md, name, sizeof(name));
            shndx = o->nsecs;
            if (!(sec = section_add(o, name, SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, 8)))
                return;
        }
        elf_map_symbol(md, name, sizeof(name));
        symbol_add(o, name, STB_GLOBAL, STT_OBJECT, shndx, o->slots[i].offset, o->slots[i].size);
        for (uint32_t n = 0; n < o->slots[i].size; n++) /* definitions and values: zeros */
            o->oom |= blob_add(&sec->data, "", 1) < 0;
    }
}

static void add_license(struct object *o) {
    int shndx = o->nsecs;
    struct section *s = section_add(o, "license", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, 1);
    if (s)
        o->oom |= blob_add(&s->data, "GPL", 4) < 0;
    symbol_add(o, "LICENSE", STB_GLOBAL, STT_OBJECT, shndx, 0, 4);
}

static void add_btf(struct object *o) {
    struct elf_btf_in in = {o->m, o->slots, o->nslots, o->entries, o->subs, o->text_at, o->prog_at};
    struct elf_btf_out out;
    if (elf_btf_build(&in, &out) < 0) {
        o->oom = true;
        return;
    }
    struct section *btf = section_add(o, ".BTF", SHT_PROGBITS, 0, 4);
    if (btf)
        o->oom |= blob_add(&btf->data, out.btf, out.btf_size) < 0;
    struct section *ext = btf ? section_add(o, ".BTF.ext", SHT_PROGBITS, 0, 4) : NULL;
    if (ext)
        o->oom |= blob_add(&ext->data, out.ext, out.ext_size) < 0;
    o->oom |= !ext;
    free(out.btf);
    free(out.ext);
}

/* .symtab last, then every relocation section links to it. */
static void add_symtab(struct object *o) {
    int symtab = o->nsecs;
    struct section *s = section_add(o, ".symtab", SHT_SYMTAB, 0, 8);
    if (!s)
        return;
    s->data = o->symtab;
    o->symtab = (struct blob){0};
    s->hdr.sh_link = 1;                          /* .strtab */
    s->hdr.sh_info = (uint32_t)(1 + o->nlocals); /* the first global symbol */
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
    for (int i = 0; o->subs && i < o->m->nprogs; i++)
        elf_subprogs_free(&o->subs[i]);
    free(o->subs);
    free(o->first_func);
    free(o->text_at);
    free(o->group);
    free(o->prog_at);
}

static int build(struct object *o) {
    static const Elf64_Sym null_sym;
    o->oom |= name_add(&o->strtab, "") != 0 || blob_add(&o->symtab, &null_sym, sizeof(null_sym));
    section_add(o, "", SHT_NULL, 0, 0);
    section_add(o, ".strtab", SHT_STRTAB, 0, 1);
    if (o->oom || plan_maps(o) < 0 || plan_subprogs(o) < 0 || plan_sections(o) < 0)
        return -1;
    if (o->nlocals)
        add_text(o);
    for (int i = 0; i < o->m->nprogs; i++)
        if (o->group[i] == i)
            add_programs(o, i);
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
