/* Builtins about the running system: rand, jiffies, ncpus, numaid, cgroup,
 * username, usermode and ctx. */
#include <string.h>
#include <time.h>

#include "sema/sema_impl.h"
#include "sys/cpus.h"

static bool is_special(const struct provider *p) {
    return strcmp(p->name, "begin") == 0 || strcmp(p->name, "end") == 0;
}

/* Providers whose context starts with a struct pt_regs: kprobes, uprobes
 * and USDT (KPROBE programs) and every perf event (profile, interval,
 * software, hardware, watchpoints), as bpftrace allows usermode there. */
static bool has_pt_regs(const struct provider *p) {
    return p->prog_type == BPF_PROG_TYPE_KPROBE || p->prog_type == BPF_PROG_TYPE_PERF_EVENT;
}

/* usermode: the cs register where the context has one; begin and end run
 * in user space, other probes have no registers and read as 0. */
static const struct type *usermode(struct sema *s, struct node *n) {
    bool all_special = s->unit_count > 0, all_regs = s->unit_count > 0;
    for (int i = s->unit_first; i < s->unit_first + s->unit_count; i++) {
        all_special &= is_special(s->out->units[i].prov);
        all_regs &= has_pt_regs(s->out->units[i].prov);
    }
    if (!all_regs) {
        ast_become_int(n, all_special ? 1 : 0);
        return &type_u8;
    }
    n->sym = B_USERMODE;
    return &type_u8;
}

static const struct type *ctx(struct sema *s, struct node *n) {
    for (int i = s->unit_first; i < s->unit_first + s->unit_count; i++) {
        const struct provider *p = s->out->units[i].prov;
        if (is_special(p)) {
            sema_error(s, &n->loc, E_CONTEXT, "The ctx builtin can not be used with '%s' probes",
                       p->name);
            return NULL;
        }
    }
    n->sym = B_CTX;
    return type_ptr_to(s->types, NULL, AS_KERNEL);
}

bool sema_sysinfo_builtin(struct sema *s, struct node *n, const struct type **ty) {
    static const struct {
        const char *name;
        enum builtin id;
        const struct type *ty;
    } plain[] = {
        {"rand", B_RAND, &type_u32},
        {"jiffies", B_JIFFIES, &type_u64},
        {"numaid", B_NUMAID, &type_u32},
        {"cgroup", B_CGROUP, &type_u64},
    };
    for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
        if (strcmp(n->str, plain[i].name) == 0) {
            n->sym = plain[i].id;
            *ty = plain[i].ty;
            return true;
        }
    }
    if (strcmp(n->str, "ncpus") == 0) {
        ast_become_int(n, (uint64_t)cpus_possible());
        *ty = &type_u64;
    } else if (strcmp(n->str, "username") == 0) {
        n->sym = B_USERNAME;
        *ty = type_text(s->types, TEXT_USERNAME, NULL);
    } else if (strcmp(n->str, "usermode") == 0) {
        *ty = usermode(s, n);
    } else if (strcmp(n->str, "ctx") == 0) {
        *ty = ctx(s, n);
    } else {
        return false;
    }
    return true;
}

static int64_t clock_ns(clockid_t c) {
    struct timespec ts;
    clock_gettime(c, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* nsecs([clock]): the clock is a bare name. */
const struct type *sema_check_nsecs(struct sema *s, struct node *call, int nargs) {
    static const char *const names[] = {
        [NSECS_BOOT] = "boot",
        [NSECS_MONOTONIC] = "monotonic",
        [NSECS_TAI] = "tai",
        [NSECS_SW_TAI] = "sw_tai",
    };
    call->aux = NSECS_BOOT;
    if (nargs == 0)
        return &type_u64;
    struct node *c = call->a;
    for (size_t i = 0; c->kind == N_IDENT && i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(c->str, names[i]) == 0) {
            call->aux = (int64_t)i;
            if (i == NSECS_SW_TAI)
                call->num = (uint64_t)(clock_ns(CLOCK_TAI) - clock_ns(CLOCK_BOOTTIME));
            return &type_u64;
        }
    }
    sema_error(s, &c->loc, E_ARGS, "Invalid timestamp mode: %s",
               c->kind == N_IDENT ? c->str : "(expression)");
    return NULL;
}
