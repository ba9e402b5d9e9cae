/* A growing byte buffer that the printers build their text in, so that the
 * pure formatting code can be tested without a FILE and so that user format
 * strings never reach the C library's printf. */
#ifndef TRAWK_OUT_STRBUF_H
#define TRAWK_OUT_STRBUF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct out_str {
    char *p; /* always NUL-terminated (text may also hold NULs: use len) */
    size_t len;
    size_t cap;
};

void out_str_init(struct out_str *s);
void out_str_free(struct out_str *s);
void out_str_reset(struct out_str *s);
void out_str_putn(struct out_str *s, const char *p, size_t n);
void out_str_puts(struct out_str *s, const char *p);
void out_str_putc(struct out_str *s, char c);
void out_str_fill(struct out_str *s, char c, size_t n);
/* Decimal integers without printf: maps of 100,000 keys print two each. */
void out_str_u64(struct out_str *s, uint64_t v);
void out_str_i64(struct out_str *s, int64_t v);
/* For trawk's own constant formats only, never a user's. */
void out_str_fmt(struct out_str *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Writes the whole buffer, NULs included. */
void out_str_write(const struct out_str *s, FILE *out);

#endif
