/* Where the output format is chosen: a sink is the output stream plus the
 * table of functions that write each kind of message in one format, text
 * (sink_text.c) or JSON (sink_json.c, one object per line). The printers
 * of events and maps build the message's content and hand it to the sink;
 * nothing else knows which format is in use.
 *
 * A new function whose output is a plain text message (like cat or
 * system) adds an enum out_msg entry and its row in out_msg_info (sink.c):
 * its JSON type, and whether text ends it with a newline. */
#ifndef TRAWK_OUT_SINK_H
#define TRAWK_OUT_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "diag.h"
#include "manifest.h"
#include "rows.h"

enum out_format { OUT_FORMAT_TEXT, OUT_FORMAT_JSON };

/* Messages that are text in both formats: {"type": TYPE, "data": "text"}. */
enum out_msg {
    OUT_MSG_PRINTF,
    OUT_MSG_TIME,
    OUT_MSG_JOIN,
    OUT_MSG_CAT,
    OUT_MSG_SYSCALL,
};

struct out_msg_info {
    const char *json_type;
    bool text_newline; /* text appends "\n" to the message */
};
const struct out_msg_info *out_msg_info(enum out_msg kind);

struct out_sink;

struct out_sink_ops {
    void (*message)(const struct out_sink *o, enum out_msg kind, const char *text, size_t n);
    /* print() of a value that is not a map */
    void (*value)(const struct out_sink *o, const struct manifest *m, const struct type *t,
                  const void *p);
    /* print(@m, top, div) and the dump at exit: see out_render_map */
    void (*map)(const struct out_sink *o, const struct manifest *m, const struct map_desc *d,
                const struct out_rows *r, uint64_t top, uint64_t div, bool empty_scalar);
    void (*lost_events)(const struct out_sink *o, uint64_t n);
    void (*attached_probes)(const struct out_sink *o, int n);
    /* the end of the main loop, before the maps are dumped */
    void (*end)(const struct out_sink *o);
    /* errorf()/warnf() at loc: text prints framed (the compile-time frame
     * around the message) on stderr, JSON an object of msg and loc */
    void (*diagf)(const struct out_sink *o, bool error, const char *framed, const char *msg,
                  const struct loc *loc);
    /* -k: helper (its name) returned retcode in the expression at loc */
    void (*helper_error)(const struct out_sink *o, const char *helper, int64_t retcode,
                         const struct loc *loc);
    /* --mode bench: one benchmark's average time per run; text puts a
     * header above the first (names in width columns) */
    void (*bench_result)(const struct out_sink *o, const char *name, uint64_t average_ns,
                         uint64_t iters, int width, bool first);
};

struct out_sink {
    FILE *f;
    const struct out_sink_ops *ops;
    bool buffered;     /* -B full: stdio decides when to write, not each batch of events */
    struct diag *diag; /* the script's name and text, for messages located in it; may be NULL */
};

extern const struct out_sink_ops out_sink_text_ops, out_sink_json_ops;

struct out_sink out_sink_make(FILE *f, enum out_format format, bool buffered);

/* json_map.c: a map as one JSON message (the JSON sink's map). */
void out_json_map(struct out_str *s, const struct manifest *m, const struct map_desc *d,
                  const struct out_rows *r, uint64_t top, uint64_t div, bool empty_scalar);

#endif
