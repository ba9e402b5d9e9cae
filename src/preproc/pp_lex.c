/* The pp-token lexer. It reads the file as written, stepping over
 * backslash-newlines, so that every token keeps its real line, column and
 * byte span: the script's unchanged text is later copied from those spans. */
#include <ctype.h>
#include <string.h>

#include "pp.h"

struct lexer {
    struct pp_state *st;
    struct pp_file *f;
    const char *s;
    int pos, line, bol; /* bol: offset where the current line starts */
};

static int skip_cont(const char *s, int p) {
    while (s[p] == '\\' && (s[p + 1] == '\n' || (s[p + 1] == '\r' && s[p + 2] == '\n')))
        p += s[p + 1] == '\n' ? 2 : 3;
    return p;
}

/* Steps over continuations at the current position, counting their lines. */
static void cont(struct lexer *lx) {
    int p = skip_cont(lx->s, lx->pos);
    if (p != lx->pos) {
        for (int i = lx->pos; i < p; i++)
            if (lx->s[i] == '\n')
                lx->line++;
        lx->pos = p;
        lx->bol = p;
    }
}

static char cur(struct lexer *lx) {
    return lx->s[lx->pos];
}

static char peek(struct lexer *lx, int n) {
    int p = lx->pos;
    for (int i = 0; i < n && lx->s[p]; i++)
        p = skip_cont(lx->s, p + 1);
    return lx->s[p];
}

static void adv(struct lexer *lx) {
    if (!cur(lx))
        return;
    if (cur(lx) == '\n') {
        lx->line++;
        lx->bol = lx->pos + 1;
    }
    lx->pos++;
    cont(lx);
}

static bool is_word(char c) {
    return isalnum((unsigned char)c) || c == '_';
}

/* Skips a comment at the current position; false when there is none. */
static bool skip_comment(struct lexer *lx) {
    if (cur(lx) != '/')
        return false;
    if (peek(lx, 1) == '/') {
        while (cur(lx) && cur(lx) != '\n')
            adv(lx);
        return true;
    }
    if (peek(lx, 1) != '*')
        return false;
    adv(lx);
    adv(lx);
    while (cur(lx) && !(cur(lx) == '*' && peek(lx, 1) == '/'))
        adv(lx);
    adv(lx);
    adv(lx);
    return true;
}

static const char *const puncts[] = {
    "<<=", ">>=", "...", "->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=",
    "&&",  "||",  "*=",  "/=", "%=", "+=", "-=", "&=", "^=", "|=", "##",
};

static int punct_len(struct lexer *lx) {
    for (size_t i = 0; i < sizeof(puncts) / sizeof(puncts[0]); i++) {
        int n = (int)strlen(puncts[i]), k = 0;
        while (k < n && peek(lx, k) == puncts[i][k])
            k++;
        if (k == n)
            return n;
    }
    return 1;
}

static void scan_quoted(struct lexer *lx, char q) {
    adv(lx);
    while (cur(lx) && cur(lx) != q && cur(lx) != '\n') {
        if (cur(lx) == '\\')
            adv(lx);
        if (cur(lx) && cur(lx) != '\n')
            adv(lx);
    }
    if (cur(lx) == q)
        adv(lx);
}

/* A quote with its closing one on the same line (bpftrace has no char
 * constants, so a lone ' in a script stays one character). */
static bool closes_on_line(struct lexer *lx) {
    for (int p = lx->pos + 1; lx->s[p] && lx->s[p] != '\n'; p++) {
        if (lx->s[p] == '\\' && lx->s[p + 1] && lx->s[p + 1] != '\n')
            p++;
        else if (lx->s[p] == '\'')
            return true;
    }
    return false;
}

/* L'x', u"x", u8"x": an encoding prefix belongs to the literal. */
static int literal_prefix(struct lexer *lx) {
    char c = cur(lx);
    if (c == 'L' || c == 'U')
        return peek(lx, 1) == '\'' || peek(lx, 1) == '"' ? 1 : 0;
    if (c != 'u')
        return 0;
    if (peek(lx, 1) == '\'' || peek(lx, 1) == '"')
        return 1;
    return peek(lx, 1) == '8' && (peek(lx, 2) == '\'' || peek(lx, 2) == '"') ? 2 : 0;
}

