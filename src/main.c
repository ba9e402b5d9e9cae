/* trawk's command line: reads the program, runs the pipeline
 * parse -> sema -> codegen -> runtime, and maps failures to exit codes. */
#include <bpf/libbpf.h>
#include <errno.h>
#include <getopt.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codegen/codegen.h"
#include "codegen/disasm.h"
#include "debug_stages.h"
#include "list.h"
#include "parser/macro.h"
#include "parser/imports.h"
#include "parser/parse.h"
#include "parser/format.h"
#include "preproc/preproc.h"
#include "providers/provider.h"
#include "providers/provider_impl.h"
#include "child.h"
#include "runtime.h"
#include "sema/sema.h"
#include "sys/dwarf_types.h"
#include "sys/kfuncs.h"
#include "sys/features.h"
#include "usage.h"

/* The bpftrace release whose language and output trawk follows. */
#define BPFTRACE_COMPAT_VERSION "v0.27.1"

/* Run through a link or copy named bpftrace: the kernel names the process
 * after it (comm), and --version answers as bpftrace does. */
static bool invoked_as_bpftrace(const char *argv0) {
    const char *slash = strrchr(argv0, '/');
    return strcmp(slash ? slash + 1 : argv0, "bpftrace") == 0;
}

struct cli {
    const char *program_text; /* -e */
    const char *script_path;  /* FILE or "-" */
    bool list;
    const char *list_glob;
    unsigned debug;          /* -d: enum debug_stage bits */
    const char *emit_elf;    /* --emit-elf FILE */
    const char *output_path; /* -o */
    bool quiet, verbose, dry_run, unsafe;
    bool fmt;                       /* --fmt: print the script formatted, run nothing */
    bool no_warnings;               /* --no-warnings */
    enum out_format format;         /* -f text or json */
    int buffering;                  /* -B: _IOLBF (the default), _IOFBF or _IONBF */
    bool codegen_only;              /* --mode codegen */
    struct out_dump_opts exit_dump; /* -f folded, --flamegraph, --speedscope */
    const char *prometheus;         /* --prometheus HOST:PORT */
    struct cg_opts cg;
    const char **include_dirs; /* -I */
    int ninclude_dirs;
    const char **include_files; /* --include */
    int ninclude_files;
    int npositional;
    char **positional;
    int nnamed; /* --name=value after "--", for getopt() */
    char **named;
    int npositional_after;             /* positional parameters given after "--" */
    int pid;                           /* -p */
    int dwarf_pids[RT_MAX_DWARF_PIDS]; /* --dwarf-pid */
    int ndwarf_pids;
    const char *child_cmd;    /* -c */
    struct rt_child *child;   /* started from child_cmd */
    int pidfd;                /* of pid or the child, -1 for none */
    bool info;                /* --info */
    enum rt_mode mode;        /* --mode, --bench, --test */
    const char *probe_filter; /* --probe-filter REGEX */
    regex_t filter_re;
};

/* Named program options (getopt()) follow the first "--"; getopt_long
 * only sees what comes before it, so that it cannot permute the
 * positional parameters past it. Positional parameters may follow "--"
 * too: they are moved to just before it, so that they continue those
 * getopt_long leaves. Returns the index of the first of them (argc when
 * there is no "--"). */
static int split_named(int argc, char **argv, struct cli *c) {
    int dd = 1;
    while (dd < argc && strcmp(argv[dd], "--") != 0)
        dd++;
    if (dd == argc)
        return argc;
    int npos = 0;
    for (int i = dd + 1; i < argc; i++) {
        if (strncmp(argv[i], "--", 2) == 0)
            continue;
        char *a = argv[i];
        memmove(argv + dd + npos + 1, argv + dd + npos, sizeof(*argv) * (size_t)(i - dd - npos));
        argv[dd + npos++] = a;
    }
    c->npositional_after = npos;
    c->named = argv + dd + npos + 1;
    c->nnamed = argc - dd - npos - 1;
    return dd;
}

