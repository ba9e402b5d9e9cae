/* The trawk grammar: bpftrace's language. Every action is a one-liner that
 * builds a node (ast_new* or a pa_* helper from parse.c), so that changing the
 * grammar never means changing tree-building code in two places. */
%define api.pure full
%define api.prefix {trawk_yy}
%define api.token.prefix {T_}
%define api.location.type {struct loc}
%define parse.error custom
%define parse.lac full
/* "(" IDENT • ")": shifting is right, "(" IDENT ")" is a primary of its own
 * (the name in parentheses) or a cast to a typedef: see unary */
%expect 1
%locations
%param {void *scanner}
%parse-param {struct parse_ctx *ctx}
%initial-action { @$ = (struct loc){1, 1, 1, 1}; }

%code requires {
#include "parser/parse_internal.h"

/* Bison's default sets only the four line and column fields. */
#define YYLLOC_DEFAULT(Cur, Rhs, N)                                                       \
    ((Cur) = (N) ? loc_span(&YYRHSLOC(Rhs, 1), &YYRHSLOC(Rhs, N))                         \
                 : (struct loc){YYRHSLOC(Rhs, 0).last_line, YYRHSLOC(Rhs, 0).last_column, \
                                YYRHSLOC(Rhs, 0).last_line, YYRHSLOC(Rhs, 0).last_column})
}

%code {
#include <stdlib.h>
#include <string.h>

#include "parser/syntax_error.h"

int trawk_yylex(TRAWK_YYSTYPE *lval, TRAWK_YYLTYPE *lloc, void *scanner);
static void trawk_yyerror(TRAWK_YYLTYPE *lloc, void *scanner, struct parse_ctx *ctx,
                          const char *msg);
}

%union {
    struct node *node;
    struct pa_list list;
    char *str;
    uint64_t num;
    enum op op;
}

/* The quoted names appear in bison's reports (parser.output, -Wcounterexamples). */
%token <str> ATTACH "attach point" IDENT "identifier" VAR "variable" MAP "map"
%token <str> TYPE "type" STRUCT "struct" C_DEFINITION "C definition"
%token <num> INT "integer" POSITIONAL "positional parameter" BOOL "boolean"
%token <node> STRING "string"
%token PARAMCOUNT "$#" CONFIG "config" ENDPRED "end predicate"
%token IF "if" ELSE "else" WHILE "while" UNROLL "unroll" FOR "for" BREAK "break"
%token CONTINUE "continue" RETURN "return" LET "let" SIZEOF "sizeof" OFFSETOF "offsetof"
%token MACRO "macro" IMPORT "import" TYPEOF "typeof" IF_EXPR "if expression"
%token TYPEINFO "typeinfo" COMPTIME "comptime"
%token ASSIGN "=" ADD_ASSIGN "+=" SUB_ASSIGN "-=" MUL_ASSIGN "*=" DIV_ASSIGN "/="
%token MOD_ASSIGN "%=" AND_ASSIGN "&=" OR_ASSIGN "|=" XOR_ASSIGN "^=" SHL_ASSIGN "<<="
%token SHR_ASSIGN ">>="
%token EQ "==" NE "!=" LE "<=" GE ">=" LT "<" GT ">" SHL "<<" SHR ">>" LAND "&&" LOR "||"
%token INC "++" DEC "--" ARROW "->" DOTDOT ".." PLUS "+" MINUS "-" STAR "*" DIV "/"
%token MOD "%" AMP "&" BOR "|" BXOR "^" NOT "!" BNOT "~" QUESTION "?" COLON ":" SEMI ";"
%token COMMA "," DOT "." LPAREN "(" RPAREN ")" LBRACKET "[" RBRACKET "]" LBRACE "{"
%token LBRACE_STMT "block"
%token RBRACE "}"
%token BADCHAR "invalid character"

%type <node> import config config_item probe pred block block_stmt if_stmt simple_stmt let_stmt
%type <node> expr ternary binary unary postfix cast_operand primary map var call type type_base typeof
%type <node> call_arg if_expr if_tail
%type <list> call_args
%type <list> c_definitions imports config_items config_list probes attach_list stmts stmt_list expr_list
%type <list> record_fields
%type <node> macro macro_param map_decl block_expr
%type <list> macro_params
%type <node> record_field
%type <str> field_name field_path
%type <op> assign_op

