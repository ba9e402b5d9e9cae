/* Records and arrays as bpftrace prints them (see the table in value.c). */
#include "record.h"

#include <stdbool.h>

uint64_t out_read_bitfield(const struct type_field *f, const void *rec) {
    const uint8_t *p = (const uint8_t *)rec + f->offset;
    uint64_t v = 0;
    /* bit by bit, so a field may start anywhere and straddle any bytes
     * without reading past its last one */
    for (unsigned i = 0; i < f->bit_size && i < 64; i++) {
        unsigned bit = f->bit_offset + i;
        v |= (uint64_t)((p[bit / 8] >> (bit % 8)) & 1) << i;
    }
    return v;
}

/* An anonymous struct or union member: bpftrace shows its fields as the
 * record's own. */
static bool is_anonymous(const struct type_field *f) {
    return !f->name && f->ty && f->ty->kind == T_RECORD && !f->bit_size;
}

bool out_record_has_fields(const struct type *t) {
    for (int i = 0; i < t->nfields; i++) {
        const struct type_field *f = &t->fields[i];
        if (f->ty && (!is_anonymous(f) || out_record_has_fields(f->ty)))
            return true;
    }
    return false;
}

void out_record_fields(const struct type *t, const uint8_t *p, out_field_fn fn, void *ctx) {
    for (int i = 0; i < t->nfields; i++) {
        const struct type_field *f = &t->fields[i];
        if (is_anonymous(f))
            out_record_fields(f->ty, p + f->offset, fn, ctx);
        else if (f->ty)
            fn(ctx, f, p);
    }
}

struct record_out {
    struct out_str *s;
    const struct manifest *m;
    const struct out_fmt_opts *o;
    bool first;
};

static void put_field(void *ctx, const struct type_field *f, const uint8_t *rec) {
    struct record_out *r = ctx;
    out_str_puts(r->s, r->first ? "." : ", .");
    r->first = false;
    /* an unnamed bitfield prints with an empty name, as bpftrace's does */
    out_str_puts(r->s, f->name ? f->name : "");
    out_str_puts(r->s, " = ");
    if (f->bit_size && f->ty->kind == T_INT)
        out_fmt_int(r->s, f->ty, out_read_bitfield(f, rec), r->o);
    else
        out_fmt_value_with(r->s, r->m, f->ty, rec + f->offset, r->o);
}

void out_fmt_record(struct out_str *s, const struct manifest *m, const struct type *t,
                    const uint8_t *p, const struct out_fmt_opts *o) {
    if (!out_record_has_fields(t)) {
        out_str_puts(s, "{}");
        return;
    }
    struct record_out r = {s, m, o, true};
    out_str_puts(s, "{ ");
    out_record_fields(t, p, put_field, &r);
    out_str_puts(s, " }");
}

void out_fmt_array(struct out_str *s, const struct manifest *m, const struct type *t,
                   const uint8_t *p, const struct out_fmt_opts *o) {
    out_str_putc(s, '[');
    for (uint32_t i = 0; t->elem && i < t->nelems; i++) {
        if (i)
            out_str_putc(s, ',');
        out_fmt_value_with(s, m, t->elem, p + (size_t)i * t->elem->size, o);
    }
    out_str_putc(s, ']');
}
