/* Dispatch of ring buffer records to their printers. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "map_ops.h"
#include "output.h"
#include "printf.h"
#include "stack.h"
#include "strbuf.h"
#include "user_action.h"
#include "value.h"

/* bpftrace formats time() into a buffer of this size and prints nothing
 * when the result does not fit. */
#define TIME_BUF 64

static void print_value(const struct out_sink *o, const struct manifest *m,
                        const struct event_desc *ev, const uint8_t *rec, uint32_t size) {
    if (ev->nargs < 1 || !ev->args[0].ty)
        return;
    const struct event_arg *a = &ev->args[0];
    if ((uint64_t)a->offset + a->ty->size > size)
        return;
    o->ops->value(o, m, a->ty, rec + a->offset);
}

static void print_time(const struct out_sink *o, const char *fmt) {
    char buf[TIME_BUF];
    time_t t = time(NULL);
    struct tm tm;
    if (!localtime_r(&t, &tm))
        return;
    size_t n = strftime(buf, sizeof(buf), fmt ? fmt : "%H:%M:%S\n", &tm);
    if (n)
        o->ops->message(o, OUT_MSG_TIME, buf, n);
}

static void print_formatted(const struct out_sink *o, const struct manifest *m,
                            const struct event_desc *ev, const uint8_t *rec, uint32_t size) {
    struct out_str s;
    out_str_init(&s);
    out_printf(&s, m, ev->fmt ? ev->fmt : "", ev->args, ev->nargs, rec, size);
    o->ops->message(o, OUT_MSG_PRINTF, s.p ? s.p : "", s.len);
    out_str_free(&s);
}

/* join(): the strings up to the first empty one, separated, on one line. */
static void print_join(const struct out_sink *o, const struct event_desc *ev, const uint8_t *rec,
                       uint32_t size) {
    const char *sep = ev->fmt ? ev->fmt : " ";
    struct out_str s;
    out_str_init(&s);
    for (uint32_t i = 0; i < JOIN_ARGNUM; i++) {
        uint32_t off = (uint32_t)sizeof(struct event_header) + i * JOIN_ARGSIZE;
        if (off + JOIN_ARGSIZE > size || !rec[off])
            break;
        if (i)
            out_str_puts(&s, sep);
        out_str_putn(&s, (const char *)rec + off, strnlen((const char *)rec + off, JOIN_ARGSIZE));
    }
    o->ops->message(o, OUT_MSG_JOIN, s.p ? s.p : "", s.len);
    out_str_free(&s);
}

static void print_helper_error(const struct out_sink *o, const struct event_desc *ev,
                               const uint8_t *rec, uint32_t size) {
    int64_t retcode;
    if (ev->nargs < 1 || ev->args[0].offset + sizeof(retcode) > size)
        return;
    memcpy(&retcode, rec + ev->args[0].offset, sizeof(retcode));
    o->ops->helper_error(o, ev->fmt ? ev->fmt : "unknown", retcode, &ev->args[0].loc);
}

static const struct map_desc *event_map(const struct manifest *m, const struct event_desc *ev) {
    return ev->map >= 0 && ev->map < m->nmaps ? &m->maps[ev->map] : NULL;
}

static void map_op(const char *what, const struct map_desc *d, int err) {
    if (err)
        fprintf(stderr, "ERROR: failed to %s map %s: %s\n", what, d->name, strerror(-err));
}

void out_event(const struct out_sink *o, const struct manifest *m, const void *rec, uint32_t size) {
    struct event_header hdr;
    if (size < sizeof(hdr))
        return;
    memcpy(&hdr, rec, sizeof(hdr));
    if (hdr.event_id >= (uint32_t)m->nevents)
        return;
    const struct event_desc *ev = &m->events[hdr.event_id];
    const struct map_desc *d = event_map(m, ev);
    switch (ev->kind) {
    case EV_PRINTF:
        print_formatted(o, m, ev, rec, size);
        break;
    case EV_PRINT:
        print_value(o, m, ev, rec, size);
        break;
    case EV_TIME:
        print_time(o, ev->fmt);
        break;
    case EV_PRINT_MAP:
        if (d)
            out_print_map(o, m, d, ev->top, ev->div);
        break;
    case EV_CLEAR:
        if (d)
            map_op("clear", d, out_map_clear(d));
        break;
    case EV_ZERO:
        if (d)
            map_op("zero", d, out_map_zero(d));
        break;
    case EV_USTACK:
        if (ev->nargs == 1 && ev->args[0].offset + ev->args[0].ty->size <= size)
            out_stack_seen(m, ev->args[0].ty, (const uint8_t *)rec + ev->args[0].offset);
        break;
    case EV_JOIN:
        print_join(o, ev, rec, size);
        break;
    case EV_HELPER_ERROR:
        print_helper_error(o, ev, rec, size);
        break;
    case EV_SYSTEM:
        out_system(o, m, ev, rec, size);
        break;
    case EV_CAT:
        out_cat(o, m, ev, rec, size);
        break;
    case EV_DIAGF:
        out_diagf(o, m, ev, rec, size);
        break;
    case EV_EXIT:
    case EV_SKBOUTPUT: /* runtime/pcap.c, through its own buffer */
        break;
    }
}