static enum pp_kind scan_token(struct lexer *lx) {
    int prefix = lx->f->is_script ? 0 : literal_prefix(lx);
    if (prefix) {
        for (int i = 0; i < prefix; i++)
            adv(lx);
        bool str = cur(lx) == '"';
        scan_quoted(lx, cur(lx));
        return str ? PK_STRING : PK_CHAR;
    }
    char c = cur(lx);
    if (isalpha((unsigned char)c) || c == '_') {
        while (is_word(cur(lx)))
            adv(lx);
        return PK_IDENT;
    }
    if (isdigit((unsigned char)c) || (c == '.' && isdigit((unsigned char)peek(lx, 1)))) {
        for (;;) {
            char d = cur(lx);
            if (strchr("eEpP", d) && d && (peek(lx, 1) == '+' || peek(lx, 1) == '-'))
                adv(lx);
            else if (!is_word(d) && d != '.')
                break;
            adv(lx);
        }
        return PK_NUMBER;
    }
    if (c == '"') {
        scan_quoted(lx, '"');
        return PK_STRING;
    }
    if (c == '\'' && (!lx->f->is_script || closes_on_line(lx))) {
        scan_quoted(lx, '\'');
        return PK_CHAR;
    }
    if (lx->f->is_script && (c == '$' || c == '@') && is_word(peek(lx, 1))) {
        adv(lx);
        while (is_word(cur(lx)))
            adv(lx);
        return PK_OTHER;
    }
    if (ispunct((unsigned char)c)) {
        for (int n = punct_len(lx); n > 0; n--)
            adv(lx);
        return PK_PUNCT;
    }
    adv(lx);
    return PK_OTHER;
}

/* The token's text; a copy without continuations when it contains one. */
static void set_text(struct lexer *lx, struct pp_tok *t) {
    const char *p = lx->s + t->start;
    int n = t->end - t->start;
    if (!memchr(p, '\\', (size_t)n)) {
        t->text = p;
        t->len = n;
        return;
    }
    char *copy = pp_alloc(&lx->st->arena, (size_t)n + 1);
    int len = 0;
    for (int i = t->start; i < t->end;) {
        int j = skip_cont(lx->s, i);
        if (j != i) {
            i = j;
            continue;
        }
        copy[len++] = lx->s[i++];
    }
    t->text = copy;
    t->len = len;
}

struct pp_tok *pp_lex(struct pp_state *st, struct pp_file *f) {
    struct lexer lx = {.st = st, .f = f, .s = f->text, .line = 1};
    struct pp_tok head = {0}, *tail = &head;
    bool bol = true, space = false;
    cont(&lx);
    if (f->is_script && cur(&lx) == '#' && peek(&lx, 1) == '!') {
        while (cur(&lx) && cur(&lx) != '\n')
            adv(&lx); /* the parser skips the #! line itself */
    }
    for (;;) {
        char c = cur(&lx);
        if (c == '\n') {
            adv(&lx);
            bol = true;
            space = false;
            continue;
        }
        if (c && isspace((unsigned char)c)) {
            adv(&lx);
            space = true;
            continue;
        }
        if (skip_comment(&lx)) {
            space = true;
            continue;
        }
        struct pp_tok *t = pp_alloc(&st->arena, sizeof(*t));
        t->file = f;
        t->line = lx.line;
        t->col = lx.pos - lx.bol + 1;
        t->start = lx.pos;
        t->at_bol = bol;
        t->space = space;
        t->kind = c ? scan_token(&lx) : PK_EOF;
        t->end = lx.pos;
        set_text(&lx, t);
        tail = tail->next = t;
        if (t->kind == PK_EOF)
            return head.next;
        bol = space = false;
    }
}

bool pp_tok_is(const struct pp_tok *t, const char *s) {
    return t->kind != PK_STRING && t->kind != PK_CHAR && (int)strlen(s) == t->len &&
           memcmp(t->text, s, (size_t)t->len) == 0;
}

struct pp_tok *pp_tok_copy(struct pp_state *st, const struct pp_tok *t) {
    struct pp_tok *c = pp_alloc(&st->arena, sizeof(*c));
    *c = *t;
    c->next = NULL;
    return c;
}

struct pp_tok *pp_tok_new(struct pp_state *st, enum pp_kind k, const char *text,
                          const struct pp_tok *at) {
    struct pp_tok *t = pp_tok_copy(st, at);
    t->kind = k;
    t->len = (int)strlen(text);
    t->text = pp_strndup(&st->arena, text, (size_t)t->len);
    return t;
}

struct loc pp_tok_loc(const struct pp_tok *t) {
    int n = t->kind == PK_EOF ? t->end - t->start : t->expanded ? 1 : t->len;
    if (n <= 0)
        n = 1;
    struct loc l = {t->line, t->col, t->line, t->col + n};
    return l;
}
