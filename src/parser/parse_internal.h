/* Shared by the lexer, the grammar and parse.c; nothing outside src/parser
 * includes this. */
#ifndef TRAWK_PARSE_INTERNAL_H
#define TRAWK_PARSE_INTERNAL_H

#include <stdint.h>

#include "diag.h"
#include "parser/ast.h"
#include "parser/layout.h"

/* All parser state lives here, reached through %parse-param and yyextra. */
struct parse_ctx {
    struct diag *d;
    struct layout *layout; /* --fmt only: what the formatter needs of the layout */
    struct node *root;     /* set by the start rule */
    int line, col;         /* position of the next unread character */
    int tok_line;          /* start of a token lexed in pieces (strings) */
    int tok_col;
    /* bpftrace's lexer only resets a token's start at white space and
     * comments, so a syntax error at ";" in "1 +;" underlines "+;". Errors
     * use this location to print the same columns. */
    int run_line, run_col;
    struct loc err_loc; /* run location of the token last returned */
    int depth;          /* brace depth; 0 means between probes, -1 not started */
    bool in_decl;       /* inside a map declaration "let @m = kind(n)" */
    int prev_tok;       /* the token last returned, 0 at the start */
    int comment_ret;    /* start condition to resume after a block comment */
    char *buf;          /* string literal or C definition being built */
    size_t cdef_len;    /* the C definition's text without its trailing layout */
    size_t len, cap;
    /* Syntax errors (syntax_error.c): the program text, the constructs
     * still open before the lookahead, and where the statement began. */
    const char *text;
    unsigned char open[256];
    int nopen, open_lost;    /* opened beyond the array: closed first */
    int ntok;                /* tokens returned so far */
    int stmt_tok;            /* number of the current statement's first token */
    int stmt_first;          /* that token */
    bool stmt_assign;        /* the statement assigns: bpftrace wants its ";" */
    int sx_la, sx_prev;      /* the lookahead and the token before it */
    struct loc la_loc;       /* the lookahead's own location */
    int cond_kw, cond_depth; /* the last if or loop keyword, and nopen there */
    bool config_next;        /* "config" seen: its "{" opens the config block */
    const char *lex_pending; /* lexer error bpftrace reports at the next token */
    const char *lex_due;     /* lex_pending once that token is read */
    bool lex_failed;         /* a lexer error was reported: stop at the statement's end */
};

/* A list under construction: the tail makes each append O(1), so a block
 * of 100000 statements does not take quadratic time. */
struct pa_list {
    struct node *head, *tail;
};

struct pa_list pa_list_add(struct pa_list l, struct node *item);
/* item followed by the list l; returns item. */
struct node *pa_cons(struct node *item, struct pa_list l);

/* Grammar action helpers: each builds one node and takes ownership of the
 * malloc'ed strings passed to it. */
struct node *pa_named(enum node_kind kind, const struct loc *l, char *s);
struct node *pa_int(enum node_kind kind, const struct loc *l, uint64_t v);
struct node *pa_node(enum node_kind kind, const struct loc *l, struct node *a, struct node *b,
                     struct node *c, struct node *d);
struct node *pa_call(const struct loc *l, char *name, struct node *args);
struct node *pa_map(const struct loc *l, char *name, struct node *keys);
struct node *pa_field(const struct loc *l, struct node *e, char *name, bool arrow);
struct node *pa_member(const struct loc *l, struct node *e, char *name, bool arrow);
struct node *pa_binop(const struct loc *l, enum op op, struct node *a, struct node *b);
struct node *pa_index(const struct loc *l, struct node *e, struct node *idx);
struct node *pa_ternary(const struct loc *l, struct node *cond, struct node *then,
                        struct node *otherwise);
struct node *pa_tuple_index(const struct loc *l, struct node *e, uint64_t idx);
struct node *pa_type(const struct loc *l, char *prefix, char *name);
struct node *pa_type_ptr(const struct loc *l, struct node *t);
struct node *pa_type_array(const struct loc *l, struct node *t, uint64_t n);
struct node *pa_offsetof(const struct loc *l, struct node *type, char *path);
char *pa_path_join(char *path, char *field);
struct node *pa_typeinfo(const struct loc *l, const struct loc *arg_loc, struct node *arg);
struct node *pa_macro(const struct loc *kw, const struct loc *name_loc, char *name,
                      struct node *params, struct node *body);
/* let @m = kind(args); reports args other than one positive integer, at end
 * when there are none. */
struct node *pa_import(const struct loc *kw, const struct loc *semi, struct node *path);
struct node *pa_map_decl(struct parse_ctx *ctx, const struct loc *l, char *map, char *kind,
                         struct node *args, const struct loc *end);
/* { stmts last }: last becomes the value when it is an expression statement. */
struct node *pa_block_expr(const struct loc *l, struct node *stmts, struct node *last);
/* The config items; --fmt also needs where the block starts. */
struct node *pa_config(struct parse_ctx *ctx, const struct loc *kw, struct node *items);
/* C definitions must come first: those among the probes are an error. */
struct node *pa_program(struct parse_ctx *ctx, const struct loc *l, struct node *cdefs,
                        struct node *config, struct node *probes);

#endif
