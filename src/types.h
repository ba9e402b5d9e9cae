/* The value types of the language, shared by semantic analysis, the code
 * generator and the runtime's printers. Types are immutable once built and
 * live as long as the compiled program. */
#ifndef TRAWK_TYPES_H
#define TRAWK_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum type_kind {
    T_NONE,   /* not yet known */
    T_VOID,   /* statements, printf(), exit() */
    T_INT,    /* size 1/2/4/8, is_signed; is_ptr for pointers (printed as 0x...): then
                 pointee and addr say what they point at (NULL pointee: void *);
                 enum_def set for a C enum (printed by name with %s) */
    T_BOOL,   /* 1 byte, printed true/false */
    T_STRING, /* char[size], NUL-terminated within size */
    T_TUPLE,  /* fields at offsets, with natural alignment, size rounded to the widest */
    T_PROBE,  /* u64 index into manifest.probe_names, printed as the probe's name */
    T_AGG,    /* value of an aggregation map: count() sum() ... hist() lhist() */
    T_RECORD, /* C struct or union (tag "struct task_struct"), or a named tuple
                 (a=1, b="x") with tag NULL: named fields at C offsets */
    T_ARRAY,  /* C array: nelems of elem, size = nelems * elem->size */
    T_TEXT,   /* a value user space turns into text (bpftrace's async values): see text */
    T_STACK,  /* kstack/ustack: the s64 id of a stack in a stack trace map (negative:
                 none was taken), for ustack followed by the u64 pid whose symbols
                 name its frames; stack_user, stack_mode, stack_limit */
    T_KSYM,   /* ksym(addr): the u64 kernel address, printed as its symbol's name */
    T_USYM,   /* usym(addr): the u64 user address, then the u64 pid it belongs to */
    T_BUF,    /* buf(): a u32 length, then size - 4 bytes of data (zeros past length) */
};

/* A T_USYM address no process has (above the kernel's half): func in a
 * uretprobe where the kernel cannot tell the function (bpf_get_func_ip
 * knows no perf-event uprobes before 6.6); the low 31 bits are the probe's
 * index in manifest.probe_names, whose last component names the function. */
#define TYPE_USYM_BY_PROBE 0xffffffff80000000ULL

/* How a stack prints (bpftrace's stack_mode). */
enum stack_mode {
    STACK_BPFTRACE, /* indented symbol+offset lines */
    STACK_PERF,     /* perf script's "\taddr sym+off (module)" */
    STACK_RAW,      /* bare hex addresses */
    STACK_BUILD_ID, /* ustack only: accepted, printed as raw */
};

/* How long a process's symbol tables are kept (cache_user_symbols). */
enum sym_cache {
    SYM_CACHE_PER_PID,     /* per process, reread when its modules change */
    SYM_CACHE_PER_PROGRAM, /* bpftrace's per executable; trawk keeps them per process */
    SYM_CACHE_NONE,        /* read again for every lookup */
};

/* What a T_TEXT value holds and how user space prints it. */
enum text_kind {
    TEXT_STRFTIME, /* u64 ns since boot; tag is the strftime format */
    TEXT_INET,     /* struct text_inet: ntop() */
    TEXT_STRERROR, /* s64 errno: strerror() */
    TEXT_SYSCALL,  /* s64 syscall number: syscall_name() */
    TEXT_USERNAME, /* u64 uid: username */
    TEXT_SIGNAL,   /* s64 signal number: signal_name() */
    TEXT_MACADDR,  /* 6 bytes (8 with padding): macaddr() */
    TEXT_CGPATH,   /* u64 cgroup id: cgroup_path(); tag: the hierarchies' glob or NULL */
};

/* ntop()'s value: AF_INET (address in addr[0..3]) or AF_INET6. */
struct text_inet {
    uint64_t af;
    uint8_t addr[16];
};

/* Where a pointer points: which helper reads through it. */
enum addr_space {
    AS_KERNEL, /* bpf_probe_read_kernel (the default for C and BTF types) */
    AS_USER,   /* bpf_probe_read_user (uprobe/USDT arguments, casts to user types) */
};

