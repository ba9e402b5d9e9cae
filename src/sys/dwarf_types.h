/* A user-space binary's DWARF, read through libdw (dlopened, sys/dw_lib.h)
 * when a uprobe needs it: the parameters of a function, types by name
 * converted to trawk's types (pointers into user memory), and the
 * addresses of a source line. The debug information may be in the file,
 * in a separate file (--debuginfo directories, the standard .debug and
 * /usr/lib/debug/.build-id places) or in split units (.dwo files, or a
 * DWARF package PATH.dwp: sys/dwarf_package.h). */
#ifndef TRAWK_DWARF_TYPES_H
#define TRAWK_DWARF_TYPES_H

#include <stdbool.h>
#include <stdint.h>

#include "types.h"

struct dwt_file;

/* --debuginfo=DIR: searched, in order, before the standard places. A
 * relative DIR is relative to the binary's directory, as libdw takes it. */
void dwt_add_debuginfo_dir(const char *dir);

/* --no-warnings: no warning about split units that are nowhere. */
void dwt_set_warnings(bool on);

/* path's DWARF, opened once and kept; NULL when it has none (or libdw
 * cannot be loaded). */
struct dwt_file *dwt_open(const char *path);

/* A parameter of a function: its name, its C type as bpftrace -lv spells
 * it ("const char* str") and, with an arena, its type (NULL: a type
 * trawk cannot represent). */
struct dwt_param {
    char name[64];
    char type_name[192];
    const struct type *ty;
    uint64_t size; /* the C type's size: ty may read only part of it */
};

/* The parameters of func (up to max); -1 when the DWARF has no such
 * function. a NULL: names only. */
int dwt_func_params(struct dwt_file *f, const char *func, struct type_arena *a,
                    struct dwt_param *out, int max);

/* "struct Foo", "union U", "enum E" or a typedef name; NULL if absent. */
const struct type *dwt_lookup_type(struct dwt_file *f, const char *name, struct type_arena *a);

/* The lowest address of a statement at file:line (file matched by its
 * name, or the end of its path). Returns 0, -1 when the file has no
 * statement there, -2 when no line of the DWARF is in that file. */
int dwt_line_addr(struct dwt_file *f, const char *file, int line, uint64_t *addr);

#endif
