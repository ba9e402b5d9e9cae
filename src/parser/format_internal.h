/* Shared by the files of the formatter (format*.c). The functions mirror
 * the nodes of bpftrace's printer: each returns a new buffer, claims the
 * comments before the node from m, and gets the width left on the line. */
#ifndef TRAWK_FORMAT_INTERNAL_H
#define TRAWK_FORMAT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "parser/ast.h"
#include "parser/fmt_buf.h"
#include "parser/fmt_meta.h"

#define FMT_INDENT 2
#define FMT_WIDTH 90

struct fmt {
    const char *text;
    size_t *line_off; /* offset of each line's start, by line - 1 */
    int nlines;
};

/* An expression where bpftrace's printer takes one: in parentheses unless
 * bare (or primitive). */
struct fb *fe_expr(struct fmt *f, const struct node *n, struct fmt_meta *m, size_t w, bool bare);
/* The items of a list separated by sep, on one line or wrapped. */
struct fb *fe_list(struct fmt *f, const struct node *const *items, size_t n, const char *sep,
                   struct fmt_meta *m, size_t w, bool bare);
struct fb *fe_list_nodes(struct fmt *f, const struct node *list, const char *sep,
                         struct fmt_meta *m, size_t w, bool bare);
struct fb *fe_type(struct fmt *f, const struct node *t, struct fmt_meta *m, size_t w);
struct fb *fe_map(struct fmt *f, const struct node *n, struct fmt_meta *m, size_t w);
bool fe_is_primitive(const struct node *n);
/* A string literal, escaped as bpftrace escapes it. */
struct fb *fe_string(const struct node *n);
/* Whether n is an if with blocks (a statement, or an if expression), not a
 * ternary: bpftrace's printer lays them out differently. */
bool fe_is_if(const struct node *n);
/* An if with blocks. */
struct fb *fe_if(struct fmt *f, const struct node *n, struct fmt_meta *m, size_t w, bool value_ok);

/* Statements; value_ok says whether a block's last expression written
 * without ";" is its value (printed without ";"). */
struct fb *fs_stmt(struct fmt *f, const struct node *n, struct fmt_meta *m, size_t w,
                   bool value_ok);
/* A block's contents: N_BLOCK, or N_BLOCK_EXPR with its value. */
struct fb *fs_block(struct fmt *f, const struct node *blk, struct fmt_meta *m, size_t w,
                    bool value_ok);

/* The source text of a node, e.g. an integer literal as written. */
char *fmt_source(const struct fmt *f, const struct loc *l);
/* Where the first token after l starts (past white space and comments). */
void fmt_next_token(const struct fmt *f, const struct loc *l, int *line, int *col);
/* Whether a ";" follows the node in the text. */
bool fmt_semi_follows(const struct fmt *f, const struct node *n);

#endif
