/* #if expressions: `defined`, the __has_* queries, then macro expansion,
 * then C integer arithmetic in intmax_t/uintmax_t (C 6.10.1). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "pp.h"

struct val {
    uint64_t v;
    bool uns;
};

struct ev {
    struct pp_state *st;
    struct pp_tok *t;
    int skip;  /* > 0 inside an operand that is not evaluated (&&, ||, ?:) */
    int depth; /* of parentheses and operators, bounded so input cannot exhaust the stack */
    bool failed;
};

static struct pp_tok *num_tok(struct pp_state *st, const struct pp_tok *at, bool v) {
    struct pp_tok *n = pp_tok_new(st, PK_NUMBER, v ? "1" : "0", at);
    n->next = NULL;
    return n;
}

static bool ev_fail(struct ev *e, const struct pp_tok *t, const char *msg) {
    if (!e->failed)
        pp_error(e->st, t, 0, "%s", msg);
    e->failed = true;
    return false;
}

/* The header name inside __has_include( ... ); *endp is the ')'. */
static const char *header_arg(struct pp_state *st, struct pp_tok *lp, bool *quoted,
                              struct pp_tok **endp) {
    struct pp_tok *t = lp->next;
    if (t->kind == PK_STRING) {
        *quoted = true;
        *endp = t->next;
        return pp_strndup(&st->arena, t->text + 1, (size_t)(t->len > 1 ? t->len - 2 : 0));
    }
    if (!pp_tok_is(t, "<"))
        return NULL;
    struct pp_buf b = {0};
    for (t = t->next; t->kind != PK_EOF && !pp_tok_is(t, ">"); t = t->next) {
        if (t->space && b.len)
            pp_buf_addc(&b, ' ');
        pp_buf_add(&b, t->text, (size_t)t->len);
    }
    char *s = pp_buf_take(&b);
    const char *name = pp_strndup(&st->arena, s, strlen(s));
    free(s);
    *quoted = false;
    *endp = t->kind == PK_EOF ? t : t->next;
    return t->kind == PK_EOF ? NULL : name;
}

static const char *const has_zero[] = {
    "__has_attribute",          "__has_builtin",     "__has_feature",
    "__has_extension",          "__has_c_attribute", "__has_cpp_attribute",
    "__has_declspec_attribute", "__has_warning",     "__building_module",
    "__is_target_arch",         "__is_target_os",    "__has_constexpr_builtin",
};

/* Replaces `defined X` and the __has_* queries at *tp by 0 or 1; false if none is there. */
static bool builtin_query(struct ev *e, struct pp_tok **tp) {
    struct pp_tok *t = *tp, *end;
    struct pp_state *st = e->st;
    if (t->kind != PK_IDENT)
        return false;
    bool v = false;
    if (pp_tok_is(t, "defined")) {
        struct pp_tok *n = t->next;
        bool paren = pp_tok_is(n, "(");
        if (paren)
            n = n->next;
        if (n->kind != PK_IDENT)
            return ev_fail(e, n, "macro name must be an identifier");
        v = pp_macro_find(st, n->text, n->len) || pp_tok_is(n, "__LINE__") ||
            pp_tok_is(n, "__FILE__");
        end = n->next;
        if (paren) {
            if (!pp_tok_is(end, ")"))
                return ev_fail(e, end, "missing ')' after 'defined'");
            end = end->next;
        }
    } else if (pp_tok_is(t, "__has_include") || pp_tok_is(t, "__has_include_next")) {
        bool quoted;
        if (!pp_tok_is(t->next, "("))
            return ev_fail(e, t->next, "missing '(' after '__has_include'");
        const char *name = header_arg(st, t->next, &quoted, &end);
        if (!name || !pp_tok_is(end, ")"))
            return ev_fail(e, t, "expected \"FILENAME\" or <FILENAME>");
        v = pp_search(st, name, quoted, t->file, pp_tok_is(t, "__has_include_next"), NULL) != NULL;
        end = end->next;
    } else {
        size_t i = 0, n = sizeof(has_zero) / sizeof(has_zero[0]);
        while (i < n && !pp_tok_is(t, has_zero[i]))
            i++;
        if (i == n)
            return false;
        if (!pp_tok_is(t->next, "("))
            return ev_fail(e, t->next, "missing '(' after builtin query");
        int depth = 0;
        for (end = t->next; end->kind != PK_EOF; end = end->next) {
            depth += pp_tok_is(end, "(") - pp_tok_is(end, ")");
            if (!depth)
                break;
        }
        if (end->kind == PK_EOF)
            return ev_fail(e, end, "missing ')' after builtin query");
        end = end->next;
    }
    struct pp_tok *n = num_tok(st, t, v);
    n->next = end;
    *tp = n;
    return true;
}

