/* Reading the program text as bpftrace's parser reads it. Internal to
 * src/parser. */
#ifndef TRAWK_SYNTAX_TEXT_H
#define TRAWK_SYNTAX_TEXT_H

#include <stddef.h>

#include "diag.h"

/* A position in the program text, with its line and column as the lexer
 * counts them. */
struct text_pos {
    const char *p;
    int line, col;
};

struct text_pos text_pos_at(const char *text, int line, int col);
void pos_skip(struct text_pos *t, size_t n);
/* Past white space and comments (an unclosed one runs to the end). */
void pos_skip_layout(struct text_pos *t);

/* bpftrace underlines the "token" at an error as it scans it: a word, a
 * number with its suffix, a $ or @ name, else one character; nothing at the
 * end of the program. */
int bt_token_len(const char *s);
/* Where bpftrace reports an error at t. */
struct loc text_token_loc(const struct text_pos *t);

/* How much of s bpftrace takes as an attach point's raw text: up to a "{",
 * ",", white space, or a "/" that starts a predicate (none after a ":",
 * where it is a path); quoted parts whole. */
size_t raw_attach_len(const char *s);

#endif
