/* Buffers for the contents of big maps. Fresh memory costs one page fault
 * per 4 KiB page, and a fault is slow under a hypervisor: a 100,000-key
 * map needs some 20 MiB of buffers, so they ask for transparent huge pages
 * (one fault per 2 MiB). Everything returned is released with free(). */
#ifndef TRAWK_OUT_BIGMEM_H
#define TRAWK_OUT_BIGMEM_H

#include <stddef.h>

/* malloc(n * size), aborting when out of memory. */
void *out_big_alloc(size_t n, size_t size);
/* The same, zeroed. */
void *out_big_calloc(size_t n, size_t size);
/* realloc(p, n * size) that keeps the huge-page advice; old is the size
 * in bytes of p's contents to keep. */
void *out_big_realloc(void *p, size_t old, size_t n, size_t size);

#endif
