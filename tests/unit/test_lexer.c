/* Lexer tests: token kinds, values and locations, driven through the same
 * wrapper the parser calls. */
#include "test_util.h"

#include "parser.h"
#include "parser/parse_internal.h"
#define YYSTYPE TRAWK_YYSTYPE
#define YYLTYPE TRAWK_YYLTYPE
#include "lexer.h"

int trawk_yylex(YYSTYPE *lval, YYLTYPE *lloc, void *scanner);

enum { MAX_TOKENS = 64 };

struct lexed {
    int n;
    int kind[MAX_TOKENS];
    struct loc loc[MAX_TOKENS];
    char *str[MAX_TOKENS]; /* text of identifier-like tokens, bytes of strings */
    size_t len[MAX_TOKENS];
    uint64_t num[MAX_TOKENS];
    char *errors;
    int nerrors;
    enum diag_code code;
};

/* Lexes text to its end or its first error (T_TRAWK_YYerror, kept as the last token). */
static struct lexed lex_all(const char *text) {
    struct lexed out = {0};
    size_t elen = 0;
    FILE *err = open_memstream(&out.errors, &elen);
    struct diag d;
    diag_init(&d, "stdin", text, err);
    struct parse_ctx ctx = {.d = &d, .line = 1, .col = 1, .run_line = 1, .run_col = 1, .depth = -1};
    yyscan_t scanner;
    assert_int_equal(trawk_yylex_init_extra(&ctx, &scanner), 0);
    YY_BUFFER_STATE buf = trawk_yy_scan_bytes(text, (int)strlen(text), scanner);
    for (;;) {
        YYSTYPE v = {0};
        YYLTYPE l = {0};
        int t = trawk_yylex(&v, &l, scanner);
        assert_true(out.n < MAX_TOKENS);
        out.kind[out.n] = t;
        out.loc[out.n] = l;
        if (t == T_ATTACH || t == T_IDENT || t == T_VAR || t == T_MAP || t == T_TYPE ||
            t == T_STRUCT) {
            out.str[out.n] = v.str;
        } else if (t == T_STRING) {
            out.len[out.n] = v.node->len;
            out.str[out.n] = malloc(v.node->len + 1);
            memcpy(out.str[out.n], v.node->str, v.node->len + 1);
            ast_free(v.node);
        } else if (t == T_INT || t == T_POSITIONAL || t == T_BOOL) {
            out.num[out.n] = v.num;
        }
        out.n++;
        if (t == T_YYEOF || t == T_TRAWK_YYerror)
            break;
    }
    trawk_yy_delete_buffer(buf, scanner);
    trawk_yylex_destroy(scanner);
    free(ctx.buf);
    fclose(err);
    out.nerrors = d.nerrors;
    out.code = d.last_code;
    return out;
}

static void lexed_free(struct lexed *x) {
    for (int i = 0; i < x->n; i++)
        free(x->str[i]);
    free(x->errors);
}

static void assert_kinds(const struct lexed *x, const int *kinds, int n) {
    for (int i = 0; i < n && i < x->n; i++)
        if (x->kind[i] != kinds[i])
            fail_msg("token %d: kind %d, expected %d", i, x->kind[i], kinds[i]);
    assert_int_equal(x->n, n);
}

static void assert_loc(const struct loc *l, int l1, int c1, int l2, int c2) {
    if (l->first_line != l1 || l->first_column != c1 || l->last_line != l2 || l->last_column != c2)
        fail_msg("location %d:%d-%d:%d, expected %d:%d-%d:%d", l->first_line, l->first_column,
                 l->last_line, l->last_column, l1, c1, l2, c2);
}

static void test_attach_points_and_predicate(void **state) {
    (void)state;
    struct lexed x = lex_all("kprobe:vfs_read+4, uprobe:/bin/bash:readline /pid/ {}");
    const int kinds[] = {T_ATTACH,  T_COMMA,  T_ATTACH, T_DIV,  T_IDENT,
                         T_ENDPRED, T_LBRACE, T_RBRACE, T_YYEOF};
    assert_kinds(&x, kinds, 9);
    assert_string_equal(x.str[0], "kprobe:vfs_read+4");
    assert_loc(&x.loc[0], 1, 1, 1, 18);
    assert_string_equal(x.str[2], "uprobe:/bin/bash:readline");
    assert_loc(&x.loc[2], 1, 20, 1, 45);
    assert_loc(&x.loc[3], 1, 46, 1, 47);
    assert_loc(&x.loc[5], 1, 50, 1, 51);
    assert_loc(&x.loc[8], 1, 54, 1, 54);
    lexed_free(&x);
}

