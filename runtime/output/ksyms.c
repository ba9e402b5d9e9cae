#include "ksyms.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Data symbols (bss, data, read-only data) are not where code runs. */
static bool is_data(char type) {
    return strchr("bBdDrR", type) != NULL;
}

static int hexval(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* One line "ADDR TYPE NAME[\t[MODULE]]" at p (NUL-terminated); returns
 * false for lines to skip. */
static bool parse_line(char *p, char *base, struct out_ksym *out) {
    uint64_t addr = 0;
    int d;
    for (; (d = hexval(*p)) >= 0; p++)
        addr = addr << 4 | (uint64_t)d;
    if (*p != ' ' || !p[1] || p[2] != ' ' || addr == 0 || addr == UINT64_MAX || is_data(p[1]))
        return false;
    char *name = p + 3;
    name[strcspn(name, " \t")] = 0;
    out->addr = addr;
    out->name = (uint32_t)(name - base);
    return true;
}

static int cmp_ksym(const void *a, const void *b) {
    const struct out_ksym *x = a, *y = b;
    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    return (x->line > y->line) - (x->line < y->line);
}

int out_ksyms_parse(struct out_ksyms *k, char *text, size_t len) {
    memset(k, 0, sizeof(*k));
    k->text = text;
    size_t cap = len / 40 + 16; /* kallsyms lines are about 40 bytes */
    k->v = malloc(cap * sizeof(*k->v));
    if (!k->v)
        return -1;
    bool sorted = true;
    uint32_t line = 0;
    for (char *p = text, *end; p < text + len; p = end + 1, line++) {
        end = memchr(p, '\n', (size_t)(text + len - p));
        if (!end)
            end = text + len;
        *end = 0;
        struct out_ksym sym = {.line = line};
        if (!parse_line(p, text, &sym))
            continue;
        if (k->n == cap) {
            struct out_ksym *v = realloc(k->v, (cap *= 2) * sizeof(*v));
            if (!v)
                return -1;
            k->v = v;
        }
        sorted = sorted && (k->n == 0 || k->v[k->n - 1].addr <= sym.addr);
        k->v[k->n++] = sym;
    }
    /* kallsyms lists the core kernel in address order; modules follow */
    if (!sorted)
        qsort(k->v, k->n, sizeof(*k->v), cmp_ksym);
    return k->n ? 0 : -1;
}

/* /proc files report no size: read until the end. */
static char *read_all(const char *path, size_t *len) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    size_t cap = 1 << 23, n = 0;
    char *buf = malloc(cap + 1);
    ssize_t r = 1;
    while (buf && r > 0) {
        if (n == cap) {
            char *bigger = realloc(buf, (cap *= 2) + 1);
            if (!bigger)
                free(buf);
            buf = bigger;
            if (!buf)
                break;
        }
        r = read(fd, buf + n, cap - n);
        n += r > 0 ? (size_t)r : 0;
    }
    close(fd);
    if (buf && r < 0) {
        free(buf);
        return NULL;
    }
    if (buf)
        buf[n] = 0;
    *len = n;
    return buf;
}

int out_ksyms_load(struct out_ksyms *k, const char *path) {
    size_t len = 0;
    char *text = read_all(path ? path : "/proc/kallsyms", &len);
    memset(k, 0, sizeof(*k));
    if (!text)
        return -1;
    if (out_ksyms_parse(k, text, len) < 0) {
        out_ksyms_free(k);
        return -1;
    }
    return 0;
}

const char *out_ksyms_lookup(const struct out_ksyms *k, uint64_t addr, uint64_t *offset) {
    /* the last symbol at or below addr: of several at one address, the
     * last listed, as bcc's table gives it */
    size_t lo = 0, hi = k->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (k->v[mid].addr <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return NULL;
    *offset = addr - k->v[lo - 1].addr;
    return k->text + k->v[lo - 1].name;
}

void out_ksyms_free(struct out_ksyms *k) {
    free(k->text);
    free(k->v);
    memset(k, 0, sizeof(*k));
}
