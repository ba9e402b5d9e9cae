/* Errors bpftrace leaves to clang (its script's C definitions and
 * #include lines, compiled as a file named definitions.h) come out in
 * clang's words and shape; trawk prints those the same way. */
#include <stdarg.h>

#include "diag.h"

void diag_clang(struct diag *d, int line, int col, const char *level, const char *fmt, ...) {
    va_list ap;
    fprintf(d->out, "definitions.h:%d:%d: %s: ", line, col, level);
    va_start(ap, fmt);
    vfprintf(d->out, fmt, ap);
    va_end(ap);
    fputc('\n', d->out);
    if (level[0] != 'n') { /* a note belongs to the error before it */
        d->nerrors++;
        d->nclang++;
        d->last_code = E_SYNTAX;
    }
}

void diag_clang_end(struct diag *d) {
    fprintf(d->out, "Clang parse error\n");
}
