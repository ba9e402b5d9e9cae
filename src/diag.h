/* Source locations and diagnostics printed the way bpftrace prints them:
 *
 *   stdin:1:20-21: ERROR: message
 *   BEGIN { $x = 1; $x = "s"; }
 *                      ~
 */
#ifndef TRAWK_DIAG_H
#define TRAWK_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

/* Shaped like bison's YYLTYPE so the parser can use it directly.
 * Lines and columns are 1-based; last_column is exclusive. */
struct loc {
    int first_line;
    int first_column;
    int last_line;
    int last_column;
    /* 0 for text as written; in a copy of a macro's body, the id that
     * diag_expansion_add gave the call it was copied for */
    int expansion;
    /* 0 for the script; otherwise the id diag_file_add gave another text
     * (a module of the standard library, an imported file) */
    int file;
};

/* Stable error codes: tests match these, so rewording a message breaks no test. */
enum diag_code {
    E_NONE = 0,
    E_SYNTAX,        /* parse error */
    E_LEX,           /* bad token, bad escape, unterminated string */
    E_UNKNOWN_FUNC,  /* call of a function that does not exist */
    E_UNKNOWN_IDENT, /* identifier that is no builtin */
    E_UNKNOWN_PROBE, /* provider or probe target that does not exist */
    E_UNKNOWN_FIELD, /* args.x where the probe has no field x */
    E_TYPE,          /* type mismatch */
    E_ARGS,          /* wrong number or kind of call arguments */
    E_PRINTF,        /* format string problems */
    E_UNSUPPORTED,   /* valid bpftrace, not supported by trawk yet */
    E_CONTEXT,       /* builtin/function not allowed in this probe or position */
    E_UNDEFINED,     /* use of a variable or map never assigned */
    E_IO,            /* cannot read script or system file */
    E_LIMIT,         /* exceeds a BPF limit (stack, key size) */
};

struct diag {
    const char *filename; /* "stdin" for -e and - */
    const char *source;   /* whole program text, for printing lines */
    FILE *out;            /* stderr normally; a memstream in tests */
    int nerrors;
    enum diag_code last_code;
    struct loc *expansions; /* macro calls, by expansion id - 1 */
    int nexpansions;
    struct diag_file {
        char *name, *source;
    } * files; /* texts other than the script, by file id - 1 */
    int nfiles;
    /* config missing_probes: a probe that matches nothing (E_UNKNOWN_PROBE)
     * is a warning ("... Skipping.") or passes silently, and is counted here
     * instead of in nerrors */
    enum { DIAG_MISSING_ERROR, DIAG_MISSING_WARN, DIAG_MISSING_IGNORE } missing;
    int nmissing;
    bool no_warnings; /* --no-warnings: warnings are not printed */
    /* when set, warnings are written there instead of out: sema prints its
     * warnings after its errors, as bpftrace prints a pass's errors first */
    FILE *held;
    /* an error's context lines follow it (bpftrace's "left (T)" under a
     * type mismatch): its macro expansions wait for diag_error_expansions */
    bool context_follows;
    int nclang; /* errors printed by diag_clang */
};

void diag_init(struct diag *d, const char *filename, const char *source, FILE *out);

/* Prints "FILE:L:C-C: ERROR: msg", the line and the ~~~ underline; counts the error. */
void diag_error(struct diag *d, const struct loc *l, enum diag_code code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void diag_warning(struct diag *d, const struct loc *l, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The "expanded from" lines of an error at l printed with context_follows. */
void diag_error_expansions(struct diag *d, const struct loc *l);
/* The same for wrappers that take their own variable arguments. */
void diag_verror(struct diag *d, const struct loc *l, enum diag_code code, const char *fmt,
                 va_list ap);
void diag_vwarning(struct diag *d, const struct loc *l, const char *fmt, va_list ap);
/* "HINT: text" after a warning, where the warning went (held or not). */
void diag_warning_hint(struct diag *d, const char *text);
/* An error that has no source location: "ERROR: msg". */
void diag_plain_error(struct diag *d, enum diag_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* diag_clang.c: "definitions.h:LINE:COL: LEVEL: msg" as clang prints it
 * for the C part of a bpftrace script (LEVEL "error", "fatal error" or
 * "note"; a note counts no error); diag_clang_end closes such a report
 * with bpftrace's "Clang parse error". */
void diag_clang(struct diag *d, int line, int col, const char *level, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void diag_clang_end(struct diag *d);

/* Records a macro call being expanded and returns its id for the copied
 * body's locations: a message at such a location is followed by an
 * "expanded from" note at the call, and at the calls around it. */
int diag_expansion_add(struct diag *d, const struct loc *call);
/* Records another text that locations may point into (loc.file) and
 * returns its id; name and source are copied. */
int diag_file_add(struct diag *d, const char *name, const char *source);
/* Frees what diag_expansion_add and diag_file_add kept. */
void diag_free(struct diag *d);

/* Spans two locations: from the start of a to the end of b. */
struct loc loc_span(const struct loc *a, const struct loc *b);

#endif
