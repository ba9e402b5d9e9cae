/* Printing kstack and ustack values; see stack.h for the formats. */
#include "stack.h"

#include <bpf/bpf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "value.h"

/* bpftrace indents the frames of its own mode by this many spaces. */
#define STACK_INDENT 8

/* Decimal without printf: frames are most of the text printed at exit. */
static void put_u64(struct out_str *s, uint64_t v) {
    char buf[24];
    size_t i = sizeof(buf);
    do
        buf[--i] = (char)('0' + v % 10);
    while (v /= 10);
    out_str_putn(s, buf + i, sizeof(buf) - i);
}

static void frame_text(struct out_str *s, enum stack_mode mode, bool user, uint64_t ip,
                       out_sym_fn fn, void *ctx) {
    struct rt_sym sym;
    bool known = fn && fn(ctx, ip, &sym) == 0;
    if (mode == STACK_PERF)
        out_str_fmt(s, "\t%" PRIx64 " ", ip);
    else
        out_str_fill(s, ' ', STACK_INDENT);
    if (known) {
        out_str_puts(s, sym.name);
        out_str_putc(s, '+');
        put_u64(s, sym.offset);
    } else
        out_str_fmt(s, "0x%" PRIx64, ip);
    if (mode == STACK_PERF && user)
        out_str_fmt(s, " (%s)", known && sym.module ? sym.module : "[unknown]");
    out_str_putc(s, '\n');
}

void out_stack_text(struct out_str *s, enum stack_mode mode, bool user, const uint64_t *ips, int n,
                    out_sym_fn fn, void *ctx) {
    out_str_putc(s, '\n');
    for (int i = 0; i < n; i++) {
        if (mode == STACK_RAW || mode == STACK_BUILD_ID)
            out_str_fmt(s, "%" PRIx64 "\n", ips[i]);
        else
            frame_text(s, mode, user, ips[i], fn, ctx);
    }
}

/* ctx points to the pid whose symbols name the frames (-1: the kernel). */
static int resolve(void *ctx, uint64_t addr, struct rt_sym *sym) {
    return out_sym_lookup(*(const int *)ctx, addr, sym);
}

static const struct map_desc *stack_map(const struct manifest *m, const struct type *t) {
    char name[32];
    snprintf(name, sizeof(name), ".%cstack%s_%u", t->stack_user ? 'u' : 'k',
             t->stack_mode == STACK_BUILD_ID ? "_bid" : "", t->stack_limit);
    for (int i = 0; m && i < m->nmaps; i++)
        if (strcmp(m->maps[i].name, name) == 0)
            return &m->maps[i];
    return NULL;
}

/* Reads the frames of stack id into ips (map->value_size bytes); returns
 * how many there are (the map zero-fills past the last). */
static int read_frames(const struct map_desc *map, int64_t id, uint64_t *ips) {
    uint32_t key = (uint32_t)id;
    if (id < 0 || !map || map->fd < 0 || bpf_map_lookup_elem(map->fd, &key, ips) != 0)
        return 0;
    int n = 0;
    while ((uint32_t)n < map->value_size / 8 && ips[n])
        n++;
    return n;
}

void out_stack_seen(const struct manifest *m, const struct type *t, const void *p) {
    struct out_str s;
    out_str_init(&s);
    out_fmt_value(&s, m, t, p); /* the text is dropped: the tables stay loaded */
    out_str_free(&s);
}

/* func of a uretprobe the kernel could not tell (TYPE_USYM_BY_PROBE): the
 * last component of the probe's name, "uretprobe:FILE:FUNC". */
static bool fmt_probe_func(struct out_str *s, const struct manifest *m, uint64_t addr) {
    if ((addr & TYPE_USYM_BY_PROBE) != TYPE_USYM_BY_PROBE)
        return false;
    const char *name = out_probe_name(m, addr & ~TYPE_USYM_BY_PROBE);
    const char *colon = name ? strrchr(name, ':') : NULL;
    if (!colon)
        return false;
    out_str_puts(s, colon + 1);
    return true;
}

