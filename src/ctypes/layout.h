/* C record layout as GCC does it on x86_64 (layout.c). */
#ifndef TRAWK_CTYPES_LAYOUT_H
#define TRAWK_CTYPES_LAYOUT_H

#include "ctypes/ctypes_impl.h"

struct ct_member {
    const struct type *ty;
    const char *name; /* NULL: an anonymous struct/union member or unnamed bitfield */
    int bits;         /* bitfield width, -1 for an ordinary member */
    bool packed;      /* __attribute__((packed)) on the member */
    uint32_t aligned; /* __attribute__((aligned(N))) on the member, or 0 */
};

struct ct_layout {
    bool is_union;
    bool packed;      /* on the record */
    uint32_t aligned; /* on the record, or 0 */
};

/* Lays out the members and builds the record (tag NULL: anonymous); sets
 * *align to the record's alignment. Unnamed bitfields take space but are
 * no fields. */
const struct type *ct_layout(struct ctypes *c, const char *tag, const struct ct_layout *how,
                             const struct ct_member *m, int n, uint32_t *align);

#endif
