/* The integers of attach points (counts, addresses, lengths), read as
 * bpftrace reads them: decimal, 0x hex or 0 octal, '_' separators, and an
 * integer exponent ("1e6"). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "providers/provider_impl.h"

int provider_parse_uint(const char *text, uint64_t *out, char *why, size_t len) {
    char clean[64];
    size_t n = 0;
    for (const char *p = text; *p && n < sizeof(clean) - 1; p++)
        if (*p != '_')
            clean[n++] = *p;
    clean[n] = '\0';
    if (!isdigit((unsigned char)clean[0])) {
        snprintf(why, len, "invalid integer: %s", text);
        return -1;
    }
    char *end;
    errno = 0;
    uint64_t v = strtoull(clean, &end, 0);
    if (errno) {
        snprintf(why, len, "invalid integer: %s", text);
        return -1;
    }
    if (*end == 'e' && isdigit((unsigned char)end[1])) {
        unsigned long exp = strtoul(end + 1, &end, 10);
        for (unsigned long i = 0; i < exp && v; i++) {
            if (v > UINT64_MAX / 10) {
                snprintf(why, len, "invalid integer: %s", text);
                return -1;
            }
            v *= 10;
        }
    }
    if (*end) {
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
