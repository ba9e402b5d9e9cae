/* The runtime: loads a manifest's maps and programs, attaches them, runs
 * BEGIN, streams events until exit()/Ctrl-C/SIGTERM, runs END, prints the
 * maps and detaches everything. */
#ifndef TRAWK_RUNTIME_H
#define TRAWK_RUNTIME_H

#include <stdbool.h>
#include <stdio.h>

#include "diag.h"
#include "manifest.h"
#include "output/output.h"

struct rt_child;

/* --mode: what the run does with the programs. */
enum rt_mode {
    RT_MODE_RUN,   /* attach and trace (bench: and test: blocks are ignored) */
    RT_MODE_BENCH, /* time every bench: block */
    RT_MODE_TEST,  /* run every test: block and report */
};

/* --dwarf-pid may be given this many times. */
#define RT_MAX_DWARF_PIDS 64

struct rt_opts {
    FILE *out;              /* program output (stdout or -o FILE) */
    enum out_format format; /* -f text or json */
    bool buffered;          /* -B full */
    bool quiet;             /* -q: no "Attached N probes" */
    bool verbose;           /* -v: verifier log and attach details */
    bool dry_run;           /* load and attach, then stop */
    int pid;                /* -p/-c: stop when this process exits, 0 for none */
    const int *dwarf_pids;  /* --dwarf-pid: more processes dw_ustack unwinds */
    int ndwarf_pids;
    struct rt_child *child;    /* -c: released once the probes are attached, NULL for none */
    struct out_dump_opts dump; /* the map dump at exit: folded stacks, flame graph files */
    const char *prometheus;    /* --prometheus HOST:PORT: serve the maps at /metrics */
    enum rt_mode mode;
    bool verifier_log;        /* -d verifier: print every program's verifier log */
    bool libbpf_log;          /* -d libbpf: libbpf's messages stay on (the CLI prints them) */
    const void *probe_filter; /* --probe-filter: a compiled regex_t; probes whose name it
                                 does not match are not attached (begin/end always are) */
};

/* Whether the kernel has BPF ring buffers (5.8+); without them events go
 * through a perf buffer (the code generator is told so). */
bool rt_ringbuf_supported(void);

/* --emit-elf FILE: writes m's programs and maps to path as a BPF object
 * file that libbpf can open, loading nothing. Returns 0, or -1 after
 * reporting the error through d. */
int rt_emit_elf(struct manifest *m, const char *path, struct diag *d);

/* Returns the process exit code: exit()'s argument, 0 normally, 1 on error
 * (already reported through d). */
/* stdout and stderr through copies on high descriptors, which bcc's
 * symbolizer cannot close (runtime/fd_guard.c); before tracing starts. */
void rt_fd_guard_std(void);
int rt_run(struct manifest *m, const struct rt_opts *opts, struct diag *d);

#endif
