/* C record layout following GCC on x86_64 (the SysV ABI): natural
 * alignment, bitfields packed into units of their declared type without
 * straddling one unless packed, unnamed bitfields not aligning the record. */
#include <stdlib.h>

#include "ctypes/layout.h"

static uint64_t align_up(uint64_t v, uint64_t a) {
    return a ? (v + a - 1) / a * a : v;
}

/* BTF keeps no alignment: a record is packed when its size or a member's
 * offset breaks its members' natural alignment (as libbpf's btf_dump decides). */
static bool is_packed(struct ctypes *c, const struct type *t, uint32_t a) {
    if (t->size % a)
        return true;
    for (int i = 0; i < t->nfields; i++) {
        const struct type_field *f = &t->fields[i];
        if (!f->bit_size && f->ty && f->offset % ct_align(c, f->ty))
            return true;
    }
    return false;
}

uint32_t ct_align(struct ctypes *c, const struct type *t) {
    if (t->kind == T_ARRAY)
        return t->elem ? ct_align(c, t->elem) : 1;
    if (t->kind == T_RECORD && t->tag) {
        struct ct_sym *e = ct_table_get(&c->types, t->tag);
        if (e && e->ty == t && e->align)
            return e->align;
    }
    uint32_t a = type_alignment(t);
    if (t->kind == T_RECORD && a > 1 && is_packed(c, t, a))
        return 1;
    return a ? a : 1;
}

void ct_bitfield_place(uint32_t bitpos, uint32_t width, const struct type *ty, uint32_t *offset,
                       uint16_t *bit_offset) {
    uint32_t unit = ty->size ? ty->size : 1;
    uint32_t off = bitpos / 8 / unit * unit;
    if (bitpos - off * 8 + width > unit * 8)
        off = bitpos / 8; /* packed: read from the first byte */
    *offset = off;
    *bit_offset = (uint16_t)(bitpos - off * 8);
}

struct placing {
    uint64_t bitpos; /* next free bit (structs) */
    uint64_t size;   /* bytes used so far */
    uint32_t align;
};

static uint64_t place_bitfield(const struct ct_member *m, const struct ct_layout *how,
                               uint32_t falign, struct placing *pl) {
    uint64_t unit = (uint64_t)m->ty->size * 8;
    uint64_t pos = how->is_union ? 0 : pl->bitpos;
    if (m->bits == 0)
        return align_up(pos, falign * 8);
    bool straddles = unit && pos / unit != (pos + m->bits - 1) / unit;
    if (!how->packed && !m->packed && straddles)
        pos = align_up(pos, falign * 8);
    return pos;
}

static void place(struct ctypes *c, const struct ct_member *m, const struct ct_layout *how,
                  struct placing *pl, struct type_field *f) {
    uint32_t natural = ct_align(c, m->ty);
    uint32_t falign = how->packed || m->packed ? 1 : natural;
    if (m->aligned > falign)
        falign = m->aligned;
    uint64_t pos, end;
    f->ty = m->ty;
    f->name = m->name;
    if (m->bits >= 0) {
        pos = place_bitfield(m, how, natural, pl);
        end = pos + m->bits;
        uint32_t off;
        ct_bitfield_place((uint32_t)pos, (uint32_t)m->bits, m->ty, &off, &f->bit_offset);
        f->offset = off;
        f->bit_size = (uint16_t)m->bits;
        if (m->name && falign > pl->align) /* unnamed bitfields do not align the record */
            pl->align = falign;
    } else {
        pos = how->is_union ? 0 : align_up(pl->bitpos, (uint64_t)falign * 8);
        end = pos + (uint64_t)m->ty->size * 8;
        f->offset = (uint32_t)(pos / 8);
        if (falign > pl->align)
            pl->align = falign;
    }
    if (m->bits == 0)
        end = pos;
    if (!how->is_union)
        pl->bitpos = end;
    if ((end + 7) / 8 > pl->size)
        pl->size = (end + 7) / 8;
}

const struct type *ct_layout(struct ctypes *c, const char *tag, const struct ct_layout *how,
                             const struct ct_member *m, int n, uint32_t *align) {
    struct type_field *fields = calloc(n ? n : 1, sizeof(*fields));
    if (!fields)
        abort();
    struct placing pl = {.align = 1};
    int nf = 0;
    for (int i = 0; i < n; i++) {
        struct type_field f = {0};
        place(c, &m[i], how, &pl, &f);
        f.str_pad = f.ty && f.ty->kind == T_STRING && !f.bit_size;
        /* unnamed bitfields only pad */
        if (m[i].bits < 0 || m[i].name)
            fields[nf++] = f;
    }
    if (how->aligned > pl.align)
        pl.align = how->aligned;
    *align = pl.align;
    const struct type *t = type_record(c->arena, tag, how->is_union,
                                       (uint32_t)align_up(pl.size, pl.align), nf, fields);
    free(fields);
    return t;
}