enum {
    OPT_DRY_RUN = 256,
    OPT_NO_FEATURE,
    OPT_INCLUDE,
    OPT_USDT_FILE_ACTIVATION,
    OPT_FLAMEGRAPH,
    OPT_SPEEDSCOPE,
    OPT_PROMETHEUS,
    OPT_UNSAFE,
    OPT_INFO,
    OPT_MODE,
    OPT_BENCH,
    OPT_TEST,
    OPT_PROBE_FILTER,
    OPT_NO_WARNINGS,
    OPT_DWARF_PID,
    OPT_TRACEABLE_FUNCTIONS,
    OPT_DEBUGINFO,
    OPT_EMIT_ELF,
    OPT_EMIT_LLVM,
    OPT_VERIFY_LLVM_IR,
    OPT_FMT
};

/* --mode: bpftrace's bench and test modes, format (--fmt), and codegen
 * (compile, load nothing: compile time alone); compiler-bench has no
 * counterpart here. */
static int set_mode(struct cli *c, const char *mode) {
    if (strcmp(mode, "codegen") == 0)
        c->codegen_only = true;
    else if (strcmp(mode, "bench") == 0)
        c->mode = RT_MODE_BENCH;
    else if (strcmp(mode, "test") == 0)
        c->mode = RT_MODE_TEST;
    else if (strcmp(mode, "format") == 0)
        c->fmt = true;
    else {
        fputs("ERROR: USAGE: --mode can only be 'codegen', 'bench', 'test' or 'format'.\n", stderr);
        return -1;
    }
    return 0;
}

/* --bench and --test after another mode, as bpftrace refuses them. */
static int set_mode_flag(struct cli *c, enum rt_mode mode, const char *flag) {
    if (c->mode != RT_MODE_RUN || c->codegen_only) {
        fprintf(stderr, "ERROR: USAGE: %s conflicts with existing --mode\n", flag);
        return -1;
    }
    c->mode = mode;
    return 0;
}

static int set_probe_filter(struct cli *c, const char *re) {
    int err = regcomp(&c->filter_re, re, REG_EXTENDED | REG_NOSUB);
    if (err) {
        char why[256];
        regerror(err, &c->filter_re, why, sizeof(why));
        fprintf(stderr, "ERROR: Invalid --probe-filter regex '%s': %s\n", re, why);
        return -1;
    }
    c->probe_filter = re;
    return 0;
}

/* -f: bpftrace's text or JSON, or folded stacks (flamegraph.pl's input). */
static int set_format(struct cli *c, const char *format) {
    if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0 &&
        strcmp(format, "folded") != 0) {
        fprintf(stderr,
                "ERROR: Invalid output format \"%s\"\nValid formats: 'text', 'json', 'folded'\n",
                format);
        return -1;
    }
    c->format = strcmp(format, "json") == 0 ? OUT_FORMAT_JSON : OUT_FORMAT_TEXT;
    c->exit_dump.folded = strcmp(format, "folded") == 0;
    return 0;
}

/* -B: how the program output is buffered; bpftrace flushes every line by default. */
static int set_buffering(struct cli *c, const char *mode) {
    if (strcmp(mode, "line") == 0)
        c->buffering = _IOLBF;
    else if (strcmp(mode, "full") == 0)
        c->buffering = _IOFBF;
    else if (strcmp(mode, "none") == 0)
        c->buffering = _IONBF;
    else {
        fputs("ERROR: USAGE: -B must be either 'line', 'full', or 'none'.\n", stderr);
        return -1;
    }
    return 0;
}

/* Appends to a list that lives as long as the process (the CLI's). */
static int push_arg(const char ***list, int *n, const char *arg) {
    const char **bigger = realloc(*list, sizeof(char *) * (size_t)(*n + 1));
    if (!bigger)
        return -1;
    bigger[(*n)++] = arg;
    *list = bigger;
    return 0;
}

