#include "bigmem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define HUGE_PAGE (2u << 20)
/* Below this, the pages of one allocation fault in quickly enough. */
#define BIG_MIN (1u << 20)

static size_t bytes(size_t n, size_t size) {
    if (size != 0 && n > SIZE_MAX / size)
        abort();
    return n * size != 0 ? n * size : 1;
}

void *out_big_alloc(size_t n, size_t size) {
    size_t len = bytes(n, size);
    if (len < BIG_MIN) {
        void *p = malloc(len);
        if (!p)
            abort(); /* printing cannot recover from running out of memory */
        return p;
    }
    len = (len + HUGE_PAGE - 1) & ~(size_t)(HUGE_PAGE - 1);
    void *p = NULL;
    if (posix_memalign(&p, HUGE_PAGE, len) != 0)
        abort();
    madvise(p, len, MADV_HUGEPAGE); /* advice only: without it, small pages */
    return p;
}

void *out_big_calloc(size_t n, size_t size) {
    void *p = out_big_alloc(n, size);
    memset(p, 0, bytes(n, size));
    return p;
}

void *out_big_realloc(void *p, size_t old, size_t n, size_t size) {
    size_t len = bytes(n, size);
    if (len < BIG_MIN) {
        void *q = realloc(p, len);
        if (!q)
            abort();
        return q;
    }
    void *q = out_big_alloc(n, size);
    if (p)
        memcpy(q, p, old < len ? old : len);
    free(p);
    return q;
}
