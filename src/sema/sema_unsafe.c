/* The --unsafe functions that act on the traced process: signal(sig) and
 * signal_thread(sig) (a signal named "SIGUSR1" or "USR1", or numbered),
 * write_user(dst, src, len) and override(rc) in a kprobe. */
#include <signal.h>
#include <string.h>

#include "providers/provider.h"
#include "sema/sema_impl.h"

/* 1-64 for a signal's name with or without "SIG", -1 for none. */
static int signal_number(const char *name) {
    if (strncmp(name, "SIG", 3) == 0)
        name += 3;
    for (int sig = 1; sig < NSIG && sig <= 64; sig++) {
        const char *abbrev = sigabbrev_np(sig);
        if (abbrev && strcmp(abbrev, name) == 0)
            return sig;
    }
    return -1;
}

static bool unsafe_allowed(struct sema *s, struct node *call) {
    if (s->opts && s->opts->unsafe)
        return true;
    sema_error(s, &call->loc, E_CONTEXT, "%s() is unsafe. To use you need the --unsafe flag",
               call->str);
    return false;
}

const struct type *sema_check_signal(struct sema *s, struct node *call, int nargs) {
    (void)nargs;
    struct node *sig = call->a;
    if (!unsafe_allowed(s, call))
        return &type_void;
    if (sig->kind == N_STRING) {
        int num = signal_number(sig->str);
        if (num < 0) {
            sema_error(s, &call->loc, E_ARGS, "Invalid string for signal: %s", sig->str);
            return &type_void;
        }
        ast_become_int(sig, (uint64_t)num);
    }
    const struct type *t = sema_expr(s, sig);
    int64_t v;
    if (t && (!sema_is_int(t) || t->is_ptr || (sema_const_int(sig, &v) && (v < 1 || v > 64))))
        sema_error(s, &call->loc, E_ARGS,
                   "%s() accepts a string literal or an integer between 1 and 64 (inclusive)",
                   call->str);
    return &type_void;
}

/* write_user(dst, src, len): dst a user address, src any value (written
 * from its bytes on the BPF stack), len its byte count. */
const struct type *sema_check_write_user(struct sema *s, struct node *call, int nargs) {
    (void)nargs;
    if (!unsafe_allowed(s, call))
        return &type_void;
    struct node *dst = call->a, *src = dst->next, *len = src->next;
    const struct type *dt = sema_expr(s, dst), *st = sema_expr(s, src), *lt = sema_expr(s, len);
    int64_t n;
    if (dt && !sema_is_int(dt))
        sema_error(s, &dst->loc, E_ARGS,
                   "write_user() expects a pointer or address as its first "
                   "argument (%s provided)",
                   sema_tname(dt));
    if (st && (st->kind == T_VOID || st->size == 0))
        sema_error(s, &src->loc, E_ARGS, "write_user() cannot write a value of type %s",
                   sema_tname(st));
    if (lt && (!sema_is_int(lt) || (sema_const_int(len, &n) && n <= 0)))
        sema_error(s, &len->loc, E_ARGS, "write_user() expects a positive length");
    return &type_void;
}

static bool is_kprobe(const struct provider *p) {
    return strcmp(p->name, "kprobe") == 0;
}

/* override(rc): the probed kernel function returns rc without running */
const struct type *sema_check_override(struct sema *s, struct node *call, int nargs) {
    (void)nargs;
    if (!unsafe_allowed(s, call))
        return &type_void;
    if (sema_refused_by(s, is_kprobe)) {
        sema_error(s, &call->loc, E_CONTEXT, "override() can only be used inside kprobes");
        return &type_void;
    }
    const struct type *t = sema_expr(s, call->a);
    if (t && (!sema_is_int(t) || t->is_ptr))
        sema_error(s, &call->loc, E_ARGS, "override() only supports int arguments (%s provided)",
                   t->kind == T_STRING ? "string" : sema_tname(t));
    return &type_void;
}
