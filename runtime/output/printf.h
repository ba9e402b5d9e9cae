/* bpftrace's printf, reproduced on trawk's event records.
 *
 * Current bpftrace formats each conversion with C++ streams, not with the C
 * library, and that shows in the output; the rules followed here:
 * - a conversion is %[-][+][ ][#][0][width|*][.prec|.*][hlLjzt...]verb, the
 *   flags only in that order; a '%' that does not start one stays literal;
 *   "%%" (with any flags) prints '%'.
 * - integers are converted to the C type the length modifier names; with no
 *   modifier that is int for d i c and unsigned int for u o x X, so "%x" of
 *   0x12345678abcdef prints 78abcdef. %p always prints all 64 bits, "0x..."
 *   in lower case, or "0" for zero.
 * - '#' adds 0 / 0x / 0X, except to zero; '+' marks signed values only; ' '
 *   and the precision do nothing (bpftrace applies precision to floats only).
 * - the width pads with the fill character, '0' or ' ', on the left, or on
 *   the right with '-' (so "%-05d" of 42 is "42000", "%05d" of -42 "00-42").
 * - %s prints any value as print() would; a string that fills its buffer
 *   gets the ".." trailer. With '+', every non-negative signed integer
 *   inside the value gets a '+'; the width pads only the first piece of a
 *   tuple, record or array ("(", "{ ", "[").
 * - an integer conversion of an enum uses its value (zero-extended from its
 *   size), of a pointer its address.
 * - an integer conversion of a non-integer prints "!{invalid integer
 *   conversion: TEXT}". */
#ifndef TRAWK_OUT_PRINTF_H
#define TRAWK_OUT_PRINTF_H

#include <stdint.h>

#include "manifest.h"
#include "strbuf.h"

/* Formats fmt with args read from rec (argument offsets are from the record
 * start; arguments that do not fit in size bytes print nothing). */
void out_printf(struct out_str *s, const struct manifest *m, const char *fmt,
                const struct event_arg *args, int nargs, const void *rec, uint32_t size);

#endif