/* As bpftrace reads -p: its integer syntax, then its sanity bound (the
 * largest pid_max of 64-bit systems). */
static int parse_pid(const char *text, int *pid) {
    char why[256];
    uint64_t v;
    if (provider_parse_uint(text, &v, why, sizeof(why)) < 0) {
        fprintf(stderr, "ERROR: Failed to parse pid: %s\n", why);
        return -1;
    }
    if (v > 0x400000) {
        fprintf(stderr, "ERROR: Pid out of range: %llu\n", (unsigned long long)v);
        return -1;
    }
    if (v == 0) { /* what pidfd_open(0) answers bpftrace */
        fputs("ERROR: Failed to attach to pid: Unable to open pidfd (Invalid argument)\n", stderr);
        return -1;
    }
    *pid = (int)v;
    return 0;
}

static int parse_cli(int argc, char **argv, struct cli *c) {
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},
        {"list", no_argument, NULL, 'l'},
        {"debug", required_argument, NULL, 'd'},
        {"emit-elf", required_argument, NULL, OPT_EMIT_ELF},
        {"emit-llvm", required_argument, NULL, OPT_EMIT_LLVM},
        {"verify-llvm-ir", no_argument, NULL, OPT_VERIFY_LLVM_IR},
        {"btf", no_argument, NULL, 'b'},
        {"output", required_argument, NULL, 'o'},
        {"dry-run", no_argument, NULL, OPT_DRY_RUN},
        {"fmt", no_argument, NULL, OPT_FMT},
        {"no-feature", required_argument, NULL, OPT_NO_FEATURE},
        {"usdt-file-activation", no_argument, NULL, OPT_USDT_FILE_ACTIVATION},
        {"include", required_argument, NULL, OPT_INCLUDE},
        {"flamegraph", required_argument, NULL, OPT_FLAMEGRAPH},
        {"speedscope", required_argument, NULL, OPT_SPEEDSCOPE},
        {"prometheus", required_argument, NULL, OPT_PROMETHEUS},
        {"unsafe", no_argument, NULL, OPT_UNSAFE},
        {"pid", required_argument, NULL, 'p'},
        {"cmd", required_argument, NULL, 'c'},
        {"info", no_argument, NULL, OPT_INFO},
        {"mode", required_argument, NULL, OPT_MODE},
        {"bench", no_argument, NULL, OPT_BENCH},
        {"test", no_argument, NULL, OPT_TEST},
        {"probe-filter", required_argument, NULL, OPT_PROBE_FILTER},
        {"dwarf-pid", required_argument, NULL, OPT_DWARF_PID},
        {"traceable-functions", required_argument, NULL, OPT_TRACEABLE_FUNCTIONS},
        {"debuginfo", required_argument, NULL, OPT_DEBUGINFO},
        {"no-warnings", no_argument, NULL, OPT_NO_WARNINGS},
        {"warnings", no_argument, NULL, 'k'},
        {NULL, 0, NULL, 0},
    };
    argc = split_named(argc, argv, c);
    int opt;
    /* Options may follow the script (`trawk x.bt -c CMD`), as getopt
     * permutes them for bpftrace; positional parameters that start with
     * "-" go after "--". */
    while ((opt = getopt_long(argc, argv, "e:lqvhVo:d:I:p:c:f:B:kb", longopts, NULL)) != -1) {
        switch (opt) {
        case 'e':
            c->program_text = optarg;
            break;
        case 'l':
            c->list = true;
            break;
        case 'q':
            c->quiet = true;
            break;
        case 'p':
            if (parse_pid(optarg, &c->pid) < 0)
                return -1;
            break;
        case OPT_DWARF_PID:
            if (c->ndwarf_pids == RT_MAX_DWARF_PIDS ||
                parse_pid(optarg, &c->dwarf_pids[c->ndwarf_pids++]) < 0)
                return -1;
            break;
        case 'c':
            c->child_cmd = optarg;
            break;
        case 'v':
            c->verbose = true;
            break;
        case 'o':
            c->output_path = optarg;
            break;
        case 'd':
            if (debug_stages_parse(optarg, &c->debug) < 0)
                return -1;
            break;
        case OPT_EMIT_ELF:
            c->emit_elf = optarg;
            break;
        case OPT_EMIT_LLVM:
            fputs("ERROR: --emit-llvm: trawk has no LLVM IR, it generates BPF instructions "
                  "directly: see them with -d bpf, or write them as an ELF object with "
                  "--emit-elf FILE\n",
                  stderr);
            return -1;
        case OPT_VERIFY_LLVM_IR:
        case 'b':
            /* bpftrace's IR check (its test runner passes it to every run;
             * trawk's programs are all checked by the kernel verifier) and
             * its old --btf, which it ignores too */
            break;
        case 'f':
            if (set_format(c, optarg) < 0)
                return -1;
            break;
        case 'B':
            if (set_buffering(c, optarg) < 0)
                return -1;
            break;
        case OPT_NO_WARNINGS:
        case 'k':
            if (opt == 'k' ? c->no_warnings : c->cg.helper_errors) {
                fputs("ERROR: USAGE: -k, --warnings conflicts with --no-warnings\n", stderr);
                return -1;
            }
            c->no_warnings |= opt == OPT_NO_WARNINGS;
            c->cg.no_warnings = c->no_warnings;
            dwt_set_warnings(!c->no_warnings);
            c->cg.helper_errors |= opt == 'k';
            break;
        case OPT_FLAMEGRAPH:
            c->exit_dump.svg_path = optarg;
            break;
        case OPT_SPEEDSCOPE:
            c->exit_dump.speedscope_path = optarg;
            break;
        case OPT_PROMETHEUS:
            c->prometheus = optarg;
            break;
        case 'I':
            if (push_arg(&c->include_dirs, &c->ninclude_dirs, optarg) < 0)
                return -1;
            break;
        case OPT_INCLUDE:
            if (push_arg(&c->include_files, &c->ninclude_files, optarg) < 0)
                return -1;
            break;
        case OPT_UNSAFE:
            /* bpftrace's permission for system() and for uprobes whose
             * instruction boundaries it cannot check */
            provider_set_unsafe(true);
            c->unsafe = true;
            break;
        case OPT_DRY_RUN:
            c->dry_run = true;
            break;
        case OPT_FMT:
            c->fmt = true;
            break;
        case OPT_INFO:
            c->info = true;
            break;
        case OPT_MODE:
            if (set_mode(c, optarg) < 0)
                return -1;
            break;
        case OPT_BENCH:
            if (set_mode_flag(c, RT_MODE_BENCH, "--bench") < 0)
                return -1;
            break;
        case OPT_TEST:
            if (set_mode_flag(c, RT_MODE_TEST, "--test") < 0)
                return -1;
            break;
        case OPT_PROBE_FILTER:
            if (set_probe_filter(c, optarg) < 0)
                return -1;
            break;
        case OPT_TRACEABLE_FUNCTIONS:
            kfuncs_set_file(optarg);
            break;
        case OPT_DEBUGINFO: /* libdw's path syntax: DIR[:DIR] */
            dwt_add_debuginfo_dir(optarg);
            break;
        case OPT_NO_FEATURE:
            /* as bpftrace's --no-feature: act as if the kernel lacked them */
            if (features_disable(optarg) < 0) {
                fputs("ERROR: USAGE: --no-feature can only have values "
                      "'" FEATURES_DISABLE_NAMES "'.\n",
                      stderr);
                return -1;
            }
            break;
        case OPT_USDT_FILE_ACTIVATION:
            /* nothing to do: the kernel raises a USDT semaphore in every process
               mapping the file (the uprobe's reference counter) */
            break;
        case 'h':
            usage(stdout);
            exit(0);
        case 'V':
            /* installed as bpftrace (a drop-in), scripts that check the
             * version read the language level first */
            if (invoked_as_bpftrace(argv[0]))
                printf("bpftrace %s (trawk %s)\n", BPFTRACE_COMPAT_VERSION, TRAWK_VERSION);
            else
                printf("trawk %s (bpftrace %s)\n", TRAWK_VERSION, BPFTRACE_COMPAT_VERSION);
            exit(0);
        default:
            usage(stderr);
            return -1;
        }
    }
    if (c->child_cmd && c->pid) {
        fputs("ERROR: USAGE: Cannot use both -c and -p.\n", stderr);
        usage(stderr);
        return -1;
    }
    /* getopt has moved options after the glob (-l 'usdt:*' -p PID) before it;
     * an existing file is a script whose probes are listed, as in bpftrace */
    if (c->list && !c->program_text && optind < argc) {
        if (access(argv[optind], F_OK) == 0)
            c->script_path = argv[optind++];
        else
            c->list_glob = argv[optind++];
    } else if (!c->program_text && !c->list && !c->info) {
        if (argc == 1) {
            usage(stderr);
            return -1;
        }
        if (optind >= argc) {
            fputs("ERROR: USAGE: filename or -e 'program' required.\n", stderr);
            return -1;
        }
        c->script_path = argv[optind++];
    }
    c->positional = argv + optind;
    c->npositional = argc - optind + c->npositional_after;
    return 0;
}

