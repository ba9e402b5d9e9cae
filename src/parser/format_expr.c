/* --fmt: expressions, as bpftrace's printer lays them out. */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parser/format_internal.h"

static struct fb *fe_value(struct fmt *f, const struct node *n, struct fmt_meta *m, size_t w);

bool fe_is_primitive(const struct node *n) {
    switch (n->kind) {
    case N_INT:
    case N_STRING:
    case N_BOOL:
    case N_POSITIONAL:
    case N_POSITIONAL_COUNT:
    case N_IDENT:
    case N_SIZEOF:
    case N_OFFSETOF:
    case N_VAR:
    case N_INDEX:
    case N_FIELD:
    case N_MAP:
    case N_CALL:
        return true;
    default:
        return false;
    }
}

/* Where the comments an expression claims end: its end, except that
 * bpftrace's parser lets an identifier operand of an operator run up to
 * the next token, so an operation ending in one takes the comments after
 * it too (and drops them). */
static void claim_end(const struct fmt *f, const struct node *n, int *line, int *col) {
    const struct node *last = n;
    while (last->kind == N_BINOP || last->kind == N_UNOP)
        last = last->kind == N_BINOP ? last->b : last->a;
    if (last != n && last->kind == N_IDENT) {
        fmt_next_token(f, &last->loc, line, col);
        return;
    }
    *line = n->loc.last_line;
    *col = n->loc.last_column;
}

struct fb *fe_expr(struct fmt *f, const struct node *n, struct fmt_meta *m, size_t w, bool bare) {
    int line, col;
    claim_end(f, n, &line, &col);
    struct fmt_meta local = fmt_meta_before(m, line, col);
    bool ok = (bare && n->kind != N_TUPLE) || fe_is_primitive(n);
    size_t lw = w - (ok ? 0 : 2);
    struct fb *b = fb_new();
    if (!ok)
        fb_text(b, "(");
    if (n->kind == N_BLOCK_EXPR) {
        struct fb *blk = fs_block(f, n, &local, w - 2, true);
        if (fb_lines(blk) > 1 || fb_width(blk) > lw)
            fb_text(fb_append(fb_text(b, "{"), blk, FMT_INDENT, true), "}");
        else
            fb_text(fb_append(fb_text(b, "{ "), blk, 0, true), " }");
    } else {
        fb_append(b, fe_value(f, n, &local, lw), 0, true);
    }
    if (!ok)
        fb_text(b, ")");
    return b;
}

static bool is_comparison(const struct node *n) {
    if (n->kind != N_BINOP)
        return false;
    switch (n->op) {
    case OP_EQ:
    case OP_NE:
    case OP_LE:
    case OP_GE:
    case OP_LT:
    case OP_GT:
        return true;
    default:
        return false;
    }
}

/* Line widths of the items with a break before item i where the mask's
 * bit for it is set. The shifts wrap at 32 as they do in bpftrace. */
static bool mask_fits(const size_t *widths, size_t n, uint32_t mask, size_t w) {
    size_t cur = widths[0];
    for (size_t i = 1; i < n; i++) {
        if (mask & (1U << ((i - 1) & 31))) {
            if (cur > w)
                return false;
            cur = widths[i];
        } else {
            cur += widths[i];
        }
    }
    return cur <= w;
}

/* bpftrace tries every mask in increasing order and keeps the first whose
 * lines all fit; setting a bit never makes a line longer, so the smallest
 * fitting mask is found bit by bit from the top. */
static uint32_t best_mask(const size_t *widths, size_t n, size_t w) {
    unsigned bits = n - 1 < 32 ? (unsigned)(n - 1) : (unsigned)((n - 1) & 31);
    uint32_t all = bits == 32 ? UINT32_MAX : (1U << bits) - 1;
    if (bits == 0 || !mask_fits(widths, n, all, w))
        return 0;
    uint32_t mask = 0;
    for (int bit = (int)bits - 1; bit >= 0; bit--) {
        uint32_t low = (1U << bit) - 1;
        if (!mask_fits(widths, n, mask | low, w))
            mask |= 1U << bit;
    }
    return mask;
}

