#include "hist.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define BAR_WIDTH 52

uint64_t hist_bucket_index(int64_t v, int bits) {
    if (v < 0)
        return 0;
    uint64_t u = (uint64_t)v;
    uint64_t mask = (1ull << bits) - 1;
    if (u <= mask)
        return u + 1;
    int l = 63 - __builtin_clzll(u);
    l -= bits;
    uint64_t x = (u >> l) & mask;
    return (((uint64_t)l + 1) << bits) + x + 1;
}

uint64_t lhist_bucket_index(int64_t v, int64_t min, int64_t max, int64_t step) {
    if (v < min)
        return 0;
    if (v > max)
        return 1 + (uint64_t)(max - min) / (uint64_t)step;
    return 1 + (uint64_t)(v - min) / (uint64_t)step;
}

/* A bucket bound: a plain number (two adjacent plain bounds make a
 * one-value bucket) or a text with a K/M/... suffix. */
struct bound {
    bool exists; /* false: the open end of lhist's overflow bucket */
    bool plain;
    int64_t v;
    char text[32];
};

uint64_t hist_bucket_low(uint64_t j, int k) {
    if (j <= (2ull << k))
        return j;
    uint64_t n = 1ull << k;
    uint64_t power = (j >> k) - 1;
    uint64_t m = n + (j & (n - 1));
    /* The last buckets' bounds pass 2^64: they end at the largest value. */
    if (power >= 64 || m > (UINT64_MAX >> power))
        return UINT64_MAX;
    return m << power;
}

static void plain_bound(struct bound *b, int64_t v) {
    b->exists = b->plain = true;
    b->v = v;
    snprintf(b->text, sizeof(b->text), "%" PRId64, v);
}

static void hist_bound(struct bound *b, uint64_t j, int k) {
    if (j <= (2ull << k)) {
        plain_bound(b, (int64_t)j);
        return;
    }
    uint64_t n = 1ull << k;
    uint64_t interval = j & (n - 1);
    uint64_t power = (j >> k) - 1;
    uint64_t decade = power / 10;
    if (decade > 6)
        decade = 6;
    power -= 10 * decade;
    b->exists = true;
    b->plain = false;
    snprintf(b->text, sizeof(b->text), "%" PRIu64 "%.1s",
             (uint64_t)(1ull << power) * (n + interval), &"\0KMGTPE"[decade]);
}

static void lhist_bound(struct bound *b, int64_t number, int64_t step) {
    const int64_t kilo = 1024, mega = 1024 * 1024;
    if (step % kilo != 0) {
        plain_bound(b, number);
        return;
    }
    b->exists = true;
    b->plain = false;
    if (number != 0 && number % mega == 0)
        snprintf(b->text, sizeof(b->text), "%" PRId64 "M", number / mega);
    else if (number != 0 && number % kilo == 0)
        snprintf(b->text, sizeof(b->text), "%" PRId64 "K", number / kilo);
    else
        snprintf(b->text, sizeof(b->text), "%" PRId64, number);
}

static void label(char *out, size_t size, const struct bound *lo, const struct bound *hi) {
    if (!lo)
        snprintf(out, size, "(..., %s)", hi->text);
    else if (!hi->exists)
        snprintf(out, size, "[%s, ...)", lo->text);
    else if (lo->plain && hi->plain && lo->v + 1 == hi->v)
        snprintf(out, size, "[%s]", lo->text);
    else
        snprintf(out, size, "[%s, %s)", lo->text, hi->text);
}

static void row(struct out_str *s, const char *lbl, uint64_t count, uint64_t max) {
    int bar = max ? (int)((float)count / (float)max * BAR_WIDTH) : 0;
    if (bar > BAR_WIDTH)
        bar = BAR_WIDTH;
    out_str_fmt(s, "%-16s%8" PRIu64 " |", lbl, count);
    out_str_fill(s, '@', (size_t)bar);
    out_str_fill(s, ' ', (size_t)(BAR_WIDTH - bar));
    out_str_puts(s, "|\n");
}

/* bpftrace looks for non-zero buckets through an int, so counts it sees as
 * zero or negative there are skipped; the same test is kept here. */
static bool nonzero(uint64_t c) {
    return (int32_t)(uint32_t)c > 0;
}

static bool span(const uint64_t *counts, size_t n, size_t *first, size_t *last) {
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        if (!nonzero(counts[i]))
            continue;
        if (!any)
            *first = i;
        *last = i;
        any = true;
    }
    return any;
}

void hist_render(struct out_str *s, const uint64_t *counts, size_t n, int bits, uint64_t div) {
    size_t first = 0, last = 0;
    if (!span(counts, n, &first, &last))
        return;
    if (div == 0)
        div = 1;
    uint64_t max = 0;
    for (size_t i = first; i <= last; i++)
        if (counts[i] / div > max)
            max = counts[i] / div;
    for (size_t i = first; i <= last; i++) {
        struct bound lo, hi;
        char lbl[80];
        hist_bound(&hi, i, bits);
        if (i > 0)
            hist_bound(&lo, i - 1, bits);
        label(lbl, sizeof(lbl), i > 0 ? &lo : NULL, &hi);
        row(s, lbl, counts[i] / div, max);
    }
}

void lhist_render(struct out_str *s, const uint64_t *counts, size_t n, int64_t min, int64_t max,
                  int64_t step) {
    size_t first = 0, last = 0;
    if (step <= 0 || !span(counts, n, &first, &last))
        return;
    uint64_t top = 0;
    for (size_t i = first; i <= last; i++)
        if (counts[i] > top)
            top = counts[i];
    for (size_t i = first; i <= last; i++) {
        struct bound lo, hi;
        char lbl[80];
        int64_t upper = min + (int64_t)i * step;
        memset(&hi, 0, sizeof(hi));
        if (upper <= max)
            lhist_bound(&hi, upper, step);
        if (i > 0)
            lhist_bound(&lo, upper - step, step);
        label(lbl, sizeof(lbl), i > 0 ? &lo : NULL, &hi);
        row(s, lbl, counts[i], top);
    }
}
