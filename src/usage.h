/* trawk --help: bpftrace's option list in its layout, with trawk's own
 * options where they belong. */
#ifndef TRAWK_USAGE_H
#define TRAWK_USAGE_H

#include <stdio.h>

void usage(FILE *out);

#endif
