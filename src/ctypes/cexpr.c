/* Integer constant expressions: array sizes, bitfield widths, enumerator
 * values. Values carry C's int/long and signedness so that ~0U is 4294967295. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "ctypes/cparse.h"

struct cval {
    uint64_t v;
    uint32_t size; /* 4 or 8 */
    bool uns;
};

static struct cval fix(struct cval x) {
    if (x.size == 4)
        x.v = x.uns ? (uint32_t)x.v : (uint64_t)(int64_t)(int32_t)(uint32_t)x.v;
    return x;
}

static bool cond(struct cparser *p, struct cval *out);

static bool number(struct cparser *p, struct cval *out) {
    const struct ctok *t = cp_tok(p);
    char buf[64];
    int n = t->len < 63 ? t->len : 63;
    memcpy(buf, t->s, n);
    buf[n] = '\0';
    char *end;
    uint64_t v = strtoull(buf, &end, 0);
    bool uns = false;
    int longs = 0;
    for (; *end; end++) {
        if (*end == 'u' || *end == 'U')
            uns = true;
        else if (*end == 'l' || *end == 'L')
            longs++;
        else
            return cp_fail(p, "bad integer constant"), false;
    }
    bool dec = buf[0] != '0';
    uint32_t size = longs || v > (dec || uns ? (uint64_t)INT32_MAX : UINT32_MAX) ? 8 : 4;
    if (size == 4 && !dec && v > INT32_MAX)
        uns = true;
    if (size == 8 && v > INT64_MAX)
        uns = true;
    *out = fix((struct cval){v, size, uns});
    cp_next(p);
    return true;
}

static bool char_const(struct cparser *p, struct cval *out) {
    const struct ctok *t = cp_tok(p);
    const char *s = memchr(t->s, '\'', t->len) + 1;
    int64_t v = (unsigned char)s[0];
    if (s[0] == '\\') {
        static const char esc[] = "n\nt\tr\r0\0a\ab\bf\fv\v\\\\''\"\"";
        const char *e = strchr("xX", s[1]) ? NULL : memchr(esc, s[1], sizeof(esc) - 1);
        if (s[1] == 'x' || s[1] == 'X')
            v = strtol(s + 2, NULL, 16);
        else if (isdigit((unsigned char)s[1]))
            v = strtol(s + 1, NULL, 8);
        else
            v = e ? (unsigned char)e[1] : (unsigned char)s[1];
    }
    *out = (struct cval){(uint64_t)(int64_t)(signed char)v, 4, false};
    cp_next(p);
    return true;
}

static bool ident(struct cparser *p, struct cval *out) {
    char *name = cp_ident(p);
    int64_t v;
    const struct type *ty;
    bool ok = ctypes_enum_value(p->c, name, &v, &ty);
    if (!ok)
        cp_fail(p, "unknown constant '%s'", name);
    free(name);
    if (ok) {
        *out = (struct cval){(uint64_t)v, ty && ty->size == 8 ? 8 : 4, false};
        cp_next(p);
    }
    return ok;
}

/* sizeof(type), _Alignof(type), __builtin_offsetof(type, a.b) */
static bool type_query(struct cparser *p, struct cval *out) {
    bool is_align = !cp_is(p, "sizeof") && !cp_is(p, "__builtin_offsetof");
    bool is_offset = cp_is(p, "__builtin_offsetof");
    cp_next(p);
    if (!cp_expect(p, "("))
        return false;
    if (!cp_starts_type(p))
        return cp_fail(p, "sizeof of an expression"), false;
    const struct type *t = cp_type_name(p);
    if (!t)
        return false;
    if (t->kind == T_RECORD && t->incomplete)
        t = ctypes_complete(p->c, t);
    if (!t)
        return cp_fail(p, "incomplete type"), false;
    uint64_t v = is_align ? ct_align(p->c, t) : t->size;
    if (is_offset) {
        v = 0;
        do {
            cp_accept(p, ",");
            if (cp_tok(p)->kind != CT_IDENT)
                return cp_fail(p, "expected a field name"), false;
            char *f = cp_ident(p);
            uint32_t off;
            const struct type_field *fld = type_field_find(t, f, &off);
            free(f);
            if (!fld)
                return cp_fail(p, "no such field"), false;
            v += off;
            t = fld->ty;
            cp_next(p);
        } while (cp_is(p, ".") || cp_is(p, ","));
    }
    *out = (struct cval){v, 8, true};
    return cp_expect(p, ")");
}

static bool unary(struct cparser *p, struct cval *out);

static bool cast(struct cparser *p, struct cval *out) {
    cp_next(p);
    const struct type *t = cp_type_name(p);
    if (!t || !cp_expect(p, ")") || !unary(p, out))
        return false;
    uint32_t size = t->size >= 8 || t->is_ptr ? 8 : 4;
    uint64_t v = out->v;
    if (t->size == 1)
        v = t->is_signed ? (uint64_t)(int64_t)(int8_t)v : (uint8_t)v;
    else if (t->size == 2)
        v = t->is_signed ? (uint64_t)(int64_t)(int16_t)v : (uint16_t)v;
    *out = fix((struct cval){v, size, !t->is_signed});
    return true;
}

