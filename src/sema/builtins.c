/* Builtin variables (pid, comm, args, ...) and what each probe allows. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "sema/sema_impl.h"

static const struct {
    const char *name;
    enum builtin id;
    const struct type *ty;
} builtins[] = {
    {"pid", B_PID, &type_u32},         {"tid", B_TID, &type_u32},
    {"uid", B_UID, &type_u64},         {"gid", B_GID, &type_u64},
    {"cpu", B_CPU, &type_u32},         {"nsecs", B_NSECS, &type_u64},
    {"elapsed", B_ELAPSED, &type_u64}, {"probe", B_PROBE, &type_probe},
    {"retval", B_RETVAL, &type_u64},   {"args", B_ARGS, &type_args},
};

/* bpftrace builtins trawk does not implement yet. */
static const char *const unsupported[] = {
    "func",        "curtask",  "kstack", "ustack",    "rand", "cgroup", "jiffies",
    "username",    "usermode", "cpid",   "has_cpid",  "ppid", "pcomm",  "leader_tid",
    "leader_comm", "ncpus",    "numaid", "probetype", "ctx",  "config", "sarg0",
};

static bool is_arg_n(const char *name, int *n) {
    if (strncmp(name, "arg", 3) != 0 || !isdigit((unsigned char)name[3]))
        return false;
    for (const char *p = name + 3; *p; p++)
        if (!isdigit((unsigned char)*p))
            return false;
    *n = atoi(name + 3);
    return true;
}

static bool any_unit(struct sema *s, bool (*pred)(const struct provider *)) {
    for (int i = s->unit_first; i < s->unit_first + s->unit_count; i++)
        if (pred(s->out->units[i].prov))
            return true;
    return false;
}

static bool lacks_args(const struct provider *p) {
    return !p->has_args;
}

static bool has_args(const struct provider *p) {
    return p->has_args;
}

static const struct provider *first_without_args(struct sema *s) {
    for (int i = s->unit_first; i < s->unit_first + s->unit_count; i++)
        if (!s->out->units[i].prov->has_args)
            return s->out->units[i].prov;
    return NULL;
}

/* args: only where every provider of the probe has typed arguments. */
static bool args_allowed(struct sema *s, struct node *n) {
    if (!s->probe_complete)
        return false; /* the probe's own error says enough */
    if (!any_unit(s, lacks_args))
        return s->unit_count > 0;
    sema_error(s, &n->loc, E_CONTEXT,
               "The args builtin can only be used with tracepoint, rawtracepoint, fentry/fexit, "
               "and uprobe probes (%s used here)",
               first_without_args(s)->name);
    return false;
}

static const struct type *builtin_known(struct sema *s, struct node *n, int i) {
    n->sym = builtins[i].id;
    if (builtins[i].id == B_RETVAL) {
        if (s->probe_complete)
            sema_error(s, &n->loc, E_CONTEXT,
                       "The retval builtin can only be used with 'kretprobe' and 'uretprobe' and "
                       "'fentry' probes%s",
                       any_unit(s, has_args) ? " (try to use args.ret instead)" : "");
        return NULL;
    }
    if (builtins[i].id == B_ARGS) {
        if (args_allowed(s, n))
            sema_error(s, &n->loc, E_UNSUPPORTED,
                       "the args builtin is only supported in field accesses (args.NAME) yet");
        return NULL;
    }
    return builtins[i].ty;
}

const struct type *sema_ident(struct sema *s, struct node *n) {
    const char *name = n->str;
    if (strcmp(name, "comm") == 0) {
        n->sym = B_COMM;
        return type_string(s->types, 16);
    }
    for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++)
        if (strcmp(builtins[i].name, name) == 0)
            return builtin_known(s, n, (int)i);
    int argn;
    if (is_arg_n(name, &argn)) {
        n->sym = B_ARG0 + argn;
        n->aux = argn;
        if (s->probe_complete)
            sema_error(
                s, &n->loc, E_CONTEXT,
                "The %s builtin can only be used with 'kprobes', 'uprobes' and 'usdt' probes",
                name);
        return NULL;
    }
    for (size_t i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]); i++) {
        if (strcmp(unsupported[i], name) == 0) {
            sema_error(s, &n->loc, E_UNSUPPORTED, "the %s builtin is not supported yet", name);
            return NULL;
        }
    }
    if (sema_is_func_name(name)) {
        /* A function called without parentheses, e.g. "exit;". */
        n->kind = N_CALL;
        n->a = NULL;
        return sema_call(s, n);
    }
    sema_error(s, &n->loc, E_UNKNOWN_IDENT, "Unknown identifier: '%s'", name);
    return NULL;
}

/* ---- args.NAME ---- */

static const struct type *field_type(struct sema *s, const struct provider_field *f) {
    /* __data_loc strings are as long as the program's max_strlen. */
    if (f->is_data_loc)
        return type_string(s->types, (uint32_t)s->max_strlen);
    return f->ty;
}

/* The field's type in one target, merged with the other targets' so far. */
static const struct type *target_field(struct sema *s, struct node *n, const struct sema_unit *u,
                                       const struct attach_target *t, const struct type *have) {
    const struct provider_field *f = u->prov->arg_field(t, n->str, s->types);
    if (!f) {
        /* bpftrace names the args struct after the probe: struct _tracepoint_CAT_EVENT */
        char sname[256];
        snprintf(sname, sizeof(sname), "_%s", t->name);
        for (char *c = sname; *c; c++)
            if (*c == ':')
                *c = '_';
        sema_error(s, &n->loc, E_UNKNOWN_FIELD,
                   "Struct/union of type 'struct %s' does not contain a field named '%s'", sname,
                   n->str);
        return NULL;
    }
    if (!f->ty) {
        sema_error(s, &n->loc, E_UNSUPPORTED,
                   "args.%s of %s is an array or a struct: not supported yet", n->str, t->name);
        return NULL;
    }
    const struct type *ft = field_type(s, f);
    const struct type *u2 = have ? sema_unify(s, have, ft) : ft;
    if (!u2)
        sema_error(s, &n->loc, E_TYPE, "args.%s has type '%s' in %s but '%s' elsewhere", n->str,
                   sema_tname(ft), t->name, sema_tname(have));
    return u2;
}

const struct type *sema_args_field(struct sema *s, struct node *n) {
    struct node *a = n->a;
    a->sym = B_ARGS;
    a->ty = &type_args;
    if (!args_allowed(s, a))
        return NULL;
    s->reads_args = true;
    const struct type *ty = NULL;
    for (int i = s->unit_first; i < s->unit_first + s->unit_count; i++) {
        const struct sema_unit *u = &s->out->units[i];
        for (int t = 0; t < u->ntargets; t++) {
            const struct type *ft = target_field(s, n, u, &u->targets[t], ty);
            if (!ft)
                return NULL; /* one report per field access is enough */
            /* Keep the first target's type for the node, as sema.h promises,
             * unless a later target needs a longer string. */
            ty = ty && ty->kind != T_STRING ? ty : ft;
        }
    }
    return ty;
}
