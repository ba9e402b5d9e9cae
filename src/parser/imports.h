/* import "FILE": merges imported bpftrace files into the program. */
#ifndef TRAWK_IMPORTS_H
#define TRAWK_IMPORTS_H

#include "diag.h"
#include "parser/ast.h"

/* Replaces each import of program by the macros, map declarations, C
 * definitions and probes of the file it names, found relative to dir (the
 * script's directory), and those files' imports in turn; a file is merged
 * once, so a cycle ends. script is the script's path, or NULL for -e.
 * Returns -1 after reporting an error. */
int imports_resolve(struct node *program, struct diag *d, const char *dir, const char *script);

#endif
