/* Syntax errors as bpftrace 0.27.1 reports them. Its recursive-descent
 * parser says what it expected ("syntax: expected ';'") at the token where
 * it stopped, then goes on: each construct still open around that token
 * (a call's "(", a map key's "[", a predicate, the statement) checks for
 * its own closing token there and reports that one too when it is
 * missing, up to the statement, after which the parser stops. Following
 * the open constructs from the tokens gives the same messages from the
 * bison parser. */
#include "parser/syntax_error.h"

#include "parser/syntax_text.h"

#include <ctype.h>
#include <string.h>

#include "parser.h"

enum open_kind {
    OPEN_PAREN,      /* a call, a tuple or a parenthesised expression */
    OPEN_IF_PAREN,   /* "if (": a block follows the ")" */
    OPEN_LOOP_PAREN, /* "while (", "unroll (" */
    OPEN_FOR_PAREN,  /* "for (" */
    OPEN_BRACKET,    /* map keys or an index */
    OPEN_PRED,       /* "/" of a predicate */
    OPEN_BLOCK,      /* "{" of a probe, a block or a macro */
    OPEN_CONFIG,     /* "{" of the config block */
};

static void open_push(struct parse_ctx *ctx, enum open_kind kind) {
    if (ctx->nopen < (int)sizeof(ctx->open))
        ctx->open[ctx->nopen++] = (unsigned char)kind;
    else
        ctx->open_lost++;
}

static void open_pop(struct parse_ctx *ctx) {
    if (ctx->open_lost)
        ctx->open_lost--;
    else if (ctx->nopen)
        ctx->nopen--;
}

static enum open_kind paren_kind(int before) {
    switch (before) {
    case T_IF:
    case T_IF_EXPR:
        return OPEN_IF_PAREN;
    case T_WHILE:
    case T_UNROLL:
        return OPEN_LOOP_PAREN;
    case T_FOR:
        return OPEN_FOR_PAREN;
    default:
        return OPEN_PAREN;
    }
}

static bool is_assign_op(int tok);

static void statement_start(struct parse_ctx *ctx) {
    ctx->stmt_tok = ctx->ntok + 1;
    ctx->stmt_assign = false;
}

/* The effect of a token once the parser has shifted it, which is when the
 * lexer is asked for the next one. */
static void shifted(struct parse_ctx *ctx, int tok, int before) {
    switch (tok) {
    case T_LPAREN:
        open_push(ctx, paren_kind(before));
        break;
    case T_LBRACKET:
        open_push(ctx, OPEN_BRACKET);
        break;
    case T_DIV:
        if (before == T_ATTACH || before == T_COMMA)
            if (ctx->nopen == 0)
                open_push(ctx, OPEN_PRED);
        break;
    case T_LBRACE:
    case T_LBRACE_STMT:
        open_push(ctx, ctx->config_next ? OPEN_CONFIG : OPEN_BLOCK);
        ctx->config_next = false;
        statement_start(ctx);
        break;
    case T_CONFIG:
        ctx->config_next = true;
        break;
    case T_IF:
    case T_IF_EXPR:
    case T_WHILE:
    case T_UNROLL:
        ctx->cond_kw = tok;
        ctx->cond_depth = ctx->nopen;
        break;
    case T_ENDPRED:
    case T_RPAREN:
    case T_RBRACKET:
        open_pop(ctx);
        break;
    case T_RBRACE:
        open_pop(ctx);
        statement_start(ctx);
        break;
    case T_SEMI:
        statement_start(ctx);
        break;
    default:
        if ((is_assign_op(tok) || tok == T_LET) && ctx->nopen &&
            ctx->open[ctx->nopen - 1] == OPEN_BLOCK)
            ctx->stmt_assign = true;
        break;
    }
}

/* Where bpftrace reports an error found at the lookahead. */
static struct loc la_where(const struct parse_ctx *ctx) {
    struct loc l = ctx->la_loc;
    if (ctx->sx_la == T_YYEOF || !ctx->text) {
        l.last_line = l.first_line;
        l.last_column = l.first_column;
        return l;
    }
    struct text_pos t = text_pos_at(ctx->text, l.first_line, l.first_column);
    return text_token_loc(&t);
}

static void say(struct parse_ctx *ctx, const struct loc *at, const char *msg) {
    diag_error(ctx->d, at, E_SYNTAX, "syntax: %s", msg);
}

static bool tok_in(int tok, const int *set, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (set[i] == tok)
            return true;
    return false;
}

