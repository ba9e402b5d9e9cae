/* FNV-1a over a NUL-terminated string: the hash of every name table. */
#ifndef TRAWK_STR_HASH_H
#define TRAWK_STR_HASH_H

#include <stdint.h>

#define STR_HASH_SEED 2166136261u

static inline uint32_t str_hash_seeded(uint32_t h, const char *s) {
    for (const unsigned char *c = (const unsigned char *)s; *c; c++)
        h = (h ^ *c) * 16777619u;
    return h;
}

static inline uint32_t str_hash(const char *s) {
    return str_hash_seeded(STR_HASH_SEED, s);
}

#endif
