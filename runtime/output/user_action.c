/* The user-space half of system() and cat(): the program sends the format
 * arguments, user space formats the command or file name and runs or reads
 * it, printing into the output. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "output.h"
#include "printf.h"
#include "sink.h"
#include "strbuf.h"
#include "user_action.h"

static void format(struct out_str *s, const struct manifest *m, const struct event_desc *ev,
                   const uint8_t *rec, uint32_t size) {
    out_str_init(s);
    out_printf(s, m, ev->fmt ? ev->fmt : "", ev->args, ev->nargs, rec, size);
}

/* Reads up to max bytes (0: all) of in into s. */
static void read_stream(FILE *in, struct out_str *s, uint64_t max) {
    char buf[4096];
    uint64_t done = 0;
    size_t n;
    while ((!max || done < max) && (n = fread(buf, 1, sizeof(buf), in)) > 0) {
        if (max && n > max - done)
            n = (size_t)(max - done);
        out_str_putn(s, buf, n);
        done += n;
    }
}

void out_system(const struct out_sink *o, const struct manifest *m, const struct event_desc *ev,
                const uint8_t *rec, uint32_t size) {
    struct out_str cmd, text;
    format(&cmd, m, ev, rec, size);
    out_str_init(&text);
    fflush(o->f);
    FILE *p = popen(cmd.p, "r");
    if (!p) {
        fprintf(stderr, "ERROR: failed to run '%s': %s\n", cmd.p, strerror(errno));
    } else {
        read_stream(p, &text, 0);
        pclose(p);
        o->ops->message(o, OUT_MSG_SYSCALL, text.p ? text.p : "", text.len);
    }
    out_str_free(&text);
    out_str_free(&cmd);
}

void out_cat(const struct out_sink *o, const struct manifest *m, const struct event_desc *ev,
             const uint8_t *rec, uint32_t size) {
    struct out_str path, text;
    format(&path, m, ev, rec, size);
    out_str_init(&text);
    FILE *f = fopen(path.p, "r");
    if (!f) {
        fprintf(stderr, "ERROR: failed to open file '%s' (%s)\n", path.p, strerror(errno));
    } else {
        read_stream(f, &text, ev->top);
        fclose(f);
        o->ops->message(o, OUT_MSG_CAT, text.p ? text.p : "", text.len);
    }
    out_str_free(&text);
    out_str_free(&path);
}

void out_diagf(const struct out_sink *o, const struct manifest *m, const struct event_desc *ev,
               const uint8_t *rec, uint32_t size) {
    struct out_str framed, msg;
    format(&framed, m, ev, rec, size);
    out_str_init(&msg);
    if (ev->diag_fmt)
        out_printf(&msg, m, ev->diag_fmt, ev->args, ev->nargs, rec, size);
    if (ev->diag_fmt)
        o->ops->diagf(o, ev->diag_error, framed.p ? framed.p : "", msg.p ? msg.p : "",
                      &ev->diag_loc);
    else /* a runtime warning of trawk's own: text in either format */
        out_sink_text_ops.diagf(o, false, framed.p ? framed.p : "", "", &ev->diag_loc);
    out_str_free(&msg);
    out_str_free(&framed);
}