static char *read_stream(FILE *f) {
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    size_t n;
    while (buf && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len < 2) {
            char *bigger = realloc(buf, cap *= 2);
            if (!bigger)
                free(buf);
            buf = bigger;
        }
    }
    if (buf)
        buf[len] = 0;
    return buf;
}

static char *read_program(const struct cli *c) {
    if (c->program_text)
        return strdup(c->program_text);
    if (strcmp(c->script_path, "-") == 0)
        return read_stream(stdin);
    FILE *f = fopen(c->script_path, "r");
    if (!f) {
        fprintf(stderr, "ERROR: failed to open file '%s': %s\n", c->script_path, strerror(errno));
        return NULL;
    }
    char *text = read_stream(f);
    fclose(f);
    return text;
}

/* A positive integer setting from the environment (BPFTRACE_*), 0 when unset. */
static int env_setting(const char *name, long max) {
    const char *env = getenv(name);
    long v = env ? strtol(env, NULL, 10) : 0;
    return v > 0 && v <= max ? (int)v : 0;
}

/* As bpftrace lists them: through the probe listing, where begin and end
 * have no entry and a timer is listed by its unit ("interval:ms:"). */
static void list_program_probes(const struct sema_out *s) {
    for (int u = 0; u < s->nunits; u++) {
        for (int t = 0; t < s->units[u].ntargets; t++) {
            const struct attach_target *at = &s->units[u].targets[t];
            const struct provider *p = provider_get(at->kind);
            if (p && p->list_target)
                p->list_target(at, stdout);
            else
                printf("%s\n", at->name);
        }
    }
}

