/* Directives: each one is a '#' first on a line; its line becomes an empty
 * line of the script. False #if branches are skipped token by token. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "pp.h"

struct line {
    struct pp_tok *hash, *name; /* '#', and the directive's name (NULL for a lone '#') */
    struct pp_tok *args;        /* copies of the rest of the line, ending in PK_EOF */
    struct pp_tok *next;        /* the first token after the line */
};

static bool is_directive(const struct pp_tok *t) {
    return t->at_bol && !t->expanded && t->kind == PK_PUNCT && pp_tok_is(t, "#");
}

/* The line of the directive at '#' t, copied so that expansion may rewrite it. */
static struct line split_line(struct pp_state *st, struct pp_tok *t) {
    struct line l = {.hash = t};
    struct pp_tok *p = t->next, head = {0}, *tail = &head, *last = t;
    if (p->kind != PK_EOF && !p->at_bol) {
        l.name = last = p;
        p = p->next;
    }
    for (; p->kind != PK_EOF && !p->at_bol; p = p->next)
        last = tail = tail->next = pp_tok_copy(st, p);
    struct pp_tok *eof = pp_tok_copy(st, last);
    eof->kind = PK_EOF;
    /* an error about the missing rest of the line underlines its last token */
    eof->start = last->start;
    eof->end = last->end;
    eof->text = "";
    eof->len = 0;
    eof->space = false;
    tail->next = eof;
    l.args = head.next;
    l.next = p;
    return l;
}

/* Skips the script's text up to the start of the line after the directive. */
static void skip_line_text(struct pp_state *st, const struct line *l) {
    if (!l->hash->file->is_script)
        return;
    const char *s = l->hash->file->text;
    int off =
        l->next->file == l->hash->file && l->next->kind != PK_EOF ? l->next->start : (int)strlen(s);
    int bol = off;
    while (l->next->kind != PK_EOF && bol > st->script_cursor && s[bol - 1] != '\n')
        bol--;
    pp_script_skip(st, bol);
}

/* The line a directive ends on (after its continuation lines). */
static int last_line(const struct line *l) {
    const struct pp_tok *t = l->args;
    while (t->kind != PK_EOF)
        t = t->next;
    return t->line > l->hash->line ? t->line : l->hash->line;
}

static bool name_is(const struct line *l, const char *s) {
    return l->name && pp_tok_is(l->name, s);
}

/* ---- conditionals ---- */

/* Skips a false branch: stops at the #elif/#else/#endif that closes it. */
static struct pp_tok *skip_branch(struct pp_state *st, struct pp_tok *t) {
    int depth = 0;
    for (; t->kind != PK_EOF; t = t->next) {
        if (!is_directive(t) || t->next->at_bol || t->next->kind != PK_IDENT)
            continue;
        struct pp_tok *n = t->next;
        if (pp_tok_is(n, "if") || pp_tok_is(n, "ifdef") || pp_tok_is(n, "ifndef"))
            depth++;
        else if (pp_tok_is(n, "endif") && depth)
            depth--;
        else if (!depth && (pp_tok_is(n, "endif") || pp_tok_is(n, "else") || pp_tok_is(n, "elif") ||
                            pp_tok_is(n, "elifdef") || pp_tok_is(n, "elifndef")))
            return t;
    }
    return t;
}

static void push_cond(struct pp_state *st, const struct line *l, bool taken) {
    struct pp_cond *c = pp_alloc(&st->arena, sizeof(*c));
    c->at = l->name;
    c->file = l->hash->file;
    c->taken = taken;
    c->up = st->conds;
    st->conds = c;
}

/* The value of the condition on an #if/#elif/#ifdef... line; -1 after an error. */
static int condition(struct pp_state *st, const struct line *l, const char *kind) {
    if (strcmp(kind, "if") == 0 || strcmp(kind, "elif") == 0) {
        bool v;
        return pp_eval_if(st, l->name, l->args, &v) < 0 ? -1 : v;
    }
    struct pp_tok *a = l->args;
    if (a->kind != PK_IDENT) {
        pp_error(st, a, 0,
                 a->kind == PK_EOF ? "macro name missing" : "macro name must be an identifier");
        return -1;
    }
    bool def = pp_macro_find(st, a->text, a->len) != NULL;
    return strstr(kind, "ndef") ? !def : def;
}

static struct pp_cond *open_cond(struct pp_state *st, const struct line *l) {
    struct pp_cond *c = st->conds;
    if (!c || c->file != l->hash->file) {
        pp_error(st, l->name, 0, "#%.*s without #if", l->name->len, l->name->text);
        return NULL;
    }
    if (c->in_else) {
        pp_error(st, l->name, 0, "#%.*s after #else", l->name->len, l->name->text);
        return NULL;
    }
    return c;
}

