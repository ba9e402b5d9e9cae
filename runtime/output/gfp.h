#ifndef TRAWK_OUTPUT_GFP_H
#define TRAWK_OUTPUT_GFP_H

#include <stdint.h>

#include "strbuf.h"

/* GFP flags as names joined by '|' ("GFP_KERNEL|__GFP_ZERO"), "0" for none. */
void out_fmt_gfp(struct out_str *s, uint64_t flags);

#endif
