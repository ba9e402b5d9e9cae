/* Macro definitions and their expansion, by Prosser's algorithm: every
 * token carries the set of macros it came out of, and a name in its own
 * set is not expanded again, so self-reference cannot loop. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pp.h"

struct pp_hide {
    const struct pp_macro *m;
    struct pp_hide *next;
};

static unsigned hash(const char *s, int n) {
    unsigned h = 5381;
    for (int i = 0; i < n; i++)
        h = h * 33 + (unsigned char)s[i];
    return h % PP_HASH;
}

struct pp_macro *pp_macro_find(struct pp_state *st, const char *name, int len) {
    for (struct pp_macro *m = st->macros[hash(name, len)]; m; m = m->next)
        if ((int)strlen(m->name) == len && memcmp(m->name, name, (size_t)len) == 0)
            return m;
    return NULL;
}

void pp_macro_undef(struct pp_state *st, const char *name, int len) {
    for (struct pp_macro **p = &st->macros[hash(name, len)]; *p; p = &(*p)->next)
        if ((int)strlen((*p)->name) == len && memcmp((*p)->name, name, (size_t)len) == 0) {
            *p = (*p)->next;
            return;
        }
}

static void add_macro(struct pp_state *st, struct pp_macro *m) {
    int len = (int)strlen(m->name);
    pp_macro_undef(st, m->name, len);
    unsigned h = hash(m->name, len);
    m->next = st->macros[h];
    st->macros[h] = m;
}

static bool hide_has(const struct pp_hide *h, const struct pp_macro *m) {
    for (; h; h = h->next)
        if (h->m == m)
            return true;
    return false;
}

static struct pp_hide *hide_add(struct pp_state *st, struct pp_hide *h, const struct pp_macro *m) {
    if (hide_has(h, m))
        return h;
    struct pp_hide *n = pp_alloc(&st->arena, sizeof(*n));
    n->m = m;
    n->next = h;
    return n;
}

static struct pp_hide *hide_union(struct pp_state *st, struct pp_hide *a, struct pp_hide *b) {
    for (; b; b = b->next)
        a = hide_add(st, a, b->m);
    return a;
}

static struct pp_hide *hide_meet(struct pp_state *st, struct pp_hide *a, struct pp_hide *b) {
    struct pp_hide *r = NULL;
    for (; a; a = a->next)
        if (hide_has(b, a->m))
            r = hide_add(st, r, a->m);
    return r;
}

static int param_index(const struct pp_macro *m, const struct pp_tok *t) {
    if (t->kind != PK_IDENT)
        return -1;
    for (int i = 0; i < m->nparams; i++)
        if (pp_tok_is(t, m->params[i]))
            return i;
    return -1;
}

static struct pp_tok *eof_after(struct pp_state *st, const struct pp_tok *at) {
    struct pp_tok *e = pp_tok_copy(st, at);
    e->kind = PK_EOF;
    e->len = 0;
    e->text = "";
    return e;
}

/* ---- #define ---- */

static int parse_params(struct pp_state *st, struct pp_macro *m, struct pp_tok **tp) {
    struct pp_tok *t = (*tp)->next; /* after '(' */
    const char *names[256];
    int n = 0;
    while (!pp_tok_is(t, ")")) {
        if (n && !pp_tok_is(t, ",")) {
            pp_error(st, t, 0, "expected comma in macro parameter list");
            return -1;
        }
        if (n)
            t = t->next;
        if (pp_tok_is(t, "...")) {
            m->variadic = true;
            names[n++] = "__VA_ARGS__";
            t = t->next;
        } else if (t->kind == PK_IDENT && n < 255) {
            names[n++] = pp_strndup(&st->arena, t->text, (size_t)t->len);
            t = t->next;
            if (pp_tok_is(t, "...")) { /* GNU named variadic parameter */
                m->variadic = true;
                t = t->next;
            }
        } else {
            pp_error(st, t, 0, "invalid token in macro parameter list");
            return -1;
        }
        if (m->variadic && !pp_tok_is(t, ")")) {
            pp_error(st, t, 0, "missing ')' in macro parameter list");
            return -1;
        }
    }
    m->nparams = n;
    m->params = pp_alloc(&st->arena, sizeof(char *) * (size_t)(n ? n : 1));
    memcpy(m->params, names, sizeof(char *) * (size_t)n);
    *tp = t->next;
    return 0;
}

static int check_body(struct pp_state *st, const struct pp_macro *m) {
    for (struct pp_tok *t = m->body; t->kind != PK_EOF; t = t->next) {
        if (pp_tok_is(t, "##") && (t == m->body || t->next->kind == PK_EOF)) {
            pp_error(st, t, 2, "'##' cannot appear at either end of macro expansion");
            return -1;
        }
        if (m->function_like && pp_tok_is(t, "#") && param_index(m, t->next) < 0) {
            pp_error(st, t, 1, "'#' is not followed by a macro parameter");
            return -1;
        }
    }
    return 0;
}

