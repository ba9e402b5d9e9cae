/* Shared by the files of src/ctypes: the registry, the C lexer and parser,
 * the layout rules and the BTF conversion. */
#ifndef TRAWK_CTYPES_IMPL_H
#define TRAWK_CTYPES_IMPL_H

#include "ctypes/ctypes.h"

/* A string-keyed hash table; entries are never removed. */
struct ct_sym {
    char *key;
    const struct type *ty;
    int64_t value;  /* enum constants */
    uint32_t align; /* parsed records: their C alignment (packed, aligned(N)) */
    int obj;        /* BTF enum constants: which BTF object and type id */
    uint32_t id;
};
struct ct_table {
    struct ct_sym *slots;
    size_t cap, n;
};
struct ct_sym *ct_table_get(const struct ct_table *t, const char *key);
/* The entry for key, created zeroed (with its own copy of key) if absent. */
struct ct_sym *ct_table_put(struct ct_table *t, const char *key);
void ct_table_free(struct ct_table *t);

struct ct_btf;

struct ctypes {
    struct type_arena *arena;
    struct ct_table types;       /* parsed "struct x", "union x", "enum x" and typedef names */
    struct ct_table enums;       /* parsed enum constants */
    struct ct_table fwd;         /* one forward record per tag */
    struct ct_table missing;     /* names BTF does not have either */
    struct ct_table script_tags; /* records the script's own definitions define */
    struct ct_table used;        /* records the program names (ctypes_note_used) */
    int defs_line;               /* see ctypes_set_defs_line; 0 for header text */
    const char *btf_path;
    bool no_btf;
    bool btf_failed;
    int btf_loads;
    struct ct_btf *btf;
    ctypes_source_fn source; /* the probed binaries' types (ctypes_set_source) */
    void *source_ctx;
};

/* The type of a function (never a value): pointers to it have no pointee. */
extern const struct type ct_func_type;

/* The shared forward record for tag ("struct foo"). */
const struct type *ct_forward(struct ctypes *c, const char *tag);
/* A tag or typedef name from parsed definitions, then BTF; NULL if unknown. */
const struct type *ct_lookup_name(struct ctypes *c, const char *name);
/* C alignment of t, knowing parsed records' packed and aligned attributes. */
uint32_t ct_align(struct ctypes *c, const struct type *t);

/* BTF (btf.c): all load BTF on first use; NULL/false without it. */
const struct type *ct_btf_lookup(struct ctypes *c, const char *name);
/* vmlinux's BTF defines name ("struct x"), without converting it. */
bool ct_btf_has(struct ctypes *c, const char *name);
bool ct_btf_enum_value(struct ctypes *c, const char *name, int64_t *value, const struct type **ty);
/* Calls fn with every struct/union/enum tag and typedef name of the BTF. */
void ct_btf_each_name(struct ctypes *c, void (*fn)(void *ctx, const char *name), void *ctx);
void ct_btf_free(struct ct_btf *b);

/* Places a bitfield of width bits at bit position bitpos of a record, read
 * through an integer of ty's size: byte offset and bit offset within it. */
void ct_bitfield_place(uint32_t bitpos, uint32_t width, const struct type *ty, uint32_t *offset,
                       uint16_t *bit_offset);

/* Levenshtein distance, for suggestions. */
int ct_distance(const char *a, const char *b, int bound);

#endif
