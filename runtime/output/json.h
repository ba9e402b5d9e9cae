/* A small JSON writer with bpftrace's conventions, the pieces every JSON
 * message is built from:
 * - strings escape '"', '\\', \n, \r, \t, and every other byte below 0x20
 *   as \u00XX; bytes of 0x80 and above are escaped as bpftrace's signed
 *   chars print them, "\uffffffXX" (still valid JSON: \uffff then "ffXX");
 * - integers that a double cannot hold exactly are written as strings
 *   ("18446744073709551615"), as RFC 8259 advises;
 * - object members are separated by ", ", array elements by "," alone. */
#ifndef TRAWK_OUT_JSON_H
#define TRAWK_OUT_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

void json_string(struct out_str *s, const char *p, size_t n);
void json_cstring(struct out_str *s, const char *p);
/* v as an int64 (is_signed) or a uint64. */
void json_int(struct out_str *s, uint64_t v, bool is_signed);

/* v divided by print()'s div (0 and 1 divide nothing), as signed or not. */
uint64_t json_div(uint64_t v, bool is_signed, uint64_t div);

/* Separators for building objects and arrays: *first starts true. */
void json_member(struct out_str *s, bool *first, const char *name);
void json_elem(struct out_str *s, bool *first);

/* The start of every message: {"type": "TYPE", "data": ; the caller writes
 * the data and json_end closes it with "}\n". */
void json_begin(struct out_str *s, const char *type);
void json_end(struct out_str *s);

#endif
