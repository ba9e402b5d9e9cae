/* The comments and blank lines of a script, in text order, for --fmt.
 * A range of them is claimed by the first node printed after them
 * (fmt_meta_before), as bpftrace's printer does with its metadata index. */
#ifndef TRAWK_FMT_META_H
#define TRAWK_FMT_META_H

#include <stddef.h>

struct layout;

struct fmt_entry {
    int line, col;
    char *comment; /* NULL for a blank line */
};

struct fmt_meta {
    const struct fmt_entry *e;
    size_t lo, hi; /* the unclaimed entries */
};

/* Reads the runs of white space and comments the lexer marked in text.
 * Returns the entries (fmt_entries_free frees them), *n their number. */
struct fmt_entry *fmt_entries_read(const char *text, const struct layout *l, size_t *n);
void fmt_entries_free(struct fmt_entry *e, size_t n);
/* Moves the entries that start at or before line:col out of m. */
struct fmt_meta fmt_meta_before(struct fmt_meta *m, int line, int col);

#endif