struct fb *fe_list(struct fmt *f, const struct node *const *items, size_t n, const char *sep,
                   struct fmt_meta *m, size_t w, bool bare) {
    if (n == 0)
        return fb_new();
    struct fb **args = calloc(n, sizeof(*args));
    size_t *widths = calloc(n, sizeof(*widths));
    if (!args || !widths)
        abort();
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        size_t iw = i + 1 < n ? w - 1 : w;
        bool ib = bare || is_comparison(items[i]);
        /* a record's fields are no expressions: no parentheses, no comments */
        args[i] = items[i]->kind == N_RECORD_FIELD ? fe_value(f, items[i], m, iw)
                                                   : fe_expr(f, items[i], m, iw, ib);
        if (i + 1 < n)
            fb_text(args[i], sep);
        widths[i] = fb_width(args[i]);
        total += widths[i];
    }
    uint32_t mask = total < w ? 0 : best_mask(widths, n, w);
    struct fb *b = fb_new();
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && (mask & (1U << ((i - 1) & 31))))
            fb_break(b);
        fb_append(b, args[i], 0, true);
    }
    free(args);
    free(widths);
    return b;
}

struct fb *fe_list_nodes(struct fmt *f, const struct node *list, const char *sep,
                         struct fmt_meta *m, size_t w, bool bare) {
    size_t n = ast_list_len(list), i = 0;
    const struct node **items = calloc(n ? n : 1, sizeof(*items));
    if (!items)
        abort();
    for (const struct node *it = list; it; it = it->next)
        items[i++] = it;
    struct fb *b = fe_list(f, items, n, sep, m, w, bare);
    free(items);
    return b;
}

static struct fb *text(const char *s) {
    return fb_text(fb_new(), s);
}

struct fb *fe_string(const struct node *n) {
    struct fb *b = fb_new();
    char *out;
    size_t size;
    FILE *s = open_memstream(&out, &size);
    if (!s)
        abort();
    fputc('"', s);
    for (size_t i = 0; i < n->len; i++) {
        unsigned char c = (unsigned char)n->str[i];
        if (c == '\\')
            fputs("\\\\", s);
        else if (c == '"')
            fputs("\\\"", s);
        else if (c >= 0x20 && c < 0x7f)
            fputc(c, s);
        else if (c == '\n')
            fputs("\\n", s);
        else if (c == '\t')
            fputs("\\t", s);
        else if (c == '\r')
            fputs("\\r", s);
        else
            fprintf(s, "\\x%02x", c);
    }
    fputc('"', s);
    fclose(s);
    fb_text(b, out);
    free(out);
    return b;
}

/* sizeof, offsetof and typeof take a type or an expression. */
static struct fb *type_arg(struct fmt *f, const struct node *a, struct fmt_meta *m, size_t w) {
    if (a->kind == N_TYPE)
        return fe_type(f, a, m, w);
    return fe_expr(f, a, m, w, true);
}

/* typeof(TYPE) prints as TYPE, except as a call's argument (typeof_arg). */
struct fb *fe_type(struct fmt *f, const struct node *t, struct fmt_meta *m, size_t w) {
    if (!t->str && t->a->kind == N_TYPE)
        return fe_type(f, t->a, m, w);
    if (!t->str)
        return fb_text(fb_append(text("typeof("), type_arg(f, t->a, m, w - 8), 0, true), ")");
    struct fb *b = text(t->str);
    for (uint64_t i = 0; i < t->num; i++)
        fb_text(b, "*");
    if (t->len || t->aux) {
        char n[32];
        snprintf(n, sizeof(n), t->len ? "[%zu]" : "[]", t->len);
        fb_text(b, n);
    }
    return b;
}

struct fb *fe_map(struct fmt *f, const struct node *n, struct fmt_meta *m, size_t w) {
    if (!n->a)
        return text(n->str);
    struct fb *key;
    const struct node *tuple = !n->a->next && n->a->kind == N_TUPLE ? n->a : NULL;
    if (n->a->next)
        key = fe_list_nodes(f, n->a, ", ", m, w - FMT_INDENT - FMT_INDENT, true);
    else if (tuple && tuple->a && tuple->a->next)
        key = fe_list_nodes(f, tuple->a, ", ", m, w - FMT_INDENT - FMT_INDENT, true);
    else
        key = fe_expr(f, n->a, m, w - FMT_INDENT, true);
    size_t indent = strlen(n->str) + fb_width(key) + 2 > w ? FMT_INDENT : 0;
    struct fb *b = fb_text(text(n->str), "[");
    return fb_text(fb_append(b, key, indent, true), "]");
}

