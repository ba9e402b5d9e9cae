/* Internals of the preprocessor: pp-tokens, files, macros and the state of
 * one preproc_run. Everything lives in one arena freed at the end. */
#ifndef TRAWK_PP_H
#define TRAWK_PP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "preproc.h"

/* ---- arena and growable strings (pp_arena.c) ---- */
struct pp_arena {
    struct pp_chunk *chunks;
};
void *pp_alloc(struct pp_arena *a, size_t n); /* zeroed; aborts on OOM */
char *pp_strndup(struct pp_arena *a, const char *s, size_t n);
void pp_arena_free(struct pp_arena *a);

struct pp_buf {
    char *data;
    size_t len, cap;
};
void pp_buf_add(struct pp_buf *b, const char *s, size_t n);
void pp_buf_addc(struct pp_buf *b, char c);
char *pp_buf_take(struct pp_buf *b); /* malloc'd, NUL-terminated; b is emptied */

/* ---- tokens and files (pp_lex.c) ---- */
enum pp_kind {
    PK_IDENT,
    PK_NUMBER,
    PK_STRING,
    PK_CHAR,
    PK_PUNCT,
    PK_OTHER, /* a stray character, or a bpftrace $var / @map that no macro may touch */
    PK_EOF,   /* end of one file */
};

struct pp_file {
    const char *name; /* as printed in errors */
    const char *dir;  /* for "..." includes */
    const char *text;
    bool is_script;   /* tokens go to the script output, not to cdecls */
    int dir_index;    /* search directory it was found in, for #include_next; -1: none */
    struct diag diag; /* prints this file's lines; errors are added to the caller's */
};

struct pp_hide; /* a set of macros a token may not expand again (Prosser's hide set) */

struct pp_tok {
    enum pp_kind kind;
    const char *text; /* not NUL-terminated */
    int len;
    struct pp_file *file;
    int line, col;  /* where it was written, or where its macro was used */
    int start, end; /* byte span in file->text; for expanded tokens, the macro use's */
    bool at_bol;    /* first token of a line */
    bool space;     /* blanks or a comment before it */
    bool expanded;  /* produced by a macro */
    bool no_expand; /* an identifier that must never expand again (C 6.10.3.4p2) */
    struct pp_hide *hide;
    struct pp_tok *next;
};

struct pp_state;
/* Splits a whole file into tokens ending in PK_EOF; script mode keeps $x and
 * @x whole. Line continuations vanish, comments become spaces. */
struct pp_tok *pp_lex(struct pp_state *st, struct pp_file *f);
bool pp_tok_is(const struct pp_tok *t, const char *s);
struct pp_tok *pp_tok_copy(struct pp_state *st, const struct pp_tok *t);
/* A new token with its own text, placed at `at`. */
struct pp_tok *pp_tok_new(struct pp_state *st, enum pp_kind k, const char *text,
                          const struct pp_tok *at);
struct loc pp_tok_loc(const struct pp_tok *t);

/* ---- macros (pp_macro.c) ---- */
struct pp_macro {
    const char *name;
    bool function_like, variadic;
    int nparams;
    const char **params; /* the variadic one is "__VA_ARGS__" */
    struct pp_tok *body; /* ends in PK_EOF */
    struct pp_macro *next;
};

struct pp_macro *pp_macro_find(struct pp_state *st, const char *name, int len);
void pp_macro_undef(struct pp_state *st, const char *name, int len);
/* Defines from the tokens after #define up to the end of its line. Returns -1 after an error. */
int pp_macro_define(struct pp_state *st, struct pp_tok *name_tok, struct pp_tok *rest);
/* Defines NAME as VALUE, given as source text (predefined and -D style). */
void pp_macro_define_str(struct pp_state *st, const char *name, const char *value);
/* If *tp starts a macro use, replaces it in the stream by its expansion and
 * returns true. The stream after it must end in PK_EOF. */
