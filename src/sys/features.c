/* Kernel feature detection; see features.h. Program and link probes follow
 * bpftrace's (so that --info answers as bpftrace's does on the same kernel):
 * a helper exists when a program calling it is not refused as calling an
 * unknown function; a link type exists when creating one succeeds (or fails
 * only for the bad target given on purpose). */
#include "sys/features.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <dirent.h>
#include <errno.h>
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "sys/kbtf.h"
#include "sys/tracefs.h"
#include "sys/uprobe_multi.h"

#define INSN(code, dst, src, off, imm) ((struct bpf_insn){code, dst, src, off, imm})
#define MOV0 INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0)
#define EXIT INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
#define NELEM(a) (int)(sizeof(a) / sizeof((a)[0]))

static const char *const names[FEAT__COUNT] = {
    [FEAT_TRACEFS] = "tracefs",
    [FEAT_BTF] = "btf",
    [FEAT_MODULE_BTF] = "module btf",
    [FEAT_RINGBUF] = "ringbuf",
    [FEAT_KPROBES] = "kprobe",
    [FEAT_UPROBES] = "uprobe",
    [FEAT_KPROBE_MULTI] = "kprobe_multi",
    [FEAT_KPROBE_SESSION] = "kprobe_session",
    [FEAT_UPROBE_MULTI] = "uprobe_multi",
    [FEAT_FENTRY] = "fentry",
    [FEAT_RAW_TRACEPOINT] = "rawtracepoint",
    [FEAT_ITER] = "iter",
    [FEAT_HW_EVENTS] = "hardware",
    [FEAT_BREAKPOINT] = "watchpoint",
    [FEAT_HELPER_GET_FUNC_IP] = "get_func_ip",
    [FEAT_HELPER_GET_TAI_NS] = "get_tai_ns",
    [FEAT_HELPER_LOOKUP_PERCPU_ELEM] = "lookup_percpu_elem",
    [FEAT_HELPER_LOOP] = "loop",
    [FEAT_D_PATH] = "dpath",
};

const char *features_name(enum feature f) {
    return f >= 0 && f < FEAT__COUNT ? names[f] : "?";
}

static int try_load(enum bpf_prog_type type, enum bpf_attach_type attach, int btf_id,
                    const struct bpf_insn *insns, int n, char *log, size_t loglen) {
    LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = attach,
                .attach_btf_id = (uint32_t)btf_id, .log_buf = log,
                .log_size = (uint32_t)(log ? loglen : 0), .log_level = log ? 1 : 0);
    return bpf_prog_load(type, NULL, "GPL", insns, (size_t)n, &opts);
}

static bool loads(enum bpf_prog_type type, enum bpf_attach_type attach, int btf_id,
                  const struct bpf_insn *insns, int n) {
    int fd = try_load(type, attach, btf_id, insns, n, NULL, 0);
    if (fd < 0)
        return false;
    close(fd);
    return true;
}

static bool has_helper(enum bpf_func_id id) {
    struct bpf_insn insns[] = {INSN(BPF_JMP | BPF_CALL, 0, 0, 0, id), EXIT};
    char log[4096] = "";
    int fd = try_load(BPF_PROG_TYPE_KPROBE, 0, 0, insns, NELEM(insns), log, sizeof(log));
    if (fd >= 0) {
        close(fd);
        return true;
    }
    if (errno == EPERM || !*log)
        return false;
    return !strstr(log, "invalid func ") && !strstr(log, "unknown func ") &&
           !strstr(log, "program of this type cannot use helper ");
}

static int vmlinux_func_id(const char *name) {
    return kbtf_id(name, BTF_KIND_FUNC);
}

/* A kfunc is a function in vmlinux's BTF (bpftrace asks no more: any
 * kernel function's name answers true). */
bool features_kfunc_exists(const char *name) {
    return vmlinux_func_id(name) > 0;
}

/* Whether a program of type calling name loads or fails for a reason other
 * than the kernel's "calling kernel function NAME is not allowed", which
 * check_kfunc_call gives for a kfunc outside the type's sets (bpftrace's
 * probe: the call's unset arguments fail later, so a refusal for them means
 * the kfunc itself is allowed). */
static bool kfunc_allowed_probe(const char *name, enum bpf_prog_type type) {
    int id = vmlinux_func_id(name);
    if (id <= 0)
        return false;
    struct bpf_insn insns[] = {INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_KFUNC_CALL, 0, id), EXIT};
    char log[4096] = "";
    int fd = try_load(type, 0, 0, insns, NELEM(insns), log, sizeof(log));
    if (fd >= 0) {
        close(fd);
        return true;
    }
    char refusal[512];
    snprintf(refusal, sizeof(refusal), "calling kernel function %s is not allowed", name);
    return !strstr(log, refusal);
}

