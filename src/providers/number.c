/* The integers of attach points (counts, addresses, lengths), read as
 * bpftrace reads them: decimal, 0x hex, 0b binary or 0 octal, '_'
 * separators, an integer exponent ("1e6"), and a type or time suffix
 * ("10u", "5ms"), with bpftrace's messages for what is wrong. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "providers/provider_impl.h"

int provider_parse_uint_prefix(const char *text, uint64_t *out, const char **rest) {
    char clean[64];
    size_t n = 0;
    for (const char *p = text; *p && n < sizeof(clean) - 1; p++)
        if (*p != '_')
            clean[n++] = *p;
    clean[n] = '\0';
    if (!isdigit((unsigned char)clean[0]))
        return -1;
    char *end;
    errno = 0;
    *out = strtoull(clean, &end, 0);
    if (errno)
        return -1;
    /* Map the end back into the original text (same count of non-'_' chars). */
    size_t used = (size_t)(end - clean);
    const char *p = text;
    for (size_t seen = 0; *p && seen < used; p++)
        if (*p != '_')
            seen++;
    *rest = p;
    return 0;
}

/* bpftrace's integer suffixes: the largest value before scaling, and the scale. */
static const struct {
    const char *suffix;
    uint64_t max, scale;
} suffixes[] = {
    {"", UINT64_MAX, 1},
    {"u", UINT32_MAX, 1},
    {"ul", UINT64_MAX, 1},
    {"ull", UINT64_MAX, 1},
    {"l", INT64_MAX, 1},
    {"ll", INT64_MAX, 1},
    {"ns", UINT64_MAX, 1},
    {"us", UINT64_MAX, 1000},
    {"ms", UINT64_MAX, 1000000},
    {"s", UINT64_MAX, 1000000000},
    {"m", UINT64_MAX, 60000000000},
    {"h", UINT64_MAX, 3600000000000},
    {"d", UINT64_MAX, 86400000000000},
};

static int overflow(const char *text, uint64_t max, char *why, size_t len) {
    snprintf(why, len, "overflow error, maximum value is %" PRIu64 ": %s", max, text);
    return -1;
}

/* Base from the prefix: 0x hex, 0b binary, 0 octal. */
static const char *digits_and_base(const char *clean, int *base) {
    *base = 10;
    if (strlen(clean) < 2)
        return clean;
    if (clean[0] == '0' && (clean[1] == 'x' || clean[1] == 'X'))
        *base = 16;
    else if (clean[0] == '0' && (clean[1] == 'b' || clean[1] == 'B'))
        *base = 2;
    else if (clean[0] == '0' && clean[1] >= '0' && clean[1] <= '7')
        *base = 8;
    return *base == 10 ? clean : clean + (*base == 8 ? 1 : 2);
}

int provider_parse_uint(const char *text, uint64_t *out, char *why, size_t len) {
    char clean[128];
    size_t n = 0;
    for (const char *p = text; *p && n < sizeof(clean) - 1; p++)
        if (*p != '_')
            clean[n++] = *p;
    clean[n] = '\0';
    int base;
    const char *digits = digits_and_base(clean, &base);
    /* bpftrace names a prefixed number by its digits alone */
    const char *shown = digits == clean ? text : digits;
    char *end;
    errno = 0;
    uint64_t v = strtoull(digits, &end, base);
    if (v == 0 && end == digits) {
        snprintf(why, len, "invalid integer: %s", shown);
        return -1;
    }
    if (v == UINT64_MAX && errno == ERANGE)
        return overflow(shown, UINT64_MAX, why, len);
    if ((*end == 'e' || *end == 'E') && end[1] >= '1' && end[1] <= '9') {
        if (v >= 10) {
            snprintf(why, len, "coefficient part of scientific literal must be 1-9: %s", shown);
            return -1;
        }
        uint64_t exp = strtoull(end + 1, &end, 10);
        for (; exp > 0; exp--) {
            if (v > UINT64_MAX / 10)
                return overflow(shown, UINT64_MAX, why, len);
            v *= 10;
        }
    }
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        if (strcmp(end, suffixes[i].suffix) != 0)
            continue;
        if (v > suffixes[i].max / suffixes[i].scale)
            return overflow(shown, suffixes[i].max, why, len);
        *out = v * suffixes[i].scale;
        return 0;
    }
    snprintf(why, len, "invalid trailing bytes: %s", shown);
    return -1;
}

int provider_count_parts(const char *spec) {
    int n = *spec ? 1 : 0;
    for (const char *c = spec; *c; c++)
        n += *c == ':';
    return n;
}