/* The directory of the script for #include "...": the current one for -e and stdin. */
static char *script_dir(const struct cli *c) {
    if (c->program_text || strcmp(c->script_path, "-") == 0)
        return strdup(".");
    const char *slash = strrchr(c->script_path, '/');
    return slash ? strndup(c->script_path,
                           (size_t)(slash - c->script_path + (slash == c->script_path)))
                 : strdup(".");
}

/* Runs the C preprocessor; errors are printed against the original text,
 * whose lines the preprocessed script keeps. */
static int preprocess(const struct cli *c, struct diag *d, const char *text,
                      struct preproc_out *pp) {
    char *dir = script_dir(c);
    struct preproc_opts po = {.include_dirs = c->include_dirs,
                              .ninclude_dirs = c->ninclude_dirs,
                              .include_files = c->include_files,
                              .ninclude_files = c->ninclude_files,
                              .have_btf = access("/sys/kernel/btf/vmlinux", R_OK) == 0,
                              .script_dir = dir};
    int rc = preproc_run(text, &po, d, pp);
    free(dir);
    return rc;
}

static int run_imports(const struct cli *c, struct node *ast, struct diag *d) {
    char *dir = script_dir(c);
    bool from_file = !c->program_text && strcmp(c->script_path, "-") != 0;
    int rc = imports_resolve(ast, d, dir, from_file ? c->script_path : NULL);
    free(dir);
    return rc;
}

