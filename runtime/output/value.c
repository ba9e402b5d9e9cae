#include "value.h"

#include <inttypes.h>
#include <string.h>

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

const char *out_probe_name(const struct manifest *m, uint64_t idx) {
    if (!m || idx >= (uint64_t)m->nprobe_names)
        return NULL;
    return m->probe_names[idx];
}

void out_fmt_string(struct out_str *s, const char *p, uint32_t size) {
    size_t n = strnlen(p, size);
    out_str_putn(s, p, n);
    if (n == size)
        out_str_puts(s, OUT_STR_TRAILER);
}

static void fmt_int(struct out_str *s, const struct type *t, const void *p) {
    uint64_t v = out_read_int(t, p);
    if (t->is_ptr)
        out_str_fmt(s, "0x%" PRIx64, v);
    else if (t->is_signed)
        out_str_fmt(s, "%" PRId64, (int64_t)v);
    else
        out_str_fmt(s, "%" PRIu64, v);
}

static void fmt_tuple(struct out_str *s, const struct manifest *m, const struct type *t,
                      const uint8_t *p) {
    out_str_putc(s, '(');
    for (int i = 0; i < t->nfields; i++) {
        if (i)
            out_str_puts(s, ", ");
        out_fmt_value(s, m, t->fields[i].ty, p + t->fields[i].offset);
    }
    out_str_putc(s, ')');
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

void out_fmt_value(struct out_str *s, const struct manifest *m, const struct type *t,
                   const void *p) {
    switch (t->kind) {
    case T_INT:
        fmt_int(s, t, p);
        break;
    case T_BOOL:
        out_str_puts(s, *(const uint8_t *)p ? "true" : "false");
        break;
    case T_STRING:
        out_fmt_string(s, p, t->size);
        break;
    case T_TUPLE:
        fmt_tuple(s, m, t, p);
        break;
    case T_PROBE:
        fmt_probe(s, m, p);
        break;
    default:
        /* bpftrace prints a value it has no type for as null */
        out_str_puts(s, "null");
        break;
    }
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
