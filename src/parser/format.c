/* --fmt: the top level (probes, macros, config, declarations, C
 * definitions in text order) and the entry point. */
#include "parser/format.h"

#include <stdlib.h>
#include <string.h>

#include "parser/format_internal.h"
#include "parser/layout.h"
#include "parser/parse.h"

static struct fb *text(const char *s) {
    return fb_text(fb_new(), s);
}

static size_t offset_of(const struct fmt *f, int line, int col) {
    if (line < 1)
        return 0;
    if (line > f->nlines)
        return strlen(f->text);
    return f->line_off[line - 1] + (size_t)(col - 1);
}

char *fmt_source(const struct fmt *f, const struct loc *l) {
    size_t a = offset_of(f, l->first_line, l->first_column);
    size_t b = offset_of(f, l->last_line, l->last_column);
    char *s = strndup(f->text + a, b > a ? b - a : 0);
    if (!s)
        abort();
    return s;
}

/* The offset of the first character after l that is no layout. */
static size_t skip_layout(const struct fmt *f, const struct loc *l) {
    const char *t = f->text, *p = t + offset_of(f, l->last_line, l->last_column);
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            p++;
        if (p[0] == '/' && p[1] == '/') {
            p += strcspn(p, "\n");
        } else if (p[0] == '/' && p[1] == '*') {
            const char *end = strstr(p + 2, "*/");
            p = end ? end + 2 : p + strlen(p);
        } else {
            return (size_t)(p - t);
        }
    }
}

bool fmt_semi_follows(const struct fmt *f, const struct node *n) {
    return f->text[skip_layout(f, &n->loc)] == ';';
}

void fmt_next_token(const struct fmt *f, const struct loc *l, int *line, int *col) {
    size_t off = skip_layout(f, l);
    int lo = 0, hi = f->nlines - 1; /* the last line starting at or before off */
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (f->line_off[mid] <= off)
            lo = mid;
        else
            hi = mid - 1;
    }
    *line = lo + 1;
    *col = (int)(off - f->line_off[lo]) + 1;
}

static struct fb *probe(struct fmt *f, const struct node *n, struct fmt_meta *m, size_t w) {
    struct fb *b = fb_new();
    for (const struct node *ap = n->a; ap; ap = ap->next) {
        struct fb *t = text(ap->str);
        fb_break(fb_append(b, ap->next ? fb_text(t, ",") : t, 0, true));
    }
    const struct node *blk = n->c;
    if (n->b) {
        struct fmt_meta pm = fmt_meta_before(m, n->b->loc.first_line, n->b->loc.first_column);
        struct fb *pred = fe_expr(f, n->b, m, w, true);
        fb_break(fb_text(fb_append(fb_text(fb_meta(b, &pm, -1), "/"), pred, 0, true), "/"));
    }
    /* with a predicate, bpftrace's block starts after its comments: they
     * go inside it */
    struct fmt_meta bm = {m->e, m->lo, m->lo};
    if (!n->b)
        bm = fmt_meta_before(m, blk->loc.first_line, blk->loc.first_column);
    struct fb *body = fs_block(f, blk, m, w - 2, false);
    fb_text(fb_meta(b, &bm, -1), "{");
    return fb_text(fb_append(b, body, FMT_INDENT, true), "}");
}

static struct fb *macro(struct fmt *f, const struct node *n, struct fmt_meta *m, size_t w) {
    struct fb *args = fe_list_nodes(f, n->a, ", ", m, w - 10, true);
    struct fmt_meta bm = fmt_meta_before(m, n->b->loc.first_line, n->b->loc.first_column);
    struct fb *body = fs_block(f, n->b, m, w - FMT_INDENT, true);
    struct fb *b = fb_text(fb_text(text("macro "), n->str), "(");
    fb_text(fb_meta(fb_text(fb_append(b, args, 0, true), ")"), &bm, 1), "{");
    return fb_text(fb_append(b, body, FMT_INDENT, true), "}");
}

/* A config value: integers in decimal, strings bare when they need no
 * escape (bpftrace keeps them as text). */
static struct fb *config_value(struct fmt *f, const struct node *v, struct fmt_meta *m, size_t w) {
    char buf[32];
    switch (v->kind) {
    case N_INT:
        snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v->num);
        return text(buf);
    case N_IDENT:
        return text(v->str);
    case N_BOOL:
        return text(v->num ? "true" : "false");
    case N_STRING: {
        struct fb *q = fe_string(v);
        bool plain = strlen(v->str) == v->len;
        for (size_t i = 0; plain && i < v->len; i++) {
            unsigned char c = (unsigned char)v->str[i];
            plain = c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
        }
        if (!plain)
            return q;
        fb_free(q);
        return text(v->str);
    }
    default:
        return fe_expr(f, v, m, w, true);
    }
}

