/* C text to definitions: the token helpers and the top-level items. Only
 * struct, union, enum and typedef definitions are kept; prototypes,
 * function bodies, variables and assertions are skipped. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctypes/cparse.h"

const struct ctok *cp_tok(const struct cparser *p) {
    return &p->toks[p->pos];
}

const struct ctok *cp_peek(const struct cparser *p, int ahead) {
    int i = p->pos;
    while (ahead-- > 0 && p->toks[i].kind != CT_EOF)
        i++;
    return &p->toks[i];
}

bool cp_tok_is(const struct ctok *t, const char *s) {
    return t->kind != CT_EOF && t->kind != CT_STR && t->kind != CT_CHAR &&
           (size_t)t->len == strlen(s) && memcmp(t->s, s, t->len) == 0;
}

bool cp_is(const struct cparser *p, const char *s) {
    return cp_tok_is(cp_tok(p), s);
}

void cp_next(struct cparser *p) {
    if (cp_tok(p)->kind != CT_EOF)
        p->pos++;
}

bool cp_accept(struct cparser *p, const char *s) {
    if (!cp_is(p, s))
        return false;
    cp_next(p);
    return true;
}

bool cp_expect(struct cparser *p, const char *s) {
    if (cp_accept(p, s))
        return true;
    cp_fail(p, "expected '%s'", s);
    return false;
}

char *cp_ident(const struct cparser *p) {
    const struct ctok *t = cp_tok(p);
    char *s = strndup(t->s, t->len);
    if (!s)
        abort();
    return s;
}

void *cp_fail(struct cparser *p, const char *fmt, ...) {
    if (p->failed)
        return NULL;
    p->failed = true;
    if (p->body <= 0 && !p->err)
        return NULL;
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    const struct ctok *t = cp_tok(p);
    if (p->err) {
        snprintf(p->err, p->errsz, "%s", msg);
        return NULL;
    }
    int len = t->len ? t->len : 1;
    int col = t->col + (t->line == 1 ? p->col_off : 0);
    struct loc l = {t->line + p->line_off, col, t->line + p->line_off, col + len};
    if (p->d)
        diag_error(p->d, &l, E_SYNTAX, "%s", msg);
    p->nreported++;
    return NULL;
}

/* +1 for an opening bracket of any kind, -1 for a closing one. */
static int nesting(const struct ctok *t) {
    if (cp_tok_is(t, "(") || cp_tok_is(t, "[") || cp_tok_is(t, "{"))
        return 1;
    if (cp_tok_is(t, ")") || cp_tok_is(t, "]") || cp_tok_is(t, "}"))
        return -1;
    return 0;
}

void cp_skip_group(struct cparser *p) {
    int depth = 0;
    do {
        const struct ctok *t = cp_tok(p);
        if (t->kind == CT_EOF)
            return;
        depth += nesting(t);
        cp_next(p);
    } while (depth > 0);
}

static bool is_attr_kw(const struct cparser *p) {
    static const char *const kws[] = {"__attribute__", "__attribute", "__asm__",  "__asm",
                                      "asm",           "__declspec",  "_Alignas", "alignas"};
    for (size_t i = 0; i < sizeof(kws) / sizeof(kws[0]); i++)
        if (cp_is(p, kws[i]))
            return true;
    return false;
}

/* The N of aligned(N), _Alignas(N) or _Alignas(type) whose "(" is toks[i];
 * 16, the target's biggest alignment, for a bare "aligned" or what does not
 * evaluate. */
static uint32_t alignment_at(const struct cparser *p, int i) {
    struct cparser q = *p;
    q.pos = i;
    q.body = 0;
    q.err = NULL;
    q.failed = false;
    int64_t v = 16;
    if (!cp_accept(&q, "("))
        return 16;
    if (cp_starts_type(&q)) { /* _Alignas(type) */
        const struct type *t = cp_type_name(&q);
        return t ? ct_align(q.c, t) : 16;
    }
    if (!cp_const_expr(&q, &v) || v <= 0 || v > (1 << 28))
        v = 16;
    return (uint32_t)v;
}

/* Notes packed and aligned(N) inside one attribute list. */
static void scan_attr(struct cparser *p, struct cspec *s) {
    struct cparser q = *p;
    cp_skip_group(&q);
    for (int i = p->pos; i < q.pos; i++) {
        const struct ctok *t = &p->toks[i];
        if (cp_tok_is(t, "packed") || cp_tok_is(t, "__packed__"))
            s->packed = true;
        if (cp_tok_is(t, "aligned") || cp_tok_is(t, "__aligned__"))
            s->aligned = alignment_at(p, i + 1);
    }
    p->pos = q.pos;
}

