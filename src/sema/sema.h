/* Semantic analysis: resolves names, infers and checks types, expands probes.
 *
 * On success every expression node has n->ty set, and:
 *   N_IDENT      builtin: n->sym = enum builtin
 *   N_CALL       n->sym = enum func
 *   N_VAR        n->sym = index in the owning unit's vars (same for every use)
 *   N_MAP        n->sym = index in sema_out.maps
 *   N_FIELD      on args: n->str is the field name, n->ty its type (from the
 *                first target; the code generator asks the provider for each
 *                target's offset); on a tuple: n->sym = element index
 *   N_POSITIONAL and N_POSITIONAL_COUNT are rewritten in place into N_INT or N_STRING
 *   N_INT        n->ty = int64, or uint64 when the value does not fit int64
 * Integers in map keys and map values are widened to 8 bytes (sign kept);
 * several keys @m[a, b] form a tuple key type.
 *
 * More precisely (added with the implementation):
 *   Storage types (map keys and values, variables, tuple elements) widen
 *   integers to 8 bytes, sign kept; a string slot is as long as the longest
 *   string any use stores, so a value may be a shorter string (zero-pad it)
 *   or a narrower integer (extend it) than the slot it goes into.
 *   N_VAR        n->ty = the variable's storage type, the same at every use
 *   N_MAP        read as a value: n->ty is what is read; count/sum/min/max/avg
 *                maps read as their total over CPUs (count: uint64, others
 *                int64 or uint64 by agg_signed). As an assignment target or a
 *                whole map (print(@m), clear, zero, delete(@m, k)): sema_map.val_ty
 *   N_CALL       aggregation: n->ty is the T_AGG type; str(p, n): string[n + 1]
 *                for a literal n below max_strlen, else string[max_strlen];
 *                str() of a string (str($1)) has that string's type
 *                has_key, delete: bool; bswap: uint of the operand's width;
 *                strftime, ntop, strerror, syscall_name: T_TEXT;
 *                getopt(...) is rewritten into the N_INT, N_STRING or N_BOOL
 *                of the option's value, ppid and pcomm (also called
 *                with a task) into task->real_parent->pid or ->comm (N_FIELD)
 *   N_FIELD      args.NAME of a __data_loc string: string[max_strlen]; a field of a
 *                record (C struct, args) has the field's C type; through a pointer
 *                (-> or .) the pointer's pointee is complete
 *   N_SIZEOF, N_OFFSETOF, enum constants: rewritten into N_INT
 *   N_BINOP      pointer +/- integer: the integer side is scaled by the pointee's
 *                size in place (an N_BINOP OP_MUL is inserted); the type is the pointer's
 *   N_TUPLE      elements already widened as storage types
 *   N_BINOP      arithmetic: int64, or uint64 when either side is uint64;
 *                comparisons, &&, || and ! give bool
 *   N_POSITIONAL a negative number becomes N_UNOP(OP_NEG, N_INT)
 *   builtins     pid tid cpu: uint32; uid gid nsecs elapsed argN retval:
 *                uint64; comm: string[16]; probe: T_PROBE
 *   attach_target.cookie is left 0 for the code generator to assign.
 */
#ifndef TRAWK_SEMA_H
#define TRAWK_SEMA_H

#include "diag.h"
#include "manifest.h"
#include "parser/ast.h"
#include "providers/provider.h"
#include "types.h"

enum builtin {
    B_PID,
    B_TID,
    B_UID,
    B_GID,
    B_CPU,
    B_COMM,
    B_NSECS,
    B_ELAPSED,
    B_PROBE,
    B_ARGS,
    B_RETVAL,
    B_CURTASK,
    B_FUNC_IP, /* func is rewritten into usym/ksym of this (the provider's emit_func_ip) */
    B_RAND,
    B_JIFFIES,
    B_NUMAID,
    B_CGROUP,
    B_USERNAME, /* the uid; user space names it */
    B_USERMODE, /* the pt_regs context's cs says user mode */
    B_CTX,
    B_ARG0, /* B_ARG0 + N for argN; n->aux = N. Last, so argN never collides. */
};

