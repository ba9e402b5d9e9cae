/* --emit-elf: the pieces of the BPF object file (elf_emit.c writes it):
 * the names libbpf reads (elf_names.c) and the BTF that describes the
 * maps (elf_btf.c). */
#ifndef TRAWK_ELF_EMIT_H
#define TRAWK_ELF_EMIT_H

#include <stddef.h>
#include <stdint.h>

#include "manifest.h"

/* A map's symbol: "@x" is AT_x as bpftrace names it, internal maps
 * (".events") are __trawk_events; anything else not in [A-Za-z0-9_] is _. */
void elf_map_symbol(const struct map_desc *md, char *buf, size_t size);
/* A program's symbol, bpftrace's: the probe as an identifier and its
 * number in the manifest, from 1 ("begin_1"). */
void elf_prog_symbol(const struct prog_desc *p, int index, char *buf, size_t size);
/* The program's section, named as libbpf's SEC() names programs of its
 * type ("tracepoint/syscalls/sys_enter_read", "kprobe.multi", "perf_event"),
 * with the target when the program has one. */
void elf_prog_section(const struct prog_desc *p, char *buf, size_t size);

/* The section of a map the programs read through direct value access (a
 * one-entry array: .lost, .state, packed scalars): a global variable in
 * libbpf's terms, ".data.NAME" (.lost is .data.lost). */
void elf_data_section(const struct map_desc *md, char *buf, size_t size);

/* Where a map sits: its definition in .maps, or its value in its own data
 * section. */
struct elf_map_slot {
    int map;         /* index in the manifest */
    bool data;       /* a global variable (elf_data_section) */
    uint32_t offset; /* in .maps; 0 in a data section */
    uint32_t size;   /* of its definition, or of its value */
};

/* A program's subprograms: from start (ninsns when it has none) to its
 * end, a function at each of funcs (sorted). */
struct elf_subprogs {
    int start;
    int *funcs;
    int nfuncs;
};

/* Returns 0, -1 when out of memory. */
int elf_subprogs_find(const struct prog_desc *p, struct elf_subprogs *sp);
/* The function that starts at insn, -1 for none. */
int elf_subprogs_func_at(const struct elf_subprogs *sp, int insn);
/* Where function func ends (the next one's start, or ninsns). */
int elf_subprogs_func_end(const struct elf_subprogs *sp, int func, int ninsns);
void elf_subprogs_free(struct elf_subprogs *sp);

/* What the BTF describes: the maps of slots (their definitions as libbpf
 * reads them: pointers to arrays whose length is the value), the data
 * maps, the programs (prog_at: where each starts in its section) and
 * their subprograms (text_at: where each program's start in .text), in
 * instructions, and the license. */
struct elf_btf_in {
    const struct manifest *m;
    const struct elf_map_slot *slots;
    int nslots;
    const uint32_t *entries;
    const struct elf_subprogs *subs;
    const int *text_at;
    const int *prog_at;
};

/* The .BTF section, and .BTF.ext with the func_info of every program and
 * subprogram (the kernel wants it where a program passes a callback). */
struct elf_btf_out {
    void *btf, *ext;
    uint32_t btf_size, ext_size;
};

/* Returns 0, or -1 when out of memory (out then holds nothing). */
int elf_btf_build(const struct elf_btf_in *in, struct elf_btf_out *out);

/* func_info records: a function's BTF type at a byte offset of a section. */
struct elf_func_rec {
    char *section;
    uint32_t insn_off;
    int type_id;
};

struct elf_func_recs {
    struct elf_func_rec *recs;
    int n, cap;
};

/* Appends a record (with a copy of section). Returns 0, -1 when out of
 * memory. */
int elf_func_recs_add(struct elf_func_recs *recs, const char *section, uint32_t insn_off,
                      int type_id);
void elf_func_recs_free(struct elf_func_recs *recs);

struct btf;
/* .BTF.ext for recs, grouped by section in order of first appearance
 * (each section's records in order of their offsets). Adds the section names to btf's
 * strings, so call it before taking btf's raw data. Returns a malloc'd
 * buffer and its size in *size, NULL when out of memory. */
void *elf_btf_ext_build(struct btf *btf, const struct elf_func_recs *recs, uint32_t *size);
/* The size of map md's definition in .maps: one pointer per field. */
uint32_t elf_map_def_size(const struct map_desc *md);

#endif
