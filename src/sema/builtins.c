/* Builtin variables (pid, comm, args, ...) and what each probe allows. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "providers/arch.h"
#include "sema/sema_impl.h"

/* The name func's rewrite gives its address: no script can spell it. */
#define FUNC_IP_NAME "func ip"

static const struct {
    const char *name;
    enum builtin id;
    const struct type *ty;
} builtins[] = {
    {"pid", B_PID, &type_u32},         {"tid", B_TID, &type_u32},
    {"uid", B_UID, &type_u64},         {"gid", B_GID, &type_u64},
    {"cpu", B_CPU, &type_u32},         {"nsecs", B_NSECS, &type_u64},
    {"elapsed", B_ELAPSED, &type_u64}, {"probe", B_PROBE, &type_probe},
    {"retval", B_RETVAL, &type_u64},   {"args", B_ARGS, NULL},
    {"curtask", B_CURTASK, NULL},      {FUNC_IP_NAME, B_FUNC_IP, &type_u64},
};

/* bpftrace builtins trawk does not implement yet. */
static const char *const unsupported[] = {
    "func",
    "probetype",
    "config",
};

/* prefix followed by a number: arg0, sarg3 */
static bool numbered(const char *name, const char *prefix, int *n) {
    size_t len = strlen(prefix);
    if (strncmp(name, prefix, len) != 0 || !isdigit((unsigned char)name[len]))
        return false;
    for (const char *p = name + len; *p; p++)
        if (!isdigit((unsigned char)*p))
            return false;
    *n = atoi(name + len);
    return true;
}

static bool is_arg_n(const char *name, int *n) {
    return numbered(name, "arg", n);
}

static bool any_unit(struct sema *s, bool (*pred)(const struct provider *)) {
    for (int i = s->unit_first; i < s->unit_first + s->unit_count; i++)
        if (pred(s->out->units[i].prov))
            return true;
    return false;
}

static bool lacks_args(const struct provider *p) {
    return !p->args_type;
}

/* args that hold a return value (a tracepoint's ret field), not a
 * function's parameters: retval's error suggests args.ret there */
static bool has_args(const struct provider *p) {
    return p->args_type != NULL && p->emit_args != NULL && !p->args_are_params;
}

static bool ctx_not_args(const struct provider *p) {
    return !p->ctx_is_args;
}

static bool lacks_func(const struct provider *p) {
    return !p->emit_func_ip;
}

static bool func_in_kernel(const struct provider *p) {
    return !p->func_user;
}

/* func becomes usym(address) or ksym(address), so that it prints, keys
 * maps and compares as those do. */
static const struct type *func(struct sema *s, struct node *n) {
    if (s->unit_count == 0 || any_unit(s, lacks_func)) {
        if (s->probe_complete && s->unit_count > 0)
            sema_error(s, &n->loc, E_CONTEXT, "The func builtin can not be used with '%s' probes",
                       s->out->units[s->unit_first].prov->name);
        return NULL;
    }
    bool user = !any_unit(s, func_in_kernel);
    struct node *ip = ast_new_str(N_IDENT, &n->loc, FUNC_IP_NAME, strlen(FUNC_IP_NAME));
    if (!ip)
        return NULL;
    ip->sym = B_FUNC_IP;
    ip->ty = &type_u64;
    free(n->str);
    n->str = strdup(user ? "usym" : "ksym");
    n->kind = N_CALL;
    n->sym = user ? F_USYM : F_KSYM;
    n->a = ip;
    return user ? &type_usym : &type_ksym;
}

static bool lacks_argn(const struct provider *p) {
    return !p->emit_argn;
}

static bool lacks_retval(const struct provider *p) {
    return !p->emit_retval;
}

static const struct provider *first_without_args(struct sema *s) {
    for (int i = s->unit_first; i < s->unit_first + s->unit_count; i++)
        if (!s->out->units[i].prov->args_type)
            return s->out->units[i].prov;
    return NULL;
}

/* argN: every provider of the probe emits it and has that many. */
static bool argn_allowed(struct sema *s, int n) {
    for (int i = s->unit_first; i < s->unit_first + s->unit_count; i++) {
        const struct provider *p = s->out->units[i].prov;
        if (!p->emit_argn || n >= p->max_argn)
            return false;
    }
    return s->unit_count > 0;
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
        if (s->probe_complete && !any_unit(s, lacks_retval))
            return &type_u64;
        if (s->probe_complete)
            sema_error(s, &n->loc, E_CONTEXT,
                       "The retval builtin can only be used with 'kretprobe' and 'uretprobe' and "
                       "'fentry' probes%s",
                       any_unit(s, has_args) ? " (try to use args.ret instead)" : "");
        return NULL;
    }
    if (builtins[i].id == B_ARGS)
        return sema_args_type(s, n);
    if (builtins[i].id == B_CURTASK)
        return sema_curtask_type(s);
    return builtins[i].ty;
}

/* cpid is the -c command's pid, known before compiling: a constant (the
 * library's cpid() warns at run time when it is zero). */
static const struct type *cpid(struct sema *s, struct node *n) {
    int pid = s->opts ? s->opts->cpid : 0;
    ast_become_int(n, (uint64_t)pid);
    n->aux = SEMA_INT_UNFOLDED; /* a builtin in bpftrace: 10 / cpid is no fold error */
    return &type_u32;
}

