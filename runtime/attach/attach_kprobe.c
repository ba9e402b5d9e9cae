/* kprobe/kretprobe: every target of a program joins one kprobe_multi link
 * (hundreds of functions at once; the first target owns it), or where the
 * kernel lacks that link, or for a probe at an offset, a perf event of the
 * kprobe PMU per target. A kernel with neither is named in the error, with
 * the syscall tracepoint that sees the same event when there is one. */
#include <bpf/bpf.h>
#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attach/attach.h"
#include "sys/features.h"
#include "sys/tracefs.h"

static bool is_ret(const struct attach_target *t) {
    return t->kind == PK_KRETPROBE;
}

/* A perf event of the kprobe PMU on the target's function. */
static int open_pmu(const struct attach_target *t) {
    long type = rt_pmu_value("kprobe", "type", "");
    long ret_bit = rt_pmu_value("kprobe", "format/retprobe", "config:");
    struct perf_event_attr attr = {.sample_period = 1, .wakeup_events = 1};
    if (type < 0 || (is_ret(t) && ret_bit < 0)) {
        errno = ENOENT;
        return -1;
    }
    attr.type = (uint32_t)type;
    attr.config1 = (uint64_t)(uintptr_t)t->spec.symbol; /* kprobe_func */
    attr.config2 = t->spec.offset;                      /* probe_offset */
    if (is_ret(t))
        attr.config |= 1ull << ret_bit;
    return rt_perf_event_open(&attr, 0);
}

static int attach_multi(struct rt_target *rt) {
    const struct prog_desc *p = rt->prog->desc;
    const char **syms = calloc((size_t)p->ntargets, sizeof(*syms));
    __u64 *cookies = calloc((size_t)p->ntargets, sizeof(*cookies));
    int link = -1;
    if (syms && cookies) {
        for (int i = 0; i < p->ntargets; i++) {
            syms[i] = p->targets[i].spec.symbol;
            cookies[i] = p->targets[i].cookie;
        }
        LIBBPF_OPTS(bpf_link_create_opts, opts, .kprobe_multi.syms = syms,
                    .kprobe_multi.cookies = cookies, .kprobe_multi.cnt = (uint32_t)p->ntargets,
                    .kprobe_multi.flags = is_ret(rt->t) ? BPF_F_KPROBE_MULTI_RETURN : 0);
        link = bpf_link_create(rt->prog->fd, 0, BPF_TRACE_KPROBE_MULTI, &opts);
    } else {
        errno = ENOMEM;
    }
    int err = errno;
    free(syms);
    free(cookies);
    errno = err;
    return link;
}

/* "__x64_sys_openat", "__se_sys_openat", "__do_sys_openat", "ksys_openat"
 * -> "openat", when syscalls:sys_enter_openat exists. */
static bool syscall_of(const char *func, char *name, size_t len) {
    static const char *const prefixes[] = {"__x64_sys_", "__ia32_sys_", "__arm64_sys_", "__se_sys_",
                                           "__do_sys_",  "ksys_",       "sys_"};
    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
        size_t n = strlen(prefixes[i]);
        if (strncmp(func, prefixes[i], n) != 0)
            continue;
        char event[300];
        snprintf(event, sizeof(event), "sys_enter_%s", func + n);
        if (tracefs_event_id("syscalls", event) < 0)
            return false;
        snprintf(name, len, "%s", func + n);
        return true;
    }
    return false;
}

static void report_no_kprobes(const struct rt_target *rt, struct diag *d) {
    char sc[256], hint[400] = "";
    if (syscall_of(rt->t->spec.symbol, sc, sizeof(sc)))
        snprintf(hint, sizeof(hint), "; tracepoint:syscalls:sys_%s_%s sees the same event",
                 is_ret(rt->t) ? "exit" : "enter", sc);
    /* E_UNKNOWN_PROBE: a missing probe, which config missing_probes may skip */
    diag_error(d, &rt->prog->desc->loc, E_UNKNOWN_PROBE,
               "Unable to attach probe: %s: this kernel has no kprobes (no kprobe PMU, no "
               "kprobe_multi link)%s",
               rt_target_name(rt), hint);
}

/* One perf event for rt's own target, with its cookie. */
static int attach_pmu(struct rt_target *rt, struct diag *d) {
    int fd = open_pmu(rt->t);
    if (fd < 0 && errno == ENOENT) {
        report_no_kprobes(rt, d);
        return -1;
    }
    if (fd < 0) {
        diag_error(d, &rt->prog->desc->loc, E_IO, "Unable to attach probe: %s: %s",
                   rt_target_name(rt), strerror(errno));
        return -1;
    }
    return rt_attach_perf_fd(rt, fd, d);
}

/* A kprobe_multi link on a function that does not exist: the kernel
 * looks the name up only when it has such links (ENOENT, ESRCH); without
 * them it refuses the attach type (EINVAL, before 5.18) or has no fprobe
 * (EOPNOTSUPP, Debian's 6.1). Kernels that answer otherwise get perf
 * events, which only costs speed. */
static bool probe_multi(void) {
    const struct bpf_insn insns[] = {
        {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0},
        {.code = BPF_JMP | BPF_EXIT},
    };
    LIBBPF_OPTS(bpf_prog_load_opts, load, .expected_attach_type = BPF_TRACE_KPROBE_MULTI);
    int prog = bpf_prog_load(BPF_PROG_TYPE_KPROBE, "trawk_probe", "GPL", insns, 2, &load);
    if (prog < 0)
        return false;
    const char *sym = "trawk_no_such_function";
    LIBBPF_OPTS(bpf_link_create_opts, opts, .kprobe_multi.syms = &sym, .kprobe_multi.cnt = 1);
    int link = bpf_link_create(prog, 0, BPF_TRACE_KPROBE_MULTI, &opts);
    bool yes = link >= 0 || errno == ENOENT || errno == ESRCH;
    if (link >= 0)
        close(link);
    close(prog);
    return yes;
}

bool rt_kprobe_multi(void) {
    static int known = -1;
    if (known < 0) /* --no-feature kprobe_multi: a perf event per function, as before 5.18 */
        known = !features_disabled(FEAT_KPROBE_MULTI) && probe_multi();
    return known;
}

static int attach_kprobe(struct rt_target *rt, struct diag *d) {
    const struct prog_desc *p = rt->prog->desc;
    if (rt->t->spec.offset || p->attrs.expected_attach_type != BPF_TRACE_KPROBE_MULTI ||
        !rt_kprobe_multi())
        return attach_pmu(rt, d);
    if (rt->t != &p->targets[0])
        return 0; /* the first target's link serves them all */
    int link = attach_multi(rt);
    if (link >= 0)
        return rt_target_own_link(rt, link);
    diag_error(d, &p->loc, E_IO, "Unable to attach probe: %s: %s", rt_target_name(rt),
               strerror(errno));
    return -1;
}

const struct rt_attach_ops rt_attach_kprobe = {
    .phase = RT_PHASE_ATTACH,
    .attach = attach_kprobe,
};
