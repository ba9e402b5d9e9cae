/* Values and map keys as bpftrace's JSON output shows them (found by
 * running it):
 *
 *   value                   JSON
 *   int, pointer, enum      a number (enums by value, never by name;
 *                           pointers as their address); a string when a
 *                           double cannot hold it: "18446744073709551615"
 *   bool                    true / false
 *   string                  "escaped text" (".." trailer as in text)
 *   tuple, array            [1,"a",[2,3]]
 *   record, named tuple     {"a": 1, "b": {"c": 2}}
 *   stack, ksym, usym,      their text, as a string: "\n        f+1\n"
 *   probe, strftime, ntop...
 *   unknown (a float)       null
 *   map key                 a string: the key's text without the outer
 *                           parentheses of a tuple and without any space:
 *                           @[1, "a b"] is "1,ab", @[(a=1)] "{.a=1}"
 *
 * print(@m, top, div) divides the integers inside values, as in text. */
#ifndef TRAWK_OUT_JSON_VALUE_H
#define TRAWK_OUT_JSON_VALUE_H

#include <stdint.h>

#include "manifest.h"
#include "strbuf.h"

/* div 0 or 1 divides nothing. */
void out_json_value(struct out_str *s, const struct manifest *m, const struct type *t,
                    const void *p, uint64_t div);
void out_json_key(struct out_str *s, const struct manifest *m, const struct type *t, const void *p);

#endif
