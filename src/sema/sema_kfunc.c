/* kfunc_exist("name") and kfunc_allowed("name"): what the kernel says about
 * a kfunc, asked while compiling, as bpftrace asks (src/sys/features.c).
 * The call becomes a bool literal, so that a condition on it folds and the
 * branch it rules out is never generated. */
#include "sema/sema_impl.h"
#include "sys/features.h"

/* bpftrace asks for the type of the probe's first attach point. */
static bool allowed_here(struct sema *s, const char *name) {
    if (s->unit_count < 1)
        return false;
    return features_kfunc_allowed(name, s->out->units[s->unit_first].prov->prog_type);
}

const struct type *sema_check_kfunc(struct sema *s, struct node *call, int nargs) {
    (void)nargs;
    struct node *arg = sema_string_literal(s, call->a);
    if (!arg) {
        sema_expr(s, call->a); /* its own errors first, as bpftrace's typeinfo() */
        sema_error(s, &call->loc, E_ARGS, "%s() accepts a string literal only", call->str);
        return &type_bool;
    }
    if (!s->report) /* asked once, on the reporting walk */
        return &type_bool;
    bool btf = !(s->opts && s->opts->no_btf); /* without BTF, no kfunc (bpftrace) */
    bool yes = btf && (call->sym == F_KFUNC_EXIST ? features_kfunc_exists(arg->str)
                                                  : allowed_here(s, arg->str));
    ast_become_int(call, yes);
    call->kind = N_BOOL;
    return &type_bool;
}
