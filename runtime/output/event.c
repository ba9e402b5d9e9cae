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

static void print_value(FILE *out, const struct manifest *m, const struct event_desc *ev,
                        const uint8_t *rec, uint32_t size) {
    if (ev->nargs < 1 || !ev->args[0].ty)
        return;
    const struct event_arg *a = &ev->args[0];
    if ((uint64_t)a->offset + a->ty->size > size)
        return;
    struct out_str s;
    out_str_init(&s);
    out_fmt_value(&s, m, a->ty, rec + a->offset);
    out_str_putc(&s, '\n');
    out_str_write(&s, out);
    out_str_free(&s);
}

static void print_time(FILE *out, const char *fmt) {
    char buf[TIME_BUF];
    time_t t = time(NULL);
    struct tm tm;
    if (!localtime_r(&t, &tm))
        return;
    size_t n = strftime(buf, sizeof(buf), fmt ? fmt : "%H:%M:%S\n", &tm);
    if (n)
        fwrite(buf, 1, n, out);
}

static void print_formatted(FILE *out, const struct manifest *m, const struct event_desc *ev,
                            const uint8_t *rec, uint32_t size) {
    struct out_str s;
    out_str_init(&s);
    out_printf(&s, m, ev->fmt ? ev->fmt : "", ev->args, ev->nargs, rec, size);
    out_str_write(&s, out);
    out_str_free(&s);
}

/* join(): the strings up to the first empty one, separated, on one line. */
static void print_join(FILE *out, const struct event_desc *ev, const uint8_t *rec, uint32_t size) {
    const char *sep = ev->fmt ? ev->fmt : " ";
    for (uint32_t i = 0; i < JOIN_ARGNUM; i++) {
        uint32_t off = (uint32_t)sizeof(struct event_header) + i * JOIN_ARGSIZE;
        if (off + JOIN_ARGSIZE > size || !rec[off])
            break;
        fprintf(out, "%s%.*s", i ? sep : "", JOIN_ARGSIZE, (const char *)rec + off);
    }
    fputc('\n', out);
}

static const struct map_desc *event_map(const struct manifest *m, const struct event_desc *ev) {
    return ev->map >= 0 && ev->map < m->nmaps ? &m->maps[ev->map] : NULL;
}

static void map_op(const char *what, const struct map_desc *d, int err) {
    if (err)
        fprintf(stderr, "ERROR: failed to %s map %s: %s\n", what, d->name, strerror(-err));
}

void out_event(FILE *out, const struct manifest *m, const void *rec, uint32_t size) {
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
        print_formatted(out, m, ev, rec, size);
        break;
    case EV_PRINT:
        print_value(out, m, ev, rec, size);
        break;
    case EV_TIME:
        print_time(out, ev->fmt);
        break;
    case EV_PRINT_MAP:
        if (d)
            out_print_map(out, m, d, ev->top, ev->div);
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
        print_join(out, ev, rec, size);
        break;
    case EV_SYSTEM:
        out_system(out, m, ev, rec, size);
        break;
    case EV_CAT:
        out_cat(out, m, ev, rec, size);
        break;
    case EV_DIAGF:
        print_formatted(stderr, m, ev, rec, size);
        break;
    case EV_EXIT:
        break;
    }
}