/* Answers already found, one program load each. */
struct kfunc_answer {
    struct kfunc_answer *next;
    enum bpf_prog_type type;
    bool allowed;
    char name[];
};

bool features_kfunc_allowed(const char *name, enum bpf_prog_type type) {
    static struct kfunc_answer *answers;
    for (const struct kfunc_answer *a = answers; a; a = a->next)
        if (a->type == type && strcmp(a->name, name) == 0)
            return a->allowed;
    bool allowed = kfunc_allowed_probe(name, type);
    struct kfunc_answer *a = malloc(sizeof(*a) + strlen(name) + 1);
    if (!a)
        return allowed;
    *a = (struct kfunc_answer){.next = answers, .type = type, .allowed = allowed};
    strcpy(a->name, name);
    answers = a;
    return allowed;
}

static bool loads_on_func(enum bpf_attach_type attach, const char *func) {
    struct bpf_insn insns[] = {MOV0, EXIT};
    int id = vmlinux_func_id(func);
    return id > 0 && loads(BPF_PROG_TYPE_TRACING, attach, id, insns, NELEM(insns));
}

static bool has_d_path(void) {
    struct bpf_insn insns[] = {
        INSN(BPF_LDX | BPF_MEM | BPF_DW, BPF_REG_1, BPF_REG_1, 0, 0),
        INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_2, BPF_REG_10, 0, 0),
        INSN(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_2, 0, 0, -8),
        INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_6, 0, 0, 0),
        INSN(BPF_STX | BPF_MEM | BPF_DW, BPF_REG_2, BPF_REG_6, 0, 0),
        INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_3, 0, 0, 8),
        INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_d_path),
        MOV0,
        EXIT,
    };
    int id = vmlinux_func_id("dentry_open");
    return id > 0 && loads(BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, id, insns, NELEM(insns));
}

/* enum bpf_attach_type values newer than Debian 12's headers */
#define ATTACH_KPROBE_SESSION 56

/* bpf(BPF_LINK_CREATE) for a kprobe_multi-shaped link (kprobe_multi,
 * kprobe_session), which libbpf 1.1 cannot pass for the newer type. */
struct kmulti_link_attr {
    uint32_t prog_fd, target_fd, attach_type, flags;
    uint32_t kflags, cnt;
    uint64_t syms, addrs, cookies;
    uint32_t pad[6];
};

/* Loads a trivial program of type/attach and creates a link with attr
 * (prog_fd filled in); want_errno 0: success expected. */
static bool links(enum bpf_prog_type type, uint32_t attach, void *attr, size_t size,
                  int want_errno) {
    struct bpf_insn insns[] = {MOV0, EXIT};
    LIBBPF_OPTS(bpf_prog_load_opts, lo, .expected_attach_type = (enum bpf_attach_type)attach);
    int prog = bpf_prog_load(type, NULL, "GPL", insns, NELEM(insns), &lo);
    if (prog < 0)
        return false;
    memcpy(attr, &prog, sizeof(prog));
    int link = (int)syscall(__NR_bpf, BPF_LINK_CREATE, attr, (unsigned)size);
    bool ok = want_errno ? link < 0 && errno == want_errno : link >= 0;
    if (link >= 0)
        close(link);
    close(prog);
    return ok;
}

static bool has_kprobe_link(uint32_t attach) {
    const char *sym = "ksys_read";
    struct kmulti_link_attr attr = {
        .attach_type = attach, .cnt = 1, .syms = (uint64_t)(uintptr_t)&sym};
    return links(BPF_PROG_TYPE_KPROBE, attach, &attr, sizeof(attr), 0);
}

/* bpftrace's probe: a path that is no file fails with EBADF only where the
 * link type exists. TRAWK_NO_UPROBE_MULTI makes trawk load and attach
 * uprobes as on kernels before 6.6 (perf events), for tests. */
static bool has_uprobe_multi(void) {
    if (getenv("TRAWK_NO_UPROBE_MULTI"))
        return false;
    const unsigned long offset = 0;
    struct uprobe_multi_link_attr attr = {.attach_type = UPROBE_MULTI_ATTACH_TYPE,
                                          .path = (uint64_t)(uintptr_t) "/",
                                          .offsets = (uint64_t)(uintptr_t)&offset,
                                          .cnt = 1};
    return links(BPF_PROG_TYPE_KPROBE, UPROBE_MULTI_ATTACH_TYPE, &attr, sizeof(attr), EBADF);
}

static bool has_pmu(const char *name) {
    char path[128];
    snprintf(path, sizeof(path), "/sys/bus/event_source/devices/%s/type", name);
    return access(path, R_OK) == 0;
}

