/* Split units in a DWARF package (PROG.dwp, made by dwp or llvm-dwp from
 * the .dwo files) for libdw older than 0.191, which reads no package: a
 * unit's slices of the package's sections and its strings are copied into
 * a standalone .dwo image (an ELF file in memory) that libdw opens like a
 * .dwo file. */
#ifndef TRAWK_DWARF_PACKAGE_H
#define TRAWK_DWARF_PACKAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "sys/dw_lib.h"

struct dwp_pkg;

/* The package at path; NULL when there is none or it has no unit index. */
struct dwp_pkg *dwp_open(const char *path);

/* The split unit whose DWO id is id, as its DW_TAG_compile_unit DIE,
 * valid until dwp_close. false when the package has no such unit or its
 * index or sections are malformed (then the unit has no debug info). */
bool dwp_unit_die(const struct dw_lib *L, struct dwp_pkg *p, uint64_t id, Dwarf_Die *out);

void dwp_close(const struct dw_lib *L, struct dwp_pkg *p);

#endif
