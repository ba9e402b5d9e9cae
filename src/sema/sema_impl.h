/* Internal state of semantic analysis, shared by the src/sema/ files.
 *
 * The checker walks the program twice. The first walk reports nothing and
 * only learns map types, so a map read in one probe and assigned in a later
 * one gets its type; the second walk reports every error. Map and variable
 * tables persist across the walks, node annotations are rewritten. */
#ifndef TRAWK_SEMA_IMPL_H
#define TRAWK_SEMA_IMPL_H

#include "sema/sema.h"
#include "sema/sema_fold.h"

/* What we know about one map beyond struct sema_map. */
struct map_info {
    bool has_key_ty;               /* key shape fixed (key_ty NULL then means "no keys") */
    bool assigned;                 /* written somewhere: reads of it are valid */
    bool has_agg_args;             /* hist/lhist parameters recorded */
    bool int_lit;                  /* its int_ty came from nonnegative literals only */
    const struct node *first_keys; /* the keys that fixed the shape, for messages */
    struct node *kept_keys;        /* first_keys, taken from a read that became 0 */
};

enum { VAR_UNDEFINED, VAR_DECLARED, VAR_ASSIGNED };

/* Variables of one probe block; kept across walks. */
struct probe_vars {
    struct sema_var *vars;
    unsigned char *defined;    /* VAR_*: declared or assigned earlier in this walk */
    const struct node **scope; /* the block (or for loop) that declares it */
    bool *typed;               /* declared with a type (let $x: T): assignments convert */
    int n;
};

/* sizeof(@operand) in the value assigned to @target (sema_sizeof_type.c). */
struct sizeof_edge {
    char *target, *operand;
    bool deferred; /* the operand had no type yet when the first walk met it */
};

/* sema_unstable.c: bpftrace's unstable features and their config gates. */
enum unstable_feature {
    UNSTABLE_TSERIES,
    UNSTABLE_TYPEINFO,
    UNSTABLE_DW_USTACK,
    UNSTABLE_IMPORT_STATEMENT,
    UNSTABLE_COUNT
};
enum unstable_mode { UNSTABLE_WARN, UNSTABLE_ENABLE, UNSTABLE_ERROR };

/* An attach point's matches, for max_bpf_progs (sema_prog_limit.c). */
struct sema_expansion {
    struct loc loc;
    int unit;     /* in out->units */
    int n;        /* its targets */
    bool expands; /* bpftrace makes a program of each */
};

/* bpftrace's type passes, in the order it prints their warnings: the
 * variable checks, type resolution (diag's held stream: every warning not
 * given a pass), the conversions of operands, then the final type checks
 * (unnecessary casts, discarded values, print() arguments). trawk makes all
 * of them in one walk. */
enum sema_pass { PASS_VARS, PASS_RESOLVE, PASS_CASTS, PASS_CHECKS, SEMA_PASSES };

struct sema {
    struct diag *d;
    const struct sema_opts *opts;
    struct sema_out *out;
    struct type_arena *types;
    struct map_info *minfo; /* parallel to out->maps */
    int *map_slots;         /* open-addressing index of out->maps by name (-1: free) */
    uint32_t map_nslots;    /* a power of two, at least twice nmaps */
    bool report;            /* second walk: report errors */
    int fold_errors;        /* reported by the first walk, which ends the checks */
    int missing;            /* config missing_probes (DIAG_MISSING_*) */
    int max_strlen;
    const struct node *decls;  /* the program's map declarations (N_MAP_DECL among others) */
    const struct node *config; /* the config block's items (N_ASSIGN) */