enum func {
    F_PRINTF,
    F_PRINT,
    F_EXIT,
    F_STR,
    F_TIME,
    F_COUNT,
    F_SUM,
    F_AVG,
    F_MIN,
    F_MAX,
    F_STATS,
    F_HIST,
    F_LHIST,
    F_DELETE,
    F_CLEAR,
    F_ZERO,
    F_KSTACK,
    F_USTACK,
    F_DW_USTACK,
    F_KSYM,
    F_USYM,
    F_KADDR,
    F_UADDR,
    F_HAS_KEY,
    F_STRFTIME,
    F_NTOP,
    F_BSWAP,
    F_STRERROR,
    F_SYSCALL_NAME,
    F_GETOPT,
    F_JOIN,
    F_PPID,
    F_PCOMM,
    F_NSECS, /* aux = enum nsecs_clock */
    F_STRLEN,
    F_STRNCMP,
    F_STRCONTAINS,
    F_STRSTR, /* num = the not-found result: -ENOENT with the bpf_strnstr kfunc */
    F_MEMCMP,
    F_STR_CONCAT,
    F_ERRORF,
    F_WARNF,
    F_DEBUGF,
    F_SYSTEM,
    F_CAT,
    F_PTON,
    F_SIGNAL_NAME,
    F_MACADDR,
    F_LEN,
    F_CGROUP_PATH,
    F_KPTR,
    F_UPTR,
    F_TSERIES,
    F_BUF,
    F_REG,  /* aux = the register's offset in struct pt_regs */
    F_PATH, /* aux = the size bpf_d_path may write */
    F_SOCKET_COOKIE,
    F_SKBOUTPUT,
    F_SIGNAL, /* signal(), signal_thread(): the number, an int after sema */
    F_SIGNAL_THREAD,
    F_WRITE_USER,
    F_OVERRIDE,
    F_CGROUPID,      /* an integer literal after sema */
    F_PERCPU_KADDR,  /* aux = the variable's BTF id */
    F_COMPTIME,      /* fail(), is_literal(): compile time only, no code */
    F_KFUNC_EXIST,   /* a bool literal after sema */
    F_KFUNC_ALLOWED, /* a bool literal after sema */
};

/* nsecs(CLOCK): which clock. sw_tai is the boot clock plus the TAI offset
 * the compiler measured (the call node's num). */
enum nsecs_clock { NSECS_BOOT, NSECS_MONOTONIC, NSECS_TAI, NSECS_SW_TAI };

/* The BPF map a top-level declaration (let @m = lruhash(N);) asks for. */
enum map_decl_kind {
    MAP_DECL_NONE, /* not declared: trawk chooses (docs/architecture.md) */
    MAP_DECL_HASH,
    MAP_DECL_LRUHASH,
    MAP_DECL_PERCPUHASH,
    MAP_DECL_PERCPULRUHASH,
};

struct sema_map {
    char *name;              /* "@x" */
    enum map_decl_kind decl; /* declared kind, and its max entries */
    uint32_t decl_max_entries;
    const struct type *key_ty; /* NULL when used without a key */
    const struct type *val_ty; /* T_AGG for aggregations */
    /* the integer type bpftrace gives its values (the smallest holding
       every integer assigned, before widening): sizeof; NULL if none */
    const struct type *int_ty;
    int hist_bits; /* hist(): k, default 0 */
    int64_t lhist_min, lhist_max, lhist_step;
    uint64_t ts_interval_ns, ts_num; /* tseries(v, interval, num[, fn]) */
    enum tseries_fn ts_fn;
    struct loc loc;  /* first use */
    bool unassigned; /* only read, never assigned: reads are 0, no BPF map */
};