static struct fb *call(struct fmt *f, const struct node *n, struct fmt_meta *m, size_t w) {
    size_t len = strlen(n->str);
    struct fb *args = fe_list_nodes(f, n->a, ", ", m, w - (len + 2), true);
    size_t indent = fb_width(args) > w ? FMT_INDENT : 0;
    struct fb *b = fb_text(text(n->str), "(");
    return fb_text(fb_append(b, args, indent, true), ")");
}

static void chain(const struct node *n, enum op op, const struct node ***items, size_t *len,
                  size_t *cap) {
    if (n->kind == N_BINOP && n->op == op) {
        chain(n->a, op, items, len, cap);
        chain(n->b, op, items, len, cap);
        return;
    }
    if (*len == *cap) {
        *cap = *cap ? *cap * 2 : 8;
        *items = realloc(*items, *cap * sizeof(**items));
        if (!*items)
            abort();
    }
    (*items)[(*len)++] = n;
}

/* a && b && c prints as one list; other operators nest in parentheses. */
static struct fb *binop(struct fmt *f, const struct node *n, struct fmt_meta *m, size_t w) {
    char sep[8];
    snprintf(sep, sizeof(sep), " %s ", ast_op_text(n->op));
    const struct node **items = NULL;
    size_t len = 0, cap = 0;
    bool logical = n->op == OP_LAND || n->op == OP_LOR;
    if (logical) {
        chain(n->a, n->op, &items, &len, &cap);
        chain(n->b, n->op, &items, &len, &cap);
    } else {
        items = calloc(2, sizeof(*items));
        if (!items)
            abort();
        items[len++] = n->a;
        items[len++] = n->b;
    }
    struct fb *b = fe_list(f, items, len, sep, m, w, false);
    free(items);
    return b;
}

static struct fb *unop(struct fmt *f, const struct node *n, struct fmt_meta *m, size_t w) {
    const char *op = ast_op_text(n->op);
    struct fb *e = fe_expr(f, n->a, m, w - strlen(op), false);
    if (n->op == OP_POST_INC || n->op == OP_POST_DEC)
        return fb_text(e, op);
    return fb_append(text(op), e, 0, true);
}

static struct fb *ternary(struct fmt *f, const struct node *n, struct fmt_meta *m, size_t w) {
    struct fb *c = fe_expr(f, n->a, m, w, false);
    /* "a ?: b" is "a ? a : b" to bpftrace */
    struct fb *l = fe_expr(f, n->b ? n->b : n->a, m, w - 2, false);
    struct fb *r = fe_expr(f, n->c, m, w - 2, false);
    struct fb *b = fb_append(fb_new(), c, 0, true);
    if (fb_width(b) + fb_width(l) + fb_width(r) + 8 > w) {
        fb_append(fb_text(fb_break(b), "? "), l, 0, true);
        return fb_append(fb_text(fb_break(b), ": "), r, 0, true);
    }
    fb_append(fb_text(b, " ? "), l, 0, true);
    return fb_append(fb_text(b, " : "), r, 0, true);
}

static struct fb *field(struct fmt *f, const struct node *n, struct fmt_meta *m, size_t w) {
    if (!n->str) {
        char idx[32];
        snprintf(idx, sizeof(idx), "%" PRIu64, n->num);
        struct fb *e = fe_expr(f, n->a, m, w - (strlen(idx) + 1), false);
        return fb_text(fb_text(e, "."), idx);
    }
    struct fb *e = fe_expr(f, n->a, m, w - (strlen(n->str) + 1), fe_is_primitive(n->a));
    return fb_text(fb_text(e, "."), n->str);
}

static struct fb *indexed(struct fmt *f, const struct node *n, struct fmt_meta *m, size_t w) {
    struct fb *e = fe_expr(f, n->a, m, w - 1, false);
    struct fb *i = fe_expr(f, n->b, m, w - FMT_INDENT, false);
    size_t indent = fb_width(e) + fb_width(i) + 2 > w ? FMT_INDENT : 0;
    struct fb *b = fb_text(fb_append(fb_new(), e, 0, true), "[");
    return fb_text(fb_append(b, i, indent, true), "]");
}

static struct fb *cast(struct fmt *f, const struct node *n, struct fmt_meta *m, size_t w) {
    struct fb *b = fb_text(fb_append(text("("), fe_type(f, n->a, m, w), 0, true), ")");
    size_t ew = w - fb_width(b);
    return fb_append(b, fe_expr(f, n->b, m, ew, fe_is_primitive(n->b)), 0, true);
}