static bool is_assign_op(int tok) {
    static const int ops[] = {T_ASSIGN,     T_ADD_ASSIGN, T_SUB_ASSIGN, T_MUL_ASSIGN,
                              T_DIV_ASSIGN, T_MOD_ASSIGN, T_AND_ASSIGN, T_OR_ASSIGN,
                              T_XOR_ASSIGN, T_SHL_ASSIGN, T_SHR_ASSIGN};
    return tok_in(tok, ops, sizeof(ops) / sizeof(ops[0]));
}

/* Operators that take a left operand, which bpftrace goes on without. */
static bool is_binary_op(int tok) {
    static const int ops[] = {T_LOR, T_LAND, T_BOR, T_BXOR, T_EQ,   T_NE,  T_LT,  T_LE,
                              T_GT,  T_GE,   T_SHL, T_SHR,  T_PLUS, T_DIV, T_MOD, T_QUESTION};
    return tok_in(tok, ops, sizeof(ops) / sizeof(ops[0]));
}

/* The statement around the error ends here. bpftrace wants its ";" unless
 * the block closes, and says so twice when the statement took nothing; an
 * if statement wants none, nor a statement starting with a variable or map
 * that had an error inside and assigns nothing. */
static void statement_end(struct parse_ctx *ctx, const struct loc *at, bool inner_errors) {
    int la = ctx->sx_la;
    int first = ctx->stmt_first;
    bool empty = ctx->ntok == ctx->stmt_tok;
    bool sigil = first == T_VAR || first == T_MAP;
    if (la == T_SEMI || la == T_RBRACE)
        return;
    if (is_assign_op(la) && sigil && !empty) /* "@x[ = 1": the assignment goes on */
        return;
    if (!empty && (first == T_IF || (sigil && inner_errors && !ctx->stmt_assign)))
        return;
    say(ctx, at, "expected ';'");
    if (empty)
        say(ctx, at, "unexpected input in block");
}

/* A condition or predicate before a block: true when its closer is the
 * lookahead; else says it is missing, and the "{" too unless that follows. */
static bool closed_before_block(struct parse_ctx *ctx, const struct loc *at, int closer,
                                const char *missing) {
    if (ctx->sx_la == closer)
        return true;
    say(ctx, at, missing);
    if (ctx->sx_la != T_LBRACE)
        say(ctx, at, "expected '{'");
    return false;
}

/* Each construct open around the lookahead, innermost first, reports the
 * closing token it lacks, up to the statement. */
static void unwind(struct parse_ctx *ctx, const struct loc *at, bool inner_errors) {
    int la = ctx->sx_la;
    for (int i = ctx->nopen - 1; i >= 0; i--) {
        switch ((enum open_kind)ctx->open[i]) {
        case OPEN_PAREN:
            if (la == T_RPAREN || la == T_COMMA) /* the list goes on */
                return;
            say(ctx, at, "expected ')'");
            break;
        case OPEN_BRACKET:
            if (la == T_RBRACKET || la == T_COMMA)
                return;
            say(ctx, at, "expected ']'");
            break;
        case OPEN_IF_PAREN:
        case OPEN_LOOP_PAREN:
            if (closed_before_block(ctx, at, T_RPAREN, "expected ')'"))
                return;
            if (ctx->open[i] == OPEN_LOOP_PAREN)
                return;
            break; /* an if without its block is still an expression */
        case OPEN_FOR_PAREN:
            if (la != T_RPAREN)
                say(ctx, at, "expected ')'");
            return; /* bpftrace skips the loop */
        case OPEN_PRED:
            closed_before_block(ctx, at, T_ENDPRED, "expected '/' to close predicate");
            return;
        case OPEN_CONFIG:
            if (la != T_SEMI && la != T_RBRACE)
                say(ctx, at, "expected ';'");
            return;
        case OPEN_BLOCK:
            statement_end(ctx, at, inner_errors);
            return;
        }
        inner_errors = true;
    }
}

/* Between probes bpftrace reads any text up to white space as an attach
 * point and wants the "{" of its block after it; a "{" first has none. */
static void between_probes(struct parse_ctx *ctx, const struct loc *at) {
    if (ctx->sx_la == T_LBRACE || ctx->sx_la == T_COMMA || !ctx->text) {
        say(ctx, at, "expected attach point");
        say(ctx, at, "unexpected input");
        return;
    }
    struct text_pos t = text_pos_at(ctx->text, at->first_line, at->first_column);
    pos_skip(&t, raw_attach_len(t.p));
    pos_skip_layout(&t);
    struct loc next = text_token_loc(&t);
    say(ctx, &next, "expected '{'");
}

