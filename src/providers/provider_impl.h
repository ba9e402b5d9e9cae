/* Shared by the provider files only. */
#ifndef TRAWK_PROVIDER_IMPL_H
#define TRAWK_PROVIDER_IMPL_H

#include "providers/arch.h"
#include "providers/provider.h"

extern const struct provider provider_begin, provider_end, provider_tracepoint, provider_interval,
    provider_profile, provider_uprobe, provider_uretprobe, provider_usdt, provider_software,
    provider_hardware, provider_watchpoint, provider_self, provider_bench, provider_test,
    provider_iter;
extern const struct provider provider_rawtracepoint, provider_kprobe, provider_kretprobe,
    provider_fentry, provider_fexit;

/* Appends a target of kind named "<prefix>:<rest>" (or just rest when
 * prefix is NULL, prefix when rest is empty) with an empty spec for the
 * caller to fill. Returns it, NULL when out of memory. The array grows by
 * doubling (its capacity follows from *ntargets), so it must start empty
 * and grow only through this function. */
struct attach_target *provider_add_target(struct attach_target **targets, int *ntargets,
                                          enum probe_kind kind, const char *prefix,
                                          const char *rest);

/* interval and profile share their spec syntax: "unit:N" or a bare N (ns). */
int provider_expand_rate(const struct provider *p, const char *spec, const struct loc *loc,
                         struct diag *d, struct attach_target **targets, int *ntargets);

/* interval and profile list their units ("interval:ms:") only when named. */
int provider_list_units(const struct provider *p, const char *rest, bool named, FILE *out);

/* An attach point's integer as bpftrace reads it (see number.c). Returns 0,
 * or -1 with the reason ("invalid integer: X") in why. */
int provider_parse_uint(const char *text, uint64_t *out, char *why, size_t len);
/* The whole number text starts with (no exponent); *rest gets what follows.
 * Returns 0, or -1 when text does not start with one. */
int provider_parse_uint_prefix(const char *text, uint64_t *out, const char **rest);
/* Splits spec at the colons outside double quotes into at most max parts
 * (quotes and their backslash escapes removed), whose text lives in *buf,
 * which the caller frees. Returns how many parts spec has (all of them,
 * even past max), -1 when out of memory. */
int provider_split(const char *spec, char **buf, char **parts, int max);
/* The number of ':'-separated parts of spec, 0 when it is empty. */
int provider_count_parts(const char *spec);

/* args typed from a kernel function's BTF prototype, the context being its
 * arguments as u64s (fentry/fexit, rawtracepoint; btf_args.c). */
struct btf_args_spec {
    const char *module; /* NULL: vmlinux */
    const char *func;   /* the BTF function whose prototype gives the args */
    int skip;           /* leading parameters not in args (a raw tracepoint's __data) */
    bool retval;        /* add the return value as "retval" after them (fexit) */
    const char *tag;    /* the record's name, as bpftrace prints it */
};
const struct type *provider_btf_args(struct ctypes *ct, struct type_arena *a,
                                     const struct btf_args_spec *s);
enum args_space provider_btf_emit_args(struct cg *cg, int reg);
void provider_btf_emit_argn(struct cg *cg, int n, int reg);

#endif