%destructor { ast_free($$); } <node>
%destructor { ast_free($$.head); } <list>
%destructor { free($$); } <str>

/* Before an empty config, a C definition is shifted into the leading list. */
%precedence NO_CONFIG
%precedence C_DEFINITION IMPORT

/* Binary operators, lowest precedence first, as in C. */
%left "||"
%left "&&"
%left "|"
%left "^"
%left "&"
%left "==" "!="
%left "<" "<=" ">" ">="
%left "<<" ">>"
%left "+" "-"
%left "*" "/" "%"
/* A map name followed by "[" takes keys rather than being indexed. */
%precedence MAP_NO_KEYS
%precedence "["

%%

program
    : c_definitions imports config probes { ctx->root = pa_program(ctx, &@$, $1.head, $3, ast_append($2.head, $4.head)); }
    ;

/* Imports before the config block; those after it are read with the probes. */
imports
    : %empty %prec NO_CONFIG        { $$ = (struct pa_list){0}; }
    | imports import                { $$ = pa_list_add($1, $2); }
    ;

import
    : "import" STRING ";"           { $$ = pa_import(&@1, &@3, $2); }
    ;

/* C definitions come first; the empty config gives way to them. */
c_definitions
    : %empty                        { $$ = (struct pa_list){0}; }
    | c_definitions C_DEFINITION    { $$ = pa_list_add($1, pa_named(N_C_DEFINITION, &@2, $2)); }
    ;

config
    : %empty %prec NO_CONFIG        { $$ = NULL; }
    | "config" "=" "{" config_items "}" { $$ = pa_config(ctx, &@1, $4.head); }
    ;

config_items
    : config_list
    | config_list config_item       { $$ = pa_list_add($1, $2); }
    ;

config_list
    : %empty                        { $$ = (struct pa_list){0}; }
    | config_list ";"               { $$ = $1; }
    | config_list config_item ";"   { $$ = pa_list_add($1, $2); }
    ;

config_item
    : IDENT "=" expr                { $$ = ast_new_op(N_ASSIGN, &@$, OP_ASSIGN, pa_named(N_IDENT, &@1, $1), $3); }
    ;

probes
    : %empty                        { $$ = (struct pa_list){0}; }
    | probes probe                  { $$ = pa_list_add($1, $2); }
    | probes C_DEFINITION           { $$ = pa_list_add($1, pa_named(N_C_DEFINITION, &@2, $2)); }
    | probes macro                  { $$ = pa_list_add($1, $2); }
    | probes map_decl               { $$ = pa_list_add($1, $2); }
    | probes import                 { $$ = pa_list_add($1, $2); }
    ;

/* The location of a macro is "macro NAME", as bpftrace underlines it. */
macro
    : "macro" IDENT "(" ")" block_expr { $$ = pa_macro(&@1, &@2, $2, NULL, $5); }
    | "macro" IDENT "(" macro_params ")" block_expr { $$ = pa_macro(&@1, &@2, $2, $4.head, $6); }
    ;

macro_params
    : macro_param                   { $$ = pa_list_add((struct pa_list){0}, $1); }
    | macro_params "," macro_param  { $$ = pa_list_add($1, $3); }
    ;

macro_param
    : var
    | MAP                           { $$ = pa_map(&@$, $1, NULL); }
    | IDENT                         { $$ = pa_named(N_IDENT, &@$, $1); }
    ;

/* The ";" is optional, as in bpftrace. */
map_decl
    : "let" MAP "=" IDENT "(" ")" semi_opt { $$ = pa_map_decl(ctx, &@$, $2, $4, NULL, &@6); }
    | "let" MAP "=" IDENT "(" expr_list ")" semi_opt { $$ = pa_map_decl(ctx, &@$, $2, $4, $6.head, &@7); }
    ;

semi_opt
    : %empty
    | ";"
    ;

probe
    : attach_list pred block        { $$ = pa_node(N_PROBE, &@$, $1.head, $2, $3, NULL); }
    /* bpftrace takes a trailing comma after the last attach point */
    | attach_list "," pred block    { $$ = pa_node(N_PROBE, &@$, $1.head, $3, $4, NULL); }
    ;

