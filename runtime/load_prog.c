/* Loading the programs: map references become fds, the kernel checks the
 * code, and a rejection is explained with the verifier's own words and the
 * script line of the instruction it stopped at. */
#include <bpf/bpf.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rt_internal.h"

/* Enough for the whole log of any program trawk emits; on kernels since 6.4
 * an overflowing log keeps its tail, which holds the reason anyway. */
#define VERIFIER_LOG_SIZE (4u << 20)
#define LOG_TAIL_LINES 20
/* bpftrace's default log_size: the verifier log -v loads with */
#define DEFAULT_LOG_SIZE 1000000u

static bool is_map_ref(const struct bpf_insn *in) {
    return in->code == (BPF_LD | BPF_DW | BPF_IMM) &&
           (in->src_reg == BPF_PSEUDO_MAP_FD || in->src_reg == BPF_PSEUDO_MAP_VALUE);
}

/* A copy of p's instructions with map indices replaced by fds, so the
 * manifest stays as the compiler made it (for -d dumps and reloading).
 * Errors go to d, if any. */
static struct bpf_insn *relocate(const struct manifest *m, const struct prog_desc *p,
                                 struct diag *d) {
    struct bpf_insn *insns = malloc(sizeof(*insns) * (p->ninsns ? p->ninsns : 1));

    if (!insns) {
        if (d)
            diag_plain_error(d, E_IO, "Out of memory loading %s", p->name);
        return NULL;
    }
    memcpy(insns, p->insns, sizeof(*insns) * p->ninsns);
    for (int i = 0; i < p->ninsns; i++) {
        if (!is_map_ref(&insns[i]))
            continue;
        if (insns[i].imm < 0 || insns[i].imm >= m->nmaps || i + 1 >= p->ninsns) {
            if (d)
                diag_plain_error(d, E_IO, "%s: instruction %d refers to map %d of %d", p->name, i,
                                 insns[i].imm, m->nmaps);
            free(insns);
            return NULL;
        }
        insns[i].imm = m->maps[insns[i].imm].fd;
        i++; /* the second half of the 16-byte load */
    }
    return insns;
}

/* The verifier's log levels: its decisions, every state, statistics. */
#define LOG_LEVEL_DECISIONS 1u
#define LOG_LEVEL_DUMP (1u | 2u | 4u)

static int load_logged(const struct prog_desc *p, const struct bpf_insn *insns,
                       const struct rt_func_info *fi, const struct rt_load_fds *fds, char *log,
                       uint32_t log_size, uint32_t log_level) {
    const struct prog_attrs *a = &p->attrs;
    LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = rt_load_attach_type(a),
                .attach_btf_id = a->attach_btf_id, .log_buf = log, .log_size = log_size,
                .log_level = log ? log_level : 0);
    if (fds->btf_obj_fd >= 0)
        opts.attach_btf_obj_fd = (uint32_t)fds->btf_obj_fd;
    if (fds->prog_fd >= 0)
        opts.attach_prog_fd = (uint32_t)fds->prog_fd;
    if (fi->info) {
        opts.prog_btf_fd = (uint32_t)fi->btf_fd;
        opts.func_info = fi->info;
        opts.func_info_cnt = (uint32_t)fi->n;
        opts.func_info_rec_size = sizeof(*fi->info);
    }
    char name[16];

    /* Program names follow the same rules as map names; the probe kind is enough. */
    snprintf(name, sizeof(name), "trawk_%d", (int)p->kind);
    return bpf_prog_load(a->prog_type, name, "GPL", insns, p->ninsns, &opts);
}

static int load_once(const struct prog_desc *p, const struct bpf_insn *insns,
                     const struct rt_func_info *fi, const struct rt_load_fds *fds, char *log,
                     uint32_t log_size) {
    return load_logged(p, insns, fi, fds, log, log_size, LOG_LEVEL_DECISIONS);
}

/* bpftrace's name for the program: the probe as an identifier, numbered. */
static char *bpftrace_prog_name(const struct prog_desc *p, int index) {
    const char *probe = p->name ? p->name : "";
    size_t size = strlen(probe) + 16;
    char *name = malloc(size);
    if (!name)
        return NULL;
    snprintf(name, size, "%s_%d", probe, index + 1);
    for (char *c = name; *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '_')
            *c = '_';
    return name;
}

