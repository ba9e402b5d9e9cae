/* fentry/fexit (kfunc/kretfunc): "[MODULE:]FUNC" with fnmatch globs over the
 * functions the kernel's BTF describes, args (and fexit's retval) typed
 * from the function's prototype. The kernel binds a tracing program to one
 * function, so each target gets its own program. */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "codegen/cg.h"
#include "providers/provider_impl.h"
#include "sys/kbtf.h"
#include "sys/kfuncs.h"

struct fn_match {
    const char *func_glob;
    bool check_traceable; /* tracefs says which functions can be traced */
    bool check_args;      /* only functions whose arguments fit in registers (attaching;
                             bpftrace's listing shows them all) */
    char **names;         /* "module:func" */
    int n, cap;
};

/* bpftrace's rule: the kernel must consider the function traceable and
 * every argument must fit in a register. */
static int collect(const struct kbtf_func *f, void *arg) {
    struct fn_match *m = arg;
    const struct btf_type *proto = btf__type_by_id(f->obj->btf, f->proto);
    if (!proto || (m->check_args && btf_vlen(proto) > arch_current()->nargs) ||
        fnmatch(m->func_glob, f->name, 0))
        return 0;
    if (kfuncs_unsafe(f->name) || (m->check_traceable && !kfuncs_has(f->obj->name, f->name)))
        return 0;
    return kbtf_push_name(&m->names, &m->n, &m->cap, f->obj->name, f->name);
}

static int matches(const char *mod_glob, const char *func_glob, bool check_args, char ***out) {
    const struct kfunc *all;
    bool filter = false;
    struct fn_match m = {func_glob, kfuncs_list(&all, &filter) > 0 && filter, check_args, NULL, 0,
                         0};
    int rc = kbtf_foreach_func(mod_glob, collect, &m);
    *out = m.names;
    if (rc < 0) {
        for (int i = 0; i < m.n; i++)
            free(m.names[i]);
        free(m.names);
        *out = NULL;
        return -1;
    }
    return kbtf_sort_unique(m.names, m.n);
}

static int split(const struct provider *p, const char *spec, const struct loc *loc, struct diag *d,
                 char **mod, char **func) {
    int parts = *spec ? 1 : 0;
    for (const char *c = strchr(spec, ':'); c; c = strchr(c + 1, ':'))
        parts++;
    if (parts < 1 || parts > 2) {
        diag_error(d, loc, E_UNKNOWN_PROBE, "%s probe type requires 2 or 1 arguments, found %d",
                   p->name, parts);
        return -1;
    }
    const char *colon = strchr(spec, ':');
    *mod = colon ? strndup(spec, (size_t)(colon - spec)) : NULL;
    *func = strdup(colon ? colon + 1 : spec);
    return 0;
}

static int expand_common(const struct provider *p, const char *spec, const struct loc *loc,
                         struct diag *d, struct attach_target **targets, int *ntargets) {
    char *mod, *func, **names = NULL;
    if (split(p, spec, loc, d, &mod, &func) < 0)
        return -1;
    const struct kbtf_obj *objs;
    int n = -1, rc = -1;
    if (kbtf_objects(&objs) == 0)
        diag_error(d, loc, E_UNKNOWN_PROBE, "%s probes require kernel BTF", p->name);
    else if ((n = matches(mod ? mod : "*", func, true, &names)) <= 0)
        diag_error(d, loc, E_UNKNOWN_PROBE, "No matches for %s %s%s%s.", p->name, mod ? mod : "",
                   mod ? ":" : "", func);
    for (int i = 0; i < n; i++) {
        struct attach_target *t =
            provider_add_target(targets, ntargets, p->kind, p->name, names[i]);
        char *colon = strchr(names[i], ':');
        if (t) {
            t->spec.category = strndup(names[i], (size_t)(colon - names[i]));
            t->spec.event = strdup(colon + 1);
        }
        rc = t ? n : -1;
        free(names[i]);
    }
    free(names);
    free(mod);
    free(func);
    return rc;
}

static const struct type *args_common(const struct attach_target *t, struct ctypes *ct,
                                      struct type_arena *a, bool retval) {
    char tag[300];
    snprintf(tag, sizeof(tag), "struct %s_args", t->name);
    struct btf_args_spec s = {t->spec.category, t->spec.event, 0, retval, tag};
    return provider_btf_args(ct, a, &s);
}

static const struct type *fentry_args(const struct attach_target *t, struct ctypes *ct,
                                      struct type_arena *a) {
    return args_common(t, ct, a, false);
}

static const struct type *fexit_args(const struct attach_target *t, struct ctypes *ct,
                                     struct type_arena *a) {
    return args_common(t, ct, a, true);
}