/* The token bpftrace's parser would see at t, as far as the errors after
 * it depend on it; 0 when it would go on with the expression. */
static int token_at(const struct text_pos *t) {
    const char *p = t->p;
    if (!*p)
        return T_YYEOF;
    if (p[0] == '/') {
        struct text_pos after = *t;
        pos_skip(&after, 1);
        pos_skip_layout(&after);
        if (*after.p == '{')
            return T_ENDPRED;
    }
    if (p[1] == '=' && strchr("+-*/%&|^", p[0]))
        return T_ADD_ASSIGN;
    switch (p[0]) {
    case ')':
        return T_RPAREN;
    case ']':
        return T_RBRACKET;
    case ',':
        return T_COMMA;
    case ';':
        return T_SEMI;
    case '}':
        return T_RBRACE;
    case '{':
        return T_LBRACE;
    case '=':
        return p[1] == '=' ? 0 : T_ASSIGN;
    default:
        return strchr("+-*/%&|^<>!?.[", p[0]) ? 0 : T_BADCHAR;
    }
}

/* "[" where an expression should start: bpftrace indexes the missing value
 * with one expression up to a "]" and goes on after it. */
static void index_of_nothing(struct parse_ctx *ctx, const struct loc *at) {
    struct text_pos t = text_pos_at(ctx->text, at->first_line, at->first_column);
    int depth = 0;
    pos_skip(&t, 1);
    for (; *t.p; pos_skip(&t, 1)) {
        if (*t.p == '"') {
            size_t n = 1;
            while (t.p[n] && t.p[n] != '"')
                n += t.p[n] == '\\' && t.p[n + 1] ? 2 : 1;
            pos_skip(&t, n);
        } else if (strchr("([{", *t.p)) {
            depth++;
        } else if (strchr(")}", *t.p) || (*t.p == ']' && depth)) {
            if (--depth < 0)
                break;
        } else if (*t.p == ']' || (*t.p == ',' && !depth)) {
            break;
        }
    }
    struct loc here = text_token_loc(&t);
    if (*t.p == ']') {
        pos_skip(&t, 1);
        pos_skip_layout(&t);
        here = text_token_loc(&t);
    } else {
        say(ctx, &here, "expected ']'");
    }
    int la = token_at(&t);
    if (!la)
        return;
    ctx->sx_la = la;
    ctx->stmt_tok = -1; /* the index was taken */
    unwind(ctx, &here, true);
}

/* In the config block bpftrace reads "key = value;" pairs and wants the
 * block's "}" after a bad key. */
static void config_error(struct parse_ctx *ctx, const struct loc *at, unsigned expect) {
    int la = ctx->sx_la;
    if (expect & SX_EXPR) {
        say(ctx, at, "expected string, int, boolean, or ident");
        if (la != T_SEMI && la != T_RBRACE)
            say(ctx, at, "expected ';'");
        return;
    }
    if (expect & (SX_IDENT | SX_ASSIGN)) {
        say(ctx, at, (expect & SX_IDENT) ? "expected config key" : "expected '='");
        if (la != T_RBRACE)
            say(ctx, at, "expected '}'");
        return;
    }
    unwind(ctx, at, false);
}

/* "++" or "--" with no operand: bpftrace reports the missing one empty. */
static void incdec_error(struct parse_ctx *ctx, const struct loc *at) {
    struct loc none = {at->first_line, at->first_column, at->first_line, at->first_column};
    say(ctx, &none, "increment/decrement requires a variable or map");
}

static void report(struct parse_ctx *ctx, const struct loc *at, unsigned expect);

void syntax_error(struct parse_ctx *ctx, unsigned expect) {
    struct loc at = la_where(ctx);
    int before = ctx->d->nerrors;
    report(ctx, &at, expect);
    if (ctx->d->nerrors == before) /* bpftrace went on where bison cannot */
        say(ctx, &at, "unexpected input");
}