int pp_macro_define(struct pp_state *st, struct pp_tok *name, struct pp_tok *rest) {
    struct pp_macro *m = pp_alloc(&st->arena, sizeof(*m));
    m->name = pp_strndup(&st->arena, name->text, (size_t)name->len);
    if (pp_tok_is(rest, "(") && !rest->space) {
        m->function_like = true;
        if (parse_params(st, m, &rest) < 0)
            return -1;
    }
    m->body = rest;
    if (check_body(st, m) < 0)
        return -1;
    add_macro(st, m);
    return 0;
}

void pp_macro_define_str(struct pp_state *st, const char *name, const char *value) {
    struct pp_file *f = pp_alloc(&st->arena, sizeof(*f));
    f->name = "<built-in>";
    f->dir = ".";
    f->dir_index = -1;
    size_t n = strlen(name) + strlen(value) + 2;
    char *text = pp_alloc(&st->arena, n);
    snprintf(text, n, "%s %s", name, value);
    f->text = text;
    diag_init(&f->diag, f->name, f->text, st->d->out);
    struct pp_tok *toks = pp_lex(st, f);
    pp_macro_define(st, toks, toks->next);
}

/* ---- expansion ---- */

/* A copy of t as produced by the use `use` of a macro. */
static struct pp_tok *copy_at(struct pp_state *st, const struct pp_tok *t,
                              const struct pp_tok *use) {
    struct pp_tok *c = pp_tok_copy(st, t);
    c->file = use->file;
    c->line = use->line;
    c->col = use->col;
    c->start = use->start;
    c->end = use->end;
    c->at_bol = false;
    c->expanded = true;
    return c;
}

/* Copies a list up to its PK_EOF; returns the head (NULL when empty), *tail the last. */
static struct pp_tok *copy_list(struct pp_state *st, const struct pp_tok *t,
                                const struct pp_tok *use, struct pp_tok **tail) {
    struct pp_tok head = {0}, *p = &head;
    for (; t && t->kind != PK_EOF; t = t->next)
        p = p->next = copy_at(st, t, use);
    *tail = p == &head ? NULL : p;
    return head.next;
}

static void str_escaped(struct pp_buf *b, const struct pp_tok *t) {
    bool quoted = t->kind == PK_STRING || t->kind == PK_CHAR;
    for (int i = 0; i < t->len; i++) {
        if (quoted && (t->text[i] == '"' || t->text[i] == '\\'))
            pp_buf_addc(b, '\\');
        pp_buf_addc(b, t->text[i]);
    }
}

static struct pp_tok *stringize(struct pp_state *st, struct pp_tok *arg, const struct pp_tok *use) {
    struct pp_buf b = {0};
    pp_buf_addc(&b, '"');
    for (struct pp_tok *t = arg; t && t->kind != PK_EOF; t = t->next) {
        if (!t->len)
            continue;
        if (t != arg && t->space)
            pp_buf_addc(&b, ' ');
        str_escaped(&b, t);
    }
    pp_buf_addc(&b, '"');
    char *s = pp_buf_take(&b);
    struct pp_tok *r = pp_tok_new(st, PK_STRING, s, use);
    free(s);
    r->expanded = true;
    r->at_bol = false;
    return r;
}

/* a ## b: the two spellings must form one token. */
static struct pp_tok *paste(struct pp_state *st, struct pp_tok *a, const struct pp_tok *b) {
    size_t n = (size_t)a->len + (size_t)b->len;
    struct pp_file *f = pp_alloc(&st->arena, sizeof(*f));
    *f = *a->file;
    f->is_script = false;
    char *text = pp_alloc(&st->arena, n + 1);
    memcpy(text, a->text, (size_t)a->len);
    memcpy(text + a->len, b->text, (size_t)b->len);
    f->text = text;
    struct pp_tok *t = pp_lex(st, f);
    if (t->kind == PK_EOF || t->next->kind != PK_EOF) {
        pp_error(st, a, 0, "pasting formed '%s', an invalid preprocessing token", text);
        st->macro_error = true;
        return a;
    }
    struct pp_tok *r = pp_tok_copy(st, a);
    r->kind = t->kind;
    r->text = t->text;
    r->len = t->len;
    r->no_expand = false;
    return r;
}

struct args {
    struct pp_tok **raw; /* each ends in PK_EOF */
    int n;
};

