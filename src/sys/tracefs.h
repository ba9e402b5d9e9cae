/* tracefs: where tracepoints are listed, described and numbered. */
#ifndef TRAWK_TRACEFS_H
#define TRAWK_TRACEFS_H

#include <stdbool.h>
#include <stdint.h>

/* The tracefs mount point, mounting tracefs at /sys/kernel/tracing when it is
 * not mounted (needs root). Returns NULL and fills err (a sentence without a
 * trailing newline) when tracefs cannot be found or mounted. The answer is
 * cached for the life of the process. */
const char *tracefs_dir(char *err, int errsize);

struct tp_field {
    char *name;
    char *type; /* C type as written in the format file, e.g. "const char *" */
    char *decl; /* the whole declaration as written, for -lv: "__u8 saddr[4]" */
    uint32_t offset;
    uint32_t size;
    bool is_signed;
    bool is_ptr;      /* the C type ends with '*' */
    bool is_data_loc; /* "__data_loc char[] name": u32 (len << 16 | offset) */
    bool is_string;   /* char name[N] or __data_loc char[] */
    bool is_common;   /* common_* fields, not shown by -lv */
};

struct tp_format {
    char *category;
    char *event;
    int id;
    int nfields;
    struct tp_field *fields;
};

/* Parses the text of an events/CAT/EVENT/format file. Returns 0 or -1. */
int tp_format_parse(const char *text, struct tp_format *out);
/* Reads and parses events/CAT/EVENT/format; caches nothing. NULL if absent. */
struct tp_format *tracefs_format(const char *category, const char *event);
void tp_format_free(struct tp_format *f);
/* Frees what tp_format_parse put in *f (for a struct tp_format not on the heap). */
void tp_format_clear(struct tp_format *f);
const struct tp_field *tp_format_field(const struct tp_format *f, const char *name);

/* Calls fn for every tracepoint whose category and event match the globs
 * (fnmatch: * and ?), in sorted order. Stops early when fn returns non-zero
 * and returns that value; returns -1 if tracefs is unavailable. */
typedef int (*tracefs_event_fn)(const char *category, const char *event, void *arg);
int tracefs_foreach_event(const char *cat_glob, const char *event_glob, tracefs_event_fn fn,
                          void *arg);

/* The numeric id of events/CAT/EVENT/id, or -1. */
int tracefs_event_id(const char *category, const char *event);

#endif
