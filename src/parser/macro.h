/* bpftrace macros: an AST pass between parsing and semantic analysis.
 *
 * Each call of a macro (NAME(args), or a bare NAME for a macro without
 * parameters) is replaced by a copy of the macro's body, an N_BLOCK_EXPR
 * whose value is the call's value. Parameters bind by kind: "$x" renames the
 * body's $x to the caller's variable (passed by reference), "@m" renames
 * @m to the caller's map, and a bare "x" substitutes the argument
 * expression wherever x is used. Variables the body creates get names no
 * script can write ("$$NAME_x"), so each expansion keeps its own. */
#ifndef TRAWK_MACRO_H
#define TRAWK_MACRO_H

#include "diag.h"
#include "parser/ast.h"

/* Expands every macro call in program's probes and removes the N_MACRO
 * definitions from program->d. Reports bad definitions and calls through d;
 * returns 0, or -1 when there was an error. */
int macro_expand(struct node *program, struct diag *d);

#endif
