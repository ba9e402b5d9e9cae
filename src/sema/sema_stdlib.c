/* Signatures of bpftrace's standard library functions beyond the core ones:
 * has_key, strftime, ntop, bswap, strerror, syscall_name, getopt, join and
 * ppid. Values that only user space can turn into text (timestamps,
 * addresses, error and syscall names) get a T_TEXT type. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "sema/sema_impl.h"

static const char *what_kind(const struct type *t) {
    if (t->kind == T_INT || t->kind == T_BOOL)
        return "int";
    if (t->kind == T_STRING)
        return "string";
    return sema_tname(t);
}

const struct type *sema_check_has_key(struct sema *s, struct node *call, int nargs) {
    struct node *m = call->a;
    if (m->kind != N_MAP || m->a) {
        sema_error(s, &call->loc, E_ARGS,
                   "Call to has_key() has arguments that do not match any definition.");
        return &type_bool;
    }
    if (sema_map_whole(s, m, "has_key") < 0)
        return &type_bool;
    if (!s->out->maps[m->sym].key_ty) {
        sema_error(s, &call->loc, E_ARGS,
                   "call to has_key() expects a map with explicit keys (non-scalar map)");
        return &type_bool;
    }
    const struct type *v = s->out->maps[m->sym].val_ty;
    if (type_agg_bucketed(v)) {
        /* their BPF keys hold a bucket too (bpftrace fails to load these) */
        sema_error(s, &call->loc, E_UNSUPPORTED, "has_key() does not support %s maps",
                   sema_tname(v));
        return &type_bool;
    }
    if (nargs == 2)
        sema_map_key_check(s, m, m->next);
    return &type_bool;
}

/* len(@m): the number of entries of a keyed map; len(kstack): its frames. */
const struct type *sema_check_len(struct sema *s, struct node *call, int nargs) {
    (void)nargs;
    struct node *m = call->a;
    if (m->kind != N_MAP || m->a) {
        const struct type *t = sema_expr(s, m);
        if (t && t->kind == T_STACK)
            return &type_s64;
        sema_error(s, &call->loc, E_ARGS, "len() expects a map to be provided");
        return NULL;
    }
    if (sema_map_whole(s, m, "len") < 0)
        return NULL;
    if (!s->out->maps[m->sym].key_ty) {
        sema_error(s, &call->loc, E_ARGS,
                   "call to len() expects a map with explicit keys (non-scalar map)");
        return NULL;
    }
    return &type_s64;
}

const struct type *sema_check_strftime(struct sema *s, struct node *call, int nargs) {
    (void)nargs;
    struct node *fmt = call->a, *ns = fmt->next;
    if (fmt->kind == N_POSITIONAL)
        sema_positional(s, fmt);
    const struct type *ft = sema_expr(s, fmt);
    const struct type *nt = sema_expr(s, ns);
    bool ok = true;
    if (ft && fmt->kind != N_STRING) {
        sema_error(s, &call->loc, E_ARGS, "strftime() expects a string literal (%s provided)",
                   what_kind(ft));
        ok = false;
    }
    if (nt && !sema_is_int(nt)) {
        sema_error(s, &call->loc, E_ARGS, "strftime() only supports int arguments (%s provided)",
                   what_kind(nt));
        ok = false;
    }
    if (ns->kind == N_UNOP && ns->op == OP_NEG && ns->a->kind == N_INT) {
        sema_error(s, &call->loc, E_ARGS, "strftime() does not accept negative timestamps");
        ok = false;
    }
    if (!ok || !ft || !nt)
        return NULL;
    return type_text(s->types, TEXT_STRFTIME, fmt->str);
}

/* An address ntop() accepts: an integer (IPv4) or 4 or 16 bytes. */
static bool inet_addr_ok(const struct type *t) {
    if (sema_is_int(t))
        return true;
    /* unsigned char arrays are strings in trawk's type layer */
    return (t->kind == T_ARRAY || t->kind == T_STRING) && (t->size == 4 || t->size == 16);
}

const struct type *sema_check_ntop(struct sema *s, struct node *call, int nargs) {
    struct node *addr = nargs == 2 ? call->a->next : call->a;
    if (nargs == 2 && !sema_int_arg(s, call, call->a))
        return NULL;
    const struct type *t = sema_expr(s, addr);
    if (!t)
        return NULL;
    if (!inet_addr_ok(t)) {
        sema_error(s, &call->loc, E_ARGS, "ntop() argument must be 4 or 16 bytes in size");
        return NULL;
    }
    return type_text(s->types, TEXT_INET, NULL);
}

/* pton("addr"): the address bytes, parsed here; the code generator
 * writes them. */
const struct type *sema_check_pton(struct sema *s, struct node *call, int nargs) {
    (void)nargs;
    struct node *a = call->a;
    sema_expr(s, a);
    if (a->kind != N_STRING) {
        sema_error(s, &call->loc, E_ARGS, "pton() expects an string literal at the first argument");
        return NULL;
    }
    uint8_t buf[16];
    bool v6 = strchr(a->str, ':') != NULL;
    if (inet_pton(v6 ? AF_INET6 : AF_INET, a->str, buf) != 1) {
        sema_error(s, &call->loc, E_ARGS, "pton() expects a valid IPv4/IPv6 address, got %s",
                   a->str);
        return NULL;
    }
    return type_array(s->types, &type_u8, v6 ? 16 : 4);
}