/* A C enum: its constants, for enum names as values and %s symbolization. */
struct enum_def {
    const char *name; /* "enum foo", or NULL when anonymous */
    int n;
    const char *const *names;
    const int64_t *values;
};

enum agg_kind {
    AGG_NONE,
    AGG_COUNT,   /* u64 per CPU, summed on read */
    AGG_SUM,     /* s64 per CPU, summed on read */
    AGG_MIN,     /* struct agg_minmax per CPU */
    AGG_MAX,     /* struct agg_minmax per CPU */
    AGG_AVG,     /* struct agg_avg per CPU: total / count */
    AGG_STATS,   /* struct agg_avg per CPU: count, average, total */
    AGG_HIST,    /* u64 count per CPU; the map key ends with a u64 bucket index */
    AGG_LHIST,   /* same, linear buckets: see struct map_desc.lhist */
    AGG_TSERIES, /* struct agg_tseries per CPU; the key ends with a u64 interval slot */
};

/* How tseries() combines the values of one interval. */
enum tseries_fn {
    TSERIES_LAST, /* no function: the latest value wins */
    TSERIES_AVG,
    TSERIES_MAX,
    TSERIES_MIN,
    TSERIES_SUM,
};

/* Per-CPU value layouts in the BPF maps. */
struct agg_minmax {
    int64_t value;
    uint64_t is_set; /* 0 until the first value arrives on this CPU */
};
struct agg_avg {
    int64_t total;
    uint64_t count;
};
/* One interval slot of a tseries: the slot holds epoch (time / interval);
 * meta is the time of the value (TSERIES_LAST), the count (avg) or the
 * is-set flag (min, max). */
struct agg_tseries {
    int64_t value;
    uint64_t meta;
    uint64_t epoch;
};

struct type_field {
    const struct type *ty;
    uint32_t offset;     /* bytes from the record's start */
    const char *name;    /* NULL for tuple elements and anonymous struct/union members */
    uint16_t bit_offset; /* bitfields: bits from offset (little-endian order), else 0 */
    uint16_t bit_size;   /* bitfields: width in bits; 0 for an ordinary field */
    bool data_loc;       /* tracepoint __data_loc string: the field is a u32 whose low 16
                            bits are the string's offset from the record's start */
    bool str_pad;        /* a char[N] the script declared: bpftrace reads it as N + 1 bytes */
};

struct type {
    enum type_kind kind;
    uint32_t size;     /* bytes in a map key, map value or event record */
    bool is_signed;    /* T_INT */
    bool is_ptr;       /* T_INT holding an address */
    bool is_float;     /* T_INT standing for a C float or double, which bpftrace has no
                          type for: it prints as null */
    enum agg_kind agg; /* T_AGG */
    bool agg_signed;   /* T_AGG: whether the aggregated values were signed */
    int nfields;       /* T_TUPLE, T_RECORD */
    const struct type_field *fields;
    /* T_RECORD */
    const char *tag; /* "struct task_struct", "union u", NULL for a named tuple;
                        T_TEXT TEXT_STRFTIME: the format */
    bool is_union;   /* every field at offset 0 */
    bool incomplete; /* only its tag is known yet (a forward declaration, or a
                        BTF type not converted yet): see ctypes_complete() */
    /* T_INT pointers and T_ARRAY */
    const struct type *pointee;      /* the pointer's target; NULL for void * */
    enum addr_space addr;            /* the pointer's address space */
    const struct type *elem;         /* T_ARRAY: element type */
    uint32_t nelems;                 /* T_ARRAY */
    const struct enum_def *enum_def; /* T_INT: a C enum */
    enum text_kind text;             /* T_TEXT */
    /* T_STACK */
    bool stack_user; /* ustack: user frames, per process */
    enum stack_mode stack_mode;
    uint16_t stack_limit; /* frames kept, at most */
    bool stack_dwarf;     /* dw_ustack: registers and a copy of the stack, see TYPE_DW_STACK */
};

