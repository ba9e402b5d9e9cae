/* The formatter's output under construction: lines of text and comment
 * segments, laid out the way bpftrace's printer lays them out, so that
 * widths (which decide where lines wrap) come out the same.
 *
 * Every function returns the buffer it was given, so that calls chain;
 * fb_append consumes the buffer it appends. Widths are size_t on purpose:
 * a width budget that runs below zero wraps around to "anything fits", as
 * it does in bpftrace. */
#ifndef TRAWK_FMT_BUF_H
#define TRAWK_FMT_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "parser/fmt_meta.h"

struct fb;

struct fb *fb_new(void);
void fb_free(struct fb *b);
struct fb *fb_text(struct fb *b, const char *s);
struct fb *fb_comment(struct fb *b, const char *s);
struct fb *fb_break(struct fb *b);
/* Appends other from the end of b's last line: with indent > 0 on new
 * lines indented by that much (and ending with a line break), otherwise its
 * later lines aligned under the column where it starts (when align). */
struct fb *fb_append(struct fb *b, struct fb *other, size_t indent, bool align);
/* Comments and blank lines: as lines of their own after at least
 * min_vspace line breaks, or with min_vspace < 0 inline on the last line. */
struct fb *fb_meta(struct fb *b, struct fmt_meta *m, int min_vspace);
size_t fb_width(const struct fb *b);
size_t fb_lines(const struct fb *b);
void fb_print(const struct fb *b, FILE *out);

#endif