static bool args_missing(const struct attach_target *t, char *msg, size_t len) {
    snprintf(msg, len, "Could not resolve arguments of %s", t->name);
    return true;
}

/* The u64 slots the arguments take: fexit's return value follows them. */
static int arg_slots(const struct attach_target *t) {
    struct kbtf_func f;
    if (!t || !kbtf_find_func(t->spec.category, t->spec.event, &f))
        return 0;
    const struct btf_type *proto = btf__type_by_id(f.obj->btf, f.proto);
    const struct btf_param *p = btf_params(proto);
    int slots = 0;
    for (int i = 0; i < btf_vlen(proto); i++) {
        int size = btf__resolve_size(f.obj->btf, p[i].type);
        slots += size > 8 ? (size + 7) / 8 : 1;
    }
    return slots;
}

static void fexit_emit_retval(struct cg *cg, int reg) {
    provider_btf_emit_argn(cg, arg_slots(cg->target), reg);
}

static void load_attrs_common(const struct attach_target *t, struct prog_attrs *out,
                              enum bpf_attach_type type) {
    struct kbtf_func f;
    out->expected_attach_type = type;
    if (!kbtf_find_func(t->spec.category, t->spec.event, &f))
        return;
    out->attach_btf_id = f.id;
    if (strcmp(f.obj->name, "vmlinux") != 0)
        out->attach_btf_module = strdup(f.obj->name);
}

static void fentry_load_attrs(const struct attach_target *t, struct prog_attrs *out) {
    load_attrs_common(t, out, BPF_TRACE_FENTRY);
}

static void fexit_load_attrs(const struct attach_target *t, struct prog_attrs *out) {
    load_attrs_common(t, out, BPF_TRACE_FEXIT);
}

static int list_common(const struct provider *p, const char *rest, bool retval, FILE *out) {
    const char *colon = strchr(rest, ':');
    char *mod = colon ? strndup(rest, (size_t)(colon - rest)) : strdup("*");
    char *func = strdup(colon ? colon + 1 : rest), **names = NULL;
    int n = matches(mod, func, false, &names);
    for (int i = 0; i < n; i++) {
        fprintf(out, "%s:%s\n", p->name, names[i]);
        char *c = strchr(names[i], ':');
        struct kbtf_func f;
        *c = '\0';
        if (provider_list_verbose() && kbtf_find_func(names[i], c + 1, &f)) {
            kbtf_print_params(&f, 0, false, out);
            if (retval)
                kbtf_print_retval(&f, false, out);
        }
        free(names[i]);
    }
    free(names);
    free(mod);
    free(func);
    return n < 0 ? -1 : 0;
}

static int expand_fentry(const char *spec, const struct loc *loc, struct diag *d,
                         struct attach_target **targets, int *ntargets) {
    return expand_common(&provider_fentry, spec, loc, d, targets, ntargets);
}

static int expand_fexit(const char *spec, const struct loc *loc, struct diag *d,
                        struct attach_target **targets, int *ntargets) {
    return expand_common(&provider_fexit, spec, loc, d, targets, ntargets);
}

static int list_fentry(const char *rest, bool named, FILE *out) {
    (void)named;
    return list_common(&provider_fentry, rest, false, out);
}

/* Listed only when named, as bpftrace does: fentry:f stands for both. */
static int list_fexit(const char *rest, bool named, FILE *out) {
    if (!named)
        return 0;
    return list_common(&provider_fexit, rest, true, out);
}

const struct provider provider_fentry = {
    .name = "fentry",
    .aliases = {"f", "kfunc", NULL},
    .kind = PK_FENTRY,
    .prog_type = BPF_PROG_TYPE_TRACING,
    .program_per_target = true,
    .args_are_params = true,
    .may_nest = true,
    .args_type = fentry_args,
    .args_missing = args_missing,
    .emit_args = provider_btf_emit_args,
    .emit_func_ip = provider_emit_func_ip,
    .expand = expand_fentry,
    .list = list_fentry,
    .load_attrs = fentry_load_attrs,
};

const struct provider provider_fexit = {
    .name = "fexit",
    .aliases = {"fr", "kretfunc", NULL},
    .kind = PK_FEXIT,
    .prog_type = BPF_PROG_TYPE_TRACING,
    .program_per_target = true,
    .args_are_params = true,
    .may_nest = true,
    .args_type = fexit_args,
    .args_missing = args_missing,
    .emit_args = provider_btf_emit_args,
    .emit_retval = fexit_emit_retval,
    .emit_func_ip = provider_emit_func_ip,
    .expand = expand_fexit,
    .list = list_fexit,
    .load_attrs = fexit_load_attrs,
};
