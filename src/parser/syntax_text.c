/* Reading the program text as bpftrace's parser reads it, for the
 * locations of syntax errors and for what it does after one. */
#include "parser/syntax_text.h"

#include <ctype.h>
#include <string.h>

struct text_pos text_pos_at(const char *text, int line, int col) {
    struct text_pos t = {text, line, col};
    for (int l = 1; l < line && *t.p; t.p++)
        if (*t.p == '\n')
            l++;
    for (int c = 1; c < col && *t.p && *t.p != '\n'; c++)
        t.p++;
    return t;
}

static bool ident_char(char c) {
    return isalnum((unsigned char)c) || c == '_';
}

/* bpftrace underlines the "token" at the error as it scans it: a word, a
 * number with its suffix, a $ or @ name, else one character; nothing at the
 * end of the program. */
int bt_token_len(const char *s) {
    int n = 0;
    if (!*s)
        return 0;
    if (isalpha((unsigned char)*s) || *s == '_')
        while (ident_char(s[n]))
            n++;
    else if (isdigit((unsigned char)*s))
        while (isalnum((unsigned char)s[n]) || s[n] == '.')
            n++;
    else if (*s == '$' || *s == '@')
        for (n = 1; ident_char(s[n]);)
            n++;
    else
        n = 1;
    return n;
}

struct loc text_token_loc(const struct text_pos *t) {
    return (struct loc){t->line, t->col, t->line, t->col + bt_token_len(t->p)};
}

void pos_skip(struct text_pos *t, size_t n) {
    for (; n && *t->p; n--, t->p++) {
        if (*t->p == '\n') {
            t->line++;
            t->col = 1;
        } else {
            t->col++;
        }
    }
}

void pos_skip_layout(struct text_pos *t) {
    for (;;) {
        if (isspace((unsigned char)*t->p)) {
            pos_skip(t, 1);
        } else if (t->p[0] == '/' && t->p[1] == '/') {
            pos_skip(t, strcspn(t->p, "\n"));
        } else if (t->p[0] == '/' && t->p[1] == '*') {
            const char *end = strstr(t->p + 2, "*/");
            pos_skip(t, end ? (size_t)(end + 2 - t->p) : strlen(t->p));
        } else {
            return;
        }
    }
}

/* How much of the text bpftrace takes as an attach point's raw text: up to
 * a "{", ",", white space, or a "/" that starts a predicate (none after a
 * ":", where it is a path); quoted parts whole. */
size_t raw_attach_len(const char *s) {
    size_t n = 0;
    bool colon = false;
    while (s[n] && s[n] != '{' && s[n] != ',' && !isspace((unsigned char)s[n])) {
        if (s[n] == '/' && n && !colon && s[n + 1] != '/' && s[n + 1] != '*')
            break;
        if (s[n] == '"') {
            for (n++; s[n] && s[n] != '"'; n++)
                if (s[n] == '\\' && s[n + 1])
                    n++;
            n += s[n] == '"';
            continue;
        }
        colon |= s[n] == ':';
        n++;
    }
    return n;
}
