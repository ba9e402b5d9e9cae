/* The printers of records (C structs, unions and named tuples) and C
 * arrays, split from value.c, which dispatches to them. */
#ifndef TRAWK_OUT_RECORD_H
#define TRAWK_OUT_RECORD_H

#include <stdbool.h>
#include <stdint.h>

#include "value.h"

/* "{ .a = 1, .b = x }", "{}" when it has no field. */
void out_fmt_record(struct out_str *s, const struct manifest *m, const struct type *t,
                    const uint8_t *p, const struct out_fmt_opts *o);

/* Calls fn for each field of the record at p that bpftrace shows, in
 * order: the members of anonymous structs and unions as the record's own
 * (rec is then the anonymous member's address). */
typedef void (*out_field_fn)(void *ctx, const struct type_field *f, const uint8_t *rec);
void out_record_fields(const struct type *t, const uint8_t *p, out_field_fn fn, void *ctx);
/* Whether out_record_fields would call fn at all. */
bool out_record_has_fields(const struct type *t);

/* "[1,2,3]": no spaces, unlike tuples. */
void out_fmt_array(struct out_str *s, const struct manifest *m, const struct type *t,
                   const uint8_t *p, const struct out_fmt_opts *o);

/* An integer of type t already read into v (sign-extended when signed):
 * pointers as 0x..., enums by name, others in decimal after o's division. */
void out_fmt_int(struct out_str *s, const struct type *t, uint64_t v, const struct out_fmt_opts *o);

#endif
