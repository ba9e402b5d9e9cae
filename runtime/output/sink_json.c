/* The JSON format (-f json): every message is one JSON object on one line
 * of the sink's stream, notices included. */
#include <inttypes.h>
#include <string.h>

#include "json.h"
#include "json_value.h"
#include "sink.h"

static void json_write(const struct out_sink *o, struct out_str *s) {
    out_str_write(s, o->f);
    out_str_free(s);
}

static void json_message(const struct out_sink *o, enum out_msg kind, const char *text, size_t n) {
    struct out_str s;
    out_str_init(&s);
    json_begin(&s, out_msg_info(kind)->json_type);
    json_string(&s, text, n);
    json_end(&s);
    json_write(o, &s);
}

static void json_value(const struct out_sink *o, const struct manifest *m, const struct type *t,
                       const void *p) {
    struct out_str s;
    out_str_init(&s);
    json_begin(&s, "value");
    out_json_value(&s, m, t, p, 0);
    json_end(&s);
    json_write(o, &s);
}

static void json_map(const struct out_sink *o, const struct manifest *m, const struct map_desc *d,
                     const struct out_rows *r, uint64_t top, uint64_t div, bool empty_scalar) {
    struct out_str s;
    out_str_init(&s);
    out_json_map(&s, m, d, r, top, div, empty_scalar);
    json_write(o, &s);
}

/* These two carry their number twice, as "count" and inside "data". */
static void json_lost(const struct out_sink *o, uint64_t n) {
    fprintf(o->f,
            "{\"type\": \"lost_events\", \"count\": %" PRIu64 ", \"data\": {\"events\": %" PRIu64
            "}}\n",
            n, n);
}

static void json_attached(const struct out_sink *o, int n) {
    fprintf(o->f, "{\"type\": \"attached_probes\", \"count\": %d, \"data\": {\"probes\": %d}}\n", n,
            n);
}

static void json_end_loop(const struct out_sink *o) {
    (void)o;
}

static void json_helper_error(const struct out_sink *o, const char *helper, int64_t retcode,
                              const struct loc *loc) {
    struct out_str s;
    out_str_init(&s);
    out_str_puts(&s, "{\"type\": \"helper_error\", \"msg\": ");
    json_cstring(&s, strerror((int)-retcode));
    out_str_puts(&s, ", \"helper\": ");
    json_cstring(&s, helper);
    out_str_puts(&s, ", \"retcode\": ");
    json_int(&s, (uint64_t)retcode, true);
    out_str_puts(&s, ", \"filename\": ");
    json_cstring(&s, o->diag && o->diag->filename ? o->diag->filename : "stdin");
    out_str_fmt(&s, ", \"line\": %d, \"col\": %d}\n", loc->first_line, loc->first_column);
    json_write(o, &s);
}

static void json_diagf(const struct out_sink *o, bool error, const char *framed, const char *msg,
                       const struct loc *loc) {
    (void)framed;
    struct out_str s;
    out_str_init(&s);
    out_str_fmt(&s, "{\"type\": \"%s\", \"msg\": ", error ? "errorf" : "warnf");
    json_cstring(&s, msg);
    out_str_puts(&s, ", \"filename\": ");
    json_cstring(&s, o->diag && o->diag->filename ? o->diag->filename : "stdin");
    out_str_fmt(&s, ", \"line\": %d, \"col\": %d}\n", loc->first_line, loc->first_column);
    json_write(o, &s);
}

static void json_bench_result(const struct out_sink *o, const char *name, uint64_t average_ns,
                              uint64_t iters, int width, bool first) {
    (void)width, (void)first;
    struct out_str s;
    out_str_init(&s);
    json_begin(&s, "benchmark_result");
    out_str_puts(&s, "{");
    json_cstring(&s, name);
    out_str_fmt(&s, ": {\"average\": %" PRIu64 ", \"iters\": %" PRIu64 "}}", average_ns, iters);
    json_end(&s);
    json_write(o, &s);
}

const struct out_sink_ops out_sink_json_ops = {
    .message = json_message,
    .value = json_value,
    .map = json_map,
    .lost_events = json_lost,
    .attached_probes = json_attached,
    .end = json_end_loop,
    .diagf = json_diagf,
    .helper_error = json_helper_error,
    .bench_result = json_bench_result,
};
