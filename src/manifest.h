/* What the compiler hands to the runtime: BPF instruction images, the maps
 * they use, the probes to attach them to, and the table of events that the
 * programs send to user space. The runtime needs nothing else. */
#ifndef TRAWK_MANIFEST_H
#define TRAWK_MANIFEST_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stdint.h>

#include "diag.h"
#include "types.h"

/* Index into the provider table (src/providers/provider.c) and the runtime's
 * attach table (runtime/attach/attach.c). */
enum probe_kind {
    PK_BEGIN,
    PK_END,
    PK_TRACEPOINT,
    PK_INTERVAL,
    PK_PROFILE,
    PK_UPROBE,
    PK_URETPROBE,
    PK_USDT,
    PK_SOFTWARE,
    PK_HARDWARE,
    PK_WATCHPOINT,
    PK_SELF,
    PK_BENCH,
    PK_TEST,
    PK_ITER,
    PK_RAWTRACEPOINT,
    PK_KPROBE,
    PK_KRETPROBE,
    PK_FENTRY,
    PK_FEXIT,
    PK__COUNT,
};

/* ---- maps ----
 * Internal maps, named with a leading dot: ".events" (the ring buffer),
 * ".lost" (see lost_map) and ".state", a one-entry array whose u64 the
 * runtime sets to the start time (CLOCK_MONOTONIC ns) for the elapsed builtin. */

struct map_desc {
    char *name;                 /* "@x", "@" for the anonymous map; internal maps start with "." */
    enum bpf_map_type bpf_type; /* BPF_MAP_TYPE_HASH, _PERCPU_HASH, _PERCPU_ARRAY, _RINGBUF ... */
    uint32_t key_size, value_size, max_entries; /* 0: one per possible CPU */
    uint32_t map_flags;                         /* BPF_F_STACK_BUILD_ID for build_id stacks */
    const struct type *key_ty;                  /* NULL for a scalar map; a tuple for @x[a, b] */
    const struct type *val_ty; /* T_AGG for aggregations, else the stored value type */
    bool is_user;              /* a map the script names: printed at exit */
    bool is_scalar;            /* no key: BPF key is a u32 0 (array) or a u64 0 (hash) */
    int hist_bits;             /* hist(n, k): 2^k sub-buckets per power of two */
    /* A keyless hist or lhist: a per-CPU array indexed by bucket (a u32
     * key) of {count, in use}: the runtime shows a bucket as a key when
     * either is set on some CPU; zero() sets "in use" where it zeroes a
     * count, as the keys of a hash stay after zero(). */
    bool bucket_array;
    int64_t lhist_min, lhist_max, lhist_step;
    uint64_t ts_interval_ns, ts_num; /* tseries(): see struct agg_tseries */
    enum tseries_fn ts_fn;
    bool ts_signed; /* the tseries' values are signed */
    int fd;         /* set by the runtime (the output printers read it) */
    /* A scalar packed with others into one array map (a program may use
     * only 64 maps): its u64 "set" flag at pack_off of entry 0 of map
     * pack (pack_size bytes), its value after it; fd is that map's. */
    bool packed;
    int pack;
    uint32_t pack_off, pack_size;
    /* A map fused with others always written with it under one key
     * (src/codegen/fuse_plan.c): its value is the value_size bytes at
     * fuse_off of map fuse's per-CPU values (fuse_size bytes, the members'
     * values in turn); fd is that map's. */
    bool fused;
    int fuse;
    uint32_t fuse_off, fuse_size;
};

/* ---- events: ring buffer records ----
 * Every record starts with struct event_header; event_id indexes manifest.events.
 * The payload follows at offset 8; argument offsets below are from the record start. */
struct event_header {
    uint32_t event_id;
    uint32_t reserved;
};

/* The perf event array of skboutput()'s packets. */
#define SKB_MAP ".skb"

