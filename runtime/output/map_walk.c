#include "map_walk.h"

#include <bpf/bpf.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "codegen/insn.h"
#include "rt_internal.h"

/* The walk's fixed cost grows with the map's size (its array has room for
 * every entry, zeroed by the kernel), the batch's with the entries. On
 * 6.18, a map of 200,000 keys: 5 ms against 0.4 ms with 100 entries,
 * even (11 ms) at 20,000, 39 ms against 59 ms at 100,000. The entries are
 * not known beforehand: a map made this big is taken to be filled. */
#define WALK_MIN_ENTRIES 16384

/* Past this (many CPUs' values in every record), the batch instead. */
#define WALK_MAX_BYTES (64u << 20)

#define MAX_INSNS 8192

static uint32_t round8(uint32_t n) {
    return (n + 7) & ~7u;
}

/* TRAWK_MAP_READ, for tests: "batch" never walks, "walk" walks every
 * hash map whatever its size, without falling back to the batch. */
enum out_map_walk out_map_walk_choice(const struct map_desc *d) {
    const char *force = getenv("TRAWK_MAP_READ");
    switch (d->bpf_type) {
    case BPF_MAP_TYPE_HASH:
    case BPF_MAP_TYPE_PERCPU_HASH:
    case BPF_MAP_TYPE_LRU_HASH:
    case BPF_MAP_TYPE_LRU_PERCPU_HASH:
        break;
    default:
        return WALK_NEVER;
    }
    if (force && strcmp(force, "batch") == 0)
        return WALK_NEVER;
    if (force && strcmp(force, "walk") == 0)
        return WALK_ONLY;
    return d->max_entries >= WALK_MIN_ENTRIES ? WALK_FIRST : WALK_NEVER;
}

/* What the walk program is built for. */
struct walk {
    int src, dst;        /* the map, the array copied into */
    uint32_t key_size;   /* the map's */
    uint32_t key_room;   /* key_size 8-byte aligned: the values follow */
    uint32_t value_size; /* one CPU's value */
    uint32_t stride;     /* between two CPUs' values in a record */
    int ncpus;           /* 0: a plain map, one value */
    uint32_t cap;        /* records the array holds */
    struct bpf_insn insns[MAX_INSNS];
    int n;
};

static void put(struct walk *w, struct bpf_insn in) {
    if (w->n < MAX_INSNS)
        w->insns[w->n] = in;
    w->n++;
}

static void put_ld_map(struct walk *w, int reg, int fd) {
    put(w, INSN(BPF_LD | BPF_DW | BPF_IMM, reg, BPF_PSEUDO_MAP_FD, 0, fd));
    put(w, INSN(0, 0, 0, 0, 0));
}

/* Copies size bytes from src to r9 + off, a word at a time: a helper
 * call per copy (bpf_probe_read_kernel) costs more than the walk. */
static void put_copy(struct walk *w, int32_t off, uint32_t size, int src) {
    static const struct {
        uint32_t bytes;
        int size;
    } widths[] = {{8, BPF_DW}, {4, BPF_W}, {2, BPF_H}, {1, BPF_B}};
    uint32_t at = 0;
    for (size_t k = 0; k < sizeof(widths) / sizeof(widths[0]); k++)
        for (; size - at >= widths[k].bytes; at += widths[k].bytes) {
            put(w, LDX_MEM(widths[k].size, BPF_REG_1, src, (int16_t)at));
            put(w, STX_MEM(widths[k].size, BPF_REG_9, BPF_REG_1, (int16_t)(off + (int32_t)at)));
        }
}

/* The caller: counts the entries in its stack slot and returns the count.
 *   u64 n = ctx[0]; bpf_for_each_map_elem(src, copy_one, &n, 0); return n;
 * n starts as the run's argument (0): a constant would make the verifier
 * follow the callback once per value of n, and give up. */
static void put_main(struct walk *w) {
    put(w, LDX_MEM(BPF_DW, BPF_REG_6, BPF_REG_1, 0));
    put(w, STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_6, -8));
    put_ld_map(w, BPF_REG_1, w->src);
    int func = w->n;
    put(w, INSN(BPF_LD | BPF_DW | BPF_IMM, BPF_REG_2, BPF_PSEUDO_FUNC, 0, 0));
    put(w, INSN(0, 0, 0, 0, 0));
    put(w, MOV64_REG(BPF_REG_3, BPF_REG_10));
    put(w, ALU64_IMM(BPF_ADD, BPF_REG_3, -8));
    put(w, MOV64_IMM(BPF_REG_4, 0));
    put(w, CALL_HELPER(BPF_FUNC_for_each_map_elem));
    put(w, LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -8));
    put(w, EXIT_INSN());
    w->insns[func].imm = w->n - (func + 1); /* the callback comes next */
}

/* The callback (map, key, value, &n): record n gets the key and the
 * value(s); past the array's end the walk stops, and the count, bigger
 * than the array, tells user space.
 *   i = (*n)++; if (i >= cap) return 1;
 *   rec = lookup(dst, &i); if (rec) { copy key; copy each CPU's value }
 *   return 0; */
