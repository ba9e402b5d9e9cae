/* A flame graph as a self-contained SVG: no script, one <g> per frame with
 * a <title> for hover text. The samples arrive sorted root first (see
 * out_prof_finish), so equal prefixes are neighbours and each frame is one
 * run of samples: frames open while the stacks agree and are drawn when
 * the next stack leaves them, as in a depth-first walk of the merged tree. */
#include <inttypes.h>
#include <string.h>

#include "profile.h"
#include "str_hash.h"

#define SVG_WIDTH 1200
#define SVG_PAD 10
#define SVG_FRAME_H 16
#define SVG_TOP 50     /* the title and the sample count */
#define SVG_FONT_W 7.0 /* average glyph width at font-size 12 */
#define SVG_MIN_W 0.1  /* narrower frames are left out */
#define SVG_MAX_DEPTH 1024

/* A frame of the combined stack: the map's name (when several maps are
 * drawn) or an interned frame. */
struct svg_frame {
    const char *name;
    enum out_frame_kind kind;
};

struct svg_open {
    struct svg_frame f;
    uint64_t start;
};

struct svg {
    struct out_str *s;
    uint64_t total;
    int height;
    struct svg_open open[SVG_MAX_DEPTH];
    int nopen;
};

/* Text for XML: markup characters escaped, bytes XML cannot hold replaced. */
static void put_xml(struct out_str *s, const char *text, size_t max) {
    size_t n = 0;
    for (const unsigned char *c = (const unsigned char *)text; *c && n < max; c++, n++) {
        switch (*c) {
        case '&':
            out_str_puts(s, "&amp;");
            break;
        case '<':
            out_str_puts(s, "&lt;");
            break;
        case '>':
            out_str_puts(s, "&gt;");
            break;
        case '"':
            out_str_puts(s, "&quot;");
            break;
        default:
            out_str_putc(s, *c < 0x20 || *c >= 0x7f ? '?' : (char)*c);
        }
    }
}

/* Warm colours for user code, orange-brown for the kernel, blue-grey for
 * the other keys, so a mixed graph shows where each part runs. */
static void put_colour(struct out_str *s, const struct svg_frame *f, bool root) {
    uint32_t h = str_hash(f->name);
    unsigned a = h & 0xff, b = (h >> 8) & 0xff, c = (h >> 16) & 0xff;
    unsigned r, g, bl;
    if (root) {
        r = g = bl = 200;
    } else if (f->kind == OUT_FRAME_KERNEL) {
        r = 200 + a * 40 / 255, g = 110 + b * 60 / 255, bl = 30 + c * 30 / 255;
    } else if (f->kind == OUT_FRAME_KEY) {
        r = 140 + a * 40 / 255, g = 170 + a * 40 / 255, bl = 210 + b * 40 / 255;
    } else {
        r = 225 + a * 30 / 255, g = 60 + b * 170 / 255, bl = 40 + c * 40 / 255;
    }
    out_str_fmt(s, "rgb(%u,%u,%u)", r, g, bl);
}

static void draw(struct svg *v, const struct svg_frame *f, int depth, uint64_t start,
                 uint64_t end) {
    double scale = (double)(SVG_WIDTH - 2 * SVG_PAD) / (double)(v->total ? v->total : 1);
    double x = SVG_PAD + (double)start * scale, w = (double)(end - start) * scale;
    if (w < SVG_MIN_W)
        return;
    int y = v->height - SVG_PAD - (depth + 1) * SVG_FRAME_H;
    struct out_str *s = v->s;
    out_str_puts(s, "<g><title>");
    put_xml(s, f->name, SIZE_MAX);
    uint64_t n = end - start;
    out_str_fmt(s, " (%" PRIu64 " sample%s, %.2f%%)</title><rect x=\"%.1f\" y=\"%d\" ", n,
                n == 1 ? "" : "s", 100.0 * (double)n / (double)(v->total ? v->total : 1), x, y);
    out_str_fmt(s, "width=\"%.1f\" height=\"%d\" rx=\"2\" fill=\"", w, SVG_FRAME_H - 1);
    put_colour(s, f, depth == 0);
    out_str_puts(s, "\"/>");
    size_t fit = w > 6 ? (size_t)((w - 6) / SVG_FONT_W) : 0;
    if (fit >= 3) {
        size_t len = strlen(f->name);
        out_str_fmt(s, "<text x=\"%.1f\" y=\"%d\">", x + 3, y + SVG_FRAME_H - 4);
        put_xml(s, f->name, len <= fit ? len : fit - 2);
        out_str_puts(s, len <= fit ? "" : "..");
        out_str_puts(s, "</text>");
    }
    out_str_puts(s, "</g>\n");
}

