/* Events user space acts on: errorf() and warnf(), system() and cat().
 * errorf() and warnf(): printf to stderr, framed like a compile message
 * at the call ("FILE:L:C-C: ERROR: " and any "expanded from" notes). The frame is rendered here,
 * once, and becomes part of the event's format. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/cg.h"

#define MARK "\x01"

/* Appends s to out with every '%' doubled, so printf prints it as is. */
static void put_escaped(FILE *out, const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%')
            fputc('%', out);
        fputc(s[i], out);
    }
}

/* The frame of a message at loc around the user's format. */
static char *framed_format(struct cg *cg, const struct loc *loc, bool error, const char *fmt,
                           size_t fmt_len, bool with_source) {
    char *text = NULL, *res = NULL;
    size_t text_len = 0, res_len = 0;
    FILE *mem = open_memstream(&text, &text_len);
    if (!mem)
        return NULL;
    FILE *saved = cg->d->out;
    int nerrors = cg->d->nerrors;
    enum diag_code last = cg->d->last_code;
    cg->d->out = mem;
    if (error)
        diag_error(cg->d, loc, E_ARGS, "%s", MARK);
    else
        diag_warning(cg->d, loc, "%s", MARK);
    cg->d->out = saved;
    cg->d->nerrors = nerrors;
    cg->d->last_code = last;
    fclose(mem);
    const char *mark = text ? strstr(text, MARK) : NULL;
    FILE *out = mark ? open_memstream(&res, &res_len) : NULL;
    if (out) {
        put_escaped(out, text, (size_t)(mark - text));
        fwrite(fmt, 1, fmt_len, out);
        /* bpftrace shows the source only in the "expanded from" notes */
        const char *notes = mark + 1;
        for (int line = 0; line < 3 && notes && !with_source; line++) {
            notes = strchr(notes, '\n');
            notes = notes ? notes + 1 : NULL;
        }
        if (!with_source)
            fputc('\n', out);
        if (notes)
            put_escaped(out, notes, strlen(notes));
        fclose(out);
    }
    free(text);
    return res;
}

/* system(fmt, ...) and cat(fmt, ...): user space formats the command or
 * the file name, then runs or reads it. */
void cg_user_action(struct cg *cg, struct node *call) {
    int id;
    struct event_desc *ev = cg_event_new(cg, call->sym == F_CAT ? EV_CAT : EV_SYSTEM, &id);
    if (!ev)
        return;
    ev->fmt = strndup(call->a->str, call->a->len);
    if (call->sym == F_CAT)
        ev->top = (uint64_t)cg->sema->max_cat_bytes;
    cg_send_record(cg, ev, id, call->a->next);
}

void cg_diagf(struct cg *cg, struct node *call) {
    int id;
    struct event_desc *ev = cg_event_new(cg, EV_DIAGF, &id);
    if (!ev)
        return;
    ev->fmt =
        framed_format(cg, &call->loc, call->sym == F_ERRORF, call->a->str, call->a->len, false);
    if (!ev->fmt) {
        cg_error(cg, &call->loc, E_LIMIT, "out of memory");
        return;
    }
    cg_send_record(cg, ev, id, call->a->next);
}

/* A warning printed when the program reaches this point, with the source
 * line as a compile-time warning has it. */
void cg_runtime_warning(struct cg *cg, const struct loc *loc, const char *msg) {
    int id;
    struct event_desc *ev = cg_event_new(cg, EV_DIAGF, &id);
    if (!ev)
        return;
    ev->fmt = framed_format(cg, loc, false, msg, strlen(msg), true);
    if (!ev->fmt) {
        cg_error(cg, loc, E_LIMIT, "out of memory");
        return;
    }
    cg_send_record(cg, ev, id, NULL);
}
