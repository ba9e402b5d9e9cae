/* rawtracepoint: "[MODULE:]NAME" with fnmatch globs, the tracepoints the
 * kernel's BTF knows (a __probestub_NAME or __traceiter_NAME function per
 * tracepoint), args typed from that function's prototype. As bpftrace
 * does, a BTF-typed program (BPF_TRACE_RAW_TP on the btf_trace_NAME
 * typedef): pointer arguments are typed for the verifier, so helpers that
 * want a kernel object (socket_cookie) take them. One program per target. */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "providers/provider_impl.h"
#include "sys/kbtf.h"

static const char *const stub_prefixes[] = {"__probestub_", "__traceiter_"};

/* The tracepoint a BTF function stands for, or NULL. */
static const char *tp_of(const struct kbtf_func *f) {
    for (size_t i = 0; i < sizeof(stub_prefixes) / sizeof(stub_prefixes[0]); i++) {
        size_t n = strlen(stub_prefixes[i]);
        if (strncmp(f->name, stub_prefixes[i], n) == 0)
            return f->name + n;
    }
    return NULL;
}

struct rt_match {
    const char *name_glob;
    char **names; /* "module:name" */
    int n, cap;
};

static int collect(const struct kbtf_func *f, void *arg) {
    struct rt_match *m = arg;
    const char *tp = tp_of(f);
    if (!tp || fnmatch(m->name_glob, tp, 0) != 0)
        return 0;
    return kbtf_push_name(&m->names, &m->n, &m->cap, f->obj->name, tp);
}

/* Every "module:name" matching the globs, sorted. Returns the count, -1
 * when out of memory. */
static int matches(const char *mod_glob, const char *name_glob, char ***out) {
    struct rt_match m = {name_glob, NULL, 0, 0};
    if (kbtf_foreach_func(mod_glob, collect, &m) < 0) {
        for (int i = 0; i < m.n; i++)
            free(m.names[i]);
        free(m.names);
        return -1;
    }
    *out = m.names;
    return kbtf_sort_unique(m.names, m.n);
}

static int split(const char *spec, const struct loc *loc, struct diag *d, char **mod, char **name) {
    int parts = *spec ? 1 : 0;
    for (const char *c = strchr(spec, ':'); c; c = strchr(c + 1, ':'))
        parts++;
    if (parts < 1 || parts > 2) {
        diag_error(d, loc, E_UNKNOWN_PROBE,
                   "rawtracepoint probe type requires 2 or 1 arguments, found %d", parts);
        return -1;
    }
    const char *colon = strchr(spec, ':');
    *mod = colon ? strndup(spec, (size_t)(colon - spec)) : NULL;
    *name = strdup(colon ? colon + 1 : spec);
    return 0;
}

static int add_targets(char **names, int n, struct attach_target **targets, int *ntargets) {
    for (int i = 0; i < n; i++) {
        struct attach_target *t =
            provider_add_target(targets, ntargets, PK_RAWTRACEPOINT, "rawtracepoint", names[i]);
        char *colon = strchr(names[i], ':');
        if (!t)
            return -1;
        t->spec.category = strndup(names[i], (size_t)(colon - names[i]));
        t->spec.event = strdup(colon + 1);
    }
    return n;
}

static int expand(const char *spec, const struct loc *loc, struct diag *d,
                  struct attach_target **targets, int *ntargets) {
    char *mod, *name, **names = NULL;
    if (split(spec, loc, d, &mod, &name) < 0)
        return -1;
    const struct kbtf_obj *objs;
    int n = -1, rc = -1;
    if (kbtf_objects(&objs) == 0)
        diag_error(d, loc, E_UNKNOWN_PROBE,
                   "rawtracepoints require kernel BTF. Try using a 'tracepoint' instead.");
    else if ((n = matches(mod ? mod : "*", name, &names)) < 0)
        diag_error(d, loc, E_IO, "out of memory");
    else if (n == 0 && mod)
        diag_error(d, loc, E_UNKNOWN_PROBE, "No matches for rawtracepoint %s:%s.", mod, name);
    else if (n == 0)
        diag_error(d, loc, E_UNKNOWN_PROBE,
                   "Probe has no valid attach points. If this is expected, set the "
                   "'missing_probes' config variable to 'warn'.");
    else
        rc = add_targets(names, n, targets, ntargets);
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
    free(mod);
    free(name);
    return rc;
}

/* The stub whose prototype names the tracepoint's arguments. */
static bool stub_of(const char *module, const char *tp, struct kbtf_func *f, char *buf,
                    size_t len) {
    for (size_t i = 0; i < sizeof(stub_prefixes) / sizeof(stub_prefixes[0]); i++) {
        snprintf(buf, len, "%s%s", stub_prefixes[i], tp);
        if (kbtf_find_func(module, buf, f))
            return true;
    }
    return false;
}

static const struct type *args_type(const struct attach_target *t, struct ctypes *ct,
                                    struct type_arena *a) {
    char stub[300], tag[300];
    struct kbtf_func f;
    if (!stub_of(t->spec.category, t->spec.event, &f, stub, sizeof(stub)))
        return NULL;
    snprintf(tag, sizeof(tag), "struct %s_args", t->name);
    struct btf_args_spec s = {t->spec.category, stub, 1, false, tag};
    return provider_btf_args(ct, a, &s);
}

static bool args_missing(const struct attach_target *t, char *msg, size_t len) {
    (void)t;
    snprintf(msg, len, "BTF data for the tracepoint not found");
    return true;
}

static int list(const char *rest, bool named, FILE *out) {
    (void)named;
    char *mod = NULL, *name = NULL, **names = NULL;
    const char *colon = strchr(rest, ':');
    mod = colon ? strndup(rest, (size_t)(colon - rest)) : strdup("*");
    name = strdup(colon ? colon + 1 : rest);
    int n = matches(mod, name, &names);
    for (int i = 0; i < n; i++) {
        fprintf(out, "rawtracepoint:%s\n", names[i]);
        char *c = strchr(names[i], ':'), stub[300];
        struct kbtf_func f;
        *c = '\0';
        if (provider_list_verbose() && stub_of(names[i], c + 1, &f, stub, sizeof(stub)))
            kbtf_print_params(&f, 1, false, out);
        free(names[i]);
    }
    free(names);
    free(mod);
    free(name);
    return n < 0 ? -1 : 0;
}

static void load_attrs(const struct attach_target *t, struct prog_attrs *out) {
    char name[300];
    snprintf(name, sizeof(name), "btf_trace_%s", t->spec.event);
    int id = kbtf_find_typedef(t->spec.category, name);
    out->expected_attach_type = BPF_TRACE_RAW_TP;
    out->attach_btf_id = id > 0 ? (uint32_t)id : 0;
    if (t->spec.category && strcmp(t->spec.category, "vmlinux") != 0)
        out->attach_btf_module = strdup(t->spec.category);
}

const struct provider provider_rawtracepoint = {
    .name = "rawtracepoint",
    .aliases = {"rt", NULL},
    .kind = PK_RAWTRACEPOINT,
    .prog_type = BPF_PROG_TYPE_TRACING,
    .program_per_target = true,
    .args_are_params = true,
    .may_nest = true,
    .max_argn = 12,
    .args_type = args_type,
    .args_missing = args_missing,
    .emit_args = provider_btf_emit_args,
    .emit_argn = provider_btf_emit_argn,
    .expand = expand,
    .list = list,
    .load_attrs = load_attrs,
};
