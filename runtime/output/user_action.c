/* The user-space half of system() and cat(): the program sends the format
 * arguments, user space formats the command or file name and runs or reads
 * it, printing into the output. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "output.h"
#include "printf.h"
#include "strbuf.h"
#include "user_action.h"

static void format(struct out_str *s, const struct manifest *m, const struct event_desc *ev,
                   const uint8_t *rec, uint32_t size) {
    out_str_init(s);
    out_printf(s, m, ev->fmt ? ev->fmt : "", ev->args, ev->nargs, rec, size);
}

/* Copies up to max bytes (0: all) of in to out. */
static void copy_stream(FILE *in, FILE *out, uint64_t max) {
    char buf[4096];
    uint64_t done = 0;
    size_t n;
    while ((!max || done < max) && (n = fread(buf, 1, sizeof(buf), in)) > 0) {
        if (max && n > max - done)
            n = (size_t)(max - done);
        fwrite(buf, 1, n, out);
        done += n;
    }
}

void out_system(FILE *out, const struct manifest *m, const struct event_desc *ev,
                const uint8_t *rec, uint32_t size) {
    struct out_str cmd;
    format(&cmd, m, ev, rec, size);
    fflush(out);
    FILE *p = popen(cmd.p, "r");
    if (!p) {
        fprintf(stderr, "ERROR: failed to run '%s': %s\n", cmd.p, strerror(errno));
    } else {
        copy_stream(p, out, 0);
        pclose(p);
    }
    out_str_free(&cmd);
}

void out_cat(FILE *out, const struct manifest *m, const struct event_desc *ev, const uint8_t *rec,
             uint32_t size) {
    struct out_str path;
    format(&path, m, ev, rec, size);
    FILE *f = fopen(path.p, "r");
    if (!f) {
        fprintf(stderr, "ERROR: failed to open file '%s' (%s)\n", path.p, strerror(errno));
    } else {
        copy_stream(f, out, ev->top);
        fclose(f);
    }
    out_str_free(&path);
}
