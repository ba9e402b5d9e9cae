/* percpu_kaddr("sym"[, cpu]): the address of a per-CPU kernel variable on
 * this CPU or on cpu. The variable must be in the kernel's BTF: the program
 * names it by BTF id (code generation asks bpf_this_cpu_ptr or
 * bpf_per_cpu_ptr), as bpftrace does. */
#include <bpf/btf.h>

#include "sema/sema_impl.h"
#include "sys/kbtf.h"

const struct type *sema_check_percpu_kaddr(struct sema *s, struct node *call, int nargs) {
    const struct type *ptr = type_ptr_to(s->types, &type_u64, AS_KERNEL);
    struct node *arg = sema_literal_arg(s, call);
    const struct type *cpu = nargs == 2 ? sema_expr(s, call->a->next) : &type_u64;
    if (!cpu)
        return ptr;
    if (!sema_is_int(cpu)) { /* bpftrace's wording here: "int" */
        sema_error(s, &call->loc, E_ARGS, "%s() only supports int arguments (%s provided)",
                   call->str, sema_is_str(cpu) ? "string" : sema_tname(cpu));
        return ptr;
    }
    if (!arg || !s->report) /* resolved once, on the reporting walk */
        return ptr;
    int id = kbtf_id(arg->str, BTF_KIND_VAR);
    if (id < 0)
        sema_error(s, &call->loc, E_UNKNOWN_IDENT, "Could not resolve variable \"%s\" from BTF",
                   arg->str);
    call->aux = id;
    return ptr;
}
