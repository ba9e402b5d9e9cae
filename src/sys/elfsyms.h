/* Function symbols of an ELF file (executable or shared library) from its
 * .symtab and .dynsym, with the file offset where each one's code lies, as
 * the uprobe PMU wants it. Read through libelf; no process is touched. */
#ifndef TRAWK_ELFSYMS_H
#define TRAWK_ELFSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct elfsym {
    char *name;      /* as the symbol table has it (mangled for C++) */
    char *demangled; /* C++ names demangled, without parameters; NULL otherwise */
    uint64_t addr;   /* st_value: the virtual address */
    uint64_t size;
};

struct elfsyms {
    struct elfsym *syms; /* sorted by name, one entry per name */
    int n;
    struct elf_load *loads; /* PT_LOAD segments, for offsets */
    int nloads;
    bool fixed; /* ET_EXEC: loaded at its link-time addresses */
};

/* Reads path's function symbols (FUNC and GNU_IFUNC, with an
 * address). Returns 0; -1 with a message in err when path cannot be read or
 * is not ELF. A file without symbols gives n == 0. */
int elfsyms_read(const char *path, struct elfsyms *out, char *err, size_t errlen);
void elfsyms_free(struct elfsyms *s);
/* The file offset of a virtual address, from the PT_LOAD segment holding
 * it; false when no executable segment holds it. */
bool elfsyms_offset(const struct elfsyms *s, uint64_t addr, uint64_t *offset);
/* The function holding virtual address addr (the last at that address
 * when several are), NULL when none does. */
const struct elfsym *elfsyms_at(const struct elfsyms *s, uint64_t addr);
/* A data or function symbol named name in path (uaddr): fills *sym
 * (name and demangled left NULL) and *fixed (an ET_EXEC file). Returns 0,
 * -1 when path cannot be read or has no such symbol. */
int elfsyms_lookup(const char *path, const char *name, struct elfsym *sym, bool *fixed);
/* The first executable PT_LOAD segment's p_vaddr - p_offset: what turns
 * a file offset of its code into a virtual address. Returns -1 when path
 * cannot be read or has no such segment. */
int elfsyms_exec_delta(const char *path, int64_t *delta);
/* Whether path is an ELF file (any type). */
bool elfsyms_is_elf(const char *path);

#endif