/* The argument fully expanded on its own (C 6.10.3.1), on a copy. */
static struct pp_tok *expanded_arg(struct pp_state *st, const struct pp_tok *raw) {
    struct pp_tok head = {0}, *p = &head;
    const struct pp_tok *first = raw;
    for (; raw->kind != PK_EOF; raw = raw->next)
        p = p->next = pp_tok_copy(st, raw);
    p->next = eof_after(st, raw);
    if (st->arg_depth >= PP_MAX_ARG_DEPTH) {
        /* F(F(F(...))) nested without end must not exhaust the stack */
        if (!st->macro_error)
            pp_error(st, first, 0, "macro arguments nested too deeply");
        st->macro_error = true;
        return head.next;
    }
    st->arg_depth++;
    struct pp_tok *r = pp_expand_all(st, head.next);
    st->arg_depth--;
    return r;
}

struct out {
    struct pp_tok head, *tail;
};

static void out_add(struct out *o, struct pp_tok *t) {
    o->tail = o->tail->next = t;
    t->next = NULL;
}

static void out_list(struct pp_state *st, struct out *o, const struct pp_tok *l,
                     const struct pp_tok *use, bool space) {
    for (bool first = true; l && l->kind != PK_EOF; l = l->next, first = false) {
        struct pp_tok *c = copy_at(st, l, use);
        if (first)
            c->space = space;
        out_add(o, c);
    }
}

/* Replaces parameters in the body (C 6.10.3.1-3). */
static struct pp_tok *subst(struct pp_state *st, const struct pp_macro *m, struct args *a,
                            const struct pp_tok *use) {
    struct out o = {.tail = &o.head};
    o.head.next = NULL;
    for (const struct pp_tok *b = m->body; b->kind != PK_EOF; b = b->next) {
        if (pp_tok_is(b, "#") && m->function_like && param_index(m, b->next) >= 0) {
            struct pp_tok *s = stringize(st, a->raw[param_index(m, b->next)], use);
            s->space = b->space;
            out_add(&o, s);
            b = b->next;
            continue;
        }
        if (pp_tok_is(b, "##")) {
            const struct pp_tok *rhs = b->next;
            int pi = param_index(m, rhs);
            const struct pp_tok *r = pi >= 0 ? a->raw[pi] : rhs;
            bool gnu_comma = pi >= 0 && m->variadic && pi == m->nparams - 1 && o.tail != &o.head &&
                             pp_tok_is(o.tail, ",");
            if (gnu_comma && r->kind == PK_EOF) {
                /* , ## __VA_ARGS__ with no arguments drops the comma (GNU) */
                struct pp_tok *p = &o.head;
                while (p->next != o.tail)
                    p = p->next;
                p->next = NULL;
                o.tail = p;
            } else if (r->kind != PK_EOF && !gnu_comma && o.tail != &o.head) {
                struct pp_tok *pasted = paste(st, o.tail, r);
                struct pp_tok *p = &o.head;
                while (p->next != o.tail)
                    p = p->next;
                p->next = pasted;
                o.tail = pasted;
                out_list(st, &o, pi >= 0 ? r->next : NULL, use, false);
            } else {
                out_list(st, &o, r, use, r->space);
            }
            b = rhs;
            continue;
        }
        int pi = param_index(m, b);
        if (pi >= 0 && pp_tok_is(b->next, "##")) {
            if (a->raw[pi]->kind == PK_EOF) {
                /* an empty left operand: the right one stands alone */
                const struct pp_tok *rhs = b->next->next;
                int ri = param_index(m, rhs);
                if (ri >= 0)
                    out_list(st, &o, a->raw[ri], use, b->space);
                else
                    out_add(&o, copy_at(st, rhs, use));
                b = rhs;
            } else {
                out_list(st, &o, a->raw[pi], use, b->space);
            }
            continue;
        }
        if (pi >= 0) {
            out_list(st, &o, expanded_arg(st, a->raw[pi]), use, b->space);
            continue;
        }
        struct pp_tok *c = copy_at(st, b, use);
        out_add(&o, c);
    }
    return o.head.next;
}

/* Reads the arguments of a use whose '(' is lp; returns the ')' or NULL. */
static struct pp_tok *read_args(struct pp_state *st, const struct pp_macro *m, struct pp_tok *lp,
                                struct args *a) {
    int cap = m->nparams > 0 ? m->nparams : 1, depth = 0;
    a->raw = pp_alloc(&st->arena, sizeof(*a->raw) * (size_t)(cap + 1));
    a->n = 0;
    struct pp_tok head = {0}, *tail = &head;
    for (struct pp_tok *t = lp->next;; t = t->next) {
        if (t->kind == PK_EOF)
            return NULL;
        bool end = depth == 0 && pp_tok_is(t, ")");
        bool split = depth == 0 && pp_tok_is(t, ",") && !(m->variadic && a->n == m->nparams - 1);
        if (end || split) {
            tail->next = eof_after(st, t);
            if (a->n < cap)
                a->raw[a->n] = head.next;
            a->n++;
            head.next = NULL;
            tail = &head;
            if (end)
                return t;
            continue;
        }
        depth += pp_tok_is(t, "(") - pp_tok_is(t, ")");
        tail = tail->next = pp_tok_copy(st, t);
    }
}

