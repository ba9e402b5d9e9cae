/* The string-keyed hash table of the type registry (open addressing). */
#include <stdlib.h>
#include <string.h>

#include "ctypes/ctypes_impl.h"

static size_t hash(const char *s) {
    size_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static struct ct_sym *find_slot(struct ct_sym *slots, size_t cap, const char *key) {
    size_t i = hash(key) & (cap - 1);
    while (slots[i].key && strcmp(slots[i].key, key) != 0)
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

struct ct_sym *ct_table_get(const struct ct_table *t, const char *key) {
    if (!t->cap)
        return NULL;
    struct ct_sym *s = find_slot(t->slots, t->cap, key);
    return s->key ? s : NULL;
}

static void grow(struct ct_table *t) {
    size_t cap = t->cap ? t->cap * 2 : 64;
    struct ct_sym *slots = calloc(cap, sizeof(*slots));
    if (!slots)
        abort();
    for (size_t i = 0; i < t->cap; i++)
        if (t->slots[i].key)
            *find_slot(slots, cap, t->slots[i].key) = t->slots[i];
    free(t->slots);
    t->slots = slots;
    t->cap = cap;
}

struct ct_sym *ct_table_put(struct ct_table *t, const char *key) {
    if ((t->n + 1) * 2 > t->cap)
        grow(t);
    struct ct_sym *s = find_slot(t->slots, t->cap, key);
    if (!s->key) {
        s->key = strdup(key);
        if (!s->key)
            abort();
        t->n++;
    }
    return s;
}

void ct_table_free(struct ct_table *t) {
    for (size_t i = 0; i < t->cap; i++)
        free(t->slots[i].key);
    free(t->slots);
    t->slots = NULL;
    t->cap = t->n = 0;
}
