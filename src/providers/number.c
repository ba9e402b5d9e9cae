/* The integers of attach points (counts, addresses, lengths), read as
 * bpftrace reads them: decimal, 0x hex or 0 octal, '_' separators, and an
 * integer exponent ("1e6"). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

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

int provider_parse_uint(const char *text, uint64_t *out, char *why, size_t len) {
    const char *rest;
    uint64_t v;
    if (provider_parse_uint_prefix(text, &v, &rest) < 0) {
        snprintf(why, len, "invalid integer: %s", text);
        return -1;
    }
    if (*rest == 'e' && isdigit((unsigned char)rest[1])) {
        char *end;
        unsigned long exp = strtoul(rest + 1, &end, 10);
        for (unsigned long i = 0; i < exp && v; i++) {
            if (v > UINT64_MAX / 10) {
                snprintf(why, len, "invalid integer: %s", text);
                return -1;
            }
            v *= 10;
        }
        rest = end;
    }
    if (*rest) {
        snprintf(why, len, "invalid trailing bytes: %s", text);
        return -1;
    }
    *out = v;
    return 0;
}

int provider_count_parts(const char *spec) {
    int n = *spec ? 1 : 0;
    for (const char *c = spec; *c; c++)
        n += *c == ':';
    return n;
}
