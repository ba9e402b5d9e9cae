/* One arena per preproc_run: tokens and macros share its lifetime, so
 * nothing is freed piecemeal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pp.h"

struct pp_chunk {
    struct pp_chunk *next;
    size_t used, size;
    max_align_t data[];
};

enum { PP_CHUNK = 64 * 1024 };

static void *pp_xalloc(size_t n) {
    void *p = malloc(n);
    if (!p) {
        fputs("ERROR: out of memory\n", stderr);
        abort();
    }
    return p;
}

void *pp_alloc(struct pp_arena *a, size_t n) {
    n = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
    struct pp_chunk *c = a->chunks;
    if (!c || c->size - c->used < n) {
        size_t size = n > PP_CHUNK ? n : PP_CHUNK;
        c = pp_xalloc(sizeof(*c) + size);
        c->size = size;
        c->used = 0;
        c->next = a->chunks;
        a->chunks = c;
    }
    void *p = (char *)c->data + c->used;
    c->used += n;
    memset(p, 0, n);
    return p;
}

char *pp_strndup(struct pp_arena *a, const char *s, size_t n) {
    char *p = pp_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

void pp_arena_free(struct pp_arena *a) {
    while (a->chunks) {
        struct pp_chunk *next = a->chunks->next;
        free(a->chunks);
        a->chunks = next;
    }
}

void pp_buf_add(struct pp_buf *b, const char *s, size_t n) {
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->data, cap);
        if (!p) {
            fputs("ERROR: out of memory\n", stderr);
            abort();
        }
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = 0;
}

void pp_buf_addc(struct pp_buf *b, char c) {
    pp_buf_add(b, &c, 1);
}

char *pp_buf_take(struct pp_buf *b) {
    char *p = b->data ? b->data : strdup("");
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}
