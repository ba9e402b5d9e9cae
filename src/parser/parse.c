/* Runs the lexer and grammar over a program text, and the small node
 * builders that keep the grammar's actions one line long. */
#include "parser/parse.h"

#include <stdlib.h>
#include <string.h>

#include "parser.h"
#include "parser/parse_internal.h"
#include "parser/syntax_error.h"

#define YYSTYPE TRAWK_YYSTYPE
#define YYLTYPE TRAWK_YYLTYPE
#include "lexer.h"

int trawk_lex_raw(YYSTYPE *lval, YYLTYPE *lloc, yyscan_t scanner);

/* Wraps the flex scanner to give end of input a location and to remember
 * where the run of the returned token started, for syntax errors. */
int trawk_yylex(YYSTYPE *lval, YYLTYPE *lloc, void *scanner) {
    int tok = trawk_lex_raw(lval, lloc, scanner);
    struct parse_ctx *ctx = trawk_yyget_extra(scanner);
    /* "if" where no statement can start is an if expression */
    int prev = ctx->prev_tok;
    bool stmt_start =
        prev == T_LBRACE || prev == T_LBRACE_STMT || prev == T_SEMI || prev == T_RBRACE;
    if (tok == T_IF && prev && !stmt_start && prev != T_ELSE)
        tok = T_IF_EXPR;
    /* "{" where a statement starts is a block statement (no ";" after it) */
    if (tok == T_LBRACE && stmt_start && ctx->depth > 1)
        tok = T_LBRACE_STMT;
    ctx->prev_tok = tok;
    if (tok == T_YYEOF) {
        struct loc here = {ctx->line, ctx->col, ctx->line, ctx->col};
        *lloc = here;
    }
    struct loc run = {ctx->run_line, ctx->run_col, lloc->last_line, lloc->last_column};
    ctx->err_loc = run;
    return syntax_token(ctx, tok, lloc);
}

static struct node *parse_text(struct diag *d, const char *text, bool module,
                               struct layout *layout);

struct node *parse_program(struct diag *d, const char *text) {
    return parse_text(d, text, false, NULL);
}

struct node *parse_module(struct diag *d, const char *text) {
    return parse_text(d, text, true, NULL);
}

struct node *parse_program_layout(struct diag *d, const char *text, struct layout *layout) {
    return parse_text(d, text, false, layout);
}

static struct node *parse_text(struct diag *d, const char *text, bool module,
                               struct layout *layout) {
    struct parse_ctx ctx = {
        .d = d, .layout = layout, .line = 1, .col = 1, .run_line = 1, .run_col = 1, .depth = -1};
    if (!text)
        text = "";
    ctx.text = text;
    yyscan_t scanner;
    if (trawk_yylex_init_extra(&ctx, &scanner)) {
        diag_plain_error(d, E_IO, "cannot start the lexer");
        return NULL;
    }
    int before = d->nerrors;
    YY_BUFFER_STATE buf = trawk_yy_scan_bytes(text, (int)strlen(text), scanner);
    int rc = trawk_yyparse(scanner, &ctx);
    trawk_yy_delete_buffer(buf, scanner);
    trawk_yylex_destroy(scanner);
    free(ctx.buf);
    /* --fmt formats a file of definitions too */
    if (rc == 0 && d->nerrors == before && ctx.root && !ctx.root->a && !module && !layout)
        diag_plain_error(d, E_SYNTAX, "No probes found in the program");
    if (rc == 0 && d->nerrors == before)
        ast_check_depth(ctx.root, d);
    if (rc != 0 || d->nerrors != before) {
        ast_free(ctx.root);
        return NULL;
    }
    return ctx.root;
}

struct pa_list pa_list_add(struct pa_list l, struct node *item) {
    if (!l.head)
        l.head = item;
    else
        l.tail->next = item;
    l.tail = item;
    return l;
}

struct node *pa_cons(struct node *item, struct pa_list l) {
    item->next = l.head;
    return item;
}

struct node *pa_named(enum node_kind kind, const struct loc *l, char *s) {
    struct node *n = ast_new_str(kind, l, s, strlen(s));
    free(s);
    return n;
}

struct node *pa_int(enum node_kind kind, const struct loc *l, uint64_t v) {
    struct node *n = ast_new(kind, l);
    n->num = v;
    return n;
}

struct node *pa_node(enum node_kind kind, const struct loc *l, struct node *a, struct node *b,
                     struct node *c, struct node *d) {
    struct node *n = ast_new_op(kind, l, OP_NONE, a, b);
    n->c = c;
    n->d = d;
    return n;
}

struct node *pa_call(const struct loc *l, char *name, struct node *args) {
    struct node *n = pa_named(N_CALL, l, name);
    n->a = args;
    return n;
}