    /* the probe being checked */
    struct node *probe;
    int unit_first, unit_count; /* its units in out->units */
    bool probe_complete;        /* all its attach points expanded: context checks are sound */
    struct probe_vars *pv;
    bool reads_args;
    bool probe_string;                 /* probe read as a string: a program per target */
    enum stack_mode stack_mode;        /* config stack_mode: kstack/ustack without a mode */
    struct sema_expansion *expansions; /* every attach point's, in source order */
    int nexpansions;
    enum unstable_mode unstable[UNSTABLE_COUNT]; /* config unstable_*: each feature's gate */
    bool unstable_warned[UNSTABLE_COUNT];        /* its one warning was given */
    int nstrptr;                                 /* variables made for (T *)string casts so far */
    bool stmt_followed;               /* a statement follows the current one in its probe */
    int loop_depth;                   /* loops around the statement being checked */
    const char *assign_target;        /* the map whose value is being checked, or NULL */
    struct sizeof_edge *sizeof_edges; /* noted by the first walk */
    int nsizeof_edges;
    /* blocks around it, outermost first: a variable is visible in the block
     * that declares it and the blocks inside */
    const struct node *scopes[256];
    int nscopes;
    /* the report walk's warnings, one stream per bpftrace pass (NULL
     * outside that walk); sema_check prints them in pass order */
    FILE *pass_warnings[SEMA_PASSES];
    /* inside a check of bpftrace's final pass (PASS_CHECKS): its errors
     * leave the earlier passes' warnings standing; checks_errors counts them */
    bool in_checks;
    int checks_errors;
    FILE *check_errors; /* where they wait for the end of the report walk */
    struct node **lets; /* this walk's `let $x;` without a value, until its block ends */
    int nlets;
    /* those whose block ended with nothing assigned: blocks inner first,
     * each by name; warned at the end of the probe as bpftrace does */
    struct node **unassigned;
    int nunassigned;
    bool *named_used; /* parallel to opts->named: asked for by a getopt() */
    /* the options getopt() asks for, in order, with their help (or NULL) */
    char **getopt_names, **getopt_helps;
    int ngetopts;
};