static bool rewrite_queries(struct ev *e, struct pp_tok **list) {
    for (struct pp_tok **tp = list; (*tp)->kind != PK_EOF; tp = &(*tp)->next) {
        builtin_query(e, tp);
        if (e->failed)
            return false;
    }
    return true;
}

/* ---- the expression ---- */

static struct pp_tok *cur(struct ev *e) {
    while (e->t->kind != PK_EOF && e->t->len == 0)
        e->t = e->t->next;
    return e->t;
}

static bool eat(struct ev *e, const char *s) {
    if (!pp_tok_is(cur(e), s))
        return false;
    e->t = e->t->next;
    return true;
}

static bool number(struct ev *e, const struct pp_tok *t, struct val *r) {
    char buf[128];
    if (t->len >= (int)sizeof(buf))
        return ev_fail(e, t, "integer literal is too large");
    memcpy(buf, t->text, (size_t)t->len);
    buf[t->len] = 0;
    char *end;
    bool bin = buf[0] == '0' && (buf[1] == 'b' || buf[1] == 'B');
    r->v = strtoull(bin ? buf + 2 : buf, &end, bin ? 2 : 0);
    r->uns = r->v > (uint64_t)INT64_MAX;
    for (; *end; end++) {
        if (*end == 'u' || *end == 'U')
            r->uns = true;
        else if (*end != 'l' && *end != 'L')
            return ev_fail(e, t, "invalid integer constant in preprocessor expression");
    }
    return true;
}

static bool character(struct ev *e, const struct pp_tok *t, struct val *r) {
    const char *p = t->text;
    while (*p != '\'')
        p++; /* L'x', u'x' */
    p++;
    int64_t v = (unsigned char)*p;
    if (*p == '\\') {
        p++;
        const char *esc = "n\nt\tr\ra\ab\bf\fv\v\\\\''\"\"??0\0";
        if (*p == 'x') {
            v = strtol(p + 1, NULL, 16);
        } else if (*p >= '0' && *p <= '7') {
            v = strtol(p, NULL, 8);
        } else {
            v = *p;
            for (const char *q = esc; *q; q += 2)
                if (*q == *p)
                    v = (unsigned char)q[1];
        }
    }
    r->v = (uint64_t)(int64_t)(signed char)v;
    r->uns = false;
    return true;
}

static bool cond(struct ev *e, struct val *r);

static bool unary_inner(struct ev *e, struct val *r);

static bool unary(struct ev *e, struct val *r) {
    if (e->depth >= PP_MAX_EXPR_DEPTH)
        return ev_fail(e, cur(e), "expression nested too deeply");
    e->depth++;
    bool ok = unary_inner(e, r);
    e->depth--;
    return ok;
}

static bool unary_inner(struct ev *e, struct val *r) {
    struct pp_tok *t = cur(e);
    if (eat(e, "(")) {
        if (!cond(e, r))
            return false;
        if (!eat(e, ")"))
            return ev_fail(e, cur(e), "expected ')' in preprocessor expression");
        return true;
    }
    if (eat(e, "+"))
        return unary(e, r);
    if (eat(e, "-") || eat(e, "~") || eat(e, "!")) {
        if (!unary(e, r))
            return false;
        if (pp_tok_is(t, "-"))
            r->v = -r->v;
        else if (pp_tok_is(t, "~"))
            r->v = ~r->v;
        else
            r->v = !r->v, r->uns = false;
        return true;
    }
    e->t = t->next;
    if (t->kind == PK_NUMBER)
        return number(e, t, r);
    if (t->kind == PK_CHAR)
        return character(e, t, r);
    if (t->kind == PK_IDENT) {
        r->v = 0; /* an identifier that is no macro (C 6.10.1p4) */
        r->uns = false;
        return true;
    }
    e->t = t;
    return ev_fail(e, t,
                   t->kind == PK_EOF ? "expected value in expression"
                                     : "invalid token at start of a preprocessor expression");
}

