#include "strbuf.h"

#include "bigmem.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define SPILL_BYTES (256u << 10)

void out_str_init(struct out_str *s) {
    s->p = NULL;
    s->len = s->cap = 0;
    s->spill = NULL;
}

void out_str_free(struct out_str *s) {
    free(s->p);
    out_str_init(s);
}

void out_str_reserve(struct out_str *s, size_t extra) {
    size_t need = s->len + extra + 1;
    if (need <= s->cap)
        return;
    size_t cap = s->cap ? s->cap : 64;
    while (cap < need)
        cap *= 2;
    s->p = out_big_realloc(s->p, s->len + 1, cap, 1);
    s->cap = cap;
}

void out_str_reset(struct out_str *s) {
    s->len = 0;
    if (s->p)
        s->p[0] = '\0';
}

void out_str_fill(struct out_str *s, char c, size_t n) {
    out_str_reserve(s, n);
    memset(s->p + s->len, c, n);
    s->len += n;
    s->p[s->len] = '\0';
}

/* Two digits per division: "00" to "99". */
static const char PAIRS[] = "00010203040506070809101112131415161718192021222324"
                            "25262728293031323334353637383940414243444546474849"
                            "50515253545556575859606162636465666768697071727374"
                            "75767778798081828384858687888990919293949596979899";

void out_str_u64(struct out_str *s, uint64_t v) {
    char buf[20];
    size_t i = sizeof(buf);
    for (; v >= 100; v /= 100) {
        i -= 2;
        memcpy(buf + i, PAIRS + 2 * (v % 100), 2);
    }
    if (v >= 10) {
        i -= 2;
        memcpy(buf + i, PAIRS + 2 * v, 2);
    } else {
        buf[--i] = (char)('0' + v);
    }
    out_str_putn(s, buf + i, sizeof(buf) - i);
}

void out_str_i64(struct out_str *s, int64_t v) {
    if (v < 0)
        out_str_putc(s, '-');
    /* negating in unsigned arithmetic also covers INT64_MIN */
    out_str_u64(s, v < 0 ? 0 - (uint64_t)v : (uint64_t)v);
}

void out_str_fmt(struct out_str *s, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n <= 0)
        return;
    out_str_reserve(s, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(s->p + s->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    s->len += (size_t)n;
}

void out_str_spill(struct out_str *s) {
    if (!s->spill || s->len < SPILL_BYTES)
        return;
    out_str_write(s, s->spill);
    out_str_reset(s);
}

void out_str_write(const struct out_str *s, FILE *out) {
    if (s->len)
        fwrite(s->p, 1, s->len, out);
}
