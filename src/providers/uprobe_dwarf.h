/* The DWARF half of the uprobe provider (uprobe_dwarf.c). */
#ifndef TRAWK_UPROBE_DWARF_H
#define TRAWK_UPROBE_DWARF_H

#include <stdint.h>
#include <stdio.h>

#include "providers/provider.h"

/* args_type: the function's parameters as a record; NULL without DWARF. */
const struct type *uprobe_dwarf_args(const struct attach_target *t, struct ctypes *ct,
                                     struct type_arena *a);
/* args_missing: the binary has no DWARF (reported at the probe), or none
 * for this function (at args). */
bool uprobe_dwarf_args_missing(const struct attach_target *t, char *msg, size_t len);
/* emit_args: the record built in the frame from the argument registers. */
enum args_space uprobe_dwarf_emit_args(struct cg *cg, int reg);
/* lookup_type: "struct Foo" and the like from t's binary. */
const struct type *uprobe_dwarf_type(const struct attach_target *t, const char *name,
                                     struct type_arena *a);
/* -lv: func's parameters, one "    TYPE NAME" line each (a warning once
 * per file without DWARF). */
void uprobe_dwarf_list_params(const char *path, const char *func, FILE *out);
/* FILE:LINE of a source-line attach point as an address in path; -1
 * after reporting bpftrace's error at loc. */
int uprobe_dwarf_line(const char *path, const char *file, int line, uint64_t *addr,
                      const struct loc *loc, struct diag *d);

#endif
