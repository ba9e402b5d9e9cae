/* Syntax errors worded and located as bpftrace 0.27.1's hand-written parser
 * reports them. Internal to src/parser. */
#ifndef TRAWK_SYNTAX_ERROR_H
#define TRAWK_SYNTAX_ERROR_H

#include "parser/parse_internal.h"

/* What the grammar would have accepted instead of the lookahead. */
enum syntax_expect {
    SX_EXPR = 1 << 0,   /* an expression could start here */
    SX_LBRACE = 1 << 1, /* the "{" of a block */
    SX_ATTACH = 1 << 2, /* an attach point */
    SX_IDENT = 1 << 3,  /* an identifier (a config key) */
    SX_ASSIGN = 1 << 4, /* "=" */
    SX_LPAREN = 1 << 5, /* "(" */
};

/* Sees every token the lexer returns (tok_loc its own location): follows
 * the constructs it opens and closes, for the errors that bpftrace gives
 * each unclosed one, and reports a lexer error left in ctx->lex_pending
 * where bpftrace does, at this token. Returns the token for the grammar:
 * YYerror, which stops it quietly, at the end of the statement after a
 * lexer error (bpftrace stops there). */
int syntax_token(struct parse_ctx *ctx, int tok, const struct loc *tok_loc);

/* Reports a syntax error at the lookahead, the token last tracked; expect
 * is a set of enum syntax_expect. */
void syntax_error(struct parse_ctx *ctx, unsigned expect);

#endif