static bool primary(struct cparser *p, struct cval *out) {
    const struct ctok *t = cp_tok(p);
    if (t->kind == CT_NUM)
        return number(p, out);
    if (t->kind == CT_CHAR)
        return char_const(p, out);
    if (cp_is(p, "sizeof") || cp_is(p, "_Alignof") || cp_is(p, "__alignof__") ||
        cp_is(p, "alignof") || cp_is(p, "__builtin_offsetof"))
        return type_query(p, out);
    if (t->kind == CT_IDENT)
        return ident(p, out);
    if (cp_is(p, "(")) {
        cp_next(p);
        if (cp_starts_type(p)) {
            p->pos--;
            return cast(p, out);
        }
        return cond(p, out) && cp_expect(p, ")");
    }
    return cp_fail(p, "expected a constant"), false;
}

static struct cval unary_op(char op, struct cval x) {
    if (op == '-')
        x.v = -x.v;
    else if (op == '~')
        x.v = ~x.v;
    else if (op == '!')
        x = (struct cval){!x.v, 4, false};
    return fix(x);
}

static bool unary(struct cparser *p, struct cval *out) {
    if (++p->depth > 200)
        return cp_fail(p, "expression nested too deeply"), false;
    bool ok;
    if (cp_is(p, "-") || cp_is(p, "+") || cp_is(p, "~") || cp_is(p, "!")) {
        char op = cp_tok(p)->s[0];
        cp_next(p);
        ok = unary(p, out);
        if (ok)
            *out = unary_op(op, *out);
    } else {
        ok = primary(p, out);
    }
    p->depth--;
    return ok && !p->failed;
}

static const struct {
    const char *op;
    int prec;
} binops[] = {{"||", 1}, {"&&", 2}, {"|", 3}, {"^", 4},  {"&", 5},  {"==", 6},
              {"!=", 6}, {"<", 7},  {">", 7}, {"<=", 7}, {">=", 7}, {"<<", 8},
              {">>", 8}, {"+", 9},  {"-", 9}, {"*", 10}, {"/", 10}, {"%", 10}};

static int binop_prec(const struct cparser *p, const char **op) {
    for (size_t i = 0; i < sizeof(binops) / sizeof(binops[0]); i++)
        if (cp_is(p, binops[i].op)) {
            *op = binops[i].op;
            return binops[i].prec;
        }
    return 0;
}

static bool apply(struct cparser *p, const char *op, struct cval *a, struct cval b) {
    bool cmp = op[0] == '<' || op[0] == '>' || op[0] == '=' || op[0] == '!' || op[1] == op[0];
    bool shift = !strcmp(op, "<<") || !strcmp(op, ">>");
    struct cval r = {0, a->size > b.size ? a->size : b.size, false};
    r.uns = shift ? a->uns : (a->uns && a->size >= r.size) || (b.uns && b.size >= r.size);
    if (shift)
        r.size = a->size;
    uint64_t x = a->v, y = b.v;
    int64_t sx = (int64_t)x, sy = (int64_t)y;
    if ((op[0] == '/' || op[0] == '%') && (y == 0 || (!r.uns && sx == INT64_MIN && sy == -1)))
        return cp_fail(p, "division by zero"), false;
    switch (op[0]) {
    case '|':
        r.v = op[1] ? (x || y) : (x | y);
        break;
    case '&':
        r.v = op[1] ? (x && y) : (x & y);
        break;
    case '^':
        r.v = x ^ y;
        break;
    case '=':
        r.v = x == y;
        break;
    case '!':
        r.v = x != y;
        break;
    case '+':
        r.v = x + y;
        break;
    case '-':
        r.v = x - y;
        break;
    case '*':
        r.v = x * y;
        break;
    case '/':
        r.v = r.uns ? x / y : (uint64_t)(sx / sy);
        break;
    case '%':
        r.v = r.uns ? x % y : (uint64_t)(sx % sy);
        break;
    case '<':
        if (op[1] == '<')
            r.v = x << (y & 63);
        else
            r.v = r.uns ? (op[1] ? x <= y : x < y) : (op[1] ? sx <= sy : sx < sy);
        break;
    case '>':
        if (op[1] == '>')
            r.v = r.uns ? x >> (y & 63) : (uint64_t)(sx >> (y & 63));
        else
            r.v = r.uns ? (op[1] ? x >= y : x > y) : (op[1] ? sx >= sy : sx > sy);
        break;
    }
    if (cmp && !shift)
        r = (struct cval){r.v, 4, false};
    *a = fix(r);
    return true;
}

static bool binary(struct cparser *p, int min_prec, struct cval *out) {
    if (!unary(p, out))
        return false;
    const char *op;
    int prec;
    while ((prec = binop_prec(p, &op)) >= min_prec && prec > 0) {
        cp_next(p);
        struct cval rhs;
        if (!binary(p, prec + 1, &rhs) || !apply(p, op, out, rhs))
            return false;
    }
    return true;
}

static bool cond(struct cparser *p, struct cval *out) {
    if (!binary(p, 1, out))
        return false;
    if (!cp_accept(p, "?"))
        return true;
    struct cval a, b;
    if (!cond(p, &a) || !cp_expect(p, ":") || !cond(p, &b))
        return false;
    *out = out->v ? a : b;
    return true;
}

bool cp_const_expr(struct cparser *p, int64_t *out) {
    struct cval v;
    if (!cond(p, &v))
        return false;
    *out = (int64_t)v.v;
    return true;
}
