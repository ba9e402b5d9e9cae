/* The value types of the language, shared by semantic analysis, the code
 * generator and the runtime's printers. Types are immutable once built and
 * live as long as the compiled program. */
#ifndef TRAWK_TYPES_H
#define TRAWK_TYPES_H

#include <stdbool.h>
#include <stdint.h>

enum type_kind {
    T_NONE,   /* not yet known */
    T_VOID,   /* statements, printf(), exit() */
    T_INT,    /* size 1/2/4/8, is_signed; is_ptr for pointers (printed as 0x...) */
    T_BOOL,   /* 1 byte, printed true/false */
    T_STRING, /* char[size], NUL-terminated within size */
    T_TUPLE,  /* fields at offsets, packed with natural alignment, size rounded to 8 */
    T_PROBE,  /* u64 index into manifest.probe_names, printed as the probe's name */
    T_ARGS,   /* the args struct of a probe: only its fields can be used */
    T_AGG,    /* value of an aggregation map: count() sum() ... hist() lhist() */
};

enum agg_kind {
    AGG_NONE,
    AGG_COUNT, /* u64 per CPU, summed on read */
    AGG_SUM,   /* s64 per CPU, summed on read */
    AGG_MIN,   /* struct agg_minmax per CPU */
    AGG_MAX,   /* struct agg_minmax per CPU */
    AGG_AVG,   /* struct agg_avg per CPU: total / count */
    AGG_STATS, /* struct agg_avg per CPU: count, average, total */
    AGG_HIST,  /* u64 count per CPU; the map key ends with a u64 bucket index */
    AGG_LHIST, /* same, linear buckets: see struct map_desc.lhist */
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

struct type_field {
    const struct type *ty;
    uint32_t offset;
};

struct type {
    enum type_kind kind;
    uint32_t size;     /* bytes in a map key, map value or event record */
    bool is_signed;    /* T_INT */
    bool is_ptr;       /* T_INT holding an address */
    enum agg_kind agg; /* T_AGG */
    bool agg_signed;   /* T_AGG: whether the aggregated values were signed */
    int nfields;       /* T_TUPLE */
    const struct type_field *fields;
};

/* Shared instances of the simple types. */
extern const struct type type_void;
extern const struct type type_bool;
extern const struct type type_u8, type_u16, type_u32, type_u64;
extern const struct type type_s8, type_s16, type_s32, type_s64;
extern const struct type type_probe;
extern const struct type type_args;

const struct type *type_int(uint32_t size, bool is_signed);

/* Types built at compile time come from an arena that frees them all at once. */
struct type_arena;
struct type_arena *type_arena_new(void);
void type_arena_free(struct type_arena *a);
const struct type *type_string(struct type_arena *a, uint32_t size);
const struct type *type_ptr(struct type_arena *a, uint32_t size);
const struct type *type_agg(struct type_arena *a, enum agg_kind agg, bool is_signed);
/* Lays out the fields with natural alignment. */
const struct type *type_tuple(struct type_arena *a, int n, const struct type *const *elems);

bool type_equal(const struct type *a, const struct type *b);
/* bpftrace's spelling, used in error messages: "int64", "uint32", "string[16]",
 * "(int64,string[16])", "count_t", "hist_t" ... Returns buf. */
const char *type_name(const struct type *t, char *buf, int size);

#endif