/* Between probes, the text after "}" is attach points again. */
static void test_attach_context_returns_after_block(void **state) {
    (void)state;
    struct lexed x = lex_all("BEGIN { if (1) { } } usdt:/p:\"a b\":f,\n  i:s:1 {}");
    const int kinds[] = {T_ATTACH, T_LBRACE, T_IF,     T_LPAREN, T_INT,
                         T_RPAREN, T_LBRACE, T_RBRACE, T_RBRACE, T_ATTACH,
                         T_COMMA,  T_ATTACH, T_LBRACE, T_RBRACE, T_YYEOF};
    assert_kinds(&x, kinds, 15);
    assert_string_equal(x.str[9], "usdt:/p:\"a b\":f");
    assert_string_equal(x.str[11], "i:s:1");
    assert_loc(&x.loc[11], 2, 3, 2, 8);
    lexed_free(&x);
}

static void test_division_vs_end_predicate(void **state) {
    (void)state;
    struct lexed x = lex_all("BEGIN/a / 2/\n{ }");
    const int kinds[] = {T_ATTACH,  T_DIV,    T_IDENT,  T_DIV,  T_INT,
                         T_ENDPRED, T_LBRACE, T_RBRACE, T_YYEOF};
    assert_kinds(&x, kinds, 9);
    assert_string_equal(x.str[0], "BEGIN");
    lexed_free(&x);
}

static void test_config_keyword(void **state) {
    (void)state;
    struct lexed x = lex_all("config = { a = 1 } config:x {}");
    const int kinds[] = {T_CONFIG, T_ASSIGN, T_LBRACE, T_IDENT,  T_ASSIGN, T_INT,
                         T_RBRACE, T_ATTACH, T_LBRACE, T_RBRACE, T_YYEOF};
    assert_kinds(&x, kinds, 11);
    assert_string_equal(x.str[7], "config:x");
    lexed_free(&x);
}

static void test_names(void **state) {
    (void)state;
    /* "if" after a name, where no statement starts, is an if expression */
    struct lexed x = lex_all("BEGIN { @ @m_1 $x $12 $# _ iffy if struct uint32 true false }");
    const int kinds[] = {T_ATTACH,     T_LBRACE, T_MAP,    T_MAP,     T_VAR,    T_POSITIONAL,
                         T_PARAMCOUNT, T_IDENT,  T_IDENT,  T_IF_EXPR, T_STRUCT, T_TYPE,
                         T_BOOL,       T_BOOL,   T_RBRACE, T_YYEOF};
    assert_kinds(&x, kinds, 16);
    assert_string_equal(x.str[2], "@");
    assert_string_equal(x.str[3], "@m_1");
    assert_string_equal(x.str[4], "$x");
    assert_int_equal(x.num[5], 12);
    assert_string_equal(x.str[7], "_");
    assert_string_equal(x.str[8], "iffy");
    assert_int_equal(x.num[12], 1);
    assert_int_equal(x.num[13], 0);
    lexed_free(&x);
}

static void test_operators(void **state) {
    (void)state;
    struct lexed x = lex_all("BEGIN { <<= >>= << >> <= >= == != && || ++ -- -> .. . ?: }");
    const int kinds[] = {T_ATTACH, T_LBRACE, T_SHL_ASSIGN, T_SHR_ASSIGN, T_SHL,  T_SHR,
                         T_LE,     T_GE,     T_EQ,         T_NE,         T_LAND, T_LOR,
                         T_INC,    T_DEC,    T_ARROW,      T_DOTDOT,     T_DOT,  T_QUESTION,
                         T_COLON,  T_RBRACE, T_YYEOF};
    assert_kinds(&x, kinds, 21);
    lexed_free(&x);
}

