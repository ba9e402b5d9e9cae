/* Shared by dwarf_file.c (opening, units, lookups) and dwarf_types.c
 * (DIE to type conversion). */
#ifndef TRAWK_DWARF_IMPL_H
#define TRAWK_DWARF_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "sys/dw_lib.h"
#include "sys/dwarf_types.h"

/* The type a DIE's DW_AT_type refers to; false for none (void). */
bool dwt_die_type(const struct dw_lib *L, Dwarf_Die *die, Dwarf_Die *out);
/* die's C type name as bpftrace spells it. */
void dwt_type_name(const struct dw_lib *L, Dwarf_Die *die, bool has_type, char *buf, size_t len);
/* die (a type DIE) as a trawk type; NULL if it cannot be one. */
const struct type *dwt_convert(const struct dw_lib *L, Dwarf_Die *die, struct type_arena *a);

#endif