bool pp_expand_one(struct pp_state *st, struct pp_tok **tp);
/* Fully expands a token list ending in PK_EOF (for #if and #include). */
struct pp_tok *pp_expand_all(struct pp_state *st, struct pp_tok *list);

/* ---- #if expressions (pp_expr.c) ---- */
/* Evaluates the tokens of an #if line (ending in PK_EOF); -1 after an error. */
int pp_eval_if(struct pp_state *st, struct pp_tok *dir, struct pp_tok *list, bool *value);

/* ---- include search (pp_search.c) ---- */
/* Finds a header; returns its path (arena) or NULL, and in *dir_index (may
 * be NULL) the search directory it was found in. `next` continues after the
 * directory `from` was found in (#include_next). */
const char *pp_search(struct pp_state *st, const char *name, bool quoted,
                      const struct pp_file *from, bool next, int *dir_index);
/* Reads a found header (a real file or one of the built-in compiler headers). */
const char *pp_read_header(struct pp_state *st, const char *path);
void pp_search_init(struct pp_state *st, const struct preproc_opts *opts);
/* The compiler's own headers (stddef.h, ...), searched last; NULL if none is called `name`. */
const char *pp_builtin_header(const char *name);
/* The macros clang predefines that headers test, and bpftrace's own. */
void pp_predefine(struct pp_state *st, const struct preproc_opts *opts);
/* The kernel's header directories and the macros bpftrace adds with them, when present. */
int pp_kernel_dirs(struct pp_state *st, const char **dirs);

/* ---- directives (pp_directive.c) ---- */
/* Handles the directive whose '#' is *tp; advances *tp past its line. */
void pp_directive(struct pp_state *st, struct pp_tok **tp);
/* Runs when the stream reaches the end of a file: reports open conditionals. */
void pp_file_end(struct pp_state *st, struct pp_tok *eof);
/* The tokens of a header found at `path`, ending in its PK_EOF whose next is
 * `rest`; NULL when it cannot be read or was marked #pragma once. */
struct pp_tok *pp_include_file(struct pp_state *st, const char *path, int dir_index,
                               struct pp_tok *rest);
/* Moves the script's copy cursor to `off`, keeping the newlines it passes. */
void pp_script_skip(struct pp_state *st, int off);

struct pp_cond {
    struct pp_tok *at; /* the #if, for "unterminated" */
    struct pp_file *file;
    bool taken; /* some branch was taken already */
    bool in_else;
    struct pp_cond *up;
};

struct pp_once {
    const char *path;
    struct pp_once *next;
};

enum { PP_MAX_INCLUDE_DEPTH = 200, PP_MAX_ARG_DEPTH = 256, PP_MAX_EXPR_DEPTH = 256, PP_HASH = 256 };

struct pp_state {
    struct pp_arena arena;
    struct diag *d; /* the caller's; header errors are counted in it too */
    struct pp_file *script;
    struct pp_macro *macros[PP_HASH];
    struct pp_cond *conds;
    struct pp_once *once;
    int depth;     /* of #include */
    int arg_depth; /* of macro arguments being expanded */
    /* include search: -I dirs, then the standard ones; kernel dirs as bpftrace */
    const char **dirs;
    int ndirs;
    const char *kconfig; /* the kernel's linux/kconfig.h, forced in first when present */
    /* outputs */
    struct pp_buf script_out, cdecls_out;
    int script_cursor;          /* bytes of the script copied or skipped so far */
    int script_pending_nl;      /* newlines of skipped script text not yet written */
    int script_deferred_nl;     /* newlines inside macro uses, written after their expansion */
    bool script_last_word;      /* the last byte written to the script ends a word */
    bool macro_error;           /* an expansion failed: the script is not worth parsing */
    bool fatal;                 /* a missing include: stop at once, as clang does */
    int script_directive_lines; /* lines of the script's directives so far (missing_include) */
};

/* Errors located at a token, reported in that token's file and counted in st->d. */
void pp_error(struct pp_state *st, const struct pp_tok *t, int ncols, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void pp_warning(struct pp_state *st, const struct pp_tok *t, int ncols, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
