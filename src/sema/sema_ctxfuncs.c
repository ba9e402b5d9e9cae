/* Functions that read the probe's context: reg(), path(), socket_cookie()
 * and skboutput(). Each is valid only where the program's context (or its
 * program type's helpers) allows it, as bpftrace checks. */
#include <string.h>

#include "providers/arch.h"
#include "providers/provider.h"
#include "sema/sema_impl.h"

/* bpftrace's name of a type's kind in argument errors. */
static const char *kind_name(const struct type *t) {
    if (t->kind == T_INT)
        return t->is_ptr ? "pointer" : "int";
    if (t->kind == T_STRING)
        return "string";
    if (t->kind == T_RECORD && t->tag)
        return "c_type";
    return sema_tname(t);
}

/* Contexts that start with a struct pt_regs: kprobes and uprobes (KPROBE
 * programs) and perf events (bpf_perf_event_data begins with the regs). */
static bool has_regs(const struct provider *p) {
    return p->prog_type == BPF_PROG_TYPE_KPROBE || p->prog_type == BPF_PROG_TYPE_PERF_EVENT;
}

/* bpf_get_socket_cookie and bpf_skb_output on BTF pointers: tracing programs. */
static bool is_tracing(const struct provider *p) {
    return p->prog_type == BPF_PROG_TYPE_TRACING;
}

/* bpftrace allows path() where bpf_d_path may be: fentry, fexit and iter. */
static bool allows_d_path(const struct provider *p) {
    static const char *const names[] = {"fentry", "fexit", "iter"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(p->name, names[i]) == 0)
            return true;
    return false;
}

const struct provider *sema_refused_by(struct sema *s, bool (*ok)(const struct provider *)) {
    if (!s->probe_complete)
        return NULL;
    for (int i = s->unit_first; i < s->unit_first + s->unit_count; i++) {
        const struct provider *p = s->out->units[i].prov;
        if (p && !ok(p))
            return p;
    }
    return NULL;
}

static bool available(struct sema *s, struct node *call, bool (*ok)(const struct provider *)) {
    const struct provider *p = sema_refused_by(s, ok);
    if (p)
        sema_error(s, &call->loc, E_CONTEXT, "%s can not be used with \"%s\" probes", call->str,
                   p->name);
    return p == NULL;
}

/* reg("name"): the register's pt_regs offset goes in aux. */
const struct type *sema_check_reg(struct sema *s, struct node *call, int nargs) {
    (void)nargs;
    if (!available(s, call, has_regs) || !sema_string_literal_arg(s, call, call->a))
        return &type_u64;
    const struct arch *arch = arch_current();
    int off = arch_user_reg_offset(arch, call->a->str);
    if (off < 0)
        sema_error(s, &call->loc, E_ARGS, "'%s' is not a valid register on this architecture (%s)",
                   call->a->str, arch->name);
    call->aux = off < 0 ? 0 : off;
    return &type_u64;
}

/* A pointer to a struct whose tag is want ("struct sock"). */
static bool points_to(const struct type *t, const char *want) {
    return t->kind == T_INT && t->is_ptr && t->pointee && t->pointee->kind == T_RECORD &&
           t->pointee->tag && strcmp(t->pointee->tag, want) == 0;
}

/* The pointee's name in bpftrace's "'struct file *'", or "pointer" for
 * pointers to anything but a struct. */
static void pointee_name(const struct type *t, char *buf, size_t len) {
    if (t->pointee && t->pointee->kind == T_RECORD && t->pointee->tag)
        snprintf(buf, len, "'%s *'", t->pointee->tag);
    else
        snprintf(buf, len, "pointer");
}

static bool pointer_arg(struct sema *s, struct node *call, const struct type *t) {
    if (t->kind == T_INT && t->is_ptr)
        return true;
    sema_error(s, &call->loc, E_ARGS, "%s() only supports pointer arguments (%s provided)",
               call->str, kind_name(t));
    return false;
}

/* socket_cookie(struct sock *) */
const struct type *sema_check_socket_cookie(struct sema *s, struct node *call, int nargs) {
    (void)nargs;
    if (!available(s, call, is_tracing))
        return &type_u64;
    const struct type *t = sema_expr(s, call->a);
    if (!t || !pointer_arg(s, call, t) || points_to(t, "struct sock"))
        return &type_u64;
    char name[160];
    pointee_name(t, name, sizeof(name));
    sema_error(s, &call->loc, E_ARGS,
               "socket_cookie() only supports 'struct sock *' as the argument (%s provided)", name);
    return &type_u64;
}

/* skboutput("file", struct sk_buff *, len, offset): a u32, 0 or -errno */
const struct type *sema_check_skboutput(struct sema *s, struct node *call, int nargs) {
    (void)nargs;
    if (!available(s, call, is_tracing))
        return &type_u32;
    struct node *file = call->a, *skb = file->next, *len = skb->next, *off = len->next;
    sema_string_literal_arg(s, call, file);
    const struct type *t = sema_expr(s, skb);
    if (t)
        pointer_arg(s, call, t);
    for (struct node *a = len; a; a = a->next) {
        const struct type *at = sema_expr(s, a);
        if (at && !sema_is_int(at))
            sema_error(s, &call->loc, E_ARGS,
                       "skboutput() only supports int arguments (%s provided)", kind_name(at));
    }
    int64_t v = 0;
    if (off->ty && sema_is_int(off->ty) && (!sema_const_int(off, &v) || v < 0))
        sema_error(s, &off->loc, E_ARGS, "skboutput() expects an integer literal for the offset");
    call->aux = v; /* the bytes of each packet user space leaves out */
    return &type_u32;
}

/* path(struct path *[, size]): a string of size bytes (max_strlen when
 * not given); a struct path value is passed by its address. aux: the size
 * bpf_d_path may write, never above max_strlen as in bpftrace. */
const struct type *sema_check_path(struct sema *s, struct node *call, int nargs) {
    struct node *size = nargs == 2 ? call->a->next : NULL;
    int64_t n = s->max_strlen;
    if (size) {
        sema_expr(s, size);
        if (size->kind != N_INT || !sema_const_int(size, &n) || n < 0)
            sema_error(s, &call->loc, E_ARGS,
                       "path: invalid size value, need non-negative literal");
    }
    if (sema_refused_by(s, allows_d_path))
        sema_error(s, &call->loc, E_CONTEXT,
                   "The path function can only be used with 'fentry', 'fexit', 'iter' probes");
    const struct type *t = sema_expr(s, call->a);
    if (t && !(t->kind == T_INT && t->is_ptr) && !(t->kind == T_RECORD && t->tag))
        sema_error(s, &call->loc, E_ARGS,
                   "path() only supports pointer or C type argument (%s provided)", kind_name(t));
    call->aux = n < 1 ? 1 : n < s->max_strlen ? n : s->max_strlen;
    return type_string(s->types, n > 0 ? (uint32_t)n : 1);
}
