/* Comments and blank lines for --fmt, read again from the text at the
 * runs of layout the lexer marked. The rules are bpftrace's: a line comment
 * is its text after "//" and one space; a block comment is one comment per
 * line, without leading white space and a " * " border; a newline is a
 * blank line unless it follows a comment in the same run or ends a line
 * whose last character is ";", "{", "}" or "/". */
#include "parser/fmt_meta.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parser/layout.h"

struct scan {
    const char *t;
    size_t off;
    int line, col;
    struct fmt_entry *e;
    size_t n, cap;
};

static bool is_hspace(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static void advance(struct scan *s) {
    if (s->t[s->off] == '\n') {
        s->line++;
        s->col = 1;
    } else {
        s->col++;
    }
    s->off++;
}

static void add(struct scan *s, int line, int col, const char *text, size_t len, bool comment) {
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->e = realloc(s->e, s->cap * sizeof(*s->e));
        if (!s->e)
            abort();
    }
    char *c = NULL;
    if (comment) {
        c = strndup(text, len);
        if (!c)
            abort();
    }
    s->e[s->n++] = (struct fmt_entry){line, col, c};
}

static char prev_non_hspace(const struct scan *s) {
    size_t p = s->off;
    while (p > 0) {
        char c = s->t[--p];
        if (!is_hspace(c))
            return c;
    }
    return 0;
}

static void line_comment(struct scan *s) {
    advance(s);
    advance(s);
    if (s->t[s->off] == ' ')
        advance(s);
    size_t start = s->off;
    int line = s->line, col = s->col;
    while (s->t[s->off] && s->t[s->off] != '\n')
        advance(s);
    add(s, line, col, s->t + start, s->off - start, true);
}

static bool at_close(const struct scan *s) {
    return s->t[s->off] == '*' && s->t[s->off + 1] == '/';
}

static void block_comment(struct scan *s) {
    advance(s);
    advance(s);
    if (s->t[s->off] == ' ')
        advance(s);
    while (s->t[s->off]) {
        size_t start = s->off;
        int line = s->line, col = s->col;
        while (s->t[s->off] && s->t[s->off] != '\n' && !at_close(s))
            advance(s);
        if (s->off != start)
            add(s, line, col, s->t + start, s->off - start, true);
        if (at_close(s)) {
            advance(s);
            advance(s);
            return;
        }
        if (!s->t[s->off])
            return;
        advance(s); /* the newline */
        while (is_hspace(s->t[s->off]))
            advance(s);
        if (at_close(s))
            continue;
        bool stars = false;
        while (s->t[s->off] == '*') {
            stars = true;
            advance(s);
        }
        if (stars && s->t[s->off] == ' ')
            advance(s);
        if (s->t[s->off] == '\n' || at_close(s))
            add(s, s->line, s->col, "", 0, true); /* a blank line of the comment */
    }
}

/* One run of layout, as bpftrace's lexer consumes it between two tokens. */
static void scan_run(struct scan *s, bool skip_newline) {
    bool after_comment = false;
    if (skip_newline && s->t[s->off] == '\n')
        advance(s);
    for (;;) {
        char c = s->t[s->off];
        if (is_hspace(c)) {
            advance(s);
        } else if (c == '\n') {
            char prev = prev_non_hspace(s);
            /* "/": bpftrace's lexer takes a predicate's newline with it (a
             * division's would be inside an expression, whose comments and
             * blank lines are dropped anyway) */
            bool quiet = after_comment || prev == ';' || prev == '{' || prev == '}' || prev == '/';
            if (!quiet)
                add(s, s->line, s->col, NULL, 0, false);
            advance(s);
            after_comment = false;
        } else if (c == '/' && s->t[s->off + 1] == '/') {
            line_comment(s);
            after_comment = true;
        } else if (c == '/' && s->t[s->off + 1] == '*') {
            block_comment(s);
            after_comment = true;
        } else {
            return;
        }
    }
}

static bool pos_before(int l1, int c1, int l2, int c2) {
    return l1 < l2 || (l1 == l2 && c1 < c2);
}

/* Both lists are in text order: *k walks the line ends along the marks. */
static bool is_line_end(const struct layout *l, size_t *k, int line, int col) {
    while (*k < l->nskip && pos_before(l->skip_nl[*k].line, l->skip_nl[*k].col, line, col))
        ++*k;
    return *k < l->nskip && l->skip_nl[*k].line == line && l->skip_nl[*k].col == col;
}

struct fmt_entry *fmt_entries_read(const char *text, const struct layout *l, size_t *n) {
    struct scan s = {.t = text, .line = 1, .col = 1};
    size_t k = 0;
    for (size_t i = 0; i < l->nmarks; i++) {
        int line = l->marks[i].line, col = l->marks[i].col;
        if (pos_before(line, col, s.line, s.col))
            continue; /* inside the run already read */
        while (text[s.off] && pos_before(s.line, s.col, line, col))
            advance(&s);
        scan_run(&s, is_line_end(l, &k, line, col));
    }
    *n = s.n;
    return s.e;
}

void fmt_entries_free(struct fmt_entry *e, size_t n) {
    for (size_t i = 0; i < n; i++)
        free(e[i].comment);
    free(e);
}

struct fmt_meta fmt_meta_before(struct fmt_meta *m, int line, int col) {
    size_t k = m->lo;
    while (k < m->hi && !pos_before(line, col, m->e[k].line, m->e[k].col))
        k++;
    struct fmt_meta out = {m->e, m->lo, k};
    m->lo = k;
    return out;
}