/* Returns where to continue: the next line, or the end of a skipped branch. */
static struct pp_tok *conditional(struct pp_state *st, const struct line *l) {
    char kind[16];
    snprintf(kind, sizeof(kind), "%.*s", l->name->len, l->name->text);
    if (kind[0] == 'i') { /* if, ifdef, ifndef */
        int v = condition(st, l, kind);
        push_cond(st, l, v == 1);
        /* after an error the whole conditional is skipped */
        return v == 1 ? l->next : skip_branch(st, l->next);
    }
    if (strcmp(kind, "endif") == 0) {
        if (!st->conds || st->conds->file != l->hash->file)
            pp_error(st, l->name, 0, "#endif without #if");
        else
            st->conds = st->conds->up;
        return l->next;
    }
    struct pp_cond *c = open_cond(st, l);
    if (!c)
        return l->next;
    if (strcmp(kind, "else") == 0) {
        c->in_else = true;
        if (c->taken)
            return skip_branch(st, l->next);
        c->taken = true;
        return l->next;
    }
    if (c->taken) /* elif, elifdef, elifndef after a taken branch */
        return skip_branch(st, l->next);
    int v = condition(st, l, kind);
    c->taken = v == 1;
    return v == 1 ? l->next : skip_branch(st, l->next);
}

void pp_file_end(struct pp_state *st, struct pp_tok *eof) {
    while (st->conds && st->conds->file == eof->file) {
        pp_error(st, st->conds->at, 0, "unterminated conditional directive");
        st->conds = st->conds->up;
    }
}

/* ---- #define, #undef ---- */

static void define(struct pp_state *st, const struct line *l) {
    struct pp_tok *n = l->args;
    if (n->kind == PK_EOF) {
        pp_error(st, n, 0, "macro name missing");
    } else if (n->kind != PK_IDENT) {
        pp_error(st, n, 0, "macro name must be an identifier");
    } else if (pp_tok_is(n, "defined")) {
        pp_error(st, n, 0, "'defined' cannot be used as a macro name");
    } else if (name_is(l, "undef")) {
        pp_macro_undef(st, n->text, n->len);
    } else {
        pp_macro_define(st, n, n->next);
    }
}

/* ---- #include ---- */

/* Columns from the first to the last token of the line's arguments. */
static int args_cols(const struct line *l) {
    const struct pp_tok *last = l->args;
    for (const struct pp_tok *t = l->args; t->kind != PK_EOF; t = t->next)
        last = t;
    int n = last->line == l->args->line ? last->col + last->len - l->args->col : 0;
    return n > 0 ? n : 0;
}

static const char *header_name(struct pp_state *st, struct pp_tok *a, bool *quoted) {
    if (a->kind == PK_STRING && a->len >= 2) {
        *quoted = true;
        return pp_strndup(&st->arena, a->text + 1, (size_t)a->len - 2);
    }
    if (!pp_tok_is(a, "<"))
        return NULL;
    struct pp_buf b = {0};
    struct pp_tok *t = a->next;
    for (; t->kind != PK_EOF && !pp_tok_is(t, ">"); t = t->next) {
        if (t->space && b.len)
            pp_buf_addc(&b, ' ');
        pp_buf_add(&b, t->text, (size_t)t->len);
    }
    char *s = pp_buf_take(&b);
    const char *name = t->kind == PK_EOF ? NULL : pp_strndup(&st->arena, s, strlen(s));
    free(s);
    *quoted = false;
    return name;
}

static bool once_seen(struct pp_state *st, const char *path) {
    char *real = realpath(path, NULL);
    bool seen = false;
    for (struct pp_once *o = st->once; o && !seen; o = o->next)
        seen = strcmp(o->path, real ? real : path) == 0;
    free(real);
    return seen;
}

static void pragma(struct pp_state *st, const struct line *l) {
    if (!pp_tok_is(l->args, "once"))
        return; /* other pragmas mean nothing to trawk */
    struct pp_once *o = pp_alloc(&st->arena, sizeof(*o));
    const char *path = l->hash->file->name;
    char *real = realpath(path, NULL);
    o->path = pp_strndup(&st->arena, real ? real : path, strlen(real ? real : path));
    free(real);
    o->next = st->once;
    st->once = o;
}

