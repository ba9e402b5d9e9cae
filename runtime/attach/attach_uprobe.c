/* uprobe and uretprobe: the targets of one program on one file share a
 * single uprobe_multi link (thousands of functions attach at once); the
 * first target of such a run owns the link and the others ride on it.
 * Kernels without uprobe_multi get a perf event per target. */
#include <bpf/bpf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attach/attach.h"
#include "attach/uprobe.h"
#include "sys/features.h"

/* The kernel's ENOTSUPP, which reaches user space as a bare number:
 * arch_uprobe_analyze_insn's answer for instructions it cannot probe. */
#define ENOTSUPP_KERNEL 524

static bool same_file(const struct attach_target *a, const struct attach_target *b) {
    return a->kind == b->kind && a->spec.pid == b->spec.pid && a->spec.path && b->spec.path &&
           strcmp(a->spec.path, b->spec.path) == 0;
}

/* The index of rt's target among its program's, and how many targets from
 * there on share its file. */
static int run_of(const struct rt_target *rt, int *first) {
    const struct prog_desc *p = rt->prog->desc;
    int i = (int)(rt->t - p->targets), n = 1;
    *first = i;
    while (i + n < p->ntargets && same_file(&p->targets[i], &p->targets[i + n]))
        n++;
    return n;
}

static void warn_skipped(const struct attach_target *t, const char *why);

/* Whether errno is the kernel refusing the probed instruction. */
static bool insn_refused(void) {
    return errno == ENOTSUPP_KERNEL || errno == EOPNOTSUPP;
}

/* The warning's reason for errno (ENOTSUPP has no strerror text). */
static const char *refusal_reason(void) {
    return errno == ENOTSUPP_KERNEL ? "instruction not supported" : strerror(errno);
}

/* One perf event per target, each with its cookie, all owned by rt. Of
 * several targets (a wildcard), one whose instruction the kernel refuses
 * is skipped with a warning, as with uprobe_multi links. */
static int attach_perf(struct rt_target *rt, const struct attach_target *t, int n, struct diag *d) {
    int skipped = 0;
    for (int i = 0; i < n; i++) {
        LIBBPF_OPTS(bpf_link_create_opts, opts, .perf_event.bpf_cookie = t[i].cookie);
        const struct target_spec *s = &t[i].spec;
        int fd = rt_uprobe_open(s->path, s->offset, 0, t[i].kind == PK_URETPROBE, s->pid), link;
        if (fd < 0 || rt_target_own_fd(rt, fd) < 0)
            goto fail;
        link = bpf_link_create(rt->prog->fd, fd, BPF_PERF_EVENT, &opts);
        if (link < 0 || rt_target_own_link(rt, link) < 0)
            goto fail;
        continue;
    fail:
        if (n > 1 && insn_refused() && ++skipped < n) {
            warn_skipped(&t[i], refusal_reason());
            continue;
        }
        diag_error(d, &rt->prog->desc->loc, E_IO, "Unable to attach probe: %s: %s",
                   t[i].name ? t[i].name : "?", strerror(errno));
        rt_detach_target(rt);
        return -1;
    }
    return 0;
}

/* The kernel refuses unknown link types with EINVAL; anything else is a
 * real error about these targets. Returns the link, -1 with errno set. */
static int attach_multi(struct rt_target *rt, int first, int n) {
    const struct attach_target *t = &rt->prog->desc->targets[first];
    uint64_t *offsets = malloc(sizeof(uint64_t) * (size_t)n * 2);
    int link;
    if (!offsets) {
        errno = ENOMEM;
        return -1;
    }
    uint64_t *cookies = offsets + n;
    for (int i = 0; i < n; i++) {
        offsets[i] = t[i].spec.offset;
        cookies[i] = t[i].cookie;
    }
    link = rt_uprobe_multi_link(rt->prog->fd, t->spec.path, offsets, NULL, cookies, (uint32_t)n,
                                t->kind == PK_URETPROBE, t->spec.pid);
    int err = errno;
    free(offsets);
    errno = err;
    return link;
}

static bool first_of_run(const struct rt_target *rt) {
    const struct prog_desc *p = rt->prog->desc;
    int i = (int)(rt->t - p->targets);
    return i == 0 || !same_file(&p->targets[i - 1], rt->t);
}

/* The kernel refuses the whole link when one location cannot take a
 * uprobe (an instruction it cannot single-step, such as pthread_spin_lock's
 * "lock decl"): halve the run until that location is alone, and skip it
 * with a warning when it came with others, as a wildcard does. */
static int attach_range(struct rt_target *rt, int first, int n, bool in_run, struct diag *d) {
    const struct attach_target *t = &rt->prog->desc->targets[first];
    if (!features_has(FEAT_UPROBE_MULTI))
        return attach_perf(rt, t, n, d);
    int link = attach_multi(rt, first, n);
    if (link >= 0)
        return rt_target_own_link(rt, link);
    if (errno != EINVAL && !insn_refused())
        return attach_perf(rt, t, n, d);
    if (n > 1) {
        int half = n / 2;
        if (attach_range(rt, first, half, true, d) < 0)
            return -1;
        return attach_range(rt, first + half, n - half, true, d);
    }
    if (!in_run)
        return attach_perf(rt, t, 1, d);
    warn_skipped(t, refusal_reason());
    return 0;
}

static void warn_skipped(const struct attach_target *t, const char *why) {
    fprintf(stderr, "WARNING: Unable to attach probe: %s: %s (skipped)\n", t->name, why);
}

/* Attaches the run's targets in stretches between the locations the kernel
 * would refuse, which are skipped (a target alone is left to the kernel's
 * own error). */
static int attach_run(struct rt_target *rt, int first, int n, struct diag *d) {
    const struct attach_target *t = rt->prog->desc->targets;
    int fd = open(t[first].spec.path, O_RDONLY | O_CLOEXEC);
    int start = first, rc = 0;
    for (int i = first; i < first + n && rc == 0; i++) {
        const char *why = fd < 0 ? NULL : rt_uprobe_insn_misstepped(fd, t[i].spec.offset);
        if (why && n == 1) {
            diag_error(d, &rt->prog->desc->loc, E_UNSUPPORTED, "Unable to attach probe: %s: %s",
                       t[i].name, why);
            rc = -1;
            break;
        }
        if (!why && (fd < 0 || n == 1 || !rt_uprobe_insn_refused(fd, t[i].spec.offset)))
            continue;
        if (i > start)
            rc = attach_range(rt, start, i - start, true, d);
        warn_skipped(&t[i], why ? why : "instruction not supported");
        start = i + 1;
    }
    if (rc == 0 && start < first + n)
        rc = attach_range(rt, start, first + n - start, n > 1, d);
    if (fd >= 0)
        close(fd);
    return rc;
}

static int attach_uprobe(struct rt_target *rt, struct diag *d) {
    int first, n;
    if (!first_of_run(rt))
        return 0; /* the run's first target attached it */
    n = run_of(rt, &first);
    if (attach_run(rt, first, n, d) < 0) {
        rt_detach_target(rt);
        return -1;
    }
    return 0;
}

const struct rt_attach_ops rt_attach_uprobe = {
    .phase = RT_PHASE_ATTACH,
    .attach = attach_uprobe,
    .reverse = true,
};