attach_list
    : ATTACH                        { $$ = pa_list_add((struct pa_list){0}, pa_named(N_ATTACH_POINT, &@1, $1)); }
    | attach_list "," ATTACH        { $$ = pa_list_add($1, pa_named(N_ATTACH_POINT, &@3, $3)); }
    ;

pred
    : %empty                        { $$ = NULL; }
    | "/" expr ENDPRED              { $$ = $2; }
    ;

block
    : "{" stmts "}"                 { $$ = pa_node(N_BLOCK, &@$, $2.head, NULL, NULL, NULL); }
    ;

/* A block whose last statement, an expression without ";", is its value. */
block_expr
    : "{" stmt_list "}"             { $$ = pa_block_expr(&@$, $2.head, NULL); }
    | "{" stmt_list simple_stmt "}" { $$ = pa_block_expr(&@$, $2.head, $3); }
    ;

/* Statements end with ";", except the last one of a block and statements
 * that end with a block; empty statements are allowed. */
stmts
    : stmt_list
    | stmt_list simple_stmt         { $$ = pa_list_add($1, $2); }
    ;

stmt_list
    : %empty                        { $$ = (struct pa_list){0}; }
    | stmt_list ";"                 { $$ = $1; }
    | stmt_list block_stmt          { $$ = pa_list_add($1, $2); }
    | stmt_list simple_stmt ";"     { $$ = pa_list_add($1, $2); }
    ;

/* A block as a statement ("{" where a statement starts, see trawk_yylex)
 * needs no ";" after it. */
block_stmt
    : if_stmt
    | LBRACE_STMT stmt_list "}"     { $$ = pa_node(N_EXPR_STMT, &@$, pa_block_expr(&@$, $2.head, NULL), NULL, NULL, NULL); }
    | LBRACE_STMT stmt_list simple_stmt "}" { $$ = pa_node(N_EXPR_STMT, &@$, pa_block_expr(&@$, $2.head, $3), NULL, NULL, NULL); }
    | "while" expr block            { $$ = pa_node(N_WHILE, &@$, $2, $3, NULL, NULL); }
    | "unroll" expr block           { $$ = pa_node(N_UNROLL, &@$, $2, $3, NULL, NULL); }
    | "for" "(" var ":" map ")" block { $$ = pa_node(N_FOR_MAP, &@$, $3, $5, $7, NULL); }
    | "for" "(" var ":" expr ".." expr ")" block { $$ = pa_node(N_FOR_RANGE, &@$, $3, $5, $7, $9); }
    | "for" var ":" map block       { $$ = pa_node(N_FOR_MAP, &@$, $2, $4, $5, NULL); }
    | "for" var ":" expr ".." expr block { $$ = pa_node(N_FOR_RANGE, &@$, $2, $4, $6, $7); }
    ;

if_stmt
    : "if" expr block               { $$ = pa_node(N_IF, &@$, $2, $3, NULL, NULL); }
    | "if" expr block "else" block  { $$ = pa_node(N_IF, &@$, $2, $3, $5, NULL); }
    | "if" expr block "else" if_stmt { $$ = pa_node(N_IF, &@$, $2, $3, $5, NULL); }
    ;

simple_stmt
    : expr                          { $$ = pa_node(N_EXPR_STMT, &@$, $1, NULL, NULL, NULL); }
    | map assign_op expr            { $$ = ast_new_op(N_ASSIGN, &@$, $2, $1, $3); }
    | var assign_op expr            { $$ = ast_new_op(N_ASSIGN, &@$, $2, $1, $3); }
    | IDENT assign_op expr          { $$ = ast_new_op(N_ASSIGN, &@$, $2, pa_named(N_IDENT, &@1, $1), $3); }
    | let_stmt
    | "break"                       { $$ = ast_new(N_BREAK, &@$); }
    | "continue"                    { $$ = ast_new(N_CONTINUE, &@$); }
    | "return"                      { $$ = ast_new(N_RETURN, &@$); }
    | "return" expr                 { $$ = pa_node(N_RETURN, &@$, $2, NULL, NULL, NULL); }
    ;