/* -d verifier: the whole log of every program, loaded or not, as bpftrace
 * prints it; a rejected program is then explained as usual. Returns the
 * fd, or -2 when the load failed. */
static int load_dumping_log(const struct prog_desc *p, const struct bpf_insn *insns,
                            const struct rt_func_info *fi, const struct rt_load_fds *fds, int index,
                            FILE *out) {
    char *log = calloc(1, VERIFIER_LOG_SIZE);
    if (!log)
        return -2;
    int fd = load_logged(p, insns, fi, fds, log, VERIFIER_LOG_SIZE, LOG_LEVEL_DUMP);
    char *name = bpftrace_prog_name(p, index);
    fprintf(out, "BPF verifier log for %s:\n--------------------------------------\n%s\n",
            name ? name : "", log);
    free(name);
    free(log);
    return fd >= 0 ? fd : -2;
}

/* Kernels built without BPF trampolines (or locked down against them)
 * refuse fentry/fexit programs before verifying them: say so, since
 * "Operation not permitted" alone suggests a missing privilege. */
static bool report_no_trampoline(const struct prog_desc *p, int err, struct diag *d) {
    enum bpf_attach_type t = p->attrs.expected_attach_type;
    if (p->attrs.prog_type != BPF_PROG_TYPE_TRACING || (err != EPERM && err != ENOTSUP) ||
        (t != BPF_TRACE_FENTRY && t != BPF_TRACE_FEXIT))
        return false;
    diag_error(d, &p->loc, E_UNSUPPORTED,
               "Error loading BPF program for %s: this kernel refuses fentry/fexit programs "
               "(BPF trampolines: %s)",
               p->name, strerror(err));
    return true;
}

static void report_rejection(const struct prog_desc *p, int err, const char *log, bool verbose,
                             struct diag *d) {
    char reason[256];
    if (report_no_trampoline(p, err, d))
        return;
    int insn = log ? rt_log_failed_insn(log) : -1;
    struct loc l = p->loc;

    rt_log_last_line(log ? log : "", reason, sizeof(reason));
    if (insn >= 0 && insn < p->ninsns && p->insn_loc && p->insn_loc[insn].first_line > 0)
        l = p->insn_loc[insn];
    char helper[64];
    if (log && rt_log_refused_helper(log, helper, sizeof(helper))) {
        /* bpftrace's words: the script's call, not the kernel's log, explains it */
        diag_error(d, &l, E_CONTEXT, "helper %s not allowed in probe", helper);
        return;
    }
    if (reason[0] && insn >= 0)
        diag_error(d, &l, E_LIMIT,
                   "The kernel rejected the BPF program for %s: %s (instruction %d)", p->name,
                   reason, insn);
    else
        diag_error(d, &l, E_LIMIT, "Error loading BPF program for %s: %s%s%s", p->name,
                   strerror(err), reason[0] ? ": " : "", reason);
    if (!log || !log[0])
        return;
    fprintf(d->out, "%s verifier log:\n", verbose ? "Kernel" : "End of the kernel");
    if (verbose)
        fputs(log, d->out);
    else
        rt_log_print_tail(d->out, log, LOG_TAIL_LINES);
}

/* -v loads with a verifier log of log_size bytes, as bpftrace does; a log
 * that does not fit fails the load (ENOSPC), reported in bpftrace's words
 * with the program named as bpftrace names it (probe_N). Returns the fd,
 * -1 after reporting, or -2 for another failure, explained as usual. */
static int load_with_user_log(const struct prog_desc *p, const struct bpf_insn *insns,
                              const struct rt_func_info *fi, const struct rt_load_fds *fds,
                              uint32_t log_size, int index, struct diag *d) {
    char *log = calloc(1, log_size);
    if (!log)
        return -2;
    int fd = load_once(p, insns, fi, fds, log, log_size);
    if (fd >= 0 || errno != ENOSPC) {
        free(log);
        return fd >= 0 ? fd : -2;
    }
    char *name = bpftrace_prog_name(p, index);
    diag_plain_error(d, E_LIMIT,
                     "Error loading BPF program for %s. Error code: -%d (%s).\n"
                     "Kernel error log: \n%s\n"
                     "WARNING: Kernel log seems to be trimmed. This may be due to buffer not "
                     "being big enough, try increasing the BPFTRACE_LOG_SIZE environment "
                     "variable beyond the current value of %u bytes. Or, add the configuration "
                     "`config = { log_size = N; }` to the script.",
                     name ? name : "", ENOSPC, strerror(ENOSPC), log, log_size);
    free(name);
    free(log);
    return -1;
}

