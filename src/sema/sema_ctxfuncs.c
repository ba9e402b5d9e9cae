/* Functions that read the probe's context: reg(). Each is valid only where
 * the program's context allows it, as bpftrace checks. */
#include <string.h>

#include "providers/arch.h"
#include "providers/provider.h"
#include "sema/sema_impl.h"

/* Contexts that start with a struct pt_regs: kprobes and uprobes (KPROBE
 * programs) and perf events (bpf_perf_event_data begins with the regs). */
static bool has_regs(const struct provider *p) {
    return p->prog_type == BPF_PROG_TYPE_KPROBE || p->prog_type == BPF_PROG_TYPE_PERF_EVENT;
}

/* The first of the probe's providers that ok() refuses, or NULL. */
static const struct provider *refused_by(struct sema *s, bool (*ok)(const struct provider *)) {
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
    const struct provider *p = refused_by(s, ok);
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