let_stmt
    : "let" var                     { $$ = pa_node(N_LET, &@$, $2, NULL, NULL, NULL); }
    | "let" var "=" expr            { $$ = pa_node(N_LET, &@$, $2, NULL, $4, NULL); }
    | "let" var ":" type            { $$ = pa_node(N_LET, &@$, $2, $4, NULL, NULL); }
    | "let" var ":" type "=" expr   { $$ = pa_node(N_LET, &@$, $2, $4, $6, NULL); }
    ;

assign_op
    : "="   { $$ = OP_ASSIGN; }
    | "+="  { $$ = OP_ADD; }
    | "-="  { $$ = OP_SUB; }
    | "*="  { $$ = OP_MUL; }
    | "/="  { $$ = OP_DIV; }
    | "%="  { $$ = OP_MOD; }
    | "&="  { $$ = OP_BAND; }
    | "|="  { $$ = OP_BOR; }
    | "^="  { $$ = OP_BXOR; }
    | "<<=" { $$ = OP_SHL; }
    | ">>=" { $$ = OP_SHR; }
    ;

expr
    : ternary
    ;

ternary
    : binary
    | binary "?" expr ":" ternary   { $$ = pa_ternary(&@$, $1, $3, $5); }
    | binary "?" ":" ternary        { $$ = pa_ternary(&@$, $1, NULL, $4); }
    ;

binary
    : unary
    | binary "||" binary            { $$ = pa_binop(&@$, OP_LOR, $1, $3); }
    | binary "&&" binary            { $$ = pa_binop(&@$, OP_LAND, $1, $3); }
    | binary "|" binary             { $$ = pa_binop(&@$, OP_BOR, $1, $3); }
    | binary "^" binary             { $$ = pa_binop(&@$, OP_BXOR, $1, $3); }
    | binary "&" binary             { $$ = pa_binop(&@$, OP_BAND, $1, $3); }
    | binary "==" binary            { $$ = pa_binop(&@$, OP_EQ, $1, $3); }
    | binary "!=" binary            { $$ = pa_binop(&@$, OP_NE, $1, $3); }
    | binary "<" binary             { $$ = pa_binop(&@$, OP_LT, $1, $3); }
    | binary "<=" binary            { $$ = pa_binop(&@$, OP_LE, $1, $3); }
    | binary ">" binary             { $$ = pa_binop(&@$, OP_GT, $1, $3); }
    | binary ">=" binary            { $$ = pa_binop(&@$, OP_GE, $1, $3); }
    | binary "<<" binary            { $$ = pa_binop(&@$, OP_SHL, $1, $3); }
    | binary ">>" binary            { $$ = pa_binop(&@$, OP_SHR, $1, $3); }
    | binary "+" binary             { $$ = pa_binop(&@$, OP_ADD, $1, $3); }
    | binary "-" binary             { $$ = pa_binop(&@$, OP_SUB, $1, $3); }
    | binary "*" binary             { $$ = pa_binop(&@$, OP_MUL, $1, $3); }
    | binary "/" binary             { $$ = pa_binop(&@$, OP_DIV, $1, $3); }
    | binary "%" binary             { $$ = pa_binop(&@$, OP_MOD, $1, $3); }
    ;

unary
    : postfix
    | "!" unary                     { $$ = ast_new_op(N_UNOP, &@$, OP_NOT, $2, NULL); }
    | "~" unary                     { $$ = ast_new_op(N_UNOP, &@$, OP_BNOT, $2, NULL); }
    | "-" unary                     { $$ = ast_new_op(N_UNOP, &@$, OP_NEG, $2, NULL); }
    | "*" unary                     { $$ = ast_new_op(N_UNOP, &@$, OP_DEREF, $2, NULL); }
    | "&" unary                     { $$ = ast_new_op(N_UNOP, &@$, OP_ADDROF, $2, NULL); }
    | "comptime" unary              { $$ = pa_node(N_COMPTIME, &@$, $2, NULL, NULL, NULL); }
    | "++" unary                    { $$ = ast_new_op(N_INCDEC, &@$, OP_PRE_INC, $2, NULL); }
    | "--" unary                    { $$ = ast_new_op(N_INCDEC, &@$, OP_PRE_DEC, $2, NULL); }
    | "(" type ")" unary            { $$ = pa_node(N_CAST, &@$, $2, $4, NULL, NULL); }
    /* (uint64_t)1: a C typedef's name is an identifier to the lexer */
    | "(" IDENT ")" cast_operand    { $$ = pa_node(N_CAST, &@$, pa_type(&@2, NULL, $2), $4, NULL, NULL); }
    ;