/* Draws the open frames above depth keep (which stay open), at x = end. */
static void close_to(struct svg *v, int keep, uint64_t end) {
    while (v->nopen > keep) {
        v->nopen--;
        draw(v, &v->open[v->nopen].f, v->nopen + 1, v->open[v->nopen].start, end);
    }
}

static void frame_at(const struct out_profiles *p, const struct out_profile *pr,
                     const struct out_sample *smp, uint32_t i, struct svg_frame *f) {
    if (p->n > 1 && i-- == 0) {
        *f = (struct svg_frame){pr->name, OUT_FRAME_KEY};
        return;
    }
    const struct out_frame *of = &p->frames[smp->frames[i]];
    *f = (struct svg_frame){of->name, of->kind};
}

/* Frames are interned, so equal frames have the same name pointer. */
static bool same(const struct svg_frame *a, const struct svg_frame *b) {
    return a->name == b->name && a->kind == b->kind;
}

static void walk(struct svg *v, const struct out_profiles *p) {
    uint64_t x = 0;
    for (size_t i = 0; i < p->n; i++) {
        const struct out_profile *pr = &p->v[i];
        for (size_t j = 0; j < pr->n; j++) {
            const struct out_sample *smp = &pr->v[j];
            uint32_t n = smp->nframes + (p->n > 1);
            if (n > SVG_MAX_DEPTH - 1)
                n = SVG_MAX_DEPTH - 1;
            int common = 0;
            struct svg_frame f;
            for (; common < v->nopen && (uint32_t)common < n; common++) {
                frame_at(p, pr, smp, (uint32_t)common, &f);
                if (!same(&f, &v->open[common].f))
                    break;
            }
            close_to(v, common, x);
            for (uint32_t k = (uint32_t)common; k < n; k++) {
                frame_at(p, pr, smp, k, &v->open[v->nopen].f);
                v->open[v->nopen++].start = x;
            }
            x += smp->count;
        }
    }
    close_to(v, 0, x);
}

static uint32_t max_depth(const struct out_profiles *p) {
    uint32_t d = 0;
    for (size_t i = 0; i < p->n; i++)
        for (size_t j = 0; j < p->v[i].n; j++)
            if (p->v[i].v[j].nframes > d)
                d = p->v[i].v[j].nframes;
    d += p->n > 1;
    return d < SVG_MAX_DEPTH - 1 ? d : SVG_MAX_DEPTH - 1;
}

void out_flame_svg_write(struct out_str *s, const struct out_profiles *p, const char *title) {
    struct svg v = {.s = s};
    for (size_t i = 0; i < p->n; i++)
        v.total += p->v[i].total;
    v.height = SVG_TOP + (int)(max_depth(p) + 1) * SVG_FRAME_H + 2 * SVG_PAD;
    out_str_puts(s, "<?xml version=\"1.0\" standalone=\"no\"?>\n");
    out_str_fmt(s,
                "<svg version=\"1.1\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                "xmlns=\"http://www.w3.org/2000/svg\">\n",
                SVG_WIDTH, v.height, SVG_WIDTH, v.height);
    out_str_puts(s, "<style>text { font-family: Verdana, sans-serif; font-size: 12px; "
                    "fill: #000; } .title { font-size: 17px; } rect:hover { stroke: #000; "
                    "stroke-width: 0.5; }</style>\n");
    out_str_fmt(s, "<rect width=\"100%%\" height=\"100%%\" fill=\"#f8f8f8\"/>\n");
    out_str_fmt(s, "<text class=\"title\" x=\"%d\" y=\"24\" text-anchor=\"middle\">",
                SVG_WIDTH / 2);
    put_xml(s, title, SIZE_MAX);
    out_str_fmt(
        s, "</text>\n<text x=\"%d\" y=\"42\" text-anchor=\"middle\">%" PRIu64 " samples</text>\n",
        SVG_WIDTH / 2, v.total);
    struct svg_frame all = {"all", OUT_FRAME_KEY};
    draw(&v, &all, 0, 0, v.total);
    walk(&v, p);
    out_str_puts(s, "</svg>\n");
}