/* A CPU cycle counter on this process: no PMU, no counter. */
static bool has_hw_events(void) {
    struct perf_event_attr attr = {.type = PERF_TYPE_HARDWARE,
                                   .size = sizeof(attr),
                                   .config = PERF_COUNT_HW_CPU_CYCLES,
                                   .disabled = 1,
                                   .exclude_kernel = 1,
                                   .exclude_hv = 1};
    int fd = (int)syscall(__NR_perf_event_open, &attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
    if (fd < 0)
        return false;
    close(fd);
    return true;
}

/* A write breakpoint on a local variable of this process that counts the
 * writes: a VM may offer the breakpoint PMU without debug registers, and
 * then watchpoints attach but never fire. */
static bool has_breakpoints(void) {
    volatile uint64_t var = 0;
    struct perf_event_attr attr = {.type = PERF_TYPE_BREAKPOINT,
                                   .size = sizeof(attr),
                                   .sample_period = 1,
                                   .bp_type = HW_BREAKPOINT_W,
                                   .bp_addr = (uint64_t)(uintptr_t)&var,
                                   .bp_len = HW_BREAKPOINT_LEN_8};
    uint64_t count = 0;
    int fd = (int)syscall(__NR_perf_event_open, &attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
    if (fd < 0)
        return false;
    for (int i = 0; i < 4; i++)
        var = (uint64_t)i;
    if (read(fd, &count, sizeof(count)) != sizeof(count))
        count = 0;
    close(fd);
    return count > 0;
}

static bool has_ringbuf(void) {
    int fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, NULL, 0, 0, 4096, NULL);
    if (fd < 0)
        return false;
    close(fd);
    return true;
}

static bool has_module_btf(void) {
    DIR *dir = opendir("/sys/kernel/btf");
    bool found = false;
    struct dirent *e;
    while (dir && !found && (e = readdir(dir)))
        found = e->d_name[0] != '.' && strcmp(e->d_name, "vmlinux") != 0;
    if (dir)
        closedir(dir);
    return found;
}

static bool has_tracefs(void) {
    char err[256];
    return tracefs_dir(err, sizeof(err)) != NULL;
}

static bool has_raw_tracepoint(void) {
    struct bpf_insn insns[] = {MOV0, EXIT};
    return loads(BPF_PROG_TYPE_RAW_TRACEPOINT, 0, 0, insns, NELEM(insns));
}

static bool detect(enum feature f) {
    switch (f) {
    case FEAT_TRACEFS:
        return has_tracefs();
    case FEAT_BTF:
        return access("/sys/kernel/btf/vmlinux", R_OK) == 0;
    case FEAT_MODULE_BTF:
        return has_module_btf();
    case FEAT_RINGBUF:
        return has_ringbuf();
    case FEAT_KPROBES:
        return has_pmu("kprobe");
    case FEAT_UPROBES:
        return has_pmu("uprobe");
    case FEAT_KPROBE_MULTI:
        return has_kprobe_link(BPF_TRACE_KPROBE_MULTI);
    case FEAT_KPROBE_SESSION:
        return has_kprobe_link(ATTACH_KPROBE_SESSION);
    case FEAT_UPROBE_MULTI:
        return has_uprobe_multi();
    case FEAT_FENTRY:
        return loads_on_func(BPF_TRACE_FENTRY, "ksys_read");
    case FEAT_RAW_TRACEPOINT:
        return has_raw_tracepoint();
    case FEAT_ITER:
        return loads_on_func(BPF_TRACE_ITER, "bpf_iter_task");
    case FEAT_HW_EVENTS:
        return has_hw_events();
    case FEAT_BREAKPOINT:
        return has_pmu("breakpoint") && has_breakpoints();
    case FEAT_HELPER_GET_FUNC_IP:
        return has_helper(BPF_FUNC_get_func_ip);
    case FEAT_HELPER_GET_TAI_NS:
        return has_helper(BPF_FUNC_ktime_get_tai_ns);
    case FEAT_HELPER_LOOKUP_PERCPU_ELEM:
        return has_helper(BPF_FUNC_map_lookup_percpu_elem);
    case FEAT_HELPER_LOOP:
        return has_helper(BPF_FUNC_loop);
    case FEAT_D_PATH:
        return has_d_path();
    case FEAT__COUNT:
        break;
    }
    return false;
}

/* Set by --no-feature; the CLI's, before anything asks features_has. */
static bool disabled[FEAT__COUNT];

/* The features --no-feature may turn off: bpftrace's, and the ring buffer
 * (events then go through a perf buffer). */
static const enum feature switchable[] = {FEAT_KPROBE_MULTI, FEAT_KPROBE_SESSION, FEAT_UPROBE_MULTI,
                                          FEAT_RINGBUF};

static int switchable_feature(const char *name, size_t len) {
    for (int i = 0; i < NELEM(switchable); i++)
        if (strlen(names[switchable[i]]) == len && strncmp(names[switchable[i]], name, len) == 0)
            return (int)switchable[i];
    return -1;
}

int features_disable(const char *list) {
    bool off[FEAT__COUNT] = {false};
    /* as bpftrace splits it: an empty list disables nothing, an empty
     * name in a list is unknown */
    for (const char *p = list; *list; p++) {
        size_t len = strcspn(p, ",");
        int f = switchable_feature(p, len);
        if (f < 0)
            return -1;
        off[f] = true;
        p += len;
        if (!*p)
            break;
    }
    for (int i = 0; i < FEAT__COUNT; i++)
        disabled[i] |= off[i];
    return 0;
}

bool features_disabled(enum feature f) {
    return f >= 0 && f < FEAT__COUNT && disabled[f];
}

bool features_has(enum feature f) {
    /* 0: not yet detected, 1: absent, 2: present */
    static char cache[FEAT__COUNT];
    if (f < 0 || f >= FEAT__COUNT || disabled[f])
        return false;
    if (!cache[f])
        cache[f] = detect(f) ? 2 : 1;
    return cache[f] == 2;
}

int features_insn_limit(void) {
    struct bpf_insn insns[] = {INSN(BPF_LD | BPF_DW | BPF_IMM, BPF_REG_0, 0, 0, 0),
                               INSN(0, 0, 0, 0, 0), EXIT};
    char log[4096] = "";
    int fd = try_load(BPF_PROG_TYPE_KPROBE, 0, 0, insns, NELEM(insns), log, sizeof(log));
    if (fd >= 0)
        close(fd);
    const char *p = strstr(log, "processed 2 insns");
    p = p ? strstr(p, "limit ") : NULL;
    return p ? atoi(p + strlen("limit ")) : -1;
}

/* Two "name: value" cells per line, 35 columns each, as bpftrace lays them
 * out; like its stream's pending width, an odd last cell pads the next title. */
static void tabulate(FILE *out, const char *title, bool *pad_title, const char *const *keys,
                     const char *const *vals, int n) {
    fprintf(out, *pad_title ? "%-35s\n" : "%s\n", title);
    for (int i = 0; i < n; i += 2) {
        char cell[128];
        snprintf(cell, sizeof(cell), "  %s: %s", keys[i], vals[i]);
        fprintf(out, "%-35s", cell);
        if (i + 1 < n) {
            snprintf(cell, sizeof(cell), "%s: %s", keys[i + 1], vals[i + 1]);
            fprintf(out, "%-35s", cell);
        }
        fputc('\n', out);
    }
    fputc('\n', out);
    *pad_title = n % 2 == 1;
}

static void section(FILE *out, const char *title, bool *pad_title, const enum feature *fs, int n,
                    const char *first_key, const char *first_val) {
    const char *keys[24], *vals[24];
    int k = 0;
    if (first_key) {
        keys[k] = first_key;
        vals[k++] = first_val;
    }
    for (int i = 0; i < n && k < 24; i++, k++) {
        keys[k] = features_name(fs[i]);
        vals[k] = features_has(fs[i]) ? "yes" : "no";
    }
    tabulate(out, title, pad_title, keys, vals, k);
}

void features_report(FILE *out, const char *version) {
    static const enum feature helpers[] = {FEAT_D_PATH, FEAT_HELPER_GET_TAI_NS,
                                           FEAT_HELPER_GET_FUNC_IP, FEAT_HELPER_LOOKUP_PERCPU_ELEM,
                                           FEAT_HELPER_LOOP};
    static const enum feature kernel[] = {FEAT_BTF, FEAT_MODULE_BTF, FEAT_TRACEFS, FEAT_RINGBUF};
    static const enum feature probes[] = {
        FEAT_KPROBE_MULTI, FEAT_UPROBE_MULTI, FEAT_KPROBE_SESSION, FEAT_ITER,      FEAT_KPROBES,
        FEAT_UPROBES,      FEAT_FENTRY,       FEAT_RAW_TRACEPOINT, FEAT_HW_EVENTS, FEAT_BREAKPOINT,
    };
    struct utsname u;
    char limit[32];
    bool pad = false;
    if (uname(&u) == 0)
        fprintf(out, "System\n  OS: %s %s %s\n  Arch: %s\n\n", u.sysname, u.release, u.version,
                u.machine);
    fprintf(out, "Build\n  version: %s\n  libbpf: %u.%u\n\n", version, libbpf_major_version(),
            libbpf_minor_version());
    snprintf(limit, sizeof(limit), "%d", features_insn_limit());
    section(out, "Kernel helpers", &pad, helpers, NELEM(helpers), NULL, NULL);
    section(out, "Kernel features", &pad, kernel, NELEM(kernel), "Instruction limit", limit);
    section(out, "Probe types", &pad, probes, NELEM(probes), NULL, NULL);
}
