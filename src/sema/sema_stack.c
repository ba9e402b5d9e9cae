/* kstack and ustack: the builtins, their call forms kstack(N), kstack(MODE)
 * and kstack(MODE, N), and the stack_mode config variable; ksym and usym,
 * which name one address as a stack names its frames. */
#include <stdlib.h>
#include <string.h>

#include "sema/sema_impl.h"

/* bpftrace's bound on a stack's frames; the kernel keeps fewer
 * (kernel.perf_event_max_stack), see cg_stack.c. */
#define STACK_MAX_LIMIT 1024
#define STACK_DEFAULT_LIMIT 127

static const char mode_error[] =
    "Invalid value for stack_mode: valid values are bpftrace, raw, perf, and build_id.";

bool sema_stack_mode_parse(const char *name, enum stack_mode *mode) {
    for (enum stack_mode m = STACK_BPFTRACE; m <= STACK_BUILD_ID; m++) {
        if (name && strcmp(name, type_stack_mode_name(m)) == 0) {
            *mode = m;
            return true;
        }
    }
    return false;
}

/* BPFTRACE_STACK_MODE, bpftrace's environment form of the config
 * variable; the script's config block overrides it. */
void sema_stack_mode_env(struct sema *s) {
    const char *env = getenv("BPFTRACE_STACK_MODE");
    if (env && !sema_stack_mode_parse(env, &s->stack_mode))
        diag_plain_error(s->d, E_TYPE, "stack_mode: %s", mode_error);
}

/* config = { stack_mode = perf }: the value is a name or a string. */
void sema_config_stack_mode(struct sema *s, struct node *item) {
    const struct node *v = item->b;
    bool named = v && (v->kind == N_IDENT || v->kind == N_STRING);
    if (!named || !sema_stack_mode_parse(v->str, &s->stack_mode))
        diag_error(s->d, &item->loc, E_TYPE, "stack_mode: %s", mode_error);
}

/* The first argument, when it is a mode name: not an expression, so it is
 * never analysed as one. Returns false after reporting a bad name. */
static bool mode_arg(struct sema *s, struct node *call, struct node *a, enum stack_mode *mode) {
    if (sema_stack_mode_parse(a->str, mode))
        return true;
    sema_error(s, &a->loc, E_ARGS, "Error parsing stack mode: %s: %s", call->str, mode_error);
    return false;
}

static void limit_arg(struct sema *s, struct node *call, struct node *a, uint16_t *limit) {
    if (a->kind != N_IDENT) /* a mode name in second place is only a bad limit */
        sema_expr(s, a);
    if (a->kind != N_INT) {
        sema_error(s, &call->loc, E_ARGS, "%s: invalid limit value", call->str);
        return;
    }
    if (a->num > STACK_MAX_LIMIT) {
        sema_error(s, &call->loc, E_ARGS, "%s([int limit]): limit shouldn't exceed %d, %llu given",
                   call->str, STACK_MAX_LIMIT, (unsigned long long)a->num);
        return;
    }
    *limit = (uint16_t)a->num;
}

const struct type *sema_stack_call(struct sema *s, struct node *call, int nargs) {
    bool user = call->sym == F_USTACK || call->sym == F_DW_USTACK;
    enum stack_mode mode = s->stack_mode;
    uint16_t limit = STACK_DEFAULT_LIMIT;
    struct node *first = call->a;
    if (nargs == 0 && !user && mode == STACK_BUILD_ID) {
        /* the bare builtin under config build_id falls back, the call form fails */
        if (s->report)
            diag_warning(s->d, &call->loc,
                         "'build_id' stack mode can only be used for ustack. Falling back to "
                         "'raw' mode.");
        mode = STACK_RAW;
    }
    struct node *lim = first;
    if (first && first->kind == N_IDENT) {
        mode_arg(s, call, first, &mode);
        lim = first->next;
    } else if (nargs == 2) {
        sema_error(s, &call->loc, E_ARGS, "Expected stack mode as first argument");
        lim = first->next;
    }
    if (lim)
        limit_arg(s, call, lim, &limit);
    if (mode == STACK_BUILD_ID && !user)
        sema_error(s, &call->loc, E_ARGS, "'build_id' stack mode can only be used for ustack");
    if (call->sym == F_DW_USTACK)
        return type_stack_dwarf(s->types, mode, limit);
    return type_stack(s->types, user, mode, limit);
}

/* The unstable feature's gate, then ustack's arguments. Its value is only
 * printed (printf, print): cg_stack.c refuses other uses. */
const struct type *sema_dw_ustack_call(struct sema *s, struct node *call, int nargs) {
    sema_unstable_use(s, UNSTABLE_DW_USTACK, &call->loc);
    return sema_stack_call(s, call, nargs);
}

const struct type *sema_sym_call(struct sema *s, struct node *call, int nargs) {
    const struct type *t = sema_expr(s, call->a);
    if (t && t->kind != T_INT)
        sema_error(s, &call->loc, E_ARGS, "%s() expects an integer or pointer argument", call->str);
    return call->sym == F_USYM ? &type_usym : &type_ksym;
}
