#include "json_value.h"

#include <string.h>

#include "json.h"
#include "record.h"
#include "value.h"

/* An integer already read (sign-extended when signed); enums and pointers
 * as plain numbers, never divided. */
static void json_intval(struct out_str *s, const struct type *t, uint64_t v, uint64_t div) {
    if (t->is_ptr || t->enum_def) {
        json_int(s, t->enum_def ? out_read_enum(t, &v) : v, false);
        return;
    }
    json_int(s, json_div(v, t->is_signed, div), t->is_signed);
}

struct json_record {
    struct out_str *s;
    const struct manifest *m;
    uint64_t div;
    bool first;
};

static void json_field(void *ctx, const struct type_field *f, const uint8_t *rec) {
    struct json_record *r = ctx;
    json_member(r->s, &r->first, f->name ? f->name : "");
    if (f->bit_size && f->ty->kind == T_INT)
        json_intval(r->s, f->ty, out_read_bitfield(f, rec), r->div);
    else
        out_json_value(r->s, r->m, f->ty, rec + f->offset, r->div);
}

static void json_tuple(struct out_str *s, const struct manifest *m, const struct type *t,
                       const uint8_t *p, uint64_t div) {
    bool first = true;
    out_str_putc(s, '[');
    for (int i = 0; i < t->nfields; i++) {
        json_elem(s, &first);
        out_json_value(s, m, t->fields[i].ty, p + t->fields[i].offset, div);
    }
    out_str_putc(s, ']');
}

static void json_array(struct out_str *s, const struct manifest *m, const struct type *t,
                       const uint8_t *p, uint64_t div) {
    bool first = true;
    out_str_putc(s, '[');
    for (uint32_t i = 0; t->elem && i < t->nelems; i++) {
        json_elem(s, &first);
        out_json_value(s, m, t->elem, p + (size_t)i * t->elem->size, div);
    }
    out_str_putc(s, ']');
}

/* buf(): its bytes as numbers, as bpftrace writes them. */
static void json_buf(struct out_str *s, const struct type *t, const uint8_t *p) {
    uint32_t len;
    bool first = true;
    memcpy(&len, p, 4);
    out_str_putc(s, '[');
    for (uint32_t i = 0; i < len && i + 4 < t->size; i++) {
        json_elem(s, &first);
        json_int(s, p[4 + i], false);
    }
    out_str_putc(s, ']');
}

/* A value JSON has no form for: its text, as a string. */
static void json_as_text(struct out_str *s, const struct manifest *m, const struct type *t,
                         const void *p) {
    struct out_str text;
    out_str_init(&text);
    out_fmt_value(&text, m, t, p);
    json_string(s, text.p ? text.p : "", text.len);
    out_str_free(&text);
}

void out_json_value(struct out_str *s, const struct manifest *m, const struct type *t,
                    const void *p, uint64_t div) {
    switch (t->kind) {
    case T_INT:
        if (t->is_float)
            out_str_puts(s, "null");
        else
            json_intval(s, t, out_read_int(t, p), div);
        break;
    case T_BOOL:
        out_str_puts(s, *(const uint8_t *)p ? "true" : "false");
        break;
    case T_TUPLE:
        json_tuple(s, m, t, p, div);
        break;
    case T_ARRAY:
        json_array(s, m, t, p, div);
        break;
    case T_RECORD: {
        struct json_record r = {s, m, div, true};
        out_str_putc(s, '{');
        out_record_fields(t, p, json_field, &r);
        out_str_putc(s, '}');
        break;
    }
    case T_BUF:
        json_buf(s, t, p);
        break;
    case T_STRING:
    case T_PROBE:
    case T_STACK:
    case T_KSYM:
    case T_USYM:
    case T_TEXT:
        json_as_text(s, m, t, p);
        break;
    default:
        out_str_puts(s, "null");
        break;
    }
}

void out_json_key(struct out_str *s, const struct manifest *m, const struct type *t,
                  const void *p) {
    struct out_str text;
    out_str_init(&text);
    out_fmt_key(&text, m, t, p);
    size_t n = 0;
    for (size_t i = 0; i < text.len; i++)
        if (text.p[i] != ' ')
            text.p[n++] = text.p[i];
    json_string(s, text.p ? text.p : "", n);
    out_str_free(&text);
}
