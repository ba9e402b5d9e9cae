#include "printf.h"

#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "gfp.h"
#include "value.h"

struct spec {
    bool left, plus, alt, zero;
    int width;
    char len[8];  /* length modifier letters, as written */
    char verb[3]; /* "d", "x", "%", "rx" ... */
};

static bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

/* Width or precision: '*' or digits. Returns the characters used. */
static size_t parse_num(const char *p, int *out) {
    if (*p == '*')
        return 1;
    size_t n = 0;
    long v = 0;
    while (is_digit(p[n])) {
        if (v < 100000)
            v = v * 10 + (p[n] - '0');
        n++;
    }
    if (n && out)
        *out = (int)v;
    return n;
}

static size_t parse_verb(const char *p, char verb[3]) {
    static const char *const multi[] = {"gr", "g", "rh", "rx", "r"};
    if (*p && strchr("diouxXeEfFGaAcspn%", *p)) {
        verb[0] = *p;
        verb[1] = '\0';
        return 1;
    }
    for (size_t i = 0; i < sizeof(multi) / sizeof(multi[0]); i++) {
        size_t n = strlen(multi[i]);
        if (strncmp(p, multi[i], n) == 0) {
            memcpy(verb, multi[i], n + 1);
            return n;
        }
    }
    return 0;
}

/* Parses the conversion at p (which points at '%'); 0 if there is none. */
static size_t parse_spec(const char *p, struct spec *sp) {
    memset(sp, 0, sizeof(*sp));
    size_t i = 1;
    sp->left = p[i] == '-' ? (i++, true) : false;
    sp->plus = p[i] == '+' ? (i++, true) : false;
    if (p[i] == ' ')
        i++;
    sp->alt = p[i] == '#' ? (i++, true) : false;
    sp->zero = p[i] == '0' ? (i++, true) : false;
    i += parse_num(p + i, &sp->width);
    if (p[i] == '.') {
        size_t n = parse_num(p + i + 1, NULL);
        if (n)
            i += 1 + n;
    }
    size_t nlen = 0;
    while (p[i] && strchr("hlLjzt", p[i])) {
        if (nlen + 1 < sizeof(sp->len))
            sp->len[nlen++] = p[i];
        i++;
    }
    size_t v = parse_verb(p + i, sp->verb);
    return v ? i + v : 0;
}

static bool len_is(const struct spec *sp, const char *l) {
    return strcmp(sp->len, l) == 0;
}

static bool len_is_64(const struct spec *sp) {
    return len_is(sp, "l") || len_is(sp, "ll") || len_is(sp, "j") || len_is(sp, "z") ||
           len_is(sp, "t");
}

static int64_t cast_signed(const struct spec *sp, uint64_t v) {
    if (len_is(sp, "hh"))
        return (signed char)v;
    if (len_is(sp, "h"))
        return (int16_t)v;
    if (len_is_64(sp))
        return (int64_t)v;
    return (int32_t)v;
}

static uint64_t cast_unsigned(const struct spec *sp, uint64_t v) {
    if (len_is(sp, "hh"))
        return (uint8_t)v;
    if (len_is(sp, "h"))
        return (uint16_t)v;
    if (len_is_64(sp))
        return v;
    return (uint32_t)v;
}

static void pad(struct out_str *s, const struct spec *sp, const char *text, size_t n) {
    size_t w = sp->width > 0 ? (size_t)sp->width : 0;
    char fill = sp->zero ? '0' : ' ';
    if (!sp->left && n < w)
        out_str_fill(s, fill, w - n);
    out_str_putn(s, text, n);
    if (sp->left && n < w)
        out_str_fill(s, fill, w - n);
}

/* The integer behind an argument, as bpftrace's integer conversions see it. */
static bool arg_number(const struct type *t, const uint8_t *p, uint64_t *v) {
    if (t->kind == T_INT) {
        /* bpftrace converts an enum from its unsigned value */
        *v = t->enum_def ? out_read_enum(t, p) : out_read_int(t, p);
        return true;
    }
    if (t->kind == T_BOOL) {
        *v = *p != 0;
        return true;
    }
    return false;
}

