/* The unit index of a DWARF package file (.debug_cu_index of PROG.dwp):
 * where each split unit's contribution to each .dwo section lies. The
 * bytes come from a file: every count and offset is checked against them. */
#ifndef TRAWK_DWP_INDEX_H
#define TRAWK_DWP_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* At most one column per section kind, eight kinds in both formats. */
#define DWP_INDEX_MAX_COLUMNS 8

/* One section's slice for a unit: offset and size within the package's
 * section of that name. */
struct dwp_contrib {
    const char *section; /* ".debug_info.dwo", ".debug_abbrev.dwo", ... */
    uint32_t offset, size;
};

/* Finds the unit whose signature (DWO id) is sig in an index of len bytes,
 * DWARF 5's format or the GNU version 2 that binutils' dwp writes; be: the
 * package is big-endian. Fills out with the unit's slices (columns of
 * unknown kinds are left out) and returns how many; 0 when the index has
 * no such unit, -1 when it is malformed. */
int dwp_index_find(const unsigned char *idx, size_t len, bool be, uint64_t sig,
                   struct dwp_contrib out[DWP_INDEX_MAX_COLUMNS]);

#endif