void cp_skip_attrs(struct cparser *p, struct cspec *s) {
    struct cspec dummy = {0};
    for (;;) {
        if (cp_is(p, "[") && cp_tok_is(cp_peek(p, 1), "[")) {
            cp_skip_group(p);
            continue;
        }
        if (!is_attr_kw(p))
            return;
        bool attr = cp_is(p, "__attribute__") || cp_is(p, "__attribute");
        bool alignas = cp_is(p, "_Alignas") || cp_is(p, "alignas");
        cp_next(p);
        if (alignas && s)
            s->aligned = alignment_at(p, p->pos);
        while (cp_is(p, "volatile") || cp_is(p, "__volatile__") || cp_is(p, "goto"))
            cp_next(p);
        if (!cp_is(p, "("))
            return;
        if (attr)
            scan_attr(p, s ? s : &dummy);
        else
            cp_skip_group(p);
    }
}

/* After an error: skips the item that began at start, up to its ";" or the
 * "}" closing its outermost braces. */
static void recover(struct cparser *p, int start) {
    p->pos = start;
    int depth = 0;
    for (;;) {
        const struct ctok *t = cp_tok(p);
        if (t->kind == CT_EOF)
            return;
        depth += nesting(t);
        cp_next(p);
        if (depth <= 0 && (cp_tok_is(t, ";") || (cp_tok_is(t, "}") && !cp_is(p, ";"))))
            return;
        if (depth < 0)
            depth = 0;
    }
}

static void skip_initializer(struct cparser *p) {
    while (!cp_is(p, ",") && !cp_is(p, ";") && cp_tok(p)->kind != CT_EOF) {
        if (cp_is(p, "(") || cp_is(p, "[") || cp_is(p, "{"))
            cp_skip_group(p);
        else
            cp_next(p);
    }
}

/* A function definition's body, after K&R parameter declarations if any. */
static void skip_body(struct cparser *p) {
    while (!cp_is(p, "{") && cp_tok(p)->kind != CT_EOF)
        cp_next(p);
    cp_skip_group(p);
}

static void define_typedef(struct cparser *p, const char *name, const struct type *ty) {
    ct_table_put(&p->c->types, name)->ty = ty;
}

/* One declarator of a declaration and what follows it; false at its end. */
static bool init_declarator(struct cparser *p, const struct cspec *s, bool *done) {
    char *name = NULL;
    bool is_func = false;
    const struct type *ty = cp_declarator(p, s, &name, &is_func);
    cp_skip_attrs(p, NULL);
    if (!p->failed && s->is_typedef && name)
        define_typedef(p, name, ty);
    free(name);
    if (p->failed)
        return false;
    if (cp_accept(p, "="))
        skip_initializer(p);
    if (is_func && !cp_is(p, ",") && !cp_is(p, ";") && cp_tok(p)->kind != CT_EOF) {
        skip_body(p);
        *done = true;
        return true;
    }
    if (cp_accept(p, ","))
        return true;
    *done = true;
    if (cp_accept(p, ";") || cp_tok(p)->kind == CT_EOF)
        return true;
    cp_fail(p, "expected ';'");
    return false;
}

static void skip_static_assert(struct cparser *p) {
    cp_next(p);
    cp_skip_group(p);
    cp_accept(p, ";");
}

static void item(struct cparser *p) {
    int start = p->pos;
    p->failed = false;
    p->depth = 0;
    if (cp_accept(p, ";"))
        return;
    if (cp_is(p, "_Static_assert") || cp_is(p, "static_assert")) {
        skip_static_assert(p);
        return;
    }
    struct cspec s = {0};
    bool done = false;
    if (cp_specifiers(p, &s)) {
        cp_skip_attrs(p, NULL);
        /* A definition alone ("struct x {...};"), or without its ";" at the end. */
        if (cp_accept(p, ";") || cp_tok(p)->kind == CT_EOF)
            return;
        while (!done && init_declarator(p, &s, &done))
            ;
    }
    if (p->failed || p->pos == start)
        recover(p, start);
}

int ctypes_parse(struct ctypes *c, const char *text, int first_line, struct diag *d) {
    struct loc start = {first_line, 1, first_line, 1};
    return ctypes_parse_at(c, text, &start, d);
}

int ctypes_parse_at(struct ctypes *c, const char *text, const struct loc *start, struct diag *d) {
    struct ctok *toks;
    ct_lex(text ? text : "", &toks);
    struct cparser p = {.c = c,
                        .toks = toks,
                        .d = d,
                        .line_off = start->first_line - 1,
                        .col_off = start->first_column - 1};
    while (cp_tok(&p)->kind != CT_EOF) {
        int before = p.pos;
        item(&p);
        if (p.pos == before)
            cp_next(&p);
    }
    free(toks);
    return p.nreported ? -1 : 0;
}