/* macaddr(v): six bytes of an array or string, or read from the address an
 * integer or pointer holds, as bpftrace 0.27.1 takes them (its final
 * checks, in its words); user space writes them in hex. */
const struct type *sema_check_macaddr(struct sema *s, struct node *call, int nargs) {
    (void)nargs;
    const struct type *t = sema_expr(s, call->a);
    if (!t)
        return NULL;
    bool bytes = t->kind == T_ARRAY || t->kind == T_STRING || t->kind == T_BUF;
    if (!bytes && t->kind != T_INT)
        sema_check_error(s, &call->loc, E_ARGS,
                         "macaddr() only supports array or pointer arguments (%s provided)",
                         sema_base_type_name(t));
    if (call->a->kind == N_STRING)
        sema_check_error(s, &call->loc, E_ARGS,
                         "macaddr() does not support literal string arguments");
    if (bytes && t->size < 6)
        sema_check_error(s, &call->loc, E_ARGS,
                         "macaddr() argument must be at least 6 bytes in size");
    return type_text(s->types, TEXT_MACADDR, NULL);
}

const struct type *sema_check_bswap(struct sema *s, struct node *call, int nargs) {
    (void)nargs;
    const struct type *t = sema_expr(s, call->a);
    if (!t)
        return NULL;
    if (!sema_is_int(t)) { /* refused while resolving types, in these words */
        sema_error(s, &call->loc, E_ARGS, "bswap() only supports integer arguments (%s provided)",
                   sema_base_type_name(t));
        return NULL;
    }
    /* the value's own width: variables are stored widened */
    t = sema_natural_type(s, call->a);
    return type_int(t->kind == T_BOOL ? 1 : t->size, false);
}

/* strerror(errno), syscall_name(nr): the number travels, user space names it. */
const struct type *sema_check_num_name(struct sema *s, struct node *call, int nargs) {
    (void)nargs;
    const struct type *t = sema_expr(s, call->a);
    if (!t)
        return NULL;
    if (!sema_is_int(t)) {
        sema_error(s, &call->a->loc, E_TYPE, "Cannot cast from \"%s\" to \"int32\"", sema_tname(t));
        return NULL;
    }
    enum text_kind k = call->sym == F_STRERROR      ? TEXT_STRERROR
                       : call->sym == F_SIGNAL_NAME ? TEXT_SIGNAL
                                                    : TEXT_SYSCALL;
    return type_text(s->types, k, NULL);
}

/* cgroup_path(id[, "hierarchy"]): user space finds the cgroup's paths. */
const struct type *sema_check_cgroup_path(struct sema *s, struct node *call, int nargs) {
    if (!sema_int_arg(s, call, call->a))
        return NULL;
    if (nargs == 2 && !sema_string_literal_arg(s, call, call->a->next))
        return NULL;
    return type_text(s->types, TEXT_CGPATH, nargs == 2 ? call->a->next->str : NULL);
}

const struct type *sema_check_join(struct sema *s, struct node *call, int nargs) {
    const struct type *t = sema_expr(s, call->a);
    if (nargs == 2)
        sema_string_literal_arg(s, call, call->a->next);
    if (t && !sema_is_int(t))
        sema_error(s, &call->loc, E_ARGS,
                   "join() only supports int or pointer arguments (%s provided)", sema_tname(t));
    return &type_void;
}

/* ---- ppid and pcomm: bpftrace's macros for task->real_parent->pid and ->comm ---- */

static struct node *field_of(struct node *base, const char *name, const struct loc *loc) {
    struct node *f = ast_new_str(N_FIELD, loc, name, strlen(name));
    f->arrow = true;
    f->a = base;
    return f;
}

/* Rewrites n (ppid, pcomm, leader_tid, leader_comm, or any called with a
 * task) in place into task->real_parent->pid or ->comm (group_leader for
 * the leader_ ones); the task defaults to curtask. */
const struct type *sema_parent_field(struct sema *s, struct node *n) {
    bool leader = strncmp(n->str, "leader_", 7) == 0; /* leader_comm, leader_tid */
    const char *field = strstr(n->str, "comm") ? "comm" : "pid";
    struct node *task = n->kind == N_CALL ? n->a : NULL;
    if (!task)
        task = ast_new_str(N_IDENT, &n->loc, "curtask", 7);
    free(n->str);
    n->kind = N_FIELD;
    n->str = strdup(field);
    n->arrow = true;
    n->a = field_of(task, leader ? "group_leader" : "real_parent", &n->loc);
    return sema_expr(s, n);
}

const struct type *sema_check_parent(struct sema *s, struct node *call, int nargs) {
    (void)nargs;
    return sema_parent_field(s, call);
}

/* The source character at (line, column), 0 when outside the text. */
char sema_source_at(const struct sema *s, int line, int col) {
    const char *p = s->d->source;
    for (int l = 1; p && l < line; l++) {
        p = strchr(p, '\n');
        p = p ? p + 1 : NULL;
    }
    if (!p || col < 1)
        return 0;
    for (int c = 1; c < col; c++)
        if (!p[c - 1] || p[c - 1] == '\n')
            return 0;
    return p[col - 1];
}