static struct fb *config(struct fmt *f, const struct node *items, struct fmt_meta *m, size_t w) {
    if (!items)
        return text("config = {}");
    struct fb *blk = fb_new();
    for (const struct node *it = items; it; it = it->next) {
        if (fb_lines(blk) > 0)
            fb_break(blk);
        struct fb *v = config_value(f, it->b, m, w - FMT_INDENT);
        struct fb *item = fb_append(fb_text(text(it->a->str), " = "), v, 0, true);
        fb_append(blk, fb_text(item, ";"), 0, true);
    }
    return fb_text(fb_append(text("config = {"), blk, FMT_INDENT, true), "}");
}

struct top {
    struct loc at;
    const struct node *n;
    bool config; /* n is the list of config items */
};

static struct fb *top_item(struct fmt *f, const struct top *t, struct fmt_meta *m, size_t w) {
    char buf[64];
    const struct node *n = t->n;
    if (t->config)
        return config(f, n, m, w);
    switch (n->kind) {
    case N_PROBE:
        return probe(f, n, m, w);
    case N_MACRO:
        return macro(f, n, m, w);
    case N_C_DEFINITION: /* bpftrace ends a definition with ";" */
        if (n->str[0] == '#' || (n->str[0] && n->str[strlen(n->str) - 1] == ';'))
            return text(n->str);
        return fb_text(text(n->str), ";");
    case N_IMPORT:
        return fb_text(fb_text(text("import \""), n->str), "\";");
    case N_MAP_DECL:
        snprintf(buf, sizeof(buf), "(%llu);", (unsigned long long)n->num);
        return fb_text(fb_text(fb_text(fb_text(text("let "), n->a->str), " = "), n->str), buf);
    default:
        return fb_new();
    }
}

static int top_cmp(const void *a, const void *b) {
    const struct loc *x = &((const struct top *)a)->at, *y = &((const struct top *)b)->at;
    if (x->first_line != y->first_line)
        return x->first_line < y->first_line ? -1 : 1;
    return (x->first_column > y->first_column) - (x->first_column < y->first_column);
}

static size_t add_tops(struct top *t, size_t n, const struct node *list) {
    for (; list; list = list->next)
        t[n++] = (struct top){list->loc, list, false};
    return n;
}

static struct fb *program(struct fmt *f, const struct node *root, const struct layout *l,
                          struct fmt_meta *m) {
    size_t cap = ast_list_len(root->a) + ast_list_len(root->c) + ast_list_len(root->d) + 1;
    struct top *tops = calloc(cap, sizeof(*tops));
    if (!tops)
        abort();
    size_t n = add_tops(tops, 0, root->a);
    n = add_tops(tops, n, root->c);
    n = add_tops(tops, n, root->d);
    if (l->has_config)
        tops[n++] = (struct top){l->config, root->b, true};
    qsort(tops, n, sizeof(*tops), top_cmp);
    struct fb *b = fb_new();
    if (l->header)
        fb_break(fb_text(b, l->header));
    for (size_t i = 0; i < n; i++) {
        struct fmt_meta pre = fmt_meta_before(m, tops[i].at.first_line, tops[i].at.first_column);
        struct fb *item = fb_break(top_item(f, &tops[i], m, FMT_WIDTH));
        fb_append(fb_meta(b, &pre, 0), item, 0, true);
    }
    free(tops);
    return fb_meta(b, m, 0);
}

static size_t *line_offsets(const char *text, int *n) {
    size_t cap = 64, count = 1;
    size_t *off = malloc(cap * sizeof(*off));
    if (!off)
        abort();
    off[0] = 0;
    for (size_t i = 0; text[i]; i++) {
        if (text[i] != '\n')
            continue;
        if (count == cap && !(off = realloc(off, (cap *= 2) * sizeof(*off))))
            abort();
        off[count++] = i + 1;
    }
    *n = (int)count;
    return off;
}

int fmt_script(struct diag *d, const char *text, FILE *out) {
    struct layout l = {0};
    struct node *root = parse_program_layout(d, text, &l);
    if (!root) {
        layout_free(&l);
        return 1;
    }
    struct fmt f = {.text = text};
    f.line_off = line_offsets(text, &f.nlines);
    size_t n;
    struct fmt_entry *e = fmt_entries_read(text, &l, &n);
    struct fmt_meta m = {e, 0, n};
    struct fb *b = program(&f, root, &l, &m);
    fb_print(b, out);
    fb_free(b);
    fmt_entries_free(e, n);
    free(f.line_off);
    ast_free(root);
    layout_free(&l);
    return 0;
}
