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

/* The .BTF section's bytes for the maps of slots (their definitions as
 * libbpf reads them: pointers to arrays whose length is the value), the
 * programs and the license. Returns a malloc'd buffer and its size in
 * *size, or NULL when out of memory. */
void *elf_btf_build(const struct manifest *m, const struct elf_map_slot *slots, int nslots,
                    const uint32_t *entries, uint32_t *size);
/* The size of map md's definition in .maps: one pointer per field. */
uint32_t elf_map_def_size(const struct map_desc *md);

/* A program's subprograms: from start (ninsns when it has none, or when
 * it passes callbacks and so keeps them in place) to its end, a function
 * at each of funcs (sorted). */
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

#endif
