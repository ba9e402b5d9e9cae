/* A growing byte buffer that the printers build their text in, so that the
 * pure formatting code can be tested without a FILE and so that user format
 * strings never reach the C library's printf. */
#ifndef TRAWK_OUT_STRBUF_H
#define TRAWK_OUT_STRBUF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct out_str {
    char *p; /* always NUL-terminated (text may also hold NULs: use len) */
    size_t len;
    size_t cap;
    FILE *spill; /* NULL, or where out_str_spill writes a full buffer */
};

void out_str_init(struct out_str *s);
void out_str_free(struct out_str *s);
void out_str_reset(struct out_str *s);
/* Makes room for extra more bytes and the NUL. */
void out_str_reserve(struct out_str *s, size_t extra);

/* Inline: a map of 100,000 keys makes half a million of these calls. */
static inline void out_str_putn(struct out_str *s, const char *p, size_t n) {
    if (s->len + n + 1 > s->cap)
        out_str_reserve(s, n);
    memcpy(s->p + s->len, p, n);
    s->len += n;
    s->p[s->len] = '\0';
}

static inline void out_str_puts(struct out_str *s, const char *p) {
    out_str_putn(s, p, strlen(p));
}

static inline void out_str_putc(struct out_str *s, char c) {
    if (s->len + 2 > s->cap)
        out_str_reserve(s, 1);
    s->p[s->len++] = c;
    s->p[s->len] = '\0';
}
void out_str_fill(struct out_str *s, char c, size_t n);
/* Decimal integers without printf: maps of 100,000 keys print two each. */
void out_str_u64(struct out_str *s, uint64_t v);
void out_str_i64(struct out_str *s, int64_t v);
/* For trawk's own constant formats only, never a user's. */
void out_str_fmt(struct out_str *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Where s->spill is set and the text has grown past a few hundred KiB:
 * writes it there and empties the buffer, which then serves again. The
 * text of a 100,000-key map would otherwise take 4 MB of fresh pages,
 * each zeroed by the kernel. Called where the text is whole (between
 * map rows). */
void out_str_spill(struct out_str *s);
/* Writes the whole buffer, NULs included. */
void out_str_write(const struct out_str *s, FILE *out);

#endif
