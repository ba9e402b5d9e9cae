/* Lines of segments for --fmt (see fmt_buf.h). */
#include "parser/fmt_buf.h"

#include <stdlib.h>
#include <string.h>

struct seg {
    char *s;
    bool comment;
};

struct line {
    struct seg *segs;
    size_t n, cap;
};

struct fb {
    struct line *lines;
    size_t n, cap;
};

static void *xrealloc(void *p, size_t size) {
    p = realloc(p, size);
    if (!p) {
        fputs("trawk: out of memory\n", stderr);
        abort();
    }
    return p;
}

static char *xstrdup(const char *s) {
    char *d = strdup(s);
    if (!d)
        abort();
    return d;
}

static struct line *last(struct fb *b) {
    return &b->lines[b->n - 1];
}

struct fb *fb_break(struct fb *b) {
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 4;
        b->lines = xrealloc(b->lines, b->cap * sizeof(*b->lines));
    }
    b->lines[b->n++] = (struct line){0};
    return b;
}

struct fb *fb_new(void) {
    struct fb *b = calloc(1, sizeof(*b));
    if (!b)
        abort();
    return fb_break(b);
}

void fb_free(struct fb *b) {
    if (!b)
        return;
    for (size_t i = 0; i < b->n; i++) {
        for (size_t j = 0; j < b->lines[i].n; j++)
            free(b->lines[i].segs[j].s);
        free(b->lines[i].segs);
    }
    free(b->lines);
    free(b);
}

static void push(struct line *l, struct seg s) {
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 4;
        l->segs = xrealloc(l->segs, l->cap * sizeof(*l->segs));
    }
    l->segs[l->n++] = s;
}

struct fb *fb_text(struct fb *b, const char *s) {
    push(last(b), (struct seg){xstrdup(s), false});
    return b;
}

struct fb *fb_comment(struct fb *b, const char *s) {
    push(last(b), (struct seg){xstrdup(s), true});
    return b;
}

static bool all_space(const char *s) {
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r' && *s != '\v' && *s != '\f')
            return false;
    return true;
}

/* The line as printed: a comment after text gets a space; the last
 * segment's comment is a line comment, earlier ones block comments. */
static char *reify(const struct line *l, size_t *len) {
    char *out;
    size_t size;
    FILE *f = open_memstream(&out, &size);
    if (!f)
        abort();
    bool blank = true;
    for (size_t i = 0; i < l->n; i++) {
        const struct seg *s = &l->segs[i];
        if (!s->comment) {
            fputs(s->s, f);
            blank = blank && all_space(s->s);
            continue;
        }
        if (!blank)
            fputc(' ', f);
        if (i + 1 < l->n)
            fprintf(f, "/* %s */", s->s);
        else if (s->s[0])
            fprintf(f, "// %s", s->s);
        else
            fputs("//", f);
    }
    fclose(f);
    *len = size;
    return out;
}

static size_t columns(const struct line *l) {
    size_t n;
    free(reify(l, &n));
    return n;
}

struct fb *fb_append(struct fb *b, struct fb *other, size_t indent, bool align) {
    if (fb_lines(other) == 0) {
        fb_free(other);
        return b;
    }
    size_t col = columns(last(b));
    if (indent > 0) {
        fb_break(b);
        col = indent;
    }
    for (size_t i = 0; i < other->n; i++) {
        struct line *src = &other->lines[i];
        if (align && col != 0 && last(b)->n == 0) {
            char *pad = malloc(col + 1);
            if (!pad)
                abort();
            memset(pad, ' ', col);
            pad[col] = 0;
            push(last(b), (struct seg){pad, false});
        }
        for (size_t j = 0; j < src->n; j++)
            push(last(b), src->segs[j]);
        src->n = 0; /* moved */
        if (indent > 0 || i + 1 < other->n)
            fb_break(b);
    }
    fb_free(other);
    return b;
}

struct fb *fb_meta(struct fb *b, struct fmt_meta *m, int min_vspace) {
    if (min_vspace < 0) {
        for (size_t i = m->lo; i < m->hi; i++)
            if (m->e[i].comment)
                fb_comment(b, m->e[i].comment);
        return b;
    }
    for (int i = 0; i < min_vspace; i++)
        fb_break(b);
    int vspace = 0;
    for (size_t i = m->lo; i < m->hi; i++) {
        if (m->e[i].comment) {
            fb_comment(b, m->e[i].comment);
            fb_break(b);
        } else if (vspace++ >= min_vspace) {
            fb_break(b);
        }
    }
    return b;
}

size_t fb_width(const struct fb *b) {
    size_t w = 0;
    for (size_t i = 0; i < b->n; i++) {
        size_t c = columns(&b->lines[i]);
        if (c > w)
            w = c;
    }
    return w;
}

size_t fb_lines(const struct fb *b) {
    return b->lines[b->n - 1].n == 0 ? b->n - 1 : b->n;
}

void fb_print(const struct fb *b, FILE *out) {
    size_t n = fb_lines(b);
    for (size_t i = 0; i < n; i++) {
        size_t len;
        char *s = reify(&b->lines[i], &len);
        while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n' ||
                           s[len - 1] == '\r' || s[len - 1] == '\v' || s[len - 1] == '\f'))
            len--;
        fwrite(s, 1, len, out);
        fputc('\n', out);
        free(s);
    }
}