static const char *script_name(const struct cli *c) {
    return c->program_text || strcmp(c->script_path, "-") == 0 ? "stdin" : c->script_path;
}

/* --fmt: only the parser runs, so that any script bpftrace can format
 * formats here, whatever this kernel offers. */
static int format_program(const struct cli *c) {
    char *text = read_program(c);
    if (!text)
        return 1;
    struct diag d;
    diag_init(&d, script_name(c), text, stderr);
    int rc = fmt_script(&d, text, stdout);
    diag_free(&d);
    free(text);
    return rc;
}

/* Runs the pipeline on program text; returns the exit code. */
static int run_program(const struct cli *c, const char *text) {
    const char *filename = script_name(c);
    struct diag d;
    diag_init(&d, filename, text, stderr);
    d.no_warnings = c->no_warnings;
    struct preproc_out pp = {0};
    if (preprocess(c, &d, text, &pp) < 0) {
        preproc_out_free(&pp);
        return 1;
    }
    struct node *ast = parse_program(&d, pp.script);
    if (ast && (c->debug & DEBUG_PARSE))
        ast_dump(ast, stdout);
    if (ast && run_imports(c, ast, &d) < 0) {
        ast_free(ast);
        ast = NULL;
    }
    if (ast && macro_expand(ast, &d) < 0) {
        ast_free(ast);
        ast = NULL;
    }
    if (!ast) {
        preproc_out_free(&pp);
        diag_free(&d);
        return 1;
    }
    if (c->debug & DEBUG_AST)
        ast_dump(ast, stdout);
    struct sema_opts so = {.max_strlen = env_setting("BPFTRACE_MAX_STRLEN", 32768),
                           .unsafe = c->unsafe,
                           .max_cat_bytes = env_setting("BPFTRACE_MAX_CAT_BYTES", 1 << 30),
                           .max_map_keys = env_setting("BPFTRACE_MAX_MAP_KEYS", 1 << 30),
                           .max_probes = env_setting("BPFTRACE_MAX_PROBES", 1 << 30),
                           .npositional = c->npositional,
                           .positional = c->positional,
                           .nnamed = c->nnamed,
                           .named = c->named,
                           .cdecls = pp.cdecls,
                           .cpid = c->child ? rt_child_pid(c->child) : 0};
    struct sema_out sema;
    int rc = sema_check(ast, &so, &d, &sema) ? 1 : 0;
    if (rc == 0 && (c->debug & DEBUG_TYPES))
        ast_dump_typed(ast, stdout);
    if (rc == 0 && c->list) {
        list_program_probes(&sema);
        sema_out_free(&sema);
        ast_free(ast);
        preproc_out_free(&pp);
        diag_free(&d);
        return 0;
    }
    if (rc == 0 && !c->codegen_only && sema_probe_limit(&sema, &d) < 0)
        rc = 1;
    struct manifest m = {0};
    if (rc == 0)
        rc = cg_generate(ast, &sema, &c->cg, &d, &m) ? 1 : 0;
    if (rc == 0 && (c->debug & DEBUG_BPF))
        disasm_manifest(&m, stdout);
    if (rc == 0 && c->emit_elf) /* a dry run: nothing is loaded */
        rc = rt_emit_elf(&m, c->emit_elf, &d) < 0 ? 1 : 0;
    else if (rc == 0 && !c->codegen_only) {
        rt_fd_guard_std();
        FILE *out = stdout;
        if (c->output_path && !(out = fopen(c->output_path, "w"))) {
            fprintf(stderr, "ERROR: Failed to open output file: \"%s\": %s\n", c->output_path,
                    strerror(errno));
            rc = 1;
        } else {
            setvbuf(out, NULL, c->buffering ? c->buffering : _IOLBF, BUFSIZ);
            struct rt_opts ro = {.out = out,
                                 .format = c->format,
                                 .buffered = c->buffering == _IOFBF,
                                 .quiet = c->quiet,
                                 .verbose = c->verbose,
                                 .dry_run = c->dry_run,
                                 .pid = c->pid,
                                 .dwarf_pids = c->dwarf_pids,
                                 .ndwarf_pids = c->ndwarf_pids,
                                 .child = c->child,
                                 .dump = c->exit_dump,
                                 .prometheus = c->prometheus,
                                 .mode = c->mode,
                                 .verifier_log = c->debug & DEBUG_VERIFIER,
                                 .libbpf_log = c->debug & DEBUG_LIBBPF,
                                 .probe_filter = c->probe_filter ? &c->filter_re : NULL};
            ro.dump.title = c->script_path ? c->script_path : c->program_text;
            rc = rt_run(&m, &ro, &d);
            if (out != stdout)
                fclose(out);
        }
    }
    manifest_free(&m);
    sema_out_free(&sema);
    ast_free(ast);
    preproc_out_free(&pp);
    diag_free(&d);
    return rc;
}

