/* --fmt: prints a script in bpftrace's canonical layout, with its comments
 * and blank lines, without running the preprocessor or any analysis. */
#ifndef TRAWK_FORMAT_H
#define TRAWK_FORMAT_H

#include <stdio.h>

#include "diag.h"

/* Prints the formatted text to out and returns 0, or returns 1 after
 * reporting the syntax errors through d. */
int fmt_script(struct diag *d, const char *text, FILE *out);

#endif