postfix
    : primary
    | postfix "." field_name        { $$ = pa_member(&@$, $1, $3, false); }
    | postfix "->" field_name       { $$ = pa_member(&@$, $1, $3, true); }
    | postfix "." INT               { $$ = pa_tuple_index(&@$, $1, $3); }
    | postfix "[" expr "]"          { $$ = pa_index(&@$, $1, $3); }
    | postfix "++"                  { $$ = ast_new_op(N_INCDEC, &@$, OP_POST_INC, $1, NULL); }
    | postfix "--"                  { $$ = ast_new_op(N_INCDEC, &@$, OP_POST_DEC, $1, NULL); }
    ;

/* What "(NAME)" casts: not a block or "(...)", which follow "if (x)" */
cast_operand
    : INT                           { $$ = pa_int(N_INT, &@$, $1); }
    | var
    | map
    | cast_operand "." field_name   { $$ = pa_member(&@$, $1, $3, false); }
    | cast_operand "->" field_name  { $$ = pa_member(&@$, $1, $3, true); }
    | cast_operand "[" expr "]"     { $$ = pa_node(N_INDEX, &@$, $1, $3, NULL, NULL); }
    ;

field_name
    : IDENT
    | TYPE
    ;

primary
    : INT                           { $$ = pa_int(N_INT, &@$, $1); }
    | STRING
    | BOOL                          { $$ = pa_int(N_BOOL, &@$, $1); }
    | IDENT                         { $$ = pa_named(N_IDENT, &@$, $1); }
    | POSITIONAL                    { $$ = pa_int(N_POSITIONAL, &@$, $1); }
    | "$#"                          { $$ = ast_new(N_POSITIONAL_COUNT, &@$); }
    | var
    | map
    | call
    | block_expr
    | if_expr
    | "(" IDENT ")"                 { $$ = pa_named(N_IDENT, &@2, $2); }
    | "(" expr ")"                  { $$ = $2; }
    | "(" ")"                       { $$ = pa_node(N_TUPLE, &@$, NULL, NULL, NULL, NULL); }
    | "(" expr "," ")"              { $$ = pa_node(N_TUPLE, &@$, $2, NULL, NULL, NULL); }
    | "(" expr "," expr_list ")"    { $$ = pa_node(N_TUPLE, &@$, pa_cons($2, $4), NULL, NULL, NULL); }
    | "(" record_fields ")"         { $$ = pa_node(N_RECORD, &@$, $2.head, NULL, NULL, NULL); }
    | "sizeof" "(" type ")"         { $$ = pa_node(N_SIZEOF, &@$, $3, NULL, NULL, NULL); }
    | "sizeof" "(" expr ")"         { $$ = pa_node(N_SIZEOF, &@$, $3, NULL, NULL, NULL); }
    | "typeinfo" "(" type ")"       { $$ = pa_typeinfo(&@$, &@3, $3); }
    | "typeinfo" "(" expr ")"       { $$ = pa_typeinfo(&@$, &@3, $3); }
    | "offsetof" "(" type "," field_path ")" { $$ = pa_offsetof(&@$, $3, $5); }
    | "offsetof" "(" IDENT "," field_path ")" { $$ = pa_offsetof(&@$, pa_type(&@3, NULL, $3), $5); }
    ;

/* if/else as a value, where an expression is expected (the lexer tells
 * IF_EXPR from a statement's "if"): both branches are blocks with a value. */
if_expr
    : IF_EXPR expr block_expr "else" block_expr { $$ = pa_node(N_TERNARY, &@$, $2, $3, $5, NULL); }
    | IF_EXPR expr block_expr "else" if_tail { $$ = pa_node(N_TERNARY, &@$, $2, $3, $5, NULL); }
    ;

