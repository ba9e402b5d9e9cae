/* The compile half of each probe type, one file per type behind this table.
 * Nothing outside src/providers/ switches on the probe kind. The runtime half
 * (attaching) lives in runtime/attach/ behind a table of the same shape. */
#ifndef TRAWK_PROVIDER_H
#define TRAWK_PROVIDER_H

#include <stdbool.h>

#include "diag.h"
#include "manifest.h"
#include "sys/tracefs.h"

/* What a builtin needs from the probe it is used in. */
struct provider_field {
    const struct type *ty; /* as seen by the script: integers widened to 8 bytes (sign kept),
                              pointers is_ptr, char[N] string[N]; NULL when the field exists
                              but its type (array, struct) is not supported. For __data_loc
                              strings a placeholder: sema types them string[max_strlen] */
    uint32_t offset;       /* in the probe's context */
    uint32_t size;         /* bytes to load */
    bool is_signed;
    bool is_data_loc;   /* string found through a __data_loc word */
    bool is_char_array; /* string stored inline */
};

struct type_arena;

struct provider {
    const char *name;       /* canonical name, as the probe builtin prints it */
    const char *aliases[3]; /* other names accepted, NULL-terminated */
    enum probe_kind kind;
    enum bpf_prog_type prog_type;
    bool has_args; /* the args builtin is valid */
    /* Expands one attach point (spec = text after "provider:", may be empty)
     * into targets, appending to *targets. Reports errors at loc. Returns the
     * number of targets added, or -1 after reporting an error. */
    int (*expand)(const char *spec, const struct loc *loc, struct diag *d,
                  struct attach_target **targets, int *ntargets);
    /* Looks up args.NAME for one target; NULL when absent. The returned
     * storage lives as long as the provider's caches (the process). */
    const struct provider_field *(*arg_field)(const struct attach_target *t, const char *name,
                                              struct type_arena *types);
    /* trawk -l: prints the probes matching spec_glob (the text after
     * "provider:"), one "provider:..." per line. named is set when the
     * provider was named, not matched by a wildcard. NULL: never listed.
     * Returns 0 or -1 after printing an error. */
    int (*list)(const char *spec_glob, bool named, FILE *out);
    /* Load attributes of the program serving t (its first target when it
     * serves several), beyond prog_type, which out holds already. A string
     * put in out->attach_btf_module must be malloc'd: the manifest owns it.
     * NULL: prog_type alone. */
    void (*load_attrs)(const struct attach_target *t, struct prog_attrs *out);
};

/* Finds a provider by name or alias (case-insensitive, as bpftrace 0.24+). */
const struct provider *provider_find(const char *name);
const struct provider *provider_get(enum probe_kind kind); /* every kind < PK__COUNT */

/* Splits "provider:rest" and expands it; reports unknown providers. */
int provider_expand(const char *attach_point, const struct loc *loc, struct diag *d,
                    const struct provider **prov, struct attach_target **targets, int *ntargets);

#endif
