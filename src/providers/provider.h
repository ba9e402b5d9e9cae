/* The compile half of each probe type, one file per type behind this table.
 * Nothing outside src/providers/ switches on the probe kind. The runtime half
 * (attaching) lives in runtime/attach/ behind a table of the same shape. */
#ifndef TRAWK_PROVIDER_H
#define TRAWK_PROVIDER_H

#include <stdbool.h>

#include "diag.h"
#include "manifest.h"
#include "types.h"
#include "sys/tracefs.h"

struct type_arena;
struct ctypes;
struct cg;

/* Where the args record of a probe lives, for the code generator. */
enum args_space {
    ARGS_CTX,    /* in the program's context: direct loads (tracepoint records) */
    ARGS_KERNEL, /* kernel memory, read with bpf_probe_read_kernel */
};

struct provider {
    const char *name;       /* canonical name, as the probe builtin prints it */
    const char *aliases[3]; /* other names accepted, NULL-terminated */
    enum probe_kind kind;
    enum bpf_prog_type prog_type;

    /* ---- capabilities ----
     * A context builtin is valid where its hook below is set: args
     * (args_type + emit_args), argN (emit_argn, N < max_argn), retval
     * (emit_retval), func (emit_func_ip). Nothing outside the providers names
     * probe kinds. */
    bool args_per_target;    /* the args record differs per target: a block that reads
                                args gets one program per target */
    bool program_per_target; /* the kernel binds a program to one target (fentry, iter):
                                always one program per target */
    bool args_are_params;    /* args are the probed function's parameters (fentry,
                                rawtracepoint): an unknown field is worded so */
    bool may_nest;           /* programs may run nested on a CPU (fentry/fexit, raw
                                tracepoints have per-program recursion guards, not
                                bpf_prog_active): each gets its own .scratch region */
    bool ctx_is_args;        /* the ctx builtin is the args record (iter), whose pointers
                                may be NULL: a block that loads a NULL one ends there */
    bool runs_once;          /* run once through BPF_PROG_TEST_RUN (BEGIN, END): map
                                lookups need not be inlined (cg_call_lookup) */
    int max_argn;
    enum addr_space user_memory; /* AS_USER: the probed code runs in user space, so an
                                    integer cast to a pointer points into user memory
                                    (uprobe, USDT), as bpftrace reads it */

    /* ---- context accessors: the provider emits the code ---- */
    /* The record type of args for one target, built in arena with types from
     * ct; NULL when the target's layout cannot be read. */
    const struct type *(*args_type)(const struct attach_target *t, struct ctypes *ct,
                                    struct type_arena *arena);
    /* Why args_type gave NULL for t, as bpftrace words it; returns true to
     * report it at the attach point, false at args. NULL: a generic
     * message at args. */
    bool (*args_missing)(const struct attach_target *t, char *msg, size_t len);
    /* Leaves the address of the args record in reg; says how to read it. */
    enum args_space (*emit_args)(struct cg *cg, int reg);
    /* A C type the script names ("struct Foo") from t's own debug information,
     * for casts; the script's definitions override it. NULL: none. */
    const struct type *(*lookup_type)(const struct attach_target *t, const char *name,
                                      struct type_arena *arena);
    /* Leaves argN (a u64) in reg. */
    void (*emit_argn)(struct cg *cg, int n, int reg);
    /* Leaves the return value (a u64) in reg. */
    void (*emit_retval)(struct cg *cg, int reg);
    /* Leaves the probed function's address in reg: func is its symbol,
     * usym() of it where func_user is set, ksym() otherwise. */
    void (*emit_func_ip)(struct cg *cg, int reg);
    bool func_user;

    /* Expands one attach point (spec = text after "provider:", may be empty)
     * into targets, appending to *targets. Reports errors at loc. Returns the
     * number of targets added, or -1 after reporting an error. */
    int (*expand)(const char *spec, const struct loc *loc, struct diag *d,
                  struct attach_target **targets, int *ntargets);
    /* trawk -l: prints the probes matching spec_glob (the text after
     * "provider:"), one "provider:..." per line. named is set when the
     * provider was named, not matched by a wildcard. NULL: never listed.
     * Returns 0 or -1 after printing an error. */
    int (*list)(const char *spec_glob, bool named, FILE *out);
    /* trawk -l with a program: prints target t as -l would list it, as
     * bpftrace does ("software:faults:" for software:faults:100), or
     * nothing for a probe -l never lists (begin). NULL: t's name. */
    void (*list_target)(const struct attach_target *t, FILE *out);
    /* Load attributes of the program serving t (its first target when it
     * serves several), beyond prog_type, which out holds already. A string
     * put in out->attach_btf_module must be malloc'd: the manifest owns it.
     * NULL: prog_type alone. */
    void (*load_attrs)(const struct attach_target *t, struct prog_attrs *out);
    /* Whether spec's targets attach through one multi link, which bpftrace
     * counts as one probe against max_probes. NULL: never. */
    bool (*one_probe)(const char *spec);
};

/* one_probe for uprobes (any wildcard) and kprobes (one without a module). */
bool provider_glob_one_probe(const char *spec);
bool provider_glob_one_kprobe(const char *spec);
/* Whether bpftrace makes a program of each of the attach point's matches
 * (a wildcard no multi link serves): those count against max_bpf_progs. */
bool provider_expands_to_programs(const char *attach_point, const struct provider *p);
/* How many probes attach_point's n targets count for against max_probes. */
int provider_probe_count(const char *attach_point, const struct provider *p,
                         const struct attach_target *targets, int n);

/* list_target for probes listed as "provider:event:" (their count or rate dropped). */
void provider_list_event(const struct attach_target *t, FILE *out);
/* list_target for probes -l never lists. */
void provider_list_nothing(const struct attach_target *t, FILE *out);

/* Finds a provider by name or alias (case-insensitive, as bpftrace 0.24+). */
const struct provider *provider_find(const char *name);
const struct provider *provider_get(enum probe_kind kind); /* every kind < PK__COUNT */

/* The process of -p (or the command of -c): user-space probes filter on it
 * and resolve paths through it. 0: every process. */
void provider_set_pid(int pid);
int provider_pid(void);
/* --unsafe: uprobes go where trawk cannot check instruction boundaries. */
void provider_set_unsafe(bool unsafe);
bool provider_unsafe(void);

/* trawk -lv: list hooks also print each probe's arguments, indented by four
 * spaces, as bpftrace does. */
void provider_set_list_verbose(bool verbose);
bool provider_list_verbose(void);

/* -lv: listings add each probe's arguments, as bpftrace -lv does. */
void provider_set_list_verbose(bool verbose);
bool provider_list_verbose(void);

/* Splits "provider:rest" and expands it; reports unknown providers. */
int provider_expand(const char *attach_point, const struct loc *loc, struct diag *d,
                    const struct provider **prov, struct attach_target **targets, int *ntargets);

#endif