static bool check_args(struct pp_state *st, const struct pp_macro *m, struct args *a,
                       const struct pp_tok *use) {
    if (a->n == 1 && m->nparams == 0 && a->raw[0]->kind == PK_EOF)
        a->n = 0; /* F() for a macro without parameters */
    if (a->n < m->nparams && m->variadic && a->n == m->nparams - 1)
        a->raw[a->n++] = eof_after(st, use); /* no variadic arguments at all */
    if (a->n == m->nparams)
        return true;
    pp_error(st, use, 0, "too %s arguments provided to function-like macro invocation",
             a->n < m->nparams ? "few" : "many");
    st->macro_error = true;
    return false;
}

/* __LINE__ and __FILE__, which no #define can express. */
static struct pp_tok *dynamic_macro(struct pp_state *st, struct pp_tok *t) {
    char buf[64];
    if (pp_tok_is(t, "__LINE__")) {
        snprintf(buf, sizeof(buf), "%d", t->line);
        return pp_tok_new(st, PK_NUMBER, buf, t);
    }
    if (pp_tok_is(t, "__FILE__")) {
        struct pp_buf b = {0};
        struct pp_tok name = {
            .kind = PK_STRING, .text = t->file->name, .len = (int)strlen(t->file->name)};
        pp_buf_addc(&b, '"');
        str_escaped(&b, &name);
        pp_buf_addc(&b, '"');
        char *s = pp_buf_take(&b);
        struct pp_tok *r = pp_tok_new(st, PK_STRING, s, t);
        free(s);
        return r;
    }
    return NULL;
}

/* Splices list (may be NULL) in place of [*tp, last], with the use's spacing. */
static void splice(struct pp_state *st, struct pp_tok **tp, struct pp_tok *list,
                   struct pp_tok *last, struct pp_hide *hs, int end) {
    struct pp_tok *use = *tp, *rest = last->next;
    if (!list && use->file->is_script) {
        /* an empty mark, so that the script's text of the use is skipped too */
        list = copy_at(st, use, use);
        list->kind = PK_OTHER;
        list->text = "";
        list->len = 0;
    }
    if (!list) {
        *tp = rest;
        return;
    }
    struct pp_tok *t = list;
    for (;; t = t->next) {
        t->hide = hide_union(st, t->hide, hs);
        if (t->end < end && t->file == use->file)
            t->end = end;
        if (!t->next)
            break;
    }
    list->at_bol = use->at_bol;
    list->space = use->space;
    t->next = rest;
    *tp = list;
}

bool pp_expand_one(struct pp_state *st, struct pp_tok **tp) {
    struct pp_tok *t = *tp;
    /* After a failed expansion the script is refused: rescanning what the
     * failure left (F(F(F(...))) past the depth bound) would take forever. */
    if (t->kind != PK_IDENT || t->no_expand || st->macro_error)
        return false;
    struct pp_macro *m = pp_macro_find(st, t->text, t->len);
    if (!m) {
        struct pp_tok *d = dynamic_macro(st, t);
        if (d) {
            d->expanded = true;
            d->next = t->next;
            *tp = d;
        }
        return false;
    }
    if (hide_has(t->hide, m)) {
        t->no_expand = true; /* painted blue for good (C 6.10.3.4p2) */
        return false;
    }
    if (!m->function_like) {
        struct pp_tok *tail, *l = copy_list(st, m->body, t, &tail);
        splice(st, tp, l, t, hide_add(st, t->hide, m), t->end);
        return true;
    }
    if (!pp_tok_is(t->next, "("))
        return false;
    struct args a;
    struct pp_tok *rp = read_args(st, m, t->next, &a);
    if (!rp) {
        pp_error(st, t, 0, "unterminated function-like macro invocation");
        st->macro_error = true;
        return false;
    }
    if (!check_args(st, m, &a, t))
        return false;
    struct pp_hide *hs = hide_add(st, hide_meet(st, t->hide, rp->hide), m);
    struct pp_tok *l = subst(st, m, &a, t);
    splice(st, tp, l, rp, hs, rp->file == t->file ? rp->end : t->end);
    return true;
}

struct pp_tok *pp_expand_all(struct pp_state *st, struct pp_tok *list) {
    struct pp_tok **tp = &list;
    while ((*tp)->kind != PK_EOF)
        if (!pp_expand_one(st, tp))
            tp = &(*tp)->next;
    return list;
}