enum event_kind {
    EV_PRINTF,       /* fmt + args */
    EV_PRINT,        /* print(expr): args[0] */
    EV_TIME,         /* time(fmt): fmt is the strftime format */
    EV_EXIT,         /* exit(code): args[0] (s64) */
    EV_PRINT_MAP,    /* print(@m, top, div) */
    EV_CLEAR,        /* clear(@m) */
    EV_ZERO,         /* zero(@m) */
    EV_JOIN,         /* join(argv, sep): fmt is sep; JOIN_ARGNUM strings of JOIN_ARGSIZE bytes
                        follow the header, the first empty one ends the list */
    EV_USTACK,       /* a process's first ustack (args[0]): read its symbols while it runs */
    EV_HELPER_ERROR, /* -k: a helper failed; fmt is its name, args[0] the s64 return code
                        at the location of the expression that called it */
    EV_DIAGF,        /* errorf/warnf: fmt + args, to stderr; fmt holds the located frame */
    EV_SYSTEM,       /* system(fmt, args): the command to run */
    EV_CAT,          /* cat(fmt, args): the file to print, at most top bytes */
    EV_SKBOUTPUT,    /* skboutput(): fmt is the pcap file, skb_offset the bytes of each packet
                        left out; records (header, u64 boot ns, the packet) come through the
                        .skb perf event array, never the event buffer */
};

/* join() reads this many strings of this size, as bpftrace does. */
#define JOIN_ARGNUM 16
#define JOIN_ARGSIZE 1024

struct event_arg {
    const struct type *ty;
    uint32_t offset; /* in the record */
    struct loc loc;  /* of the argument expression, for runtime messages */
};

struct event_desc {
    enum event_kind kind;
    char *fmt; /* printf format (escapes already processed) or strftime format */
    int nargs;
    struct event_arg *args;
    int map;           /* EV_PRINT_MAP, EV_CLEAR, EV_ZERO: index in manifest.maps */
    uint64_t top, div; /* EV_PRINT_MAP: 0 = all / no division */
    uint32_t size;     /* record size in bytes */
    uint32_t skb_offset;
    /* EV_DIAGF from errorf()/warnf(): the user's format alone and where the
     * call is, for -f json (fmt holds the text output's framed message) */
    char *diag_fmt;
    struct loc diag_loc;
    bool diag_error;
};

/* ---- programs ---- */

/* What one attach point names, parsed once by its provider's expand: each
 * provider fills only the fields of its kind and leaves the rest zero/NULL,
 * so the runtime reads fields and never parses text. */
struct target_spec {
    char *category;          /* tracepoint: "syscalls"; rawtracepoint/fentry: the module */
    char *event;             /* tracepoint: "sys_enter_openat"; rawtracepoint/fentry: the function;
                                iter: the iterator ("task") */
    char *path;              /* uprobe/usdt: the binary or library */
    char *symbol;            /* kprobe/uprobe: the function; usdt: provider:name */
    uint64_t offset;         /* kprobe: into symbol; uprobe: the offset in path's file where the
                                probe sits (symbol then only names it); usdt: the location's */
    char *args;              /* usdt: the note's operand string ("8@%rbx -4@$5") */
    uint64_t ref_ctr_offset; /* uprobe/usdt: the semaphore's file offset, 0 for none */
    int location;            /* usdt: which location of its probe, from 0; "Attached N probes"
                                counts probes, not locations */
    uint64_t address;        /* watchpoint: the address watched */
    uint64_t length;         /* watchpoint: bytes watched */
    int pid;                 /* uprobe/usdt/watchpoint: 0 for every process */
    uint64_t period_ns;      /* interval/profile: fire every period_ns, or ... */
    uint64_t freq_hz;        /* ... freq_hz times a second (exactly one is set) */
    bool every_cpu;          /* perf events: one per online CPU (profile), else the first online */
    uint32_t perf_type;      /* software/hardware/watchpoint: perf_event_attr.type ... */
    uint64_t perf_config;    /* ... and .config (watchpoint: the HW_BREAKPOINT_* mode bits) */
    uint64_t sample_period;  /* software/hardware: fire every this many events */
};