/* The first attempt runs without a log: the kernel verifies faster that way
 * and most programs pass. Only a failure pays for the retry with a log.
 * Returns the program fd or -1 after reporting. */
static int load_or_explain(const struct prog_desc *p, const struct bpf_insn *insns,
                           const struct rt_func_info *fi, const struct rt_load_fds *fds,
                           bool verbose, struct diag *d) {
    int fd = load_once(p, insns, fi, fds, NULL, 0);
    char *log;
    int err;

    if (fd >= 0)
        return fd;
    err = errno;
    log = calloc(1, VERIFIER_LOG_SIZE);
    if (log) {
        fd = load_once(p, insns, fi, fds, log, VERIFIER_LOG_SIZE);
        if (fd < 0 && errno != ENOSPC)
            err = errno;
    }
    if (fd < 0)
        report_rejection(p, err, log, verbose, d);
    free(log);
    return fd < 0 ? -1 : fd;
}

static int load_prog(const struct rt_state *st, int index, struct rt_prog *rp, bool verbose,
                     struct diag *d) {
    const struct manifest *m = st->m;
    const struct prog_desc *p = rp->desc;
    struct bpf_insn *insns = relocate(m, p, d);
    struct rt_func_info fi;
    struct rt_load_fds fds;

    if (!insns)
        return -1;
    if (rt_func_info_build(insns, p->ninsns, &fi) < 0) {
        diag_error(d, &p->loc, E_IO, "Failed to describe the callbacks of %s to the kernel (BTF)",
                   p->name);
        free(insns);
        return -1;
    }
    if (rt_load_fds_open(p, &fds, d) == 0) {
        if (st->verifier_out)
            rp->fd = load_dumping_log(p, insns, &fi, &fds, index, st->verifier_out);
        else
            rp->fd =
                verbose ? load_with_user_log(p, insns, &fi, &fds,
                                             m->log_size ? m->log_size : DEFAULT_LOG_SIZE, index, d)
                        : -2;
        if (rp->fd == -2)
            rp->fd = load_or_explain(p, insns, &fi, &fds, verbose, d);
        rt_load_fds_close(&fds);
    }
    free(insns);
    rt_func_info_free(&fi);
    return rp->fd >= 0 ? 0 : -1;
}

int rt_load_quiet(const struct manifest *m, const struct prog_desc *p) {
    const struct prog_attrs *a = &p->attrs;
    if (a->attach_btf_module || a->attach_prog_id)
        return -1; /* objects to open, with their own errors */
    struct bpf_insn *insns = relocate(m, p, NULL);
    struct rt_func_info fi;
    struct rt_load_fds fds = {.btf_obj_fd = -1, .prog_fd = -1};
    int fd = -1;
    if (insns && rt_func_info_build(insns, p->ninsns, &fi) == 0) {
        fd = load_once(p, insns, &fi, &fds, NULL, 0);
        rt_func_info_free(&fi);
    }
    free(insns);
    return fd;
}

/* A later program of a long block's chain goes where the previous one
 * tail-calls it. */
static int chain_prog(const struct manifest *m, const struct rt_prog *rp, struct diag *d) {
    const struct prog_desc *p = rp->desc;
    uint32_t slot = (uint32_t)p->chain_slot;
    if (!p->chained || bpf_map_update_elem(m->maps[p->chain_map].fd, &slot, &rp->fd, BPF_ANY) == 0)
        return 0;
    diag_error(d, &p->loc, E_IO, "Failed to chain the programs of %s: %s", p->name,
               strerror(errno));
    return -1;
}

int rt_load_progs(struct rt_state *st, bool verbose, struct diag *d) {
    if (!verbose && !st->verifier_out) /* logs come in order */
        rt_load_pool(st);
    for (int i = 0; i < st->m->nprogs; i++)
        if ((st->progs[i].fd < 0 && load_prog(st, i, &st->progs[i], verbose, d) < 0) ||
            chain_prog(st->m, &st->progs[i], d) < 0)
            return -1;
    return 0;
}