static void test_numbers(void **state) {
    (void)state;
    struct lexed x = lex_all("BEGIN { 42 0x1f 0755 1_000 1e3 7UL 2ms 1..5 $t.0 }");
    const int kinds[] = {T_ATTACH, T_LBRACE, T_INT, T_INT, T_INT, T_INT, T_INT,    T_INT,  T_INT,
                         T_INT,    T_DOTDOT, T_INT, T_VAR, T_DOT, T_INT, T_RBRACE, T_YYEOF};
    assert_kinds(&x, kinds, 17);
    const uint64_t want[] = {42, 31, 493, 1000, 1000, 7, 2000000, 1};
    for (int i = 0; i < 8; i++)
        assert_int_equal(x.num[2 + i], want[i]);
    assert_int_equal(x.num[11], 5);
    assert_int_equal(x.num[14], 0);
    lexed_free(&x);
}

static void test_strings(void **state) {
    (void)state;
    struct lexed x = lex_all("BEGIN { \"a\\tb\\0c\\x41\\101\\\\\" }");
    assert_int_equal(x.kind[2], T_STRING);
    assert_int_equal(x.len[2], 8);
    assert_memory_equal(x.str[2], "a\tb\0cAA\\", 8);
    assert_loc(&x.loc[2], 1, 9, 1, 28); /* 19 characters with quotes */
    lexed_free(&x);
}

static void test_comments_and_lines(void **state) {
    (void)state;
    struct lexed x = lex_all("#!/usr/bin/bpftrace\n// c\nBEGIN /* a\n b */ {\n\t@x }");
    const int kinds[] = {T_ATTACH, T_LBRACE, T_MAP, T_RBRACE, T_YYEOF};
    assert_kinds(&x, kinds, 5);
    assert_loc(&x.loc[0], 3, 1, 3, 6);
    assert_loc(&x.loc[1], 4, 7, 4, 8);
    assert_loc(&x.loc[2], 5, 2, 5, 4); /* a tab is one column; diag expands it */
    lexed_free(&x);
}

static void test_errors(void **state) {
    (void)state;
    static const struct {
        const char *text;
        enum diag_code code;
        const char *header;
    } cases[] = {
        {"BEGIN { \"\\e\" }", E_LEX,
         "stdin:1:11-12: ERROR: syntax: invalid escape character '\\e'\n"},
        {"BEGIN { \"\\777\" }", E_LEX,
         "stdin:1:10-14: ERROR: syntax: octal escape sequence out of range '\\777'\n"},
        {"BEGIN { 08 }", E_LEX, "stdin:1:9-11: ERROR: syntax: invalid trailing bytes: 08\n"},
        {"BEGIN { 99999999999999999999 }", E_LEX,
         "stdin:1:9-29: ERROR: syntax: overflow error, maximum value is 18446744073709551615: "
         "99999999999999999999\n"},
        {"BEGIN { 300000000d }", E_LEX,
         "stdin:1:9-19: ERROR: syntax: overflow error, maximum value is 18446744073709551615: "
         "300000000d\n"},
        {"BEGIN { } #!x", E_LEX, "stdin:1:11-14: ERROR: invalid character '#'\n"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct lexed x = lex_all(cases[i].text);
        assert_int_equal(x.kind[x.n - 1], T_TRAWK_YYerror);
        assert_int_equal(x.code, cases[i].code);
        assert_int_equal(x.nerrors, 1);
        assert_true(!strncmp(x.errors, cases[i].header, strlen(cases[i].header)));
        lexed_free(&x);
    }
}

/* What bpftrace reports in its parser goes to the grammar as a token: a
 * character no token starts with, the end of an unterminated string (its
 * error waits for the next token) or comment. */
static void test_errors_left_to_the_parser(void **state) {
    (void)state;
    struct lexed x = lex_all("BEGIN { ` }");
    assert_int_equal(x.kind[2], T_BADCHAR);
    assert_int_equal(x.nerrors, 0);
    lexed_free(&x);
    x = lex_all("BEGIN { \"ab\n }");
    assert_int_equal(x.kind[2], T_STRING);
    assert_int_equal(x.kind[3], T_RBRACE);
    lexed_free(&x);
    x = lex_all("BEGIN { /* abc");
    assert_int_equal(x.kind[x.n - 1], T_YYEOF);
    assert_int_equal(x.nerrors, 0);
    lexed_free(&x);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_attach_points_and_predicate),
        cmocka_unit_test(test_attach_context_returns_after_block),
        cmocka_unit_test(test_division_vs_end_predicate),
        cmocka_unit_test(test_config_keyword),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_operators),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_comments_and_lines),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_errors_left_to_the_parser),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