struct pp_tok *pp_include_file(struct pp_state *st, const char *path, int dir_index,
                               struct pp_tok *rest) {
    if (once_seen(st, path))
        return rest;
    const char *text = pp_read_header(st, path);
    if (!text)
        return NULL;
    struct pp_file *f = pp_alloc(&st->arena, sizeof(*f));
    f->name = path;
    const char *slash = strrchr(path, '/');
    f->dir = slash ? pp_strndup(&st->arena, path, (size_t)(slash - path)) : ".";
    f->text = text;
    f->dir_index = dir_index;
    diag_init(&f->diag, path, text, st->d->out);
    struct pp_tok *toks = pp_lex(st, f), *t = toks;
    while (t->kind != PK_EOF)
        t = t->next;
    t->next = rest;
    st->depth++;
    return toks;
}

/* bpftrace hands the script's directives and C definitions to clang as
 * definitions.h, after one line of its own: a header the script names is
 * reported there in clang's words. Only the directives before it are
 * counted (C definitions before an #include are rare). */
static void missing_include(struct pp_state *st, const struct line *l, const char *name) {
    if (l->hash->file != st->script) {
        pp_error(st, l->args, args_cols(l), "'%s' file not found", name);
        return;
    }
    diag_clang(st->d, 2 + st->script_directive_lines, l->args->col - l->hash->col + 1,
               "fatal error", "'%s' file not found", name);
    diag_clang_end(st->d);
}

static struct pp_tok *include(struct pp_state *st, const struct line *l) {
    bool quoted = false, next = name_is(l, "include_next");
    const char *name = header_name(st, l->args, &quoted);
    if (!name) /* #include MACRO */
        name = header_name(st, pp_expand_all(st, l->args), &quoted);
    if (!name) {
        pp_error(st, l->args, 0, "expected \"FILENAME\" or <FILENAME>");
        return l->next;
    }
    if (st->depth >= PP_MAX_INCLUDE_DEPTH) {
        pp_error(st, l->args, 0, "#include nested depth %d exceeds maximum of %d", st->depth,
                 PP_MAX_INCLUDE_DEPTH);
        st->fatal = true;
        return l->next;
    }
    int idx;
    const char *path = pp_search(st, name, quoted, l->hash->file, next, &idx);
    struct pp_tok *toks = path ? pp_include_file(st, path, idx, l->next) : NULL;
    if (!toks) {
        missing_include(st, l, name);
        st->fatal = true;
        return l->next;
    }
    return toks;
}

/* ---- #error, #warning, #line ---- */

static void message(struct pp_state *st, const struct line *l) {
    const struct pp_tok *a = l->args, *last = a;
    for (const struct pp_tok *t = a; t->kind != PK_EOF; t = t->next)
        last = t;
    const char *s = l->hash->file->text;
    int n = a->kind == PK_EOF ? 0 : last->end - a->start;
    if (name_is(l, "error"))
        pp_error(st, l->name, 0, "%.*s", n, s + a->start);
    else
        pp_warning(st, l->name, 0, "%.*s", n, s + a->start);
}

static void line_directive(struct pp_state *st, const struct line *l) {
    /* trawk keeps real line numbers, so #line is only checked */
    char *end = NULL;
    if (l->args->kind == PK_NUMBER) {
        char buf[32];
        snprintf(buf, sizeof(buf), "%.*s", l->args->len, l->args->text);
        long v = strtol(buf, &end, 10);
        if (*end == 0 && v > 0 && v <= INT_MAX)
            return;
    }
    pp_error(st, l->args, 0, "#line directive requires a positive integer argument");
}

static bool is_cond(const struct line *l) {
    static const char *const names[] = {"if",      "ifdef",    "ifndef", "elif",
                                        "elifdef", "elifndef", "else",   "endif"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (name_is(l, names[i]))
            return true;
    return false;
}

void pp_directive(struct pp_state *st, struct pp_tok **tp) {
    struct line l = split_line(st, *tp);
    struct pp_tok *next = l.next;
    if (!l.name || l.name->kind == PK_NUMBER) {
        /* the null directive, or a line marker */
    } else if (is_cond(&l)) {
        next = conditional(st, &l);
    } else if (name_is(&l, "define") || name_is(&l, "undef")) {
        define(st, &l);
    } else if (name_is(&l, "include") || name_is(&l, "include_next") || name_is(&l, "import")) {
        next = include(st, &l);
    } else if (name_is(&l, "pragma")) {
        pragma(st, &l);
    } else if (name_is(&l, "error") || name_is(&l, "warning")) {
        message(st, &l);
    } else if (name_is(&l, "line")) {
        line_directive(st, &l);
    } else if (!name_is(&l, "ident") && !name_is(&l, "sccs") && !name_is(&l, "assert") &&
               !name_is(&l, "unassert")) {
        pp_error(st, l.name, 0, "invalid preprocessing directive");
    }
    skip_line_text(st, &l);
    if (l.hash->file == st->script)
        st->script_directive_lines += last_line(&l) - l.hash->line + 1;
    *tp = next;
}
