/* Values as text. What bpftrace 0.27 prints, found by running it:
 *
 *   value                        print() / map value / %s       %d
 *   int                          -3                             -3
 *   pointer (any pointee)        0xffff888102e116c0, 0x0        low 32 bits
 *   enum, known value            A  (also as map key: @k[A])    1
 *   enum, unknown value          7  (unsigned, zero-extended)   7
 *   bool                         true / false                   1 / 0
 *   char[N] / string             bpftrace, or "full.." if no NUL (bpftrace
 *                                reads N + 1 bytes of a char[N] in a struct;
 *                                trawk keeps to the N bytes)
 *   tuple                        (1, x, { .a = 2 })             error
 *   named tuple, struct, union   { .a = 1, .b = { .c = x } }    error
 *   empty struct                 {}
 *   union                        every member: { .b = {...}, .s = 0 }
 *   anonymous struct/union       its members inline with the others
 *   unnamed bitfield             . = 0
 *   bitfield                     masked, never sign-extended: int a:2 of
 *                                binary 10 prints 2; enum bitfields by name
 *   array                        [1,2,3], [{ .s = 1 },{ .s = 2 }], []
 *   kstack, ustack               "\n" and a line per frame (stack.h)     error
 *   ksym, usym                   do_syscall_64, or 0x1 when unknown      error
 *   map key                      @[{ .a = 1 }], @[[0,0,0]], @k[1, { .a = 2 }]
 *                                (only a tuple key loses its parentheses)
 *   print(@m, top, div)          integers inside records, tuples and arrays
 *                                are divided too; enums, pointers are not
 *   printf("%+s")                '+' before every non-negative signed
 *                                integer inside the value: { .a = +1 }
 *   printf("%20s")               pads only the first piece: "(", "[", "{ "
 */
#include "value.h"

#include <inttypes.h>
#include <string.h>

#include "record.h"
#include "stack.h"
#include "text.h"

uint64_t out_read_int(const struct type *t, const void *p) {
    switch (t->size) {
    case 1: {
        uint8_t v;
        memcpy(&v, p, 1);
        return t->is_signed ? (uint64_t)(int64_t)(int8_t)v : v;
    }
    case 2: {
        uint16_t v;
        memcpy(&v, p, 2);
        return t->is_signed ? (uint64_t)(int64_t)(int16_t)v : v;
    }
    case 4: {
        uint32_t v;
        memcpy(&v, p, 4);
        return t->is_signed ? (uint64_t)(int64_t)(int32_t)v : v;
    }
    default: {
        uint64_t v;
        memcpy(&v, p, 8);
        return v;
    }
    }
}

/* v cut to the low size bytes. */
static uint64_t truncate_to(uint64_t v, uint32_t size) {
    return size >= 8 ? v : v & ((UINT64_C(1) << (size * 8)) - 1);
}

uint64_t out_read_enum(const struct type *t, const void *p) {
    return truncate_to(out_read_int(t, p), t->size);
}

const char *out_enum_name(const struct type *t, uint64_t v) {
    const struct enum_def *d = t->enum_def;
    if (!d)
        return NULL;
    v = truncate_to(v, t->size);
    for (int i = 0; i < d->n; i++)
        if (truncate_to((uint64_t)d->values[i], t->size) == v)
            return d->names[i];
    return NULL;
}

const char *out_probe_name(const struct manifest *m, uint64_t idx) {
    if (!m || idx >= (uint64_t)m->nprobe_names)
        return NULL;
    return m->probe_names[idx];
}

void out_fmt_string(struct out_str *s, const struct manifest *m, const char *p, uint32_t size) {
    size_t n = strnlen(p, size);
    out_str_putn(s, p, n);
    if (n == size)
        out_str_puts(s, m && m->str_trailer ? m->str_trailer : OUT_STR_TRAILER);
}

