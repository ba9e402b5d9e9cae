/* Tokens of C text (preprocessed headers or a script's definitions). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "ctypes/cparse.h"

struct lexer {
    const char *s;
    int line, col;
    bool line_start; /* only white space so far on this line */
};

static void adv(struct lexer *l, int n) {
    for (int i = 0; i < n && *l->s; i++, l->s++) {
        if (*l->s == '\n') {
            l->line++;
            l->col = 1;
            l->line_start = true;
        } else {
            l->col++;
        }
    }
}

/* A preprocessor line (# 1 "file" markers, #define ...), with continuations. */
static void skip_directive(struct lexer *l) {
    while (*l->s && *l->s != '\n')
        adv(l, l->s[0] == '\\' && l->s[1] ? 2 : 1);
}

static bool skip_space(struct lexer *l) {
    const char *s = l->s;
    if (*s == '\n' || isspace((unsigned char)*s)) {
        bool nl = *s == '\n';
        adv(l, 1);
        l->line_start = l->line_start || nl;
        return true;
    }
    if (s[0] == '\\' && s[1] == '\n') {
        adv(l, 2);
        return true;
    }
    if (s[0] == '/' && s[1] == '/') {
        while (*l->s && *l->s != '\n')
            adv(l, 1);
        return true;
    }
    if (s[0] == '/' && s[1] == '*') {
        adv(l, 2);
        while (*l->s && !(l->s[0] == '*' && l->s[1] == '/'))
            adv(l, 1);
        adv(l, 2);
        return true;
    }
    if (*s == '#' && l->line_start) {
        skip_directive(l);
        return true;
    }
    return false;
}

static int quoted_len(const char *s) {
    int n = 1;
    while (s[n] && s[n] != s[0] && s[n] != '\n')
        n += s[n] == '\\' && s[n + 1] ? 2 : 1;
    return s[n] == s[0] ? n + 1 : n;
}

static int number_len(const char *s) {
    int n = 1;
    for (;;) {
        if ((s[n] == '+' || s[n] == '-') && strchr("eEpP", s[n - 1]))
            n++;
        else if (isalnum((unsigned char)s[n]) || s[n] == '_' || s[n] == '.')
            n++;
        else
            return n;
    }
}

static int punct_len(const char *s) {
    static const char *const multi[] = {"...", "<<=", ">>=", "->", "++", "--", "<<", ">>",
                                        "<=",  ">=",  "==",  "!=", "&&", "||", "*=", "/=",
                                        "%=",  "+=",  "-=",  "&=", "^=", "|=", "##", "::"};
    for (size_t i = 0; i < sizeof(multi) / sizeof(multi[0]); i++)
        if (strncmp(s, multi[i], strlen(multi[i])) == 0)
            return (int)strlen(multi[i]);
    return 1;
}

static void scan(struct lexer *l, struct ctok *t) {
    const char *s = l->s;
    t->s = s;
    t->line = l->line;
    t->col = l->col;
    if (isalpha((unsigned char)*s) || *s == '_' || *s == '$') {
        t->kind = CT_IDENT;
        t->len = 1;
        while (isalnum((unsigned char)s[t->len]) || s[t->len] == '_' || s[t->len] == '$')
            t->len++;
        /* L'x' and u8"x" prefixes */
        if ((s[t->len] == '\'' || s[t->len] == '"') && t->len <= 2 && strchr("LuU8", s[0])) {
            t->kind = s[t->len] == '"' ? CT_STR : CT_CHAR;
            t->len += quoted_len(s + t->len);
        }
    } else if (isdigit((unsigned char)*s) || (*s == '.' && isdigit((unsigned char)s[1]))) {
        t->kind = CT_NUM;
        t->len = number_len(s);
    } else if (*s == '\'' || *s == '"') {
        t->kind = *s == '"' ? CT_STR : CT_CHAR;
        t->len = quoted_len(s);
    } else {
        t->kind = CT_PUNCT;
        t->len = punct_len(s);
    }
    l->line_start = false;
    adv(l, t->len);
}

int ct_lex(const char *text, struct ctok **out) {
    struct lexer l = {.s = text, .line = 1, .col = 1, .line_start = true};
    int n = 0, cap = 256;
    struct ctok *toks = malloc(cap * sizeof(*toks));
    if (!toks)
        abort();
    for (;;) {
        while (*l.s && skip_space(&l))
            ;
        if (n + 1 >= cap) {
            cap *= 2;
            toks = realloc(toks, cap * sizeof(*toks));
            if (!toks)
                abort();
        }
        if (!*l.s)
            break;
        scan(&l, &toks[n++]);
    }
    toks[n] = (struct ctok){.kind = CT_EOF, .s = l.s, .len = 0, .line = l.line, .col = l.col};
    *out = toks;
    return n;
}
