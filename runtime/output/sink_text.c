/* The text format: bpftrace's default output. Program output goes to the
 * sink's stream; probe and lost-event notices to stderr. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "sink.h"
#include "value.h"

static void text_message(const struct out_sink *o, enum out_msg kind, const char *text, size_t n) {
    fwrite(text, 1, n, o->f);
    if (out_msg_info(kind)->text_newline)
        fputc('\n', o->f);
}

static void text_value(const struct out_sink *o, const struct manifest *m, const struct type *t,
                       const void *p) {
    struct out_str s;
    out_str_init(&s);
    out_fmt_value(&s, m, t, p);
    out_str_putc(&s, '\n');
    out_str_write(&s, o->f);
    out_str_free(&s);
}

static void text_map(const struct out_sink *o, const struct manifest *m, const struct map_desc *d,
                     const struct out_rows *r, uint64_t top, uint64_t div, bool empty_scalar) {
    struct out_str s;
    out_str_init(&s);
    s.spill = o->f;
    out_render_map(&s, m, d, r, top, div, empty_scalar);
    out_str_write(&s, o->f);
    out_str_free(&s);
}

static void text_lost(const struct out_sink *o, uint64_t n) {
    (void)o;
    fprintf(stderr, "Lost %llu events\n", (unsigned long long)n);
}

static void text_attached(const struct out_sink *o, int n) {
    (void)o;
    fprintf(stderr, "Attached %d probe%s\n", n, n == 1 ? "" : "s");
}

/* bpftrace ends its main loop with two newlines, then dumps the maps
 * back to back (a histogram brings its own trailing blank line). */
static void text_end(const struct out_sink *o) {
    fputs("\n\n", o->f);
}

/* A warning at the expression, with bpftrace's second line. */
static void text_helper_error(const struct out_sink *o, const char *helper, int64_t retcode,
                              const struct loc *loc) {
    const char *msg = strcmp(helper, "map_lookup_elem") == 0
                          ? "Can't lookup map element because it does not exist."
                      : strcmp(helper, "map_update_elem") == 0 && retcode == -E2BIG
                          ? "Map full; can't update element. Try increasing max_map_keys config "
                            "or manually setting the max entries in a map declaration e.g. `let "
                            "@a = hash(5000)`"
                          : strerror((int)-retcode);
    if (o->diag)
        diag_warning(o->diag, loc, "%s\nAdditional Info - helper: %s, retcode: %lld", msg, helper,
                     (long long)retcode);
}

static void text_diagf(const struct out_sink *o, bool error, const char *framed, const char *msg,
                       const struct loc *loc) {
    (void)o, (void)error, (void)msg, (void)loc;
    fflush(stdout);
    fputs(framed, stderr);
}

static void text_bench_result(const struct out_sink *o, const char *name, uint64_t average_ns,
                              uint64_t iters, int width, bool first) {
    if (first) {
        fprintf(o->f, "%-*s%-15s%s\n", width + 1, "Benchmark", "Time(ns)", "Iterations");
        for (int i = 0; i < width + 1 + 15 + 10; i++)
            fputc('-', o->f);
        fputc('\n', o->f);
    }
    fprintf(o->f, "%-*s%-15" PRIu64 "%" PRIu64 "\n", width + 1, name, average_ns, iters);
}

const struct out_sink_ops out_sink_text_ops = {
    .message = text_message,
    .value = text_value,
    .map = text_map,
    .lost_events = text_lost,
    .attached_probes = text_attached,
    .end = text_end,
    .diagf = text_diagf,
    .helper_error = text_helper_error,
    .bench_result = text_bench_result,
};