void out_fmt_int(struct out_str *s, const struct type *t, uint64_t v,
                 const struct out_fmt_opts *o) {
    uint64_t div = o && o->div > 1 ? o->div : 1;
    if (t->is_ptr) {
        out_str_fmt(s, "0x%" PRIx64, v);
    } else if (t->enum_def) {
        const char *name = out_enum_name(t, v);
        if (name)
            out_str_puts(s, name);
        else
            out_str_u64(s, truncate_to(v, t->size));
    } else if (t->is_signed) {
        int64_t x = div == 1 ? (int64_t)v : (int64_t)v / (int64_t)div; /* idiv is slow */
        if (o && o->plus && x >= 0)
            out_str_putc(s, '+');
        out_str_i64(s, x);
    } else {
        out_str_u64(s, div == 1 ? v : v / div);
    }
}

static void fmt_tuple(struct out_str *s, const struct manifest *m, const struct type *t,
                      const uint8_t *p, const struct out_fmt_opts *o) {
    out_str_putc(s, '(');
    for (int i = 0; i < t->nfields; i++) {
        if (i)
            out_str_puts(s, ", ");
        out_fmt_value_with(s, m, t->fields[i].ty, p + t->fields[i].offset, o);
    }
    out_str_putc(s, ')');
}

void out_fmt_buf(struct out_str *s, const struct type *t, const void *p, bool keep_ascii,
                 bool escape) {
    const uint8_t *b = p;
    uint32_t len;
    memcpy(&len, b, 4);
    if (len > t->size - 4)
        len = t->size - 4;
    for (uint32_t i = 0; i < len; i++) {
        uint8_t c = b[4 + i];
        if (keep_ascii && c >= 32 && c <= 126)
            out_str_putc(s, (char)c);
        else if (escape)
            out_str_fmt(s, "\\x%02x", c);
        else
            out_str_fmt(s, i + 1 < len ? "%02x " : "%02x", c);
    }
}

static void fmt_probe(struct out_str *s, const struct manifest *m, const void *p) {
    uint64_t idx;
    memcpy(&idx, p, 8);
    const char *name = out_probe_name(m, idx);
    if (name)
        out_str_puts(s, name);
    else
        out_str_fmt(s, "%" PRIu64, idx);
}

void out_fmt_value_with(struct out_str *s, const struct manifest *m, const struct type *t,
                        const void *p, const struct out_fmt_opts *o) {
    switch (t->kind) {
    case T_INT:
        if (t->is_float)
            out_str_puts(s, "null");
        else
            out_fmt_int(s, t, out_read_int(t, p), o);
        break;
    case T_BOOL:
        out_str_puts(s, *(const uint8_t *)p ? "true" : "false");
        break;
    case T_STRING:
        out_fmt_string(s, m, p, t->size);
        break;
    case T_TUPLE:
        fmt_tuple(s, m, t, p, o);
        break;
    case T_BUF:
        out_fmt_buf(s, t, p, true, true);
        break;
    case T_RECORD:
        out_fmt_record(s, m, t, p, o);
        break;
    case T_ARRAY:
        out_fmt_array(s, m, t, p, o);
        break;
    case T_PROBE:
        fmt_probe(s, m, p);
        break;
    case T_STACK:
        out_fmt_stack(s, m, t, p);
        break;
    case T_KSYM:
    case T_USYM:
        out_fmt_sym(s, m, t, p);
        break;
    case T_TEXT:
        out_fmt_text(s, t, p);
        break;
    default:
        /* bpftrace prints a value it has no type for as null */
        out_str_puts(s, "null");
        break;
    }
}

void out_fmt_value(struct out_str *s, const struct manifest *m, const struct type *t,
                   const void *p) {
    out_fmt_value_with(s, m, t, p, NULL);
}

size_t out_first_piece(const struct type *t, size_t len) {
    size_t n = len;
    if (t->kind == T_TUPLE || t->kind == T_ARRAY)
        n = 1;
    else if (t->kind == T_RECORD)
        n = 2; /* "{ " or "{}" */
    return n < len ? n : len;
}

void out_fmt_key(struct out_str *s, const struct manifest *m, const struct type *t, const void *p) {
    size_t start = s->len;
    out_fmt_value(s, m, t, p);
    size_t n = s->len - start;
    char *k = s->p + start;
    if (n >= 2 && k[0] == '(' && k[n - 1] == ')') {
        memmove(k, k + 1, n - 2);
        s->len -= 2;
        s->p[s->len] = '\0';
    }
}