const struct type *sema_ident(struct sema *s, struct node *n) {
    const char *name = n->str;
    if (strcmp(name, "ppid") == 0 || strcmp(name, "pcomm") == 0 ||
        strcmp(name, "leader_tid") == 0 || strcmp(name, "leader_comm") == 0)
        return sema_parent_field(s, n);
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
        if (argn_allowed(s, argn))
            return &type_u64;
        if (s->probe_complete && s->unit_count > 0 && !any_unit(s, lacks_argn))
            sema_error(s, &n->loc, E_CONTEXT, "%s doesn't support %s", arch_current()->name, name);
        else if (s->probe_complete)
            sema_error(
                s, &n->loc, E_CONTEXT,
                "The %s builtin can only be used with 'kprobes', 'uprobes' and 'usdt' probes",
                name);
        return NULL;
    }
    if (strcmp(name, "cpid") == 0)
        return cpid(s, n);
    if (strcmp(name, "func") == 0)
        return func(s, n);
    if (strcmp(name, "probetype") == 0)
        return sema_probetype(s, n);
    if (strcmp(name, "ctx") == 0 && s->unit_count > 0 && !any_unit(s, ctx_not_args))
        return sema_args_type(s, n);
    const struct type *sys;
    if (sema_sysinfo_builtin(s, n, &sys))
        return sys;
    int sarg;
    if (numbered(name, "sarg", &sarg)) {
        sema_error(s, &n->loc, E_UNSUPPORTED,
                   "sarg* is deleted. This was deprecated in v0.21 and was last available in "
                   "v0.24.");
        if (s->report)
            fputs("HINT: Use *(reg(\"sp\") + <stack_offset>) instead.\n", s->d->out);
        return NULL;
    }
    for (size_t i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]); i++) {
        if (strcmp(unsupported[i], name) == 0) {
            sema_error(s, &n->loc, E_UNSUPPORTED, "the %s builtin is not supported yet", name);
            return NULL;
        }
    }
    if (strcmp(name, "kstack") == 0 || strcmp(name, "ustack") == 0 ||
        strcmp(name, "dw_ustack") == 0) {
        /* builtins that are also functions: kstack is kstack() (bpftrace
         * takes no other function without parentheses: "exit;" is an
         * unknown identifier there) */
        n->kind = N_CALL;
        n->a = NULL;
        return sema_call(s, n);
    }
    const struct type *e = sema_enum_constant(s, n);
    if (e)
        return e;
    sema_error(s, &n->loc, E_UNKNOWN_IDENT, "Unknown identifier: '%s'", name);
    return NULL;
}

/* ---- args ---- */

/* No target of the probe has an args record: the provider says why (at
 * the attach point or at args), or a generic message at args. */
static void args_missing(struct sema *s, struct node *n) {
    const struct sema_unit *u = &s->out->units[s->unit_first];
    char why[1024];
    if (!u->prov->args_missing || u->ntargets == 0 || !u->probe || !u->probe->a) {
        sema_error(s, &n->loc, E_IO, "cannot read the arguments of this probe");
        return;
    }
    bool at_probe = u->prov->args_missing(&u->targets[0], why, sizeof(why));
    sema_error(s, at_probe ? &u->probe->a->loc : &n->loc, E_CONTEXT, "%s", why);
}

/* The args record of one target, merged with the other targets' so far:
 * targets of one block may differ, but the fields a block reads must have
 * one type (each target gets its own program). */
const struct type *sema_args_type(struct sema *s, struct node *n) {
    n->sym = B_ARGS;
    if (!args_allowed(s, n))
        return NULL;
    s->reads_args = true;
    const struct type *first = NULL;
    for (int i = s->unit_first; i < s->unit_first + s->unit_count; i++) {
        const struct sema_unit *u = &s->out->units[i];
        for (int t = 0; t < u->ntargets && !first; t++)
            first = u->prov->args_type(&u->targets[t], s->out->ct, s->types);
    }
    if (!first)
        args_missing(s, n);
    return first;
}

/* args.NAME where the block has several targets: the field must exist in
 * each, with compatible types. Returns the type for the node. */
const struct type *sema_args_field(struct sema *s, struct node *n, const struct type *first) {
    (void)first;
    const struct type *ty = NULL;
    for (int i = s->unit_first; i < s->unit_first + s->unit_count; i++) {
        const struct sema_unit *u = &s->out->units[i];
        for (int t = 0; t < u->ntargets; t++) {
            const struct type *rec = u->prov->args_type(&u->targets[t], s->out->ct, s->types);
            uint32_t off;
            const struct type_field *f = rec ? type_field_find(rec, n->str, &off) : NULL;
            if (!f && rec && u->prov->args_are_params)
                sema_error(s, &n->loc, E_UNKNOWN_FIELD, "Can't find function parameter %s", n->str);
            else if (!f)
                sema_field_missing(s, n, rec ? rec : first);
            if (!f)
                return NULL;
            const struct type *ft =
                f->data_loc ? type_string(s->types, (uint32_t)s->max_strlen) : f->ty;
            const struct type *merged =
                ty ? sema_unify(s, sema_storage_type(s, ty), sema_storage_type(s, ft)) : ft;
            if (!merged) {
                sema_error(s, &n->loc, E_TYPE, "args.%s has type '%s' in %s but '%s' elsewhere",
                           n->str, sema_tname(ft), u->targets[t].name, sema_tname(ty));
                return NULL;
            }
            /* the first target's type, unless a later one needs a longer string */
            ty = ty && ty->kind != T_STRING ? ty : ft;
        }
    }
    return ty;
}