/* -p PID or -c CMD: the process user-space probes are for, watched so that
 * trawk ends with it. Returns 0 or -1 after printing the error. */
static int start_process(struct cli *c) {
    if (c->child_cmd && !(c->child = rt_child_start(c->child_cmd)))
        return -1;
    if (c->child)
        c->pid = rt_child_pid(c->child);
    int pidfd = c->pid ? rt_pidfd_open(c->pid) : 0;
    if (pidfd < 0)
        return -1;
    if (pidfd > 0)
        close(pidfd);
    provider_set_pid(c->pid);
    return 0;
}

static void end_process(struct cli *c) {
    rt_child_finish(c->child);
}

/* -d libbpf: libbpf's messages on stdout, as bpftrace prints them. */
static int libbpf_debug_print(enum libbpf_print_level level, const char *fmt, va_list ap) {
    printf("[%s] ", level == LIBBPF_WARN ? "WARN" : level == LIBBPF_INFO ? "INFO" : "DEBUG");
    return vprintf(fmt, ap);
}

int main(int argc, char **argv) {
    struct cli c = {0};
    if (parse_cli(argc, argv, &c) < 0)
        return 1;
    if (c.debug & DEBUG_LIBBPF)
        libbpf_set_print(libbpf_debug_print);
    provider_set_list_verbose(c.verbose);
    if (c.info) {
        features_report(stdout, TRAWK_VERSION);
        return 0;
    }
    if (c.list && !c.program_text && !c.script_path) {
        if (c.list_glob && strchr(c.list_glob, '.') && !strpbrk(c.list_glob, ":*"))
            fprintf(stderr,
                    "WARNING: It appears that '%s' is a filename but the file does not exist. "
                    "Treating '%s' as a search pattern.\n",
                    c.list_glob, c.list_glob);
        provider_set_pid(c.pid);
        provider_set_list_verbose(c.verbose);
        return list_probes(c.list_glob, stdout) < 0 ? 1 : 0;
    }
    if (c.fmt)
        return format_program(&c);
    if (start_process(&c) < 0) {
        end_process(&c);
        return 1;
    }
    c.cg.perf_buffer = features_disabled(FEAT_RINGBUF) || !rt_ringbuf_supported();
    c.cg.task_comm = true;
    c.cg.bpf_loop = features_has(FEAT_HELPER_LOOP);
    char *text = read_program(&c);
    int rc = text ? run_program(&c, text) : 1;
    free(text);
    end_process(&c);
    if (c.probe_filter)
        regfree(&c.filter_re);
    free(c.include_dirs);
    free(c.include_files);
    return rc;
}
