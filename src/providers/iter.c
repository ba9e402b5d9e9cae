/* iter:NAME: a BPF iterator (task, task_file, task_vma and whatever
 * else the kernel's BTF has a struct bpf_iter__NAME for). The program is a
 * TRACING program loaded against the kernel's bpf_iter_NAME; ctx is that
 * struct, typed from BTF. The kernel calls the program once per object
 * and a last time with NULL objects: as in bpftrace, a block ends where it
 * loads a NULL pointer from ctx (the verifier wants the check anyway). */
#include <bpf/btf.h>
#include <fnmatch.h>
#include <linux/btf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/cg.h"
#include "ctypes/ctypes.h"
#include "providers/provider_impl.h"
#include "sys/features.h"
#include "sys/kbtf.h"

#define ITER_STRUCT "bpf_iter__"
#define ITER_FUNC "bpf_iter_"

/* The kernel has iterator name: both the context struct and the function. */
static bool iter_exists(const char *name) {
    char s[160], f[160];
    snprintf(s, sizeof(s), ITER_STRUCT "%s", name);
    snprintf(f, sizeof(f), ITER_FUNC "%s", name);
    return kbtf_id(s, BTF_KIND_STRUCT) > 0 && kbtf_id(f, BTF_KIND_FUNC) > 0;
}

static int expand_iter(const char *spec, const struct loc *loc, struct diag *d,
                       struct attach_target **targets, int *ntargets) {
    int parts = provider_count_parts(spec);
    if (parts != 1 && parts != 2) {
        diag_error(d, loc, E_UNKNOWN_PROBE, "iter probe type takes 2 arguments (1 optional)");
        return -1;
    }
    if (strpbrk(spec, "*?[")) {
        diag_error(d, loc, E_UNKNOWN_PROBE, "iter probe type does not support wildcards");
        return -1;
    }
    const char *colon = strchr(spec, ':');
    char *name = strndup(spec, colon ? (size_t)(colon - spec) : strlen(spec));
    if (!name)
        return -1;
    int rc = -1;
    if (!*name)
        diag_error(d, loc, E_UNKNOWN_PROBE, "iter should specify a iterator's name");
    else if (colon && !colon[1])
        diag_error(d, loc, E_UNKNOWN_PROBE, "iter probe type takes 2 arguments (1 optional)");
    else if (!features_has(FEAT_ITER))
        diag_error(d, loc, E_UNSUPPORTED,
                   "iter probes need BPF iterators, which this kernel cannot load (%s)",
                   features_has(FEAT_BTF) ? "no iterator programs" : "no BTF");
    else if (!iter_exists(name))
        diag_error(d, loc, E_UNKNOWN_PROBE, "iter %s not available for your kernel version.", name);
    else {
        struct attach_target *t = provider_add_target(targets, ntargets, PK_ITER, "iter", spec);
        if (t) {
            t->spec.event = name;
            name = NULL;
            /* iter:NAME:PIN: pinned there (relative: under /sys/fs/bpf), read
             * by others, its printf into the seq_file */
            if (colon && asprintf(&t->spec.path, "%s%s", colon[1] == '/' ? "" : "/sys/fs/bpf/",
                                  colon + 1) < 0)
                t->spec.path = NULL;
            t->spec.pid = provider_pid();
            rc = 1;
        }
    }
    free(name);
    return rc;
}

static const struct type *iter_ctx_type(const struct attach_target *t, struct ctypes *ct,
                                        struct type_arena *arena) {
    (void)arena;
    char s[160];
    snprintf(s, sizeof(s), "struct " ITER_STRUCT "%s", t->spec.event);
    return ctypes_complete(ct, ctypes_lookup(ct, s));
}

static enum args_space iter_emit_ctx(struct cg *cg, int reg) {
    cg_ctx(cg, reg);
    return ARGS_CTX;
}

static void iter_load_attrs(const struct attach_target *t, struct prog_attrs *out) {
    char f[160];
    snprintf(f, sizeof(f), ITER_FUNC "%s", t->spec.event);
    out->expected_attach_type = BPF_TRACE_ITER;
    out->attach_btf_id = (uint32_t)kbtf_id(f, BTF_KIND_FUNC);
}

/* Every struct bpf_iter__NAME of vmlinux (not the verifier's __safe_trusted
 * variants) that has its bpf_iter_NAME. */
static int list_iter(const char *glob, bool named, FILE *out) {
    (void)named;
    const struct btf *btf = kbtf_vmlinux();
    for (unsigned id = 1; btf && id < btf__type_cnt(btf); id++) {
        const struct btf_type *t = btf__type_by_id(btf, id);
        const char *name =
            btf_kind(t) == BTF_KIND_STRUCT ? btf__name_by_offset(btf, t->name_off) : NULL;
        if (!name || strncmp(name, ITER_STRUCT, strlen(ITER_STRUCT)) != 0)
            continue;
        name += strlen(ITER_STRUCT);
        size_t len = strlen(name);
        if (len > 14 && strcmp(name + len - 14, "__safe_trusted") == 0)
            continue;
        if (fnmatch(glob, name, 0) == 0 && iter_exists(name))
            fprintf(out, "iter:%s\n", name);
    }
    return 0;
}

const struct provider provider_iter = {
    .name = "iter",
    .aliases = {"it", NULL},
    .kind = PK_ITER,
    .prog_type = BPF_PROG_TYPE_TRACING,
    .program_per_target = true,
    .ctx_is_args = true,
    .args_type = iter_ctx_type,
    .emit_args = iter_emit_ctx,
    .expand = expand_iter,
    .list = list_iter,
    .load_attrs = iter_load_attrs,
};
