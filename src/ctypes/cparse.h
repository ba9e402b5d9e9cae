/* The C declaration parser's tokens and state, shared by clex.c (tokens),
 * cparse.c (declarations), cdecl.c (specifiers and declarators), cexpr.c
 * (constant expressions) and typename.c. */
#ifndef TRAWK_CTYPES_CPARSE_H
#define TRAWK_CTYPES_CPARSE_H

#include "ctypes/ctypes_impl.h"

enum ctok_kind { CT_EOF, CT_IDENT, CT_NUM, CT_CHAR, CT_STR, CT_PUNCT };

struct ctok {
    enum ctok_kind kind;
    const char *s; /* into the text; not NUL-terminated */
    int len;
    int line, col;
};

/* Splits text into tokens, skipping comments and preprocessor lines; the
 * array ends with a CT_EOF token. Returns the count without it. */
int ct_lex(const char *text, struct ctok **out);

struct cparser {
    struct ctypes *c;
    const struct ctok *toks;
    int pos;
    int body;                 /* depth of struct/union/enum bodies: errors in them are reported */
    int depth;                /* nesting, bounded so that garbage cannot exhaust the stack */
    bool failed;              /* the current top-level item did not parse */
    bool typename_mode;       /* parsing a lone type name: an identifier at the end is a type */
    struct cspec *decl_attrs; /* where a member declarator's packed/aligned go, or NULL */
    struct diag *d;           /* NULL: errors go to err */
    int line_off;
    int col_off; /* added to columns on the text's first line */
    char *err;
    size_t errsz;
    int nreported;
};

/* Declaration specifiers: the base type and what modifies it. */
struct cspec {
    const struct type *ty;
    bool plain_char; /* "char" without signed/unsigned: its arrays are strings */
    bool is_typedef;
    bool packed;
    uint32_t aligned;
};

struct cspec;
/* Token helpers. */
const struct ctok *cp_tok(const struct cparser *p);
const struct ctok *cp_peek(const struct cparser *p, int ahead);
bool cp_is(const struct cparser *p, const char *s);
bool cp_tok_is(const struct ctok *t, const char *s);
bool cp_accept(struct cparser *p, const char *s);
bool cp_expect(struct cparser *p, const char *s);
void cp_next(struct cparser *p);
/* Sets failed; reports at the current token when inside a body. Returns NULL. */
void *cp_fail(struct cparser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Skips a balanced (...) / [...] / {...} group starting at the current token. */
void cp_skip_group(struct cparser *p);
/* Skips __attribute__((...)), [[...]], asm(...) and the like, noting packed and aligned. */
void cp_skip_attrs(struct cparser *p, struct cspec *s);
char *cp_ident(const struct cparser *p); /* malloc'ed copy of the current identifier */

/* Whether the current token can start a type name (for casts and sizeof). */
bool cp_starts_type(struct cparser *p);
bool cp_specifiers(struct cparser *p, struct cspec *s);
/* A declarator applied to base: *name is set (malloc'ed) unless abstract. */
const struct type *cp_declarator(struct cparser *p, const struct cspec *base, char **name,
                                 bool *is_func);
/* A type name: specifiers and an abstract declarator. */
const struct type *cp_type_name(struct cparser *p);
/* A constant expression (conditional-expression level). */
bool cp_const_expr(struct cparser *p, int64_t *out);
/* struct/union/enum specifiers; the keyword is the current token. */
const struct type *cp_record(struct cparser *p, struct cspec *s);
const struct type *cp_enum(struct cparser *p, struct cspec *s);

#endif
