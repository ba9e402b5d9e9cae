/* Reading a big hash map by walking it in the kernel: a small program,
 * run once through BPF_PROG_TEST_RUN, calls bpf_for_each_map_elem and
 * copies each entry (every CPU's value of a per-CPU map) into an
 * mmapable array that user space then reads without a system call.
 * BPF_MAP_LOOKUP_BATCH takes each bucket's lock with interrupts off,
 * which on a 200,000-key map was most of the time a print took; the
 * walk reads the buckets under RCU. */
#ifndef TRAWK_OUT_MAP_WALK_H
#define TRAWK_OUT_MAP_WALK_H

#include "rows.h"

enum out_map_walk {
    WALK_NEVER, /* not a hash, or too small: loading the program costs more
                   than the batch's bucket locks */
    WALK_FIRST, /* a walk, the batch where the kernel cannot walk */
    WALK_ONLY,  /* a walk or an error (TRAWK_MAP_READ=walk, for tests) */
};

enum out_map_walk out_map_walk_choice(const struct map_desc *d);

/* Appends every entry of d to e (set up for d: ncpus, key_size,
 * val_stride), growing its arrays with grow. Returns 0, or a negative
 * errno when the kernel cannot walk the map so (e->n is then 0). */
int out_map_walk_read(const struct map_desc *d, struct out_entries *e, size_t *cap,
                      void (*grow)(struct out_entries *e, size_t *cap));

#endif