/* ksym and usym: the name alone, or the address in hex. */
void out_fmt_sym(struct out_str *s, const struct manifest *m, const struct type *t, const void *p) {
    uint64_t addr, pid = 0;
    memcpy(&addr, p, 8);
    if (t->kind == T_USYM)
        memcpy(&pid, (const uint8_t *)p + 8, 8);
    if (t->kind == T_USYM && fmt_probe_func(s, m, addr))
        return;
    struct rt_sym sym;
    if (out_sym_lookup(t->kind == T_USYM ? (int)pid : -1, addr, &sym) == 0)
        out_str_puts(s, sym.name);
    else if (addr == 0)
        out_str_putc(s, '0'); /* bpftrace's "0x" base prefix is left off zero */
    else
        out_str_fmt(s, "0x%" PRIx64, addr);
}

int out_stack_frames(const struct manifest *m, const struct type *t, const void *p, uint64_t **ips,
                     int *pid) {
    int64_t id;
    uint64_t upid = 0;
    memcpy(&id, p, 8);
    if (t->stack_user)
        memcpy(&upid, (const uint8_t *)p + 8, 8);
    *pid = t->stack_user ? (int)upid : -1;
    const struct map_desc *map = stack_map(m, t);
    *ips = calloc(map ? map->value_size / 8 + 1 : 1, 8);
    if (!*ips)
        abort();
    /* build_id frames are not addresses: nothing to fold or symbolize */
    int n = map && t->stack_mode != STACK_BUILD_ID ? read_frames(map, id, *ips) : 0;
    return n > t->stack_limit ? t->stack_limit : n;
}

/* build_id frames: "BUILDID 0xOFFSET" where the kernel found the file's
 * build id, the bare address in hex where it did not. */
static void fmt_build_id_stack(struct out_str *s, const struct manifest *m, const struct type *t,
                               const void *p) {
    const struct map_desc *map = stack_map(m, t);
    int64_t id;
    memcpy(&id, p, 8);
    uint32_t key = (uint32_t)id,
             cap = map ? map->value_size / sizeof(struct bpf_stack_build_id) : 0;
    struct bpf_stack_build_id *f = calloc(cap + 1, sizeof(*f));
    if (!f)
        abort();
    out_str_putc(s, '\n');
    if (id < 0 || !map || map->fd < 0 || bpf_map_lookup_elem(map->fd, &key, f) != 0)
        cap = 0;
    for (uint32_t i = 0; i < cap && i < t->stack_limit && f[i].status != BPF_STACK_BUILD_ID_EMPTY;
         i++) {
        if (f[i].status != BPF_STACK_BUILD_ID_VALID) {
            out_str_fmt(s, "%llx\n", (unsigned long long)f[i].ip);
            continue;
        }
        for (int b = 0; b < BPF_BUILD_ID_SIZE; b++)
            out_str_fmt(s, "%02x", f[i].build_id[b]);
        out_str_fmt(s, " 0x%02llx\n", (unsigned long long)f[i].offset);
    }
    free(f);
}

void out_fmt_stack(struct out_str *s, const struct manifest *m, const struct type *t,
                   const void *p) {
    if (t->stack_dwarf) {
        out_fmt_dw_stack(s, t, p);
        return;
    }
    if (t->stack_mode == STACK_BUILD_ID) {
        fmt_build_id_stack(s, m, t, p);
        return;
    }
    uint64_t *ips;
    int pid;
    int n = out_stack_frames(m, t, p, &ips, &pid);
    bool raw = t->stack_mode == STACK_RAW || t->stack_mode == STACK_BUILD_ID;
    out_stack_text(s, t->stack_mode, t->stack_user, ips, n, raw ? NULL : resolve, &pid);
    free(ips);
}
