/* speedscope's JSON file format (https://www.speedscope.app/file-format-schema.json):
 * the interned frames are its shared frame table, each map a "sampled"
 * profile whose stacks list frame indices root first, weighted by count. */
#include <inttypes.h>

#include "profile.h"

/* A JSON string; bytes outside ASCII become '?' so that the file is valid
 * UTF-8 whatever a key held. */
static void put_json_str(struct out_str *s, const char *text) {
    out_str_putc(s, '"');
    for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
        if (*c == '"' || *c == '\\')
            out_str_fmt(s, "\\%c", *c);
        else if (*c < 0x20)
            out_str_fmt(s, "\\u%04x", *c);
        else
            out_str_putc(s, *c >= 0x7f ? '?' : (char)*c);
    }
    out_str_putc(s, '"');
}

static void put_frames(struct out_str *s, const struct out_profiles *p) {
    out_str_puts(s, "\"shared\":{\"frames\":[");
    for (uint32_t i = 0; i < p->nframes; i++) {
        out_str_puts(s, i ? ",\n{\"name\":" : "\n{\"name\":");
        put_json_str(s, p->frames[i].name);
        out_str_putc(s, '}');
    }
    out_str_puts(s, "]}");
}

static void put_profile(struct out_str *s, const struct out_profile *pr) {
    out_str_puts(s, "{\"type\":\"sampled\",\"name\":");
    put_json_str(s, pr->name);
    out_str_fmt(s, ",\"unit\":\"none\",\"startValue\":0,\"endValue\":%" PRIu64 ",\n\"samples\":[",
                pr->total);
    for (size_t j = 0; j < pr->n; j++) {
        out_str_puts(s, j ? ",\n[" : "\n[");
        for (uint32_t k = 0; k < pr->v[j].nframes; k++)
            out_str_fmt(s, k ? ",%" PRIu32 : "%" PRIu32, pr->v[j].frames[k]);
        out_str_putc(s, ']');
    }
    out_str_puts(s, "],\n\"weights\":[");
    for (size_t j = 0; j < pr->n; j++)
        out_str_fmt(s, j ? ",%" PRIu64 : "%" PRIu64, pr->v[j].count);
    out_str_puts(s, "]}");
}

void out_speedscope_write(struct out_str *s, const struct out_profiles *p, const char *name) {
    out_str_puts(s, "{\"$schema\":\"https://www.speedscope.app/file-format-schema.json\",\n");
    put_frames(s, p);
    out_str_puts(s, ",\n\"profiles\":[");
    for (size_t i = 0; i < p->n; i++) {
        if (i)
            out_str_puts(s, ",\n");
        put_profile(s, &p->v[i]);
    }
    out_str_puts(s, "],\n\"name\":");
    put_json_str(s, name);
    out_str_puts(s, ",\"activeProfileIndex\":0,\"exporter\":\"trawk\"}\n");
}
