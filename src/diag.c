/* Diagnostics in bpftrace's shape: a "FILE:L:C-C: ERROR: msg" header, the
 * source line and a "~" underline under the offending columns. */
#include "diag.h"

#include <stdlib.h>
#include <string.h>

enum { DIAG_TAB_WIDTH = 4 }; /* bpftrace prints each tab as four spaces */

void diag_init(struct diag *d, const char *filename, const char *source, FILE *out) {
    memset(d, 0, sizeof(*d));
    d->filename = filename ? filename : "stdin";
    d->source = source ? source : "";
    d->out = out ? out : stderr;
}

/* Finds line `line` (1-based) of the source; sets *len to its length
 * without the newline (and without a trailing \r). NULL if there is none. */
static const char *diag_find_line(const struct diag *d, int file, int line, size_t *len) {
    const char *p = file > 0 && file <= d->nfiles ? d->files[file - 1].source : d->source;
    for (int i = 1; i < line; i++) {
        p = strchr(p, '\n');
        if (!p)
            return NULL;
        p++;
    }
    const char *end = strchr(p, '\n');
    size_t n = end ? (size_t)(end - p) : strlen(p);
    if (n && p[n - 1] == '\r')
        n--;
    *len = n;
    return p;
}

static void diag_put_line(const struct diag *d, int file, int line) {
    size_t len = 0;
    const char *p = diag_find_line(d, file, line, &len);
    for (size_t i = 0; p && i < len; i++) {
        if (p[i] == '\t')
            fprintf(d->out, "%*s", DIAG_TAB_WIDTH, "");
        else
            fputc(p[i], d->out);
    }
    fputc('\n', d->out);
}

/* Spaces up to column c1, then one "~" per display column of [c1, c2)
 * that lies on the line; tabs count as four columns on both sides. */
static void diag_put_underline(const struct diag *d, int file, int line, int c1, int c2) {
    size_t len = 0;
    const char *p = diag_find_line(d, file, line, &len);
    for (int c = 1; c < c2; c++) {
        size_t i = (size_t)(c - 1);
        if (c >= c1 && i >= len)
            break; /* like bpftrace, never underline past the end of the line */
        int width = (p && i < len && p[i] == '\t') ? DIAG_TAB_WIDTH : 1;
        for (int k = 0; k < width; k++)
            fputc(c < c1 ? ' ' : '~', d->out);
    }
    fputc('\n', d->out);
}

static void diag_vreport(struct diag *d, const struct loc *l, const char *level, const char *fmt,
                         va_list ap) {
    if (!l || l->first_line <= 0) {
        fprintf(d->out, "%s: ", level);
        vfprintf(d->out, fmt, ap);
        fputc('\n', d->out);
        return;
    }
    const char *name =
        l->file > 0 && l->file <= d->nfiles ? d->files[l->file - 1].name : d->filename;
    if (l->last_line > l->first_line) {
        fprintf(d->out, "%s:%d-%d: %s: ", name, l->first_line, l->last_line, level);
        vfprintf(d->out, fmt, ap);
        fputc('\n', d->out);
        for (int line = l->first_line; line <= l->last_line; line++)
            diag_put_line(d, l->file, line);
        return;
    }
    fprintf(d->out, "%s:%d:%d-%d: %s: ", name, l->first_line, l->first_column, l->last_column,
            level);
    vfprintf(d->out, fmt, ap);
    fputc('\n', d->out);
    diag_put_line(d, l->file, l->first_line);
    diag_put_underline(d, l->file, l->first_line, l->first_column, l->last_column);
}

static void diag_report(struct diag *d, const struct loc *l, const char *level, const char *fmt,
                        ...) {
    va_list ap;
    va_start(ap, fmt);
    diag_vreport(d, l, level, fmt, ap);
    va_end(ap);
}

/* The macro calls that l was copied for, innermost first; bpftrace prints
 * them at the message's own level (ERROR or WARNING), not counted. */
static void diag_put_expansions(struct diag *d, const struct loc *l, const char *level) {
    int id = l ? l->expansion : 0;
    for (int n = 0; id > 0 && id <= d->nexpansions && n < d->nexpansions; n++) {
        const struct loc *call = &d->expansions[id - 1];
        diag_report(d, call, level, "expanded from");
        id = call->expansion;
    }
}

int diag_expansion_add(struct diag *d, const struct loc *call) {
    struct loc *p = realloc(d->expansions, sizeof(*p) * (size_t)(d->nexpansions + 1));
    if (!p)
        abort();
    d->expansions = p;
    p[d->nexpansions++] = *call;
    return d->nexpansions;
}

int diag_file_add(struct diag *d, const char *name, const char *source) {
    struct diag_file *p = realloc(d->files, sizeof(*p) * (size_t)(d->nfiles + 1));
    if (!p)
        abort();
    d->files = p;
    p[d->nfiles].name = strdup(name);
    p[d->nfiles].source = strdup(source);
    if (!p[d->nfiles].name || !p[d->nfiles].source)
        abort();
    return ++d->nfiles;
}

void diag_free(struct diag *d) {
    for (int i = 0; i < d->nfiles; i++) {
        free(d->files[i].name);
        free(d->files[i].source);
    }
    free(d->files);
    d->files = NULL;
    d->nfiles = 0;
    free(d->expansions);
    d->expansions = NULL;
    d->nexpansions = 0;
}

/* A missing probe under missing_probes = warn/ignore. */
static void diag_vmissing(struct diag *d, const struct loc *l, const char *fmt, va_list ap) {
    d->nmissing++;
    if (d->missing == DIAG_MISSING_IGNORE)
        return;
    char msg[512];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    diag_warning(d, l, "%s Skipping.", msg);
}

void diag_verror(struct diag *d, const struct loc *l, enum diag_code code, const char *fmt,
                 va_list ap) {
    if (code == E_UNKNOWN_PROBE && d->missing != DIAG_MISSING_ERROR) {
        diag_vmissing(d, l, fmt, ap);
        return;
    }
    diag_vreport(d, l, "ERROR", fmt, ap);
    if (!d->context_follows)
        diag_put_expansions(d, l, "ERROR");
    d->nerrors++;
    d->last_code = code;
}

void diag_error_expansions(struct diag *d, const struct loc *l) {
    diag_put_expansions(d, l, "ERROR");
}

void diag_vwarning(struct diag *d, const struct loc *l, const char *fmt, va_list ap) {
    if (d->no_warnings)
        return;
    FILE *out = d->out;
    if (d->held)
        d->out = d->held;
    diag_vreport(d, l, "WARNING", fmt, ap);
    diag_put_expansions(d, l, "WARNING");
    d->out = out;
}

void diag_warning_hint(struct diag *d, const char *text) {
    if (!d->no_warnings)
        fprintf(d->held ? d->held : d->out, "HINT: %s\n", text);
}

void diag_error(struct diag *d, const struct loc *l, enum diag_code code, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    diag_verror(d, l, code, fmt, ap);
    va_end(ap);
}

void diag_warning(struct diag *d, const struct loc *l, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    diag_vwarning(d, l, fmt, ap);
    va_end(ap);
}

void diag_plain_error(struct diag *d, enum diag_code code, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    diag_vreport(d, NULL, "ERROR", fmt, ap);
    va_end(ap);
    d->nerrors++;
    d->last_code = code;
}

struct loc loc_span(const struct loc *a, const struct loc *b) {
    struct loc l = {a->first_line,  a->first_column, b->last_line,
                    b->last_column, a->expansion,    a->file};
    return l;
}
