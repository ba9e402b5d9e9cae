/* What --fmt needs from the text that parsing skips: where each run of
 * white space and comments starts (the formatter reads the runs again to
 * place comments and blank lines), the shebang line, and where the config
 * block starts (its items are a bare list in the AST).
 *
 * The lexer fills this only when parse_program_layout passes one, so that a
 * normal parse does no extra work. */
#ifndef TRAWK_LAYOUT_H
#define TRAWK_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

struct layout_pos {
    int line, col;
};

struct layout {
    struct layout_pos *marks; /* starts of white space and comments, in text order */
    size_t nmarks, cap;
    struct layout_pos *skip_nl; /* ends of "#" lines: the newline belongs to the line */
    size_t nskip, skip_cap;
    char *header;      /* the "#!" line, or NULL */
    struct loc config; /* the "config" keyword */
    bool has_config;
};

void layout_mark(struct layout *l, int line, int col);
void layout_line_end(struct layout *l, int line, int col);
void layout_free(struct layout *l);

#endif
