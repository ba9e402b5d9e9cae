/* kprobe/kretprobe: "[MODULE:]FUNC[+OFFSET]" with fnmatch globs over the
 * kernel's traceable functions (available_filter_functions, or kallsyms
 * where tracefs hides it). The context is a struct pt_regs; one program
 * serves every target, told apart by the attach cookie. */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codegen/cg.h"
#include "providers/provider_impl.h"
#include "sys/kbtf.h"
#include "sys/kfuncs.h"

struct kspec {
    char *module; /* NULL: any */
    char *func;
    uint64_t offset;
    bool has_offset;
};

static int parse(const struct provider *p, const char *spec, const struct loc *loc, struct diag *d,
                 struct kspec *k) {
    const char *colon = strchr(spec, ':');
    if (!*spec || (colon && strchr(colon + 1, ':'))) {
        int parts = *spec ? 3 : 0;
        diag_error(d, loc, E_UNKNOWN_PROBE, "%s probe type requires 1 or 2 arguments, found %d",
                   p->name, parts);
        return -1;
    }
    k->module = colon ? strndup(spec, (size_t)(colon - spec)) : NULL;
    k->func = strdup(colon ? colon + 1 : spec);
    char *plus = strchr(k->func, '+');
    if (plus) {
        char *end;
        *plus = '\0';
        k->offset = strtoull(plus + 1, &end, 0);
        k->has_offset = true;
        if (*end || end == plus + 1) {
            diag_error(d, loc, E_UNKNOWN_PROBE, "Invalid offset: %s", plus + 1);
            return -1;
        }
    }
    if (k->has_offset && strpbrk(k->func, "*?[")) {
        diag_error(d, loc, E_UNKNOWN_PROBE, "Offset not allowed with wildcard");
        return -1;
    }
    return 0;
}

static struct attach_target *add(const struct provider *p, const struct kspec *k,
                                 const char *module, const char *func,
                                 struct attach_target **targets, int *ntargets) {
    char rest[512];
    int n = k->module ? snprintf(rest, sizeof(rest), "%s:%s", module, func)
                      : snprintf(rest, sizeof(rest), "%s", func);
    if (k->has_offset)
        snprintf(rest + n, sizeof(rest) - (size_t)n, "+%llu", (unsigned long long)k->offset);
    struct attach_target *t = provider_add_target(targets, ntargets, p->kind, p->name, rest);
    if (t) {
        t->spec.symbol = strdup(func);
        t->spec.category = k->module ? strdup(module) : NULL;
        t->spec.offset = k->offset;
    }
    return t;
}

/* Every listed function matching the globs; ".part.N" copies are not
 * probe-able, as bpftrace knows. */
static int add_matches(const struct provider *p, const struct kspec *k,
                       struct attach_target **targets, int *ntargets) {
    const struct kfunc *f;
    int n = kfuncs_list(&f, NULL), added = 0;
    for (int i = 0; i < n; i++) {
        if (strstr(f[i].name, ".part.") || fnmatch(k->func, f[i].name, 0) != 0 ||
            (k->module && fnmatch(k->module, f[i].module, 0) != 0))
            continue;
        if (i > 0 && !k->module && strcmp(f[i - 1].name, f[i].name) == 0)
            continue; /* the same name in several modules: one probe */
        if (!add(p, k, f[i].module, f[i].name, targets, ntargets))
            return -1;
        added++;
    }
    return added;
}

/* The kernel itself, or a module it has loaded (/sys/module lists built-in
 * ones too, as bpftrace accepts them). */
static bool module_loaded(const char *module) {
    char path[300];
    snprintf(path, sizeof(path), "/sys/module/%s", module);
    return strcmp(module, "vmlinux") == 0 || access(path, F_OK) == 0;
}

/* bpftrace's rules for the traceable-function list: one given with
 * --traceable-functions must be read; tracefs's may be missing (kallsyms
 * stands in, with a warning, once). */
static int check_list(struct diag *d) {
    static bool warned;
    bool given;
    int err;
    const char *path = kfuncs_unread_file(&given, &err);
    if (path && given) {
        diag_plain_error(d, E_IO,
                         "Failed to open kernel function info: Could not read functions from "
                         "%s. (%s)",
                         path, strerror(err));
        return -1;
    }
    if (path && !warned) {
        warned = true;
        diag_warning(d, NULL,
                     "Could not read functions from %s. If this is expected, use "
                     "--traceable-functions to set this path manually. This file is needed in "
                     "order to determine which functions can safely be traced without causing "
                     "issues in the kernel.",
                     path);
    }
    return 0;
}