struct attach_target {
    enum probe_kind kind;
    struct target_spec spec;
    char *name;      /* the full probe name as the probe builtin prints it */
    uint64_t cookie; /* passed as the BPF attach cookie: index in manifest.probe_names */
};

/* Frees what t owns (not t itself). */
void attach_target_free(struct attach_target *t);
/* A deep copy of src into dst. Returns 0, -1 when out of memory (dst then
 * owns nothing). */
int attach_target_copy(struct attach_target *dst, const struct attach_target *src);

/* What bpf_prog_load needs besides the instructions, set by the program's
 * provider. Kernel objects that exist only at run time are named here and
 * opened by the runtime (runtime/load_attrs.c). */
struct prog_attrs {
    enum bpf_prog_type prog_type;
    enum bpf_attach_type expected_attach_type;
    uint32_t attach_btf_id;  /* fentry/fexit/iter/tp_btf: the BTF id of the attach target */
    char *attach_btf_module; /* NULL: attach_btf_id is in vmlinux's BTF; else in this kernel
                                module's (the runtime passes its fd as attach_btf_obj_fd);
                                malloc'd, owned by the manifest */
    uint32_t attach_prog_id; /* fentry/fexit on a BPF program, freplace: that program's id (the
                                runtime passes its fd as attach_prog_fd); 0 for none */
};

struct prog_desc {
    char *name; /* for -d and error messages, e.g. "tracepoint:syscalls:sys_enter_openat" */
    enum probe_kind kind;
    struct prog_attrs attrs;
    struct bpf_insn *insns; /* map references are BPF_LD_IMM64 with src_reg
                               BPF_PSEUDO_MAP_FD or BPF_PSEUDO_MAP_VALUE and
                               imm = map index: the runtime puts the fd there */
    int ninsns;
    struct loc *insn_loc; /* source of each instruction, for the verifier log */
    struct attach_target *targets;
    int ntargets;
    struct loc loc; /* the probe's attach point list, for attach errors */
    int nblocks;    /* probe blocks merged into this program (one target), 1 otherwise */
    /* A later program of a long block's chain (src/codegen/cg_chain.c): no
     * targets; the runtime puts it at chain_slot of prog array chain_map,
     * where the chain's previous program tail-calls it. */
    bool chained;
    int chain_map, chain_slot;
};

struct manifest {
    struct map_desc *maps;
    int nmaps;
    struct prog_desc *progs; /* in source order; BEGIN/END run in this order */
    int nprogs;
    struct event_desc *events;
    int nevents;
    char **probe_names; /* values of the probe builtin */
    int nprobe_names;
    int ringbuf_map; /* index of the event ring buffer, -1 if no events */
    int lost_map;    /* one-entry array: u64 count of events the ring buffer
                        dropped (programs add to it atomically) */
    struct type_arena *types;
    bool print_maps_on_exit; /* config print_maps_on_exit */
    uint32_t log_size;       /* config log_size: the verifier log's size with -v (0: default) */
    uint32_t perf_rb_pages;  /* config perf_rb_pages: the event buffer's pages (0: default) */
    bool streams;            /* a probe that fires repeatedly sends records (printf...) */
    int missing_probes;      /* config missing_probes (DIAG_MISSING_*): a probe the kernel
                                cannot attach (E_UNKNOWN_PROBE) is skipped unless "error" */
    char *str_trailer;       /* config str_trunc_trailer: ends a string with no NUL */
    bool cpp_demangle;       /* config cpp_demangle */
    bool lazy_symbolication; /* config lazy_symbolication */
    enum sym_cache user_sym_cache; /* config cache_user_symbols */
};

void manifest_free(struct manifest *m);

#endif
