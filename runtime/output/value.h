/* Text of single values and map keys, the way bpftrace prints them:
 * integers in decimal, pointers as 0x..., bools as true/false, strings raw
 * (with the ".." trailer when they fill their buffer), tuples as "(1, two)",
 * probe indices as probe names. Pure: no kernel access. */
#ifndef TRAWK_OUT_VALUE_H
#define TRAWK_OUT_VALUE_H

#include <stdbool.h>
#include <stdint.h>

#include "manifest.h"
#include "strbuf.h"

/* bpftrace appends this to a string that fills its whole buffer, taking the
 * missing NUL as the sign that it was truncated. */
#define OUT_STR_TRAILER ".."

/* An integer of t->size bytes (1, 2, 4 or 8), sign-extended when t is signed. */
uint64_t out_read_int(const struct type *t, const void *p);

/* The name a T_PROBE value stands for; NULL when out of range. */
const char *out_probe_name(const struct manifest *m, uint64_t idx);

/* Appends the string held in a char[size] buffer, plus the trailer when the
 * buffer holds no NUL. */
void out_fmt_string(struct out_str *s, const char *p, uint32_t size);

void out_fmt_value(struct out_str *s, const struct manifest *m, const struct type *t,
                   const void *p);

/* A key as it appears between the brackets of "@m[...]": bpftrace strips
 * the outer parentheses of the key's text, which turns a tuple into "1, x". */
void out_fmt_key(struct out_str *s, const struct manifest *m, const struct type *t, const void *p);

#endif
