/* C types by name: the script's own C definitions, included headers'
 * definitions and the kernel's BTF, converted to trawk's types (types.h).
 *
 * Conventions: arrays of plain char (and, from BTF, of any 1-byte integer,
 * as bpftrace does) are T_STRING of their length; _Bool is T_BOOL; pointers
 * are T_INT is_ptr in AS_KERNEL whose pointee is a *forward* record for
 * structs and unions (ctypes_complete() gives the definition), NULL for void
 * and function pointers; typedefs and qualifiers are resolved away;
 * anonymous structs and unions have tag NULL. */
#ifndef TRAWK_CTYPES_H
#define TRAWK_CTYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "types.h"

struct ctypes_opts {
    const char *btf_path; /* NULL: /sys/kernel/btf/vmlinux */
    bool no_btf;          /* never read kernel BTF */
};

struct ctypes;

/* Every type is allocated from arena, which outlives the ctypes object. */
struct ctypes *ctypes_new(struct type_arena *arena, const struct ctypes_opts *opts);
void ctypes_free(struct ctypes *c);

/* Records the struct/union/enum/typedef definitions of C text (later ones
 * replace earlier ones of the same name; they override BTF). Everything else
 * is skipped. Errors inside a struct, union or enum body are reported
 * through d; text's line 1 is line first_line of d's file. Returns 0 or -1. */
int ctypes_parse(struct ctypes *c, const char *text, int first_line, struct diag *d);
/* The same for text that starts at start's line and column (an N_C_DEFINITION's
 * loc), so that errors on its first line get the script's columns. */
int ctypes_parse_at(struct ctypes *c, const char *text, const struct loc *start, struct diag *d);

/* The script's own definitions parsed next start at this line of the
 * definitions.h bpftrace gives clang (0: header text, the default). Their
 * incomplete fields are then reported in clang's words, and once they
 * redefine a kernel type, BTF no longer completes their fields: bpftrace
 * drops BTF on such a conflict. */
void ctypes_set_defs_line(struct ctypes *c, int line);
/* A kernel record the program names ("struct task_struct"): only a script
 * definition of such a type conflicts with BTF, as in bpftrace, whose BTF
 * header holds the types the program uses. */
void ctypes_note_used(struct ctypes *c, const char *name);

/* Types of the programs a script probes (a uprobe target's DWARF): asked
 * after the script's own definitions and before BTF. */
typedef const struct type *(*ctypes_source_fn)(void *ctx, const char *name);
void ctypes_set_source(struct ctypes *c, ctypes_source_fn fn, void *ctx);

/* "struct task_struct", "union bpf_attr", "enum pid_type", a typedef
 * ("pid_t", "u64") or a C base type ("unsigned long", "_Bool", "void"),
 * typedefs resolved. Parsed definitions first, then BTF (loaded on the first
 * lookup that needs it). NULL when unknown. */
const struct type *ctypes_lookup(struct ctypes *c, const char *name);

/* The complete record with t's tag (NULL if none is known); t itself when
 * it is not an incomplete record. */
const struct type *ctypes_complete(struct ctypes *c, const struct type *t);

/* An enum constant: its value and its enum type. */
bool ctypes_enum_value(struct ctypes *c, const char *name, int64_t *value, const struct type **ty);

/* A C type name as in a cast or a tracepoint format file ("const char *",
 * "unsigned long[6]", "struct sk_buff **"). NULL with a message in err when
 * it does not parse or names an unknown type. */
const struct type *ctypes_parse_typename(struct ctypes *c, const char *text, char *err,
                                         size_t errsz);

/* The closest known tag ("struct foo") or typedef to name, or NULL. */
const char *ctypes_suggest(struct ctypes *c, const char *name);
/* The closest field name of record (looking into anonymous members), or NULL. */
const char *ctypes_suggest_field(const struct type *record, const char *name);

/* A parameter of a kernel function's prototype. */
struct ctypes_param {
    const char *name;
    const struct type *ty; /* NULL: a type trawk cannot represent */
};

/* The prototype of the BTF function func in module (NULL: vmlinux): up to
 * max parameters into params and the return type into *ret (type_void for
 * none; ret may be NULL). Returns how many parameters, -1 when the BTF has
 * no such function. */
int ctypes_func_params(struct ctypes *c, const char *module, const char *func,
                       struct ctypes_param *params, int max, const struct type **ret);

/* How many BTF files have been opened: for tests of the lazy loading. */
int ctypes_btf_loads(const struct ctypes *c);

#endif