static struct fb *tuple(struct fmt *f, const struct node *n, struct fmt_meta *m, size_t w) {
    if (n->a && !n->a->next)
        return fb_text(fe_expr(f, n->a, m, w - 3, true), ",");
    return fe_list_nodes(f, n->a, ", ", m, w - FMT_INDENT, true);
}

static struct fb *record(struct fmt *f, const struct node *n, struct fmt_meta *m, size_t w) {
    struct fb *e;
    if (n->a && !n->a->next)
        e = fe_value(f, n->a, m, w - 2);
    else
        e = fe_list_nodes(f, n->a, ", ", m, w - FMT_INDENT, false);
    size_t indent = fb_lines(e) > 1 ? FMT_INDENT : 0;
    return fb_text(fb_append(text("("), e, indent, true), ")");
}

static struct fb *number(struct fmt *f, const struct node *n) {
    char *s = fmt_source(f, &n->loc);
    struct fb *b = text(s);
    free(s);
    return b;
}

static struct fb *if_or_ternary(struct fmt *f, const struct node *n, struct fmt_meta *m, size_t w) {
    return fe_is_if(n) ? fe_if(f, n, m, w, true) : ternary(f, n, m, w);
}

static struct fb *record_field(struct fmt *f, const struct node *n, struct fmt_meta *m, size_t w) {
    struct fb *e = fe_expr(f, n->a, m, w - strlen(n->str) - 1, false);
    return fb_append(fb_text(text(n->str), "="), e, 0, true);
}

/* A call's argument: typeof(TYPE) stays so that it reads back as a type. */
static struct fb *type_value(struct fmt *f, const struct node *n, struct fmt_meta *m, size_t w) {
    if (!n->str && n->a->kind == N_TYPE)
        return fb_text(fb_append(text("typeof("), fe_type(f, n->a, m, w - 8), 0, true), ")");
    return fe_type(f, n, m, w);
}

static struct fb *size_of(struct fmt *f, const struct node *n, struct fmt_meta *m, size_t w) {
    return fb_text(fb_append(text("sizeof("), type_arg(f, n->a, m, w - 8), 0, true), ")");
}

static struct fb *offset_of(struct fmt *f, const struct node *n, struct fmt_meta *m, size_t w) {
    struct fb *b = fb_append(text("offsetof("), type_arg(f, n->a, m, w), 0, true);
    return fb_text(fb_text(fb_text(b, ", "), n->str), ")");
}

static struct fb *block_value(struct fmt *f, const struct node *n, struct fmt_meta *m, size_t w) {
    return fs_block(f, n, m, w, true);
}

/* Literals and names: their text alone. */
static struct fb *leaf(struct fmt *f, const struct node *n, struct fmt_meta *m, size_t w) {
    (void)m;
    (void)w;
    char buf[64];
    switch (n->kind) {
    case N_INT:
        return number(f, n);
    case N_STRING:
        return fe_string(n);
    case N_BOOL:
        return text(n->num ? "true" : "false");
    case N_POSITIONAL:
        snprintf(buf, sizeof(buf), "$%" PRIu64, n->num);
        return text(buf);
    case N_POSITIONAL_COUNT:
        return text("$#");
    case N_IDENT:
    case N_VAR:
        return text(n->str);
    default:
        return fb_new();
    }
}

typedef struct fb *value_fn(struct fmt *f, const struct node *n, struct fmt_meta *m, size_t w);

static value_fn *const values[] = {
    [N_MAP] = fe_map,
    [N_CALL] = call,
    [N_BINOP] = binop,
    [N_UNOP] = unop,
    [N_INCDEC] = unop,
    [N_TERNARY] = if_or_ternary,
    [N_FIELD] = field,
    [N_INDEX] = indexed,
    [N_TUPLE] = tuple,
    [N_RECORD] = record,
    [N_RECORD_FIELD] = record_field,
    [N_CAST] = cast,
    [N_TYPE] = type_value,
    [N_SIZEOF] = size_of,
    [N_OFFSETOF] = offset_of,
    [N_BLOCK_EXPR] = block_value,
};

/* The node itself, inside whatever fe_expr put around it. */
static struct fb *fe_value(struct fmt *f, const struct node *n, struct fmt_meta *m, size_t w) {
    value_fn *fn = (size_t)n->kind < sizeof(values) / sizeof(values[0]) ? values[n->kind] : NULL;
    return (fn ? fn : leaf)(f, n, m, w);
}
