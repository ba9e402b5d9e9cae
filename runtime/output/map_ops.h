/* clear() and zero() of a whole map, run in user space as bpftrace does. */
#ifndef TRAWK_OUT_MAP_OPS_H
#define TRAWK_OUT_MAP_OPS_H

#include "manifest.h"

/* Deletes every key; an array's elements cannot be deleted, so they are
 * zeroed instead. Returns 0 or a negative errno. */
int out_map_clear(const struct map_desc *d);

/* Sets every value (on every CPU) to zero. Returns 0 or a negative errno. */
int out_map_zero(const struct map_desc *d);

#endif