struct node *pa_map(const struct loc *l, char *name, struct node *keys) {
    struct node *n = pa_named(N_MAP, l, name);
    n->a = keys;
    return n;
}

struct node *pa_field(const struct loc *l, struct node *e, char *name, bool arrow) {
    struct node *n = pa_named(N_FIELD, l, name);
    n->a = e;
    n->arrow = arrow;
    return n;
}

/* e.name or e->name from the start of e, whose location leaves out the
 * parentheses around it, as bpftrace's does: "(x).a" is underlined from x. */
struct node *pa_member(const struct loc *l, struct node *e, char *name, bool arrow) {
    struct loc span = loc_span(&e->loc, l);
    return pa_field(&span, e, name, arrow);
}

/* "a op b", "a[i]" and "a ? b : c" also start where a does, without its parentheses:
 * bpftrace underlines "(x - 1) / 2" from x. */
struct node *pa_binop(const struct loc *l, enum op op, struct node *a, struct node *b) {
    struct loc span = loc_span(&a->loc, l);
    return ast_new_op(N_BINOP, &span, op, a, b);
}

struct node *pa_index(const struct loc *l, struct node *e, struct node *idx) {
    struct loc span = loc_span(&e->loc, l);
    return pa_node(N_INDEX, &span, e, idx, NULL, NULL);
}

struct node *pa_ternary(const struct loc *l, struct node *cond, struct node *then,
                        struct node *otherwise) {
    struct loc span = loc_span(&cond->loc, l);
    return pa_node(N_TERNARY, &span, cond, then, otherwise, NULL);
}

/* $t.0: a field with no name, its index in num. */
struct node *pa_tuple_index(const struct loc *l, struct node *e, uint64_t idx) {
    struct node *n = pa_node(N_FIELD, l, e, NULL, NULL, NULL);
    n->num = idx;
    return n;
}

/* prefix is "struct", "union" or "enum" (or NULL); both strings are taken. */
struct node *pa_type(const struct loc *l, char *prefix, char *name) {
    if (!prefix) {
        struct node *n = pa_named(N_TYPE, l, name);
        n->len = 0; /* len is the array length for types, not the name's */
        return n;
    }
    size_t len = strlen(prefix) + 1 + strlen(name);
    struct node *n = ast_new_str(N_TYPE, l, "", 0);
    free(n->str);
    n->str = malloc(len + 1);
    if (!n->str)
        abort();
    snprintf(n->str, len + 1, "%s %s", prefix, name);
    free(prefix);
    free(name);
    return n;
}

struct node *pa_type_ptr(const struct loc *l, struct node *t) {
    t->num++;
    t->loc = *l;
    return t;
}

struct node *pa_type_array(const struct loc *l, struct node *t, uint64_t n) {
    t->len = (size_t)n;
    t->aux = n == 0; /* "int8[]": an array whose size a cast decides */
    t->loc = *l;
    return t;
}

struct node *pa_offsetof(const struct loc *l, struct node *type, char *path) {
    struct node *n = pa_named(N_OFFSETOF, l, path);
    n->a = type;
    return n;
}

/* typeinfo(X) holds typeof(X), which macro expansion and sema already know. */
struct node *pa_typeinfo(const struct loc *l, const struct loc *arg_loc, struct node *arg) {
    struct node *ty = pa_node(N_TYPE, arg_loc, arg, NULL, NULL, NULL);
    return pa_node(N_TYPEINFO, l, ty, NULL, NULL, NULL);
}

char *pa_path_join(char *path, char *field) {
    size_t a = strlen(path), b = strlen(field);
    char *s = realloc(path, a + 1 + b + 1);
    if (!s)
        abort();
    s[a] = '.';
    memcpy(s + a + 1, field, b + 1);
    free(field);
    return s;
}

struct node *pa_macro(const struct loc *kw, const struct loc *name_loc, char *name,
                      struct node *params, struct node *body) {
    struct loc l = loc_span(kw, name_loc);
    struct node *n = pa_named(N_MACRO, &l, name);
    n->a = params;
    n->b = body;
    return n;
}

/* import "PATH": underlined up to the ";", as bpftrace does (the string
 * token's own location ends at its opening quote). */
struct node *pa_import(const struct loc *kw, const struct loc *semi, struct node *path) {
    struct loc l = {kw->first_line, kw->first_column, semi->first_line, semi->first_column};
    struct node *n = ast_new_str(N_IMPORT, &l, path->str, path->len);
    n->num = (uint64_t)kw->last_column; /* a misplaced import underlines the keyword */
    ast_free(path);
    return n;
}