if_tail
    : "if" expr block_expr "else" block_expr { $$ = pa_node(N_TERNARY, &@$, $2, $3, $5, NULL); }
    | "if" expr block_expr "else" if_tail { $$ = pa_node(N_TERNARY, &@$, $2, $3, $5, NULL); }
    ;

var
    : VAR                           { $$ = pa_named(N_VAR, &@$, $1); }
    ;

map
    : MAP %prec MAP_NO_KEYS         { $$ = pa_map(&@$, $1, NULL); }
    | MAP "[" expr_list "]"         { $$ = pa_map(&@$, $1, $3.head); }
    ;

call
    : IDENT "(" ")"                 { $$ = pa_call(&@$, $1, NULL); }
    | IDENT "(" call_args ")"       { $$ = pa_call(&@$, $1, $3.head); }
    ;

/* A type, written typeof(...), may be passed to a macro. */
call_args
    : call_arg                      { $$ = pa_list_add((struct pa_list){0}, $1); }
    | call_args "," call_arg        { $$ = pa_list_add($1, $3); }
    ;

call_arg
    : expr
    | typeof
    ;

expr_list
    : expr                          { $$ = pa_list_add((struct pa_list){0}, $1); }
    | expr_list "," expr            { $$ = pa_list_add($1, $3); }
    ;

record_fields
    : record_field                  { $$ = pa_list_add((struct pa_list){0}, $1); }
    | record_fields "," record_field { $$ = pa_list_add($1, $3); }
    ;

record_field
    : IDENT "=" expr                { $$ = pa_field(&@$, $3, $1, false); $$->kind = N_RECORD_FIELD; }
    ;

field_path
    : field_name
    | field_path "." field_name     { $$ = pa_path_join($1, $3); }
    ;

type
    : type_base
    | type "*"                      { $$ = pa_type_ptr(&@$, $1); }
    | type "[" INT "]"              { $$ = pa_type_array(&@$, $1, $3); }
    | type "[" "]"                  { $$ = pa_type_array(&@$, $1, 0); }
    ;

type_base
    : TYPE                          { $$ = pa_type(&@$, NULL, $1); }
    | STRUCT IDENT                  { $$ = pa_type(&@$, $1, $2); }
    | STRUCT TYPE                   { $$ = pa_type(&@$, $1, $2); }
    | typeof
    ;

typeof
    : "typeof" "(" type ")"         { $$ = pa_node(N_TYPE, &@$, $3, NULL, NULL, NULL); }
    | "typeof" "(" expr ")"         { $$ = pa_node(N_TYPE, &@$, $3, NULL, NULL, NULL); }
    ;

%%

/* The tokens a syntax error's wording depends on (syntax_error.c). */
static unsigned expect_flag(yysymbol_kind_t sym)
{
    switch (sym) {
    case YYSYMBOL_VAR: return SX_EXPR;
    case YYSYMBOL_LBRACE: return SX_LBRACE;
    case YYSYMBOL_ATTACH: return SX_ATTACH;
    case YYSYMBOL_IDENT: return SX_IDENT;
    case YYSYMBOL_ASSIGN: return SX_ASSIGN;
    case YYSYMBOL_LPAREN: return SX_LPAREN;
    default: return 0;
    }
}

static int yyreport_syntax_error(const yypcontext_t *yyctx, void *scanner, struct parse_ctx *ctx)
{
    (void)scanner;
    yysymbol_kind_t expected[YYNTOKENS];
    int n = yypcontext_expected_tokens(yyctx, expected, YYNTOKENS);
    unsigned expect = 0;
    for (int i = 0; i < n; i++)
        expect |= expect_flag(expected[i]);
    syntax_error(ctx, expect);
    return 0;
}

/* Only bison's own failures come here: syntax errors go to the report above. */
static void trawk_yyerror(TRAWK_YYLTYPE *lloc, void *scanner, struct parse_ctx *ctx,
                          const char *msg)
{
    (void)lloc;
    (void)scanner;
    if (!strcmp(msg, "memory exhausted")) /* bison's stack limit, YYMAXDEPTH */
        diag_error(ctx->d, &ctx->err_loc, E_LIMIT, "program is nested too deeply");
    else
        diag_error(ctx->d, &ctx->err_loc, E_SYNTAX, "%s", msg);
}
