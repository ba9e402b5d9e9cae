/* Copying a unit's strings out of a package's string table (see
 * dwp_strings.h). */
#include "sys/dwp_strings.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint32_t get32(const unsigned char *p, bool be) {
    uint32_t v = 0;
    for (int i = 0; i < 4; i++)
        v |= (uint32_t)p[be ? 3 - i : i] << (8 * i);
    return v;
}

static void put32(unsigned char *p, uint32_t v, bool be) {
    for (int i = 0; i < 4; i++)
        p[be ? 3 - i : i] = (unsigned char)(v >> (8 * i));
}

/* The bytes all the strings take with their NULs; 0 when one lies
 * outside str or has no end there, or when they need more than str. */
static size_t strings_size(const unsigned char *e, size_t n, bool be, const char *str,
                           size_t str_size) {
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t off = get32(e + 4 * i, be);
        const char *end = off < str_size ? memchr(str + off, 0, str_size - off) : NULL;
        if (!end || (total += (size_t)(end - str - off) + 1) > str_size)
            return 0;
    }
    return total ? total : 1;
}

bool dwp_strings_compact(const unsigned char *offs, size_t offs_size, int version, bool be,
                         const char *str, size_t str_size, unsigned char **new_offs, char **new_str,
                         size_t *new_size) {
    /* DWARF 5's header: a 4-byte length (0xffffffff: 64-bit offsets,
     * not done here), a version and padding */
    size_t head = version >= 5 ? 8 : 0;
    if (offs_size < head || (offs_size - head) % 4 || (head && get32(offs, be) == 0xffffffff))
        return false;
    size_t n = (offs_size - head) / 4, total = strings_size(offs + head, n, be, str, str_size);
    if (!total || !(*new_offs = malloc(offs_size)))
        return false;
    if (!(*new_str = calloc(1, total))) {
        free(*new_offs);
        return false;
    }
    memcpy(*new_offs, offs, head);
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        const char *s = str + get32(offs + head + 4 * i, be);
        size_t len = strlen(s) + 1; /* strings_size found its end */
        memcpy(*new_str + used, s, len);
        put32(*new_offs + head + 4 * i, (uint32_t)used, be);
        used += len;
    }
    *new_size = total;
    return true;
}