struct node *pa_map_decl(struct parse_ctx *ctx, const struct loc *l, char *map, char *kind,
                         struct node *args, const struct loc *end) {
    struct node *n = pa_named(N_MAP_DECL, l, kind);
    n->a = pa_map(l, map, NULL);
    if (args && !args->next && args->kind == N_INT && args->num > 0)
        n->num = args->num;
    else if (args && args->next) { /* at the "," after the first argument */
        struct loc comma = {args->loc.last_line, args->loc.last_column, args->loc.last_line,
                            args->loc.last_column + 1};
        diag_error(ctx->d, &comma, E_SYNTAX, "syntax: expected ')'");
    } else
        diag_error(ctx->d, args ? &args->loc : end, E_SYNTAX,
                   "syntax: expected positive integer for map declaration max entries");
    ast_free(args);
    return n;
}

/* Whether an if statement's branches all end in an expression statement,
 * the form that gives a block its value. */
static bool if_has_value(const struct node *n) {
    if (n->kind == N_IF)
        return n->c && if_has_value(n->b) && if_has_value(n->c);
    const struct node *last = n->a;
    while (last && last->next)
        last = last->next;
    return last && (last->kind == N_EXPR_STMT || (last->kind == N_IF && if_has_value(last)));
}

/* The value form of such an if: a ternary whose branches are blocks with
 * a value (the if's nodes move into it). */
static struct node *if_value(struct node *n) {
    if (n->kind == N_IF) {
        struct node *then = if_value(n->b), *other = if_value(n->c);
        struct node *t = pa_node(N_TERNARY, &n->loc, n->a, then, other, NULL);
        n->a = n->b = n->c = NULL;
        ast_free(n);
        return t;
    }
    struct node **p = &n->a;
    while ((*p)->next)
        p = &(*p)->next;
    struct node *last = *p;
    *p = NULL;
    struct node *value;
    if (last->kind == N_IF) {
        value = if_value(last);
    } else {
        value = last->a;
        last->a = NULL;
        ast_free(last);
    }
    struct node *b = pa_node(N_BLOCK_EXPR, &n->loc, n->a, value, NULL, NULL);
    n->a = NULL;
    ast_free(n);
    return b;
}

struct node *pa_block_expr(const struct loc *l, struct node *stmts, struct node *last) {
    /* "{ if (c) { a } else { b } }": the if, a statement to the grammar, is
     * the block's value */
    if (!last && stmts) {
        struct node **p = &stmts;
        while ((*p)->next)
            p = &(*p)->next;
        if ((*p)->kind == N_IF && if_has_value(*p)) {
            struct node *ifn = *p;
            struct loc at = ifn->loc;
            *p = NULL;
            last = pa_node(N_EXPR_STMT, &at, if_value(ifn), NULL, NULL, NULL);
        }
    }
    struct node *n = pa_node(N_BLOCK_EXPR, l, stmts, NULL, NULL, NULL);
    if (last && last->kind == N_EXPR_STMT) {
        n->b = last->a;
        last->a = NULL;
        ast_free(last);
    } else if (last) {
        n->a = ast_append(n->a, last);
    }
    return n;
}

struct node *pa_config(struct parse_ctx *ctx, const struct loc *kw, struct node *items) {
    if (ctx->layout) {
        ctx->layout->config = *kw;
        ctx->layout->has_config = true;
    }
    return items;
}

struct node *pa_program(struct parse_ctx *ctx, const struct loc *l, struct node *cdefs,
                        struct node *config, struct node *probes) {
    /* the grammar keeps misplaced C definitions among the probes, for this
     * error, and macros and map declarations, which get their own list */
    struct pa_list p = {0}, decls = {0};
    bool reported = false, body = false, reported_import = false;
    for (struct node *n = probes, *next; n; n = next) {
        next = n->next;
        n->next = NULL;
        /* --fmt reads preprocessor lines as C definitions; they go anywhere */
        bool directive = n->kind == N_C_DEFINITION && n->str[0] == '#';
        if (n->kind == N_C_DEFINITION && !directive && !reported) {
            diag_error(ctx->d, &n->loc, E_SYNTAX,
                       "syntax: C definitions must appear before probes and functions");
            reported = true;
        }
        if (n->kind == N_IMPORT && body && !reported_import) {
            struct loc kw = n->loc;
            kw.last_line = kw.first_line;
            kw.last_column = (int)n->num;
            diag_error(ctx->d, &kw, E_SYNTAX,
                       "syntax: root imports must appear before probes and functions");
            reported_import = true;
        }
        body |= n->kind == N_PROBE || n->kind == N_MACRO || n->kind == N_MAP_DECL;
        if (n->kind == N_MACRO || n->kind == N_MAP_DECL || n->kind == N_IMPORT)
            decls = pa_list_add(decls, n);
        else
            p = pa_list_add(p, n);
    }
    return pa_node(N_PROGRAM, l, p.head, config, cdefs, decls.head);
}
