/* What the running kernel offers for tracing, detected once per process
 * the way bpftrace detects it (small program loads, link creations, PMU and
 * file checks), for --info and for the providers and attachers, so that a
 * probe the kernel cannot attach is refused with an error that names the
 * missing facility. */
#ifndef TRAWK_FEATURES_H
#define TRAWK_FEATURES_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stdio.h>

enum feature {
    FEAT_TRACEFS,
    FEAT_BTF,
    FEAT_MODULE_BTF,
    FEAT_RINGBUF,
    FEAT_KPROBES,
    FEAT_UPROBES,
    FEAT_KPROBE_MULTI,
    FEAT_KPROBE_SESSION,
    FEAT_UPROBE_MULTI,
    FEAT_FENTRY,
    FEAT_RAW_TRACEPOINT,
    FEAT_ITER,
    FEAT_HW_EVENTS,
    FEAT_BREAKPOINT, /* hardware breakpoints that fire (watchpoints) */
    FEAT_HELPER_GET_FUNC_IP,
    FEAT_HELPER_GET_TAI_NS,
    FEAT_HELPER_LOOKUP_PERCPU_ELEM,
    FEAT_HELPER_LOOP,
    FEAT_D_PATH,
    FEAT__COUNT,
};

/* Whether the kernel has f (detected on first use, then cached) and
 * --no-feature has not turned it off. */
bool features_has(enum feature f);
/* --no-feature LIST: act as if the kernel lacked each feature of the
 * comma-separated LIST (bpftrace's names, and ringbuf). Returns -1 for a
 * name it does not know (nothing is disabled then), 0 otherwise. */
int features_disable(const char *list);
/* Whether --no-feature turned f off. */
bool features_disabled(enum feature f);
/* The names features_disable accepts, as its error lists them. */
#define FEATURES_DISABLE_NAMES "kprobe_multi,kprobe_session,uprobe_multi,ringbuf"
/* What f is called in errors and in --info, e.g. "hardware perf events". */
const char *features_name(enum feature f);
/* Whether vmlinux's BTF has a function named name (kfunc_exist). */
bool features_kfunc_exists(const char *name);
/* Whether a program of type may call the kfunc name (kfunc_allowed): false
 * for a name features_kfunc_exists does not know. Loaded once per pair. */
bool features_kfunc_allowed(const char *name, enum bpf_prog_type type);
/* The verifier's instruction limit, -1 when it cannot be read. */
int features_insn_limit(void);
/* trawk --info: the report, in bpftrace's layout. */
void features_report(FILE *out, const char *version);

#endif