static int expand_common(const struct provider *p, const char *spec, const struct loc *loc,
                         struct diag *d, struct attach_target **targets, int *ntargets) {
    struct kspec k = {0};
    int rc = -1;
    if (parse(p, spec, loc, d, &k) < 0 || check_list(d) < 0)
        goto out;
    bool wild = strpbrk(k.func, "*?[") || (k.module && strpbrk(k.module, "*?["));
    if (k.module && !strpbrk(k.module, "*?[") && !module_loaded(k.module)) {
        diag_error(d, loc, E_UNKNOWN_PROBE, "specified module %s in probe %s:%s is not loaded.",
                   k.module, p->name, spec);
        goto out;
    }
    const struct kfunc *f;
    bool filtered = false;
    int have = kfuncs_list(&f, &filtered);
    /* an empty list read from a file is a list: nothing is traceable */
    if (!wild && ((have == 0 && !filtered) || kfuncs_has(k.module, k.func))) {
        rc = add(p, &k, k.module, k.func, targets, ntargets) ? 1 : -1;
        goto out;
    }
    rc = wild ? add_matches(p, &k, targets, ntargets) : 0;
    if (rc == 0) {
        diag_error(d, loc, E_UNKNOWN_PROBE, "No matches for %s %s%s%s.", p->name,
                   k.module ? k.module : "", k.module ? ":" : "", k.func);
        if (!wild && d->missing != DIAG_MISSING_IGNORE)
            diag_warning(d, loc,
                         "%s is not traceable (either non-existing, inlined, or marked as "
                         "\"notrace\"); attaching to it will likely fail",
                         k.func);
        rc = -1;
    }
out:
    free(k.module);
    free(k.func);
    return rc;
}

/* kprobe -lv: the arguments as argN with their BTF types. */
static void list_params(const struct kfunc *f, bool ret, FILE *out) {
    struct kbtf_func bf;
    if (!kbtf_find_func(f->module, f->name, &bf))
        return;
    if (ret)
        kbtf_print_retval(&bf, true, out);
    else
        kbtf_print_params(&bf, 0, true, out);
}

static int list_common(const struct provider *p, const char *rest, FILE *out) {
    const char *colon = strchr(rest, ':');
    char *mod = colon ? strndup(rest, (size_t)(colon - rest)) : NULL;
    const char *glob = colon ? colon + 1 : rest;
    const struct kfunc *f;
    int n = kfuncs_list(&f, NULL);
    for (int i = 0; i < n; i++) {
        if (strstr(f[i].name, ".part.") || fnmatch(glob, f[i].name, 0) != 0 ||
            (mod && fnmatch(mod, f[i].module, 0) != 0))
            continue;
        if (mod)
            fprintf(out, "%s:%s:%s\n", p->name, f[i].module, f[i].name);
        else if (i == 0 || strcmp(f[i - 1].name, f[i].name) != 0)
            fprintf(out, "%s:%s\n", p->name, f[i].name);
        else
            continue;
        if (provider_list_verbose())
            list_params(&f[i], p->kind == PK_KRETPROBE, out);
    }
    free(mod);
    return 0;
}

/* Functions entered at their start go through one kprobe_multi link where
 * the kernel has it: the program is loaded for that link (the runtime's
 * perf-event fallback serves older kernels, which ignore the type, and
 * probes at an offset, which kprobe_multi cannot place). */
static void load_attrs(const struct attach_target *t, struct prog_attrs *out) {
    if (!t->spec.offset)
        out->expected_attach_type = BPF_TRACE_KPROBE_MULTI;
}

static int expand_kprobe(const char *spec, const struct loc *loc, struct diag *d,
                         struct attach_target **targets, int *ntargets) {
    return expand_common(&provider_kprobe, spec, loc, d, targets, ntargets);
}

static int expand_kretprobe(const char *spec, const struct loc *loc, struct diag *d,
                            struct attach_target **targets, int *ntargets) {
    return expand_common(&provider_kretprobe, spec, loc, d, targets, ntargets);
}

static int list_kprobe(const char *rest, bool named, FILE *out) {
    (void)named;
    return list_common(&provider_kprobe, rest, out);
}

/* bpftrace lists return probes only when they are named: "kprobe:f"
 * stands for both. */
static int list_kretprobe(const char *rest, bool named, FILE *out) {
    if (!named)
        return 0;
    return list_common(&provider_kretprobe, rest, out);
}

const struct provider provider_kprobe = {
    .name = "kprobe",
    .aliases = {"k", NULL},
    .kind = PK_KPROBE,
    .prog_type = BPF_PROG_TYPE_KPROBE,
    .max_argn = 6,
    .emit_argn = arch_emit_pt_regs_arg,
    .emit_func_ip = provider_emit_func_ip,
    .expand = expand_kprobe,
    .list = list_kprobe,
    .load_attrs = load_attrs,
    .one_probe = provider_glob_one_kprobe,
};

const struct provider provider_kretprobe = {
    .name = "kretprobe",
    .aliases = {"kr", NULL},
    .kind = PK_KRETPROBE,
    .prog_type = BPF_PROG_TYPE_KPROBE,
    .emit_retval = arch_emit_pt_regs_retval,
    .emit_func_ip = provider_emit_func_ip,
    .expand = expand_kretprobe,
    .list = list_kretprobe,
    .load_attrs = load_attrs,
    .one_probe = provider_glob_one_kprobe,
};