struct sema_var {
    char *name; /* "$x" */
    const struct type *ty;
    /* the integer type bpftrace gives it (the smallest holding every integer
       assigned, before widening): sizeof, tuples, bswap; NULL if none */
    const struct type *int_ty;
    bool int_lit;    /* int_ty came from nonnegative literals only (sema_int_join) */
    bool assigned;   /* some assignment names it, typed or not (an error) */
    bool nonliteral; /* some assignment's value is not an integer literal: bpftrace's
                        warnings about its sign in operators apply */
};

/* The attach points of one probe block that share a provider become one unit;
 * the code generator emits one program per unit, or one per target when
 * per_target is set (the block reads args, whose layout differs per target). */
struct sema_unit {
    struct node *probe; /* the N_PROBE */
    const struct provider *prov;
    struct attach_target *targets;
    int ntargets;
    bool per_target;
    struct sema_var *vars; /* scratch variables of this probe block */
    int nvars;
};

struct sema_out {
    struct sema_map *maps;
    int nmaps;
    struct sema_unit *units; /* in source order */
    int nunits;
    struct type_arena *types; /* every type built during analysis */
    struct ctypes *ct;        /* named C types: the script's, its headers', the kernel's */
    int max_strlen;
    int max_map_keys;        /* config max_map_keys, 0 for the default */
    int max_cat_bytes;       /* what cat() prints of a file at most */
    bool print_maps_on_exit; /* config print_maps_on_exit (default true) */
    int missing_probes;      /* config missing_probes (DIAG_MISSING_*) */
    int probe_count;         /* probes as bpftrace counts them against max_probes */
    int max_probes;          /* BPFTRACE_MAX_PROBES, else config max_probes, else 1024 */
    int log_size;            /* BPFTRACE_LOG_SIZE, else config log_size: the verifier
                                log's size with -v (0: the default) */
    int max_bpf_progs;       /* BPFTRACE_MAX_BPF_PROGS, else config max_bpf_progs, else 1024 */
    int perf_rb_pages;       /* BPFTRACE_PERF_RB_PAGES, else config perf_rb_pages: the
                                event buffer's pages (0: by available memory) */
    char *str_trailer;       /* config str_trunc_trailer, owned */
    bool cpp_demangle;       /* config cpp_demangle: C++ names in stacks demangled */
    bool lazy_symbolication; /* config lazy_symbolication: symbol tables read when needed */
    enum sym_cache user_sym_cache; /* config cache_user_symbols */
};

struct sema_opts {
    int max_strlen;   /* size of str() results, bpftrace's max_strlen */
    int max_map_keys; /* BPFTRACE_MAX_MAP_KEYS; the script's config wins */
    int npositional;  /* $1.. $N from the command line */
    char **positional;
    int nnamed; /* "--name[=value]" after "--" on the command line, for getopt() */
    char **named;
    const char *cdecls; /* C text of the script's headers, preprocessed (may be NULL) */
    bool no_btf;        /* do not read the kernel's BTF */
    int cpid;           /* the -c command's pid, 0 without one */
    bool unsafe;        /* --unsafe: system() and the like are allowed */
    int max_cat_bytes;  /* BPFTRACE_MAX_CAT_BYTES, 0 when not set */
    int max_probes;     /* BPFTRACE_MAX_PROBES, 0 when not set */
};

/* Checks the whole program, reporting every error through d. Returns 0 when
 * there was none; out is filled either way and must be freed. */
int sema_check(struct node *program, const struct sema_opts *opts, struct diag *d,
               struct sema_out *out);
void sema_out_free(struct sema_out *out);
/* bpftrace's refusal to attach more than max_probes probes: -1 after
 * reporting it. Checked before running, not for -l. */
int sema_probe_limit(const struct sema_out *out, struct diag *d);

/* An integer literal, or a negated one. */
bool sema_const_int(const struct node *n, int64_t *v);

const char *builtin_name(enum builtin b);
const char *func_name(enum func f);

#endif