/* Shared instances of the simple types. */
extern const struct type type_void;
extern const struct type type_bool;
extern const struct type type_u8, type_u16, type_u32, type_u64;
extern const struct type type_s8, type_s16, type_s32, type_s64;
extern const struct type type_probe;

const struct type *type_int(uint32_t size, bool is_signed);
/* A C float (4 bytes) or double (8). */
const struct type *type_float(uint32_t size);

/* Types built at compile time come from an arena that frees them all at once. */
struct type_arena;
struct type_arena *type_arena_new(void);
void type_arena_free(struct type_arena *a);
const struct type *type_string(struct type_arena *a, uint32_t size);
const struct type *type_ptr(struct type_arena *a, uint32_t size);
/* A pointer (8 bytes) to pointee (NULL: void *) in address space addr. */
const struct type *type_ptr_to(struct type_arena *a, const struct type *pointee,
                               enum addr_space addr);
const struct type *type_array(struct type_arena *a, const struct type *elem, uint32_t nelems);
/* An enum's integer type: size bytes, signedness of its values. */
const struct type *type_enum(struct type_arena *a, uint32_t size, bool is_signed,
                             const struct enum_def *def);
/* A C struct or union with fields already laid out (size and offsets as C
 * has them); fields are copied. tag NULL with is_union false: a named tuple. */
const struct type *type_record(struct type_arena *a, const char *tag, bool is_union, uint32_t size,
                               int n, const struct type_field *fields);
/* A record known only by its tag (struct foo; or a pointer's target not
 * converted yet): size 0, incomplete. */
const struct type *type_record_forward(struct type_arena *a, const char *tag);
/* A named tuple (a=1, b="x"): laid out like a tuple, with names. */
const struct type *type_named_tuple(struct type_arena *a, int n, const struct type *const *elems,
                                    const char *const *names);
/* buf()'s value holding up to n bytes. */
const struct type *type_buf(struct type_arena *a, uint32_t n);
/* A T_TEXT value; fmt is strftime's format (NULL for the others). */
const struct type *type_text(struct type_arena *a, enum text_kind text, const char *fmt);
/* A string that lives as long as the arena. */
const char *type_strdup(struct type_arena *a, const char *s);
void *type_arena_alloc(struct type_arena *a, size_t size);

/* Finds field name in a record, looking inside anonymous struct/union
 * members as C does. Sets *offset to its offset from the record's start.
 * NULL when absent. */
const struct type_field *type_field_find(const struct type *record, const char *name,
                                         uint32_t *offset);
/* Alignment of a type in a C layout (and in trawk's tuples). */
uint32_t type_alignment(const struct type *t);
/* kstack (user false) or ustack: 8 or 16 bytes, see T_STACK. */
const struct type *type_stack(struct type_arena *a, bool user, enum stack_mode mode,
                              uint16_t limit);
extern const struct type type_ksym, type_usym;
/* bpftrace's name of a stack mode: "bpftrace", "perf", "raw", "build_id". */
const char *type_stack_mode_name(enum stack_mode mode);
/* dw_ustack: pid, ip, sp, bp, the bytes copied, then the stack from sp up,
 * unwound in user space with the process's DWARF CFI. */
#define TYPE_DW_STACK_BYTES 8192
#define TYPE_DW_STACK_HEADER 40
const struct type *type_stack_dwarf(struct type_arena *a, enum stack_mode mode, uint16_t limit);
const struct type *type_agg(struct type_arena *a, enum agg_kind agg, bool is_signed);
/* hist, lhist and tseries: maps whose key ends with a u64 bucket index. */
bool type_agg_bucketed(const struct type *t);
/* Lays out the fields with natural alignment. */
const struct type *type_tuple(struct type_arena *a, int n, const struct type *const *elems);

bool type_equal(const struct type *a, const struct type *b);
/* bpftrace's spelling, used in error messages: "int64", "uint32", "string[16]",
 * "(int64,string[16])", "count_t", "hist_t", "struct task_struct *",
 * "struct sock", "int32[4]", "enum foo", "kstack_perf_127" ... Returns buf. */
const char *type_name(const struct type *t, char *buf, int size);

#endif