static void int_text(struct out_str *s, const struct spec *sp, uint64_t raw) {
    char c = sp->verb[0];
    if (c == 'd' || c == 'i') {
        int64_t v = cast_signed(sp, raw);
        out_str_fmt(s, v >= 0 && sp->plus ? "+%" PRId64 : "%" PRId64, v);
    } else if (c == 'c') {
        out_str_putc(s, (char)cast_signed(sp, raw));
    } else if (c == 'p') {
        out_str_fmt(s, raw ? "0x%" PRIx64 : "0", raw);
    } else {
        uint64_t v = cast_unsigned(sp, raw);
        bool base = sp->alt && v;
        if (c == 'o')
            out_str_fmt(s, base ? "0%" PRIo64 : "%" PRIo64, v);
        else if (c == 'x')
            out_str_fmt(s, base ? "0x%" PRIx64 : "%" PRIx64, v);
        else if (c == 'X')
            out_str_fmt(s, base ? "0X%" PRIX64 : "%" PRIX64, v);
        else
            out_str_fmt(s, "%" PRIu64, v);
    }
}

static void apply_int(struct out_str *s, const struct manifest *m, const struct spec *sp,
                      const struct type *t, const uint8_t *p) {
    struct out_str tmp;
    out_str_init(&tmp);
    uint64_t raw;
    if (arg_number(t, p, &raw)) {
        int_text(&tmp, sp, raw);
        pad(s, sp, tmp.p, tmp.len);
    } else {
        /* bpftrace reports the failed conversion in place of the value */
        out_fmt_value(&tmp, m, t, p);
        out_str_puts(s, "!{invalid integer conversion: ");
        out_str_putn(s, tmp.p, tmp.len);
        out_str_putc(s, '}');
    }
    out_str_free(&tmp);
}

static void apply_str(struct out_str *s, const struct manifest *m, const struct spec *sp,
                      const struct type *t, const uint8_t *p) {
    struct out_str tmp;
    out_str_init(&tmp);
    struct out_fmt_opts o = {.plus = sp->plus};
    out_fmt_value_with(&tmp, m, t, p, &o);
    size_t first = out_first_piece(t, tmp.len);
    pad(s, sp, tmp.p, first);
    out_str_putn(s, tmp.p + first, tmp.len - first);
    out_str_free(&tmp);
}

static void apply_gfp(struct out_str *s, const struct spec *sp, uint64_t flags) {
    struct out_str tmp;
    out_str_init(&tmp);
    out_fmt_gfp(&tmp, flags);
    pad(s, sp, tmp.p, tmp.len);
    out_str_free(&tmp);
}

static void apply(struct out_str *s, const struct manifest *m, const struct spec *sp,
                  const struct event_arg *a, const uint8_t *rec, uint32_t size) {
    if (!a->ty || (uint64_t)a->offset + a->ty->size > size)
        return;
    const uint8_t *p = rec + a->offset;
    uint64_t raw;
    if (strchr("diouxXcp", sp->verb[0]) && sp->verb[1] == '\0')
        apply_int(s, m, sp, a->ty, p);
    else if (strcmp(sp->verb, "gr") == 0 && arg_number(a->ty, p, &raw))
        apply_gfp(s, sp, raw);
    else if (sp->verb[0] == 'r' && a->ty->kind == T_BUF)
        out_fmt_buf(s, a->ty, p, sp->verb[1] == '\0', sp->verb[1] != 'h');
    else
        apply_str(s, m, sp, a->ty, p);
}

void out_printf(struct out_str *s, const struct manifest *m, const char *fmt,
                const struct event_arg *args, int nargs, const void *rec, uint32_t size) {
    int next = 0;
    const char *lit = fmt; /* start of the pending literal text */
    for (const char *p = fmt; *p;) {
        struct spec sp;
        size_t n = *p == '%' ? parse_spec(p, &sp) : 0;
        if (!n) {
            p++;
            continue;
        }
        out_str_putn(s, lit, (size_t)(p - lit));
        if (strcmp(sp.verb, "%") == 0)
            out_str_putc(s, '%');
        else if (next < nargs)
            apply(s, m, &sp, &args[next++], rec, size);
        p += n;
        lit = p;
    }
    out_str_puts(s, lit);
}