static void report(struct parse_ctx *ctx, const struct loc *where, unsigned expect) {
    struct loc at = *where;
    int la = ctx->sx_la;
    int prev = ctx->sx_prev;
    int top = ctx->nopen ? ctx->open[ctx->nopen - 1] : -1;
    bool empty = ctx->ntok == ctx->stmt_tok;
    if (prev == T_RPAREN) /* a cast's operand, which "(name)" need not have */
        expect &= ~(unsigned)SX_EXPR;
    if (prev == T_DOT || prev == T_ARROW) {
        say(ctx, &at,
            prev == T_DOT ? "expected field name after '.'" : "expected field name after '->'");
        if (is_binary_op(la)) /* the expression goes on without the field */
            return;
        if (la == T_ARROW) { /* "->->": a "-" and then no operand before ">" */
            struct loc gt = {at.first_line, at.first_column + 1, at.first_line,
                             at.first_column + 2};
            say(ctx, &gt, "expected expression");
            return;
        }
    } else if (top == OPEN_BLOCK && la == T_YYEOF && empty) {
        say(ctx, &at, "expected '}'"); /* the block's statements ran out */
        return;
    } else if (top == OPEN_CONFIG) {
        config_error(ctx, &at, expect);
        return;
    } else if (prev == T_LET && la != T_VAR) {
        say(ctx, &at, "expected variable after 'let'");
        return;
    } else if (prev == T_MACRO) {
        say(ctx, &at, "expected macro name");
        return;
    } else if (prev == T_CONFIG && la == T_EQ) { /* "config ==": the second "=" */
        struct loc second = {at.first_line, at.first_column + 1, at.first_line,
                             at.first_column + 2};
        say(ctx, &second, "expected '{'");
        return;
    } else if (prev == T_QUESTION && (expect & SX_EXPR) && la != T_COLON) {
        say(ctx, &at, "expected expression"); /* then no ":" and no else value */
        say(ctx, &at, "expected ':'");
        say(ctx, &at, "expected expression");
    } else if (top == OPEN_FOR_PAREN && prev == T_LPAREN) {
        say(ctx, &at, "expected variable in for loop");
        return;
    } else if (top == OPEN_FOR_PAREN && prev == T_VAR) {
        say(ctx, &at, "expected ':'");
        return;
    } else if (expect & SX_EXPR) {
        say(ctx, &at, "expected expression");
        if (prev == T_INC || prev == T_DEC)
            incdec_error(ctx, &at);
        if (is_binary_op(la)) /* bpftrace goes on with a missing left operand */
            return;
        if (la == T_DOT || la == T_ARROW) /* and with a field of it */
            return;
        if (la == T_LBRACKET) {
            index_of_nothing(ctx, &at);
            return;
        }
    } else if (top == -1 && (expect & SX_ATTACH) && la != T_YYEOF) {
        between_probes(ctx, &at);
        return;
    } else if ((expect & SX_LBRACE) && top != -1 && ctx->cond_depth == ctx->nopen &&
               (ctx->cond_kw == T_IF || ctx->cond_kw == T_IF_EXPR)) {
        say(ctx, &at, "expected '{'"); /* an if without its block is still a value */
    } else if (top == -1 || (expect & SX_LBRACE)) {
        /* between probes, or before the block of a probe, if or loop */
        if (expect & SX_LBRACE)
            say(ctx, &at, "expected '{'");
        else if (expect & SX_ATTACH)
            say(ctx, &at, "expected attach point");
        else if (expect & SX_ASSIGN)
            say(ctx, &at, "expected '='");
        else if (expect & SX_IDENT) /* let @m = NAME(...) */
            say(ctx, &at, "expected map type name");
        else if (expect & SX_LPAREN)
            say(ctx, &at, "expected '('");
        else
            say(ctx, &at, "unexpected input");
        return;
    } else {
        unwind(ctx, &at, false);
        return;
    }
    unwind(ctx, &at, true);
}

int syntax_token(struct parse_ctx *ctx, int tok, const struct loc *tok_loc) {
    if (ctx->ntok)
        shifted(ctx, ctx->sx_la, ctx->sx_prev);
    ctx->ntok++;
    ctx->sx_prev = ctx->sx_la;
    ctx->sx_la = tok;
    ctx->la_loc = *tok_loc;
    if (ctx->ntok == ctx->stmt_tok)
        ctx->stmt_first = tok;
    /* set by the lexer while it read the token before this one */
    const char *due = ctx->lex_due;
    ctx->lex_due = ctx->lex_pending;
    ctx->lex_pending = NULL;
    if (tok == T_SEMI && ctx->nopen && ctx->open[ctx->nopen - 1] == OPEN_BLOCK &&
        (ctx->sx_prev == T_SEMI || ctx->sx_prev == T_LBRACE || ctx->sx_prev == T_LBRACE_STMT)) {
        /* bpftrace has no empty statement */
        struct loc at = la_where(ctx);
        say(ctx, &at, "expected expression");
        return T_TRAWK_YYerror;
    }
    if (due) {
        struct loc at = la_where(ctx);
        say(ctx, &at, due);
        ctx->lex_failed = true;
    } else if (ctx->lex_failed && (tok == T_SEMI || tok == T_RBRACE)) {
        return T_TRAWK_YYerror;
    }
    return tok;
}