/* Reports an error during the reporting walk only. */
void sema_error(struct sema *s, const struct loc *l, enum diag_code code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The "expanded from" lines of an error reported with d->context_follows. */
void sema_error_expansions(struct sema *s, const struct loc *l);
/* An error of bpftrace's final type checks (see in_checks). */
void sema_check_error(struct sema *s, const struct loc *l, enum diag_code code, const char *fmt,
                      ...) __attribute__((format(printf, 4, 5)));
/* type_name into a small rotating buffer, for messages. */
const char *sema_tname(const struct type *t);

/* ---- types ---- */
bool sema_is_int(const struct type *t); /* T_INT or T_BOOL */
bool sema_is_str(const struct type *t);
/* The type a value is stored as in a map or variable: ints widened to 8 bytes. */
const struct type *sema_storage_type(struct sema *s, const struct type *t);
/* The type bpftrace gives value n (sema_expr typed it): integer literals
 * and constant expressions the smallest signed type holding them,
 * variables the integers assigned to them (sizeof, tuples, bswap). */
const struct type *sema_natural_type(struct sema *s, const struct node *n);
/* A tuple element's type: integers keep their natural width, the rest
 * is stored as in a variable. */
const struct type *sema_element_type(struct sema *s, const struct node *n);
/* Whether n is a nonnegative integer literal (or a sum of them): its
 * natural type is a signed one that bpftrace lets fit an unsigned type. */
bool sema_nonneg_literal(const struct node *n);
/* The integer type of a map or variable that had have (NULL: none yet;
 * *have_lit: only nonnegative literals gave it) and is assigned t: a
 * nonnegative literal takes an unsigned type at least as wide as its own
 * (1 and a uint8 make a uint8, as in bpftrace), otherwise sema_int_upcast. */
const struct type *sema_int_join(const struct type *have, bool *have_lit, const struct type *t,
                                 bool t_lit);
/* A u64 stored value whose natural type became signed (a uint8 joined by
 * -1 is an int16, as in bpftrace): stored as an int64, so it prints signed. */
const struct type *sema_signed_storage(const struct type *stored, const struct type *natural);
/* The integer type holding values of a and b (bpftrace's upcast). */
const struct type *sema_int_upcast(const struct type *a, const struct type *b);
/* An integer expression of literals only, evaluated now (sema_fold.c has
 * folded what bpftrace folds by then; this reads what is left). */
bool sema_fold_int(const struct node *n, int64_t *v);
/* Merges two storage types that may hold each other's values: any ints,
 * strings (the larger wins), tuples element by element. NULL if they can't. */
const struct type *sema_unify(struct sema *s, const struct type *have, const struct type *got);

/* ---- statements and expressions ---- */
void sema_block(struct sema *s, struct node *block);
/* While-loop deprecation, then "Unreachable statement.", over the program */
void sema_early_warnings(struct sema *s, const struct node *program);
void sema_stmt(struct sema *s, struct node *n);
const struct type *sema_block_expr(struct sema *s, struct node *n);
const struct type *sema_expr(struct sema *s, struct node *n);
/* Positional parameters become literals in place. */
void sema_positional(struct sema *s, struct node *n);
/* The text of $N ("" when not given). */
const char *sema_positional_text(struct sema *s, const struct node *n);
/* Parses a number as bpftrace reads parameters (0x, 0b, 0NNN, "_", "-"). */
bool sema_number_text(const char *text, uint64_t *v, bool *neg);
/* n becomes the literal v, or -(v). */
void sema_become_number(struct node *n, uint64_t v, bool neg);
void sema_become_bool(struct node *n, bool v);
/* The condition of an if or ?: n, of type cond: bpftrace's check. */
void sema_condition(struct sema *s, const struct node *n, const struct type *cond);

/* ---- builtins ---- */
const struct type *sema_ident(struct sema *s, struct node *n);
/* probetype: rewritten into its string (sema_probetype.c). */
const struct type *sema_probetype(struct sema *s, struct node *n);
/* rand, jiffies, ncpus, numaid, cgroup, username, usermode, ctx: sets *ty. */
bool sema_sysinfo_builtin(struct sema *s, struct node *n, const struct type **ty);
const struct type *sema_check_nsecs(struct sema *s, struct node *call, int nargs);
/* sema_strings.c */
const struct type *sema_check_strncmp(struct sema *s, struct node *call, int nargs);
const struct type *sema_check_strcontains(struct sema *s, struct node *call, int nargs);
const struct type *sema_check_strlen(struct sema *s, struct node *call, int nargs);
/* Types *slot as a string; a char pointer becomes str(pointer) (sema_strings.c). */
const struct type *sema_string_arg(struct sema *s, struct node **slot);
/* sema_strstr.c: strstr, str_concat, memcmp */
const struct type *sema_check_strstr(struct sema *s, struct node *call, int nargs);
const struct type *sema_check_str_concat(struct sema *s, struct node *call, int nargs);
const struct type *sema_check_memcmp(struct sema *s, struct node *call, int nargs);
/* args: the record of the probe's first target (NULL after an error). */
const struct type *sema_args_type(struct sema *s, struct node *n);
/* args.NAME checked against every target; first is args' type. */
const struct type *sema_args_field(struct sema *s, struct node *n, const struct type *first);
const struct type *sema_curtask_type(struct sema *s);

/* ---- C types (sema_ctypes.c) ---- */
/* Feeds the headers' declarations and the script's C definitions to ctypes;
 * -1 after clang's errors, which stop bpftrace. */
int sema_c_definitions(struct sema *s, struct node *program);
/* A cast to an enum BTF does not know: bpftrace's "Unknown enum" at the
 * parenthesised type (other uses of an unknown type are reported by
 * sema_type_named). */
bool sema_unknown_enum_cast(struct sema *s, const struct node *ty, const struct loc *at);
/* The type an N_TYPE names (bpftrace's integer names, C names, struct
 * pointers, arrays); reports unknown names. */
const struct type *sema_type_named(struct sema *s, struct node *ty);
/* An enum constant: rewrites n into its N_INT and returns its enum type;
 * NULL (nothing reported) when n names none. */
const struct type *sema_enum_constant(struct sema *s, struct node *n);
/* Field access on a record or a pointer to one; tuple fields elsewhere. */
const struct type *sema_record_field(struct sema *s, struct node *n, const struct type *t);
/* Reports a missing field of rec, with a close name as a hint. */
void sema_field_missing(struct sema *s, struct node *n, const struct type *rec);
/* A record made complete (pointers to records point at forward records). */
const struct type *sema_complete(struct sema *s, const struct type *t);
/* Casts between integers and arrays of integers (same size). */
const struct type *sema_cast_array(struct sema *s, struct node *n, const struct loc *at,
                                   const struct type *to, const struct type *from);
/* A cast between pointers keeps the source's address space. */
const struct type *sema_cast_pointer(struct sema *s, const struct type *to,
                                     const struct type *from);
const struct type *sema_index(struct sema *s, struct node *n, const struct type *t);
const struct type *sema_deref(struct sema *s, struct node *n);
const struct type *sema_addrof(struct sema *s, struct node *n);
const struct type *sema_sizeof(struct sema *s, struct node *n);
/* sema_sizeof_type.c: the type of sizeof(operand)'s value (uint8, or int16
 * where the operand's type depends on the sizeof); what offsetof is (uint8). */
const struct type *sema_sizeof_type(struct sema *s, const struct node *operand);
/* ty, or the literal type of v where v does not fit a uint8. */
const struct type *sema_sizeof_fit(const struct type *ty, uint64_t v);
void sema_sizeof_edges_free(struct sema *s);
const struct type *sema_offsetof(struct sema *s, struct node *n);
/* ptr + int, ptr - int: scales the integer side; NULL when neither side is a pointer. */
const struct type *sema_ptr_arith(struct sema *s, struct node *n, const struct type *a,
                                  const struct type *b);
bool sema_is_func_name(const char *name);
/* sema_stack.c: kstack/ustack calls (bare or with arguments), stack_mode. */
const struct type *sema_stack_call(struct sema *s, struct node *call, int nargs);
/* dw_ustack(...): a ustack unwound with DWARF CFI (see docs/stacks.md). */
const struct type *sema_dw_ustack_call(struct sema *s, struct node *call, int nargs);
/* sema_config_keys.c: item's key, lower case and without BPFTRACE_, in
 * key; false (after a warning or an error) when the item sets nothing. */
bool sema_config_key(struct sema *s, struct node *item, char *key, size_t size);
void sema_unstable_defaults(struct sema *s);
void sema_note_expansion(struct sema *s, const struct loc *loc, const char *attach_point,
                         const struct provider *prov, int unit, int n);
/* After the walks: the located error when the expansions pass max_bpf_progs. */
void sema_check_prog_limit(struct sema *s);
/* sema_config_syms.c: cpp_demangle, lazy_symbolication, cache_user_symbols
 * from the block (false when key is none of them) and from the environment. */
bool sema_config_symbols(struct sema *s, const char *key, const struct node *item);
void sema_config_symbols_env(struct sema_out *o);
/* config = { unstable_X = warn | enable | error }: false when key is no gate. */
bool sema_config_unstable(struct sema *s, const char *key, const struct node *item);
/* A use of feature f at `at`: its warning or error; false when refused. */
bool sema_unstable_use(struct sema *s, enum unstable_feature f, const struct loc *at);
bool sema_stack_mode_parse(const char *name, enum stack_mode *mode);
void sema_config_stack_mode(struct sema *s, struct node *item);
void sema_stack_mode_env(struct sema *s);
/* ksym(addr), usym(addr): a symbol's name from an address. */
const struct type *sema_sym_call(struct sema *s, struct node *call, int nargs);
/* sema_kaddr.c: kaddr("name"), which becomes the symbol's address. */
const struct type *sema_kaddr_call(struct sema *s, struct node *call, int nargs);
/* The string literal arg stands for (a literal, $1, str($1)), NULL if none;
 * the first walk turns a positional parameter into a literal in place. */
struct node *sema_string_literal(struct sema *s, struct node *arg);
/* The string literal (or positional parameter) a call's only argument must
 * be; NULL after reporting "F() expects a string literal". */
struct node *sema_literal_arg(struct sema *s, struct node *call);
const struct type *sema_check_percpu_kaddr(struct sema *s, struct node *call, int nargs);
const struct type *sema_check_cgroupid(struct sema *s, struct node *call, int nargs);
/* sema_kfunc.c: kfunc_exist("name"), kfunc_allowed("name"): bool constants. */
const struct type *sema_check_kfunc(struct sema *s, struct node *call, int nargs);
const struct type *sema_uaddr_call(struct sema *s, struct node *call, int nargs);
/* kptr(p), uptr(p): p in the kernel's or the user's address space. */
const struct type *sema_aspace_call(struct sema *s, struct node *call, int nargs);

/* ---- calls ---- */
bool sema_is_agg_call(const struct node *n);
/* A call in an expression (aggregations are rejected here). */
const struct type *sema_call(struct sema *s, struct node *n);
/* The whole right side of "@m[...] = agg(...)"; returns the T_AGG type. */
const struct type *sema_agg_call(struct sema *s, struct node *call, struct node *map);
int sema_printf_check(struct sema *s, struct node *call, const char *what);
/* Argument checks shared by the functions (report and return false). */
bool sema_string_literal_arg(struct sema *s, struct node *call, struct node *a);
bool sema_int_arg(struct sema *s, struct node *call, struct node *a);
/* tseries()'s interval, count and function, recorded in m (NULL: only checked);
 * *has_args tells whether m already has them. */
const struct type *sema_check_buf(struct sema *s, struct node *call, int nargs);
bool sema_tseries_params(struct sema *s, struct node *call, struct sema_map *m, bool *has_args);

/* ---- config values (sema_config.c) ---- */
/* Checks a config block item's value where bpftrace restricts it. */
bool sema_config_check(struct sema *s, const char *key, const struct node *item);
/* A current key of bpftrace's config (not renamed, deprecated or only
 * read from the environment). */
bool sema_config_known(const char *key);
/* BPFTRACE_KEY's value when the environment sets it, else NULL. */
const char *sema_config_env(const char *key);
/* A string config value (environment, config block, default), malloc'd. */
char *sema_config_str(const struct sema *s, const char *key);
/* config.KEY (the config builtin's field): rewrites n into the value's
 * literal and returns its type; NULL after reporting an unknown key. */
const struct type *sema_config_field(struct sema *s, struct node *n);

/* ---- standard library (sema_stdlib.c, sema_getopt.c) ---- */
const struct type *sema_check_has_key(struct sema *s, struct node *call, int nargs);
const struct type *sema_check_strftime(struct sema *s, struct node *call, int nargs);
const struct type *sema_check_macaddr(struct sema *s, struct node *call, int nargs);
const struct type *sema_check_len(struct sema *s, struct node *call, int nargs);
/* ---- compile-time values ---- */
/* A value known while compiling (sema_ct_eval.c). */
struct ct_val {
    enum { CT_INT, CT_STR, CT_REC } kind;
    bool is_bool;           /* CT_INT from a comparison, !, true or false */
    int64_t i;              /* CT_INT */
    const char *s;          /* CT_STR: bytes */
    size_t len;             /* CT_STR */
    const struct node *rec; /* CT_REC: the N_RECORD or N_TUPLE literal */
};
/* n's value when it is a literal or folds into one (sema_expr typed it). */
bool sema_ct_eval(struct sema *s, const struct node *n, struct ct_val *v);
/* a OP b on 64 bits as C and BPF compute it; false where they have no
 * value (division by zero) or op is not binary. */
bool sema_ct_int_binop(enum op op, int64_t a, int64_t b, int64_t *v);
/* ==, !=, <, <=, >, >=, &&, ||: operators whose value is a bool. */
bool sema_ct_is_compare(enum op op);
/* sema_comptime.c: comptime X, and the if and ternary it decides. */
const struct type *sema_comptime(struct sema *s, struct node *n);
void sema_comptime_if(struct sema *s, struct node *n);
const struct type *sema_comptime_ternary(struct sema *s, struct node *n);
/* Literals folded in place (sets *t): comparisons of literals, a field of
 * a record literal or typeinfo, a byte of a string literal. */
bool sema_fold_compare(struct sema *s, struct node *n, const struct type **t);
bool sema_fold_field(struct sema *s, struct node *n, const struct type **t);
bool sema_fold_str_index(struct sema *s, struct node *n, const struct type **t);
const struct type *sema_check_is_literal(struct sema *s, struct node *call, int nargs);
const struct type *sema_check_fail(struct sema *s, struct node *call, int nargs);
/* (T *)string: the cast becomes a block storing the string in a variable
 * of its own and casting that variable's address (sema_strptr.c). */
const struct type *sema_cast_str_ptr(struct sema *s, struct node *cast);
/* sema_typeinfo.c: typeinfo(X), and bpftrace's name of a type's kind. */
const struct type *sema_typeinfo(struct sema *s, struct node *n);
const char *sema_base_type_name(const struct type *t);

const struct type *sema_check_pton(struct sema *s, struct node *call, int nargs);
const struct type *sema_check_ntop(struct sema *s, struct node *call, int nargs);
const struct type *sema_check_bswap(struct sema *s, struct node *call, int nargs);
/* strerror() and syscall_name() */
const struct type *sema_check_cgroup_path(struct sema *s, struct node *call, int nargs);
const struct type *sema_check_num_name(struct sema *s, struct node *call, int nargs);
const struct type *sema_check_join(struct sema *s, struct node *call, int nargs);
/* getopt(): rewrites the call into the option's value */
const struct type *sema_check_getopt(struct sema *s, struct node *call, int nargs);
/* After the walks: options given on the command line that no getopt() took. */
void sema_getopt_finish(struct sema *s);
/* ppid, pcomm, ppid(task), pcomm(task): rewritten into task->real_parent->pid
 * or ->comm, as bpftrace's macros are */
const struct type *sema_parent_field(struct sema *s, struct node *n);
const struct type *sema_check_parent(struct sema *s, struct node *call, int nargs);
/* The source character at (line, column), 0 when outside the text. */
char sema_source_at(const struct sema *s, int line, int col);

/* sema_ctxfuncs.c: reg(), path(), socket_cookie(), skboutput() */
const struct type *sema_check_reg(struct sema *s, struct node *call, int nargs);
const struct type *sema_check_path(struct sema *s, struct node *call, int nargs);
const struct type *sema_check_socket_cookie(struct sema *s, struct node *call, int nargs);
/* The first of the probe's providers that ok() refuses, or NULL. */
const struct provider *sema_refused_by(struct sema *s, bool (*ok)(const struct provider *));
/* sema_unsafe.c */
const struct type *sema_check_signal(struct sema *s, struct node *call, int nargs);
const struct type *sema_check_write_user(struct sema *s, struct node *call, int nargs);
const struct type *sema_check_override(struct sema *s, struct node *call, int nargs);
const struct type *sema_check_skboutput(struct sema *s, struct node *call, int nargs);
/* ---- maps ---- */
/* Resolves the map's keys and checks them; sets n->sym. Returns the map
 * index, or -1 when the keys are wrong. */
int sema_map_ref(struct sema *s, struct node *n);
/* The integer an aggregation reads as (count, sum, min, max, avg); reports
 * the others (stats, hist, lhist) at n and returns NULL. */
const struct type *sema_agg_read_type(struct sema *s, struct node *n, const struct type *v);
/* Checks key (an expression list, as in delete(@m, k)) against map n,
 * which sema_map_whole resolved. Returns 0 or -1. */
int sema_map_key_check(struct sema *s, struct node *map, struct node *key);
/* Notes that map n is written somewhere (its reads are valid). */
void sema_map_mark_written(struct sema *s, struct node *n);
/* Records a value written into map n (checks against earlier writes). */
/* Unifies the map's value type with val; a mismatch is reported at `at`,
 * naming the value as `shown` (an integer literal by its own size). */
void sema_map_write(struct sema *s, struct node *n, const struct type *val,
                    const struct type *shown, const struct loc *at);
/* Notes integer type t (its natural width) among the values of map n. */
void sema_map_int(struct sema *s, struct node *n, const struct type *t, bool nonneg_literal);
/* The type sizeof(@m) and sizeof(@m[k]) measure: the values' natural
 * integer type, 8 bytes for an aggregation, int8 for a map never assigned;
 * NULL after an error. */
const struct type *sema_map_size_type(struct sema *s, struct node *n);
/* Whether map n (resolved) is written anywhere; reports "Undefined map". */
bool sema_map_defined(struct sema *s, struct node *n);
/* Whether the map has a value type yet (in the first walk: so far). */
bool sema_map_typed(struct sema *s, const char *name);
/* Types a read of map n as an expression value. */
const struct type *sema_map_read(struct sema *s, struct node *n);
/* A map passed whole (print/clear/zero/delete): must exist, no keys written. */
int sema_map_whole(struct sema *s, struct node *n, const char *func);

/* ---- map declarations (sema_decls.c) ---- */
/* Checks the kinds of the program's map declarations. */
void sema_map_decls(struct sema *s, struct node *program);
/* Gives a map just added its declaration, if it has one. */
void sema_map_decl_apply(struct sema *s, struct sema_map *m);
/* After the walks: declared maps never used, and uses that need another kind. */
void sema_map_decls_check(struct sema *s);

/* ---- variables ---- */
int sema_var_find(struct sema *s, const char *name);
/* Declares or re-assigns $name with a value of type ty; checks the type and
 * reports a mismatch at err_loc. */
/* The integer (or bool) type an N_TYPE names, NULL for any other. */
const struct type *sema_int_type_named(const struct node *ty);

/* Scopes (see sema_vars.c): a block, or a for loop for its variable. */
void sema_scope_enter(struct sema *s, const struct node *scope);
/* Leaving a block notes each `let $x;` there whose variable nothing
 * assigned (unassigned); sema_lets_warn warns at them, at the probe's end. */
void sema_scope_leave(struct sema *s);
void sema_lets_warn(struct sema *s);
/* A `let $x;` without a value, checked when its block ends. */
void sema_let_pending(struct sema *s, struct node *let);
/* A warning of bpftrace's pass `pass`, printed with that pass's others. */
void sema_pass_warning(struct sema *s, enum sema_pass pass, const struct loc *l, const char *fmt,
                       ...) __attribute__((format(printf, 4, 5)));
/* Declares var in the innermost scope even when an outer one has the name. */
int sema_var_declare_here(struct sema *s, struct node *var);
/* sema_compound.c: @m op= v, $x op= v. */
void sema_assign_compound(struct sema *s, struct node *n);
int sema_var_assign(struct sema *s, struct node *var, const struct type *ty,
                    const struct node *value, const struct loc *err_loc);
/* sema_int_promote.c: bpftrace's integer rules for binary operators. The
 * result type of integer arithmetic (NULL when an operand is no integer);
 * whether an integer comparison is signed. Both warn about conversions. */
const struct type *sema_int_arith_type(struct sema *s, struct node *n);
bool sema_int_compare_signed(struct sema *s, struct node *n);
/* n is an integer literal (after folding: a number or a negated one). */
bool sema_is_int_literal(const struct node *n);
/* Where bpftrace puts a conversion's warning about n (a cast: its "(type)"). */
struct loc sema_cast_warning_loc(const struct node *n);
/* sema_var_typed.c: value (of type vt) into var declared as decl; false
 * after the error of a constant that does not fit. */
bool sema_typed_int_assign(struct sema *s, const struct node *var, const struct type *decl,
                           const struct node *value, const struct type *vt,
                           const struct loc *err_loc);
/* $x++, $x += v: bpftrace's arithmetic makes an integer variable int64. */
void sema_var_widen(struct sema *s, const struct node *var);
/* let $x; without a value: known, but not yet assigned. */
int sema_var_declare(struct sema *s, struct node *var);

#endif
