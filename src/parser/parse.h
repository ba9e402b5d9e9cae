/* Entry point of the flex/bison front end. */
#ifndef TRAWK_PARSE_H
#define TRAWK_PARSE_H

#include "diag.h"
#include "parser/ast.h"

/* Parses a whole program. Reports every syntax error through d and returns
 * NULL when there was one. A leading "#!" line is skipped. */
struct node *parse_program(struct diag *d, const char *text);
/* The same for a module (a library file, an import), which may hold only
 * macros and definitions. */
struct node *parse_module(struct diag *d, const char *text);

/* parse_program for --fmt: also fills layout (see layout.h), and keeps
 * preprocessor lines, which are not run, as C definitions. */
struct layout;
struct node *parse_program_layout(struct diag *d, const char *text, struct layout *layout);

#endif
