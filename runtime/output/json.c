#include "json.h"

#include <inttypes.h>
#include <string.h>

void json_string(struct out_str *s, const char *p, size_t n) {
    out_str_putc(s, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        switch (c) {
        case '"':
            out_str_puts(s, "\\\"");
            break;
        case '\\':
            out_str_puts(s, "\\\\");
            break;
        case '\n':
            out_str_puts(s, "\\n");
            break;
        case '\r':
            out_str_puts(s, "\\r");
            break;
        case '\t':
            out_str_puts(s, "\\t");
            break;
        default:
            if (c < 0x20)
                out_str_fmt(s, "\\u%04x", c);
            else if (c >= 0x80) /* a negative char printed in hex */
                out_str_fmt(s, "\\u%08x", (unsigned)(int)(signed char)c);
            else
                out_str_putc(s, (char)c);
        }
    }
    out_str_putc(s, '"');
}

void json_cstring(struct out_str *s, const char *p) {
    json_string(s, p, strlen(p));
}

/* Whether a double holds u exactly: at most 53 significant bits. */
static bool fits_double(uint64_t u) {
    if (u == 0)
        return true;
    return (u >> __builtin_ctzll(u)) < (UINT64_C(1) << 53);
}

void json_int(struct out_str *s, uint64_t v, bool is_signed) {
    char buf[24];
    int64_t sv = (int64_t)v;
    bool exact;
    if (is_signed) {
        snprintf(buf, sizeof(buf), "%" PRId64, sv);
        exact = sv == INT64_MIN || fits_double(sv < 0 ? (uint64_t)-sv : (uint64_t)sv);
    } else {
        snprintf(buf, sizeof(buf), "%" PRIu64, v);
        exact = fits_double(v);
    }
    if (exact)
        out_str_puts(s, buf);
    else
        json_cstring(s, buf);
}

uint64_t json_div(uint64_t v, bool is_signed, uint64_t div) {
    if (div <= 1)
        return v;
    if (!is_signed)
        return v / div;
    /* a divisor past INT64_MAX leaves every signed value at 0 */
    return div > INT64_MAX ? 0 : (uint64_t)((int64_t)v / (int64_t)div);
}

void json_member(struct out_str *s, bool *first, const char *name) {
    if (!*first)
        out_str_puts(s, ", ");
    *first = false;
    json_cstring(s, name);
    out_str_puts(s, ": ");
}

void json_elem(struct out_str *s, bool *first) {
    if (!*first)
        out_str_putc(s, ',');
    *first = false;
}

void json_begin(struct out_str *s, const char *type) {
    out_str_puts(s, "{\"type\": ");
    json_cstring(s, type);
    out_str_puts(s, ", \"data\": ");
}

void json_end(struct out_str *s) {
    out_str_puts(s, "}\n");
}