static int prec(const struct pp_tok *t) {
    static const char *const ops[][4] = {
        {"||"},
        {"&&"},
        {"|"},
        {"^"},
        {"&"},
        {"==", "!="},
        {"<", ">", "<=", ">="},
        {"<<", ">>"},
        {"+", "-"},
        {"*", "/", "%"},
    };
    for (int p = 0; p < 10; p++)
        for (int i = 0; i < 4 && ops[p][i]; i++)
            if (pp_tok_is(t, ops[p][i]))
                return p + 1;
    return 0;
}

static bool apply(struct ev *e, const struct pp_tok *op, struct val *l, struct val r) {
    bool u = l->uns || r.uns;
    int64_t a = (int64_t)l->v, b = (int64_t)r.v;
    uint64_t x = l->v, y = r.v;
    char c0 = op->text[0], c1 = op->len > 1 ? op->text[1] : 0;
    if ((c0 == '/' || c0 == '%') && !y) {
        if (e->skip)
            return (l->v = 0), true;
        return ev_fail(e, op, "division by zero in preprocessor expression");
    }
    uint64_t v;
    bool cmp = true;
    switch (c0) {
    case '*':
        v = x * y, cmp = false;
        break;
    case '/':
        v = u ? x / y : (b == -1 ? (uint64_t)-a : (uint64_t)(a / b)), cmp = false;
        break;
    case '%':
        v = u ? x % y : (b == -1 ? 0 : (uint64_t)(a % b)), cmp = false;
        break;
    case '+':
        v = x + y, cmp = false;
        break;
    case '-':
        v = x - y, cmp = false;
        break;
    case '^':
        v = x ^ y, cmp = false;
        break;
    case '=':
        v = x == y;
        break;
    case '!':
        v = x != y;
        break;
    case '<':
        if (c1 == '<')
            v = x << (y & 63), cmp = false;
        else
            v = c1 == '=' ? (u ? x <= y : a <= b) : (u ? x < y : a < b);
        break;
    case '>':
        if (c1 == '>')
            v = u ? x >> (y & 63) : (uint64_t)(a >> (y & 63)), cmp = false;
        else
            v = c1 == '=' ? (u ? x >= y : a >= b) : (u ? x > y : a > b);
        break;
    case '&':
        v = c1 ? (x && y) : x & y, cmp = c1;
        break;
    default:
        v = c1 ? (x || y) : x | y, cmp = c1;
        break;
    }
    l->v = v;
    l->uns = cmp ? false : (c0 == '<' || c0 == '>') ? l->uns : u;
    return true;
}

static bool binary(struct ev *e, struct val *l, int min) {
    if (!unary(e, l))
        return false;
    for (;;) {
        struct pp_tok *op = cur(e);
        int p = prec(op);
        if (!p || p < min)
            return true;
        e->t = op->next;
        /* the right side of && and || is parsed but not evaluated when decided */
        bool shortcut = (p == 1 && l->v) || (p == 2 && !l->v);
        struct val r;
        e->skip += shortcut;
        bool ok = binary(e, &r, p + 1);
        e->skip -= shortcut;
        if (!ok || !apply(e, op, l, r))
            return false;
    }
}

static bool cond(struct ev *e, struct val *r) {
    if (!binary(e, r, 1))
        return false;
    if (!eat(e, "?"))
        return true;
    struct val a, b;
    bool c = r->v != 0;
    e->skip += !c;
    bool ok = cond(e, &a);
    e->skip -= !c;
    if (!ok)
        return false;
    if (!eat(e, ":"))
        return ev_fail(e, cur(e), "expected ':' in preprocessor expression");
    e->skip += c;
    ok = cond(e, &b);
    e->skip -= c;
    if (!ok)
        return false;
    *r = c ? a : b;
    r->uns = a.uns || b.uns;
    return true;
}

int pp_eval_if(struct pp_state *st, struct pp_tok *dir, struct pp_tok *list, bool *value) {
    struct ev e = {.st = st};
    if (list->kind == PK_EOF) {
        pp_error(st, dir, 0, "#%.*s with no expression", dir->len, dir->text);
        return -1;
    }
    if (!rewrite_queries(&e, &list))
        return -1;
    bool before = st->macro_error;
    list = pp_expand_all(st, list);
    if (st->macro_error && !before)
        return -1;
    if (!rewrite_queries(&e, &list))
        return -1;
    e.t = list;
    struct val v;
    if (!cond(&e, &v))
        return -1;
    if (cur(&e)->kind != PK_EOF) {
        ev_fail(&e, cur(&e),
                "token is not a valid binary operator in a preprocessor subexpression");
        return -1;
    }
    *value = v.v != 0;
    return 0;
}