static void put_callback(struct walk *w) {
    put(w, MOV64_REG(BPF_REG_6, BPF_REG_2));
    put(w, MOV64_REG(BPF_REG_7, BPF_REG_3));
    put(w, MOV64_REG(BPF_REG_8, BPF_REG_4));
    put(w, LDX_MEM(BPF_DW, BPF_REG_9, BPF_REG_8, 0));
    put(w, MOV64_REG(BPF_REG_1, BPF_REG_9));
    put(w, ALU64_IMM(BPF_ADD, BPF_REG_1, 1));
    put(w, STX_MEM(BPF_DW, BPF_REG_8, BPF_REG_1, 0));
    int full = w->n;
    put(w, JMP_IMM(BPF_JGE, BPF_REG_9, (int32_t)w->cap, 0));
    put(w, STX_MEM(BPF_W, BPF_REG_10, BPF_REG_9, -4));
    put_ld_map(w, BPF_REG_1, w->dst);
    put(w, MOV64_REG(BPF_REG_2, BPF_REG_10));
    put(w, ALU64_IMM(BPF_ADD, BPF_REG_2, -4));
    put(w, CALL_HELPER(BPF_FUNC_map_lookup_elem));
    int missing = w->n;
    put(w, JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0));
    put(w, MOV64_REG(BPF_REG_9, BPF_REG_0));
    put_copy(w, 0, w->key_size, BPF_REG_6);
    if (!w->ncpus)
        put_copy(w, (int32_t)w->key_room, w->value_size, BPF_REG_7);
    for (int cpu = 0; cpu < w->ncpus; cpu++) {
        /* the callback's value is this CPU's alone */
        put_ld_map(w, BPF_REG_1, w->src);
        put(w, MOV64_REG(BPF_REG_2, BPF_REG_6));
        put(w, MOV64_IMM(BPF_REG_3, cpu));
        put(w, CALL_HELPER(BPF_FUNC_map_lookup_percpu_elem));
        int gone = w->n;
        put(w, JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0)); /* deleted meanwhile: zeros */
        put_copy(w, (int32_t)(w->key_room + (uint32_t)cpu * w->stride), w->value_size, BPF_REG_0);
        w->insns[gone].off = (int16_t)(w->n - (gone + 1));
    }
    w->insns[missing].off = (int16_t)(w->n - (missing + 1));
    put(w, MOV64_IMM(BPF_REG_0, 0));
    put(w, EXIT_INSN());
    w->insns[full].off = (int16_t)(w->n - (full + 1));
    put(w, MOV64_IMM(BPF_REG_0, 1));
    put(w, EXIT_INSN());
}

static int load_walk(struct walk *w) {
    put_main(w);
    put_callback(w);
    if (w->n > MAX_INSNS || w->n > INT16_MAX)
        return -E2BIG;
    struct rt_func_info fi;
    if (rt_func_info_build(w->insns, w->n, &fi) < 0)
        return -EINVAL;
    LIBBPF_OPTS(bpf_prog_load_opts, opts, .prog_btf_fd = fi.btf_fd, .func_info = fi.info,
                .func_info_cnt = (uint32_t)fi.n, .func_info_rec_size = sizeof(*fi.info));
    int fd = bpf_prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, "map_walk", "GPL", w->insns, (size_t)w->n,
                           &opts);
    int err = fd < 0 ? -errno : fd;
    rt_func_info_free(&fi);
    return err;
}

/* Runs the walk; returns the number of entries copied, or a negative errno
 * (-ENOSPC: more than the array holds, the map grew meanwhile). */
static int64_t run_walk(struct walk *w) {
    int prog = load_walk(w);
    if (prog < 0)
        return prog;
    uint64_t start = 0;
    LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = &start, .ctx_size_in = sizeof(start));
    int err = bpf_prog_test_run_opts(prog, &opts) < 0 ? -errno : 0;
    close(prog);
    if (err)
        return err;
    return opts.retval > w->cap ? -ENOSPC : (int64_t)opts.retval;
}

static void take_records(const struct walk *w, const uint8_t *recs, size_t n, struct out_entries *e,
                         size_t *cap, void (*grow)(struct out_entries *e, size_t *cap)) {
    size_t rec = w->key_room + (size_t)e->ncpus * e->val_stride;
    size_t vals = (size_t)e->ncpus * e->val_stride;
    while (*cap < e->n + n)
        grow(e, cap);
    for (size_t i = 0; i < n; i++, e->n++) {
        memcpy(e->keys + e->n * e->key_size, recs + i * rec, e->key_size);
        memcpy(e->vals + e->n * vals, recs + i * rec + w->key_room, vals);
    }
}

int out_map_walk_read(const struct map_desc *d, struct out_entries *e, size_t *cap,
                      void (*grow)(struct out_entries *e, size_t *cap)) {
    struct walk *w = calloc(1, sizeof(*w));
    if (!w)
        abort();
    w->src = d->fd;
    w->key_size = e->key_size;
    w->key_room = round8(e->key_size);
    w->value_size = d->value_size ? d->value_size : 8;
    w->stride = e->val_stride;
    w->ncpus = out_map_is_percpu(d) ? e->ncpus : 0;
    w->cap = d->max_entries;
    size_t rec = w->key_room + (size_t)e->ncpus * e->val_stride;
    size_t len = rec * w->cap;
    int64_t got = -E2BIG;
    void *recs = MAP_FAILED;
    w->dst = -1;
    /* every offset in a record must fit an instruction's 16 bits */
    if (len <= WALK_MAX_BYTES && w->cap <= INT32_MAX && rec <= INT16_MAX) {
        LIBBPF_OPTS(bpf_map_create_opts, mopts, .map_flags = BPF_F_MMAPABLE);
        w->dst = bpf_map_create(BPF_MAP_TYPE_ARRAY, "map_walk", 4, (uint32_t)rec, w->cap, &mopts);
        got = w->dst < 0 ? -errno : run_walk(w);
    }
    if (got >= 0)
        recs = mmap(NULL, len, PROT_READ, MAP_SHARED, w->dst, 0);
    if (got >= 0 && recs == MAP_FAILED)
        got = -errno;
    if (got >= 0)
        take_records(w, recs, (size_t)got, e, cap, grow);
    if (recs != MAP_FAILED)
        munmap(recs, len);
    if (w->dst >= 0)
        close(w->dst);
    free(w);
    return got < 0 ? (int)got : 0;
}
