/* A split unit's own strings out of a DWARF package's .debug_str.dwo,
 * which every unit of the package shares and which may be large: a
 * unit's standalone image (dwarf_package.c) copies only the strings its
 * string offsets name, and offsets rewritten to that copy. */
#ifndef TRAWK_DWP_STRINGS_H
#define TRAWK_DWP_STRINGS_H

#include <stdbool.h>
#include <stddef.h>

/* offs: the unit's slice of .debug_str_offsets.dwo (a header first for
 * DWARF version 5 and later, 4-byte offsets); str: the whole string table;
 * be: big-endian. Returns true with malloc'd copies in *new_offs (offs_size
 * bytes) and *new_str (*new_size bytes); false, allocating nothing, when
 * the offsets cannot be read that way or name a string outside str (then
 * the whole table is to be used). */
bool dwp_strings_compact(const unsigned char *offs, size_t offs_size, int version, bool be,
                         const char *str, size_t str_size, unsigned char **new_offs, char **new_str,
                         size_t *new_size);

#endif
