/* Text of single values and map keys, the way bpftrace prints them:
 * integers in decimal, pointers as 0x..., enums by name, bools as
 * true/false, strings raw (with the ".." trailer when they fill their
 * buffer), tuples as "(1, two)", records as "{ .a = 1, .b = x }", arrays as
 * "[1,2]", probe indices as probe names (value.c lists every format).
 * Pure, except for stacks and symbols: stack.c reads a stack's frames from
 * its map and names addresses from the kernel's or a process's symbols. */
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
void out_fmt_string(struct out_str *s, const struct manifest *m, const char *p, uint32_t size);
/* A buf() value of type t (its u32 length, then the bytes): printable
 * ASCII as is (keep_ascii), other bytes as \xNN (escape) or as "NN"
 * separated by spaces, as bpftrace's %r, %rx and %rh. */
void out_fmt_buf(struct out_str *s, const struct type *t, const void *p, bool keep_ascii,
                 bool escape);

void out_fmt_value(struct out_str *s, const struct manifest *m, const struct type *t,
                   const void *p);

/* What changes the text of the integers inside a value: print(@m, top, div)
 * divides them (in records, tuples and arrays too), printf("%+s") marks the
 * non-negative signed ones with '+'. Pointers, enums and bools are left alone. */
struct out_fmt_opts {
    uint64_t div; /* 0 or 1: no division */
    bool plus;
};

/* out_fmt_value with options; o NULL is the same as out_fmt_value. */
void out_fmt_value_with(struct out_str *s, const struct manifest *m, const struct type *t,
                        const void *p, const struct out_fmt_opts *o);

/* The name of enum value v of t (t->enum_def set), NULL when it has none.
 * Values compare in t->size bytes, so a negative constant matches. */
const char *out_enum_name(const struct type *t, uint64_t v);

/* An enum's value as bpftrace reads it: its t->size bytes zero-extended. */
uint64_t out_read_enum(const struct type *t, const void *p);

/* The value of bitfield f of the record at rec: f->bit_size bits from bit
 * f->bit_offset of byte f->offset. bpftrace masks without sign-extending,
 * so a signed field of all ones reads as a positive number. */
uint64_t out_read_bitfield(const struct type_field *f, const void *rec);

/* How many bytes of text, a value's text of type t, printf's width pads:
 * C++ streams pad only the first piece written, which for a tuple is "(",
 * for an array "[", for a record "{ " (or "{}"); otherwise all of it. */
size_t out_first_piece(const struct type *t, size_t len);

/* A key as it appears between the brackets of "@m[...]": bpftrace strips
 * the outer parentheses of the key's text, which turns a tuple into "1, x". */
void out_fmt_key(struct out_str *s, const struct manifest *m, const struct type *t, const void *p);

#endif
