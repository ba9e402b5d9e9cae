/* uprobe:PATH:FUNC and uretprobe:PATH:FUNC (u/ur): FUNC is a symbol, a
 * wildcard over symbol names, FUNC+OFFSET or an address. The target file
 * is resolved as bpftrace resolves it (sys/binpath.h) and each target gets
 * the file offset its probe sits at, computed from the ELF program headers.
 * The context is a struct pt_regs: argN and retval come from the arch table. */
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codegen/cg.h"
#include "providers/arch.h"
#include "providers/provider_impl.h"
#include "providers/uprobe_dwarf.h"
#include "sys/binpath.h"
#include "sys/elfsyms.h"
#include "sys/uprobe_multi.h"
#include "sys/zip.h"

/* What FUNC in PATH:FUNC asks for. */
struct uspec {
    char path[PATH_MAX]; /* resolved */
    char *target;        /* as written */
    char *func;          /* symbol or glob; NULL for an address */
    uint64_t func_off;   /* FUNC+OFFSET */
    uint64_t address;    /* PATH:0xADDR */
    bool cpp;            /* PATH:cpp:FUNC: match demangled names */
    char lang[8];        /* "cpp" or "c" when named: part of the probe name */
    char *srcfile;       /* PATH@FILE:LINE: a source line, found through DWARF */
    int srcline;
};

static bool parse_uint(const char *s, uint64_t *v) {
    char *end;
    if (!*s)
        return false;
    errno = 0;
    *v = strtoull(s, &end, 0);
    return !*end && errno == 0;
}

/* FUNC, FUNC+OFFSET or ADDRESS into u. */
static int parse_func(const struct provider *p, const char *func, const struct loc *loc,
                      struct diag *d, struct uspec *u) {
    const char *plus = strchr(func, '+');
    if (plus) {
        if (p->kind == PK_URETPROBE) {
            diag_error(d, loc, E_UNKNOWN_PROBE, "Offset not allowed");
            return -1;
        }
        if (strchr(plus + 1, '+')) {
            diag_error(d, loc, E_UNKNOWN_PROBE, "Cannot take more than one offset");
            return -1;
        }
        if (plus == func || !parse_uint(plus + 1, &u->func_off)) {
            diag_error(d, loc, E_UNKNOWN_PROBE, "Invalid offset");
            return -1;
        }
        u->func = strndup(func, (size_t)(plus - func));
        return 0;
    }
    if (parse_uint(func, &u->address))
        return 0;
    u->func = strdup(func);
    return 0;
}

/* PATH@FILE:LINE, attached where the line table puts the line's first
 * statement. */
static int parse_source_line(const char *path_file, const char *line, const struct loc *loc,
                             struct diag *d, struct uspec *u) {
    const char *at = strrchr(path_file, '@');
    uint64_t n;
    if (!parse_uint(line, &n) || n == 0 || n > INT32_MAX || !at[1]) {
        diag_error(d, loc, E_UNKNOWN_PROBE, "Invalid source location: %s:%s", path_file, line);
        return -1;
    }
    u->target = strndup(path_file, (size_t)(at - path_file));
    u->srcfile = strdup(at + 1);
    u->srcline = (int)n;
    return u->target && u->srcfile ? 0 : -1;
}

/* "PATH:FUNC", "PATH:LANG:FUNC", "PATH@FILE:LINE" or, with -p, "FUNC" (the process's
 * executable). */
static int parse_spec(const struct provider *p, const char *spec, const struct loc *loc,
                      struct diag *d, struct uspec *u) {
    char *buf, *part[3];
    int parts = *spec ? provider_split(spec, &buf, part, 3) : 0, pid = provider_pid(), rc = -1;
    if (parts < 0)
        return -1;
    if (parts == 1 && pid > 0) {
        char exe[PATH_MAX];
        if (binpath_pid_exe(pid, exe, sizeof(exe)) < 0)
            diag_error(d, loc, E_UNKNOWN_PROBE, "could not read the executable of PID %d", pid);
        else if ((u->target = strdup(exe)))
            rc = parse_func(p, part[0], loc, d, u);
    } else if (parts != 2 && parts != 3) {
        diag_error(d, loc, E_UNKNOWN_PROBE, "%s probe type requires 2 or 3 arguments, found %d",
                   p->name, parts);
    } else if (parts == 3 && strcmp(part[1], "cpp") != 0 && strcmp(part[1], "c") != 0) {
        diag_error(d, loc, E_UNKNOWN_PROBE, "unsupported language type: %s", part[1]);
    } else if (!*part[0]) {
        diag_error(d, loc, E_UNKNOWN_PROBE, "%s should have a target", p->name);
    } else if (!*part[parts - 1]) {
        diag_error(d, loc, E_UNKNOWN_PROBE, "%s should be attached to a function and/or address",
                   p->name);
    } else if (parts == 2 && strchr(part[0], '@')) {
        rc = parse_source_line(part[0], part[1], loc, d, u);
    } else {
        u->target = strdup(part[0]);
        if (parts == 3)
            snprintf(u->lang, sizeof(u->lang), "%s", part[1]);
        u->cpp = parts == 3 && strcmp(part[1], "cpp") == 0;
        rc = parse_func(p, part[parts - 1], loc, d, u);
    }
    if (parts > 0)
        free(buf);
    return rc;
}

static struct attach_target *add(const struct provider *p, const struct uspec *u, const char *rest,
                                 uint64_t offset, struct attach_target **targets, int *ntargets) {
    char name[PATH_MAX + 512];
    snprintf(name, sizeof(name), "%s:%s", u->path, rest);
    struct attach_target *t = provider_add_target(targets, ntargets, p->kind, p->name, name);
    if (!t)
        return NULL;
    char zip[PATH_MAX];
    /* a zip member is probed in its archive, at the member's offset there */
    t->spec.path = strdup(zip_split(u->path, zip, sizeof(zip)) ? zip : u->path);
    t->spec.offset = offset;
    t->spec.pid = provider_pid();
    return t->spec.path ? t : NULL;
}

/* GCC's ".part.N" pieces of a function are not entry points: bpftrace
 * leaves them out of wildcard matches and listings. */
static bool is_part(const char *name) {
    return strstr(name, ".part.") != NULL;
}

static bool sym_matches(const struct uspec *u, const struct elfsym *s, bool glob) {
    const char *name = u->cpp && s->demangled ? s->demangled : s->name;
    if (glob && is_part(s->name))
        return false;
    if (glob ? fnmatch(u->func, name, 0) == 0 : strcmp(u->func, name) == 0)
        return true;
    /* a C++ function named as written in the source, without "cpp:" */
    return !u->cpp && !glob && s->demangled && strcmp(u->func, s->demangled) == 0;
}

static int add_symbol(const struct provider *p, const struct uspec *u, const struct elfsyms *es,
                      const struct elfsym *s, struct attach_target **targets, int *ntargets) {
    uint64_t off;
    char rest[1024];
    if (u->func_off && u->func_off >= s->size) {
        errno = ERANGE;
        return -1;
    }
    if (!elfsyms_offset(es, s->addr + u->func_off, &off))
        return 0; /* not code the process runs */
    int len = snprintf(rest, sizeof(rest), "%s%s%s", u->lang, *u->lang ? ":" : "", s->name);
    if (u->func_off && len > 0 && (size_t)len < sizeof(rest))
        snprintf(rest + len, sizeof(rest) - (size_t)len, "+%llu", (unsigned long long)u->func_off);
    struct attach_target *t = add(p, u, rest, off, targets, ntargets);
    if (!t || !(t->spec.symbol = strdup(s->name)))
        return -1;
    return 1;
}

static uint64_t func_size(const struct elfsyms *es, const char *name) {
    for (int i = 0; i < es->n; i++)
        if (strcmp(es->syms[i].name, name) == 0)
            return es->syms[i].size;
    return 0;
}

/* A symbol of size 0 (such as _init) has no known end, so nothing says
 * its first bytes are an instruction: bpftrace wants --unsafe for it. */
static bool unbounded(const struct provider *p, const struct uspec *u, const struct elfsym *s,
                      struct diag *d) {
    if (s->size != 0 || u->func_off != 0 || provider_unsafe())
        return false;
    diag_plain_error(d, E_UNKNOWN_PROBE,
                     "Could not determine boundary for %s (symbol has size 0).\nUse --unsafe to "
                     "force attachment. WARNING: This option could lead to data corruption in the "
                     "target process.",
                     s->name);
    diag_plain_error(d, E_UNKNOWN_PROBE,
                     "Unable to attach probe: %s:%s:%s. If this is expected, set the "
                     "'missing_probes' config variable to 'warn'.",
                     p->name, u->target, u->func);
    return true;
}

/* Adds the symbols of one file matching u->func; returns how many, -1
 * when out of memory or after reporting an error. */
static int expand_symbols(const struct provider *p, const struct uspec *u, const struct elfsyms *es,
                          struct diag *d, struct attach_target **targets, int *ntargets) {
    bool glob = strpbrk(u->func, "*?[") != NULL;
    int added = 0;
    for (int i = 0; i < es->n; i++) {
        if (!sym_matches(u, &es->syms[i], glob))
            continue;
        if (!glob && unbounded(p, u, &es->syms[i], d))
            return -1;
        int rc = add_symbol(p, u, es, &es->syms[i], targets, ntargets);
        if (rc < 0)
            return -1;
        added += rc;
        if (!glob && rc)
            break;
    }
    return added;
}

static int expand_address(const struct provider *p, const struct uspec *u, const struct elfsyms *es,
                          const struct loc *loc, struct diag *d, struct attach_target **targets,
                          int *ntargets) {
    uint64_t off;
    char rest[32];
    if (!elfsyms_offset(es, u->address, &off)) {
        /* bpftrace reports it without a location */
        diag_plain_error(d, E_UNKNOWN_PROBE, "Could not resolve address: %s:0x%llx", u->path,
                         (unsigned long long)u->address);
        return -1;
    }
    /* bpftrace names an address probe by its decimal value */
    snprintf(rest, sizeof(rest), "%llu", (unsigned long long)u->address);
    return add(p, u, rest, off, targets, ntargets) ? 1 : -1;
}

/* One file of the target: its symbols or the address. Returns how many
 * targets were added, -1 after reporting an error. */
static int expand_file(const struct provider *p, struct uspec *u, const char *path, bool many,
                       const struct loc *loc, struct diag *d, struct attach_target **targets,
                       int *ntargets) {
    struct elfsyms es;
    char err[PATH_MAX + 64];
    int rc;
    snprintf(u->path, sizeof(u->path), "%s", path);
    if (elfsyms_read(u->path, &es, err, sizeof(err)) < 0) {
        char zip[PATH_MAX];
        if (many)
            return 0; /* a glob or a process's mappings: skip what cannot be read */
        if (u->func && zip_split(u->path, zip, sizeof(zip))) /* a compressed member, as bpftrace */
            diag_error(d, loc, E_UNKNOWN_PROBE, "No matches for %s %s:%s.", p->name, u->path,
                       u->func);
        else
            diag_error(d, loc, E_UNKNOWN_PROBE, "%s", err);
        return -1;
    }
    if (u->srcfile && uprobe_dwarf_line(path, u->srcfile, u->srcline, &u->address, loc, d) < 0)
        rc = -1;
    else if (u->func) {
        errno = 0;
        rc = expand_symbols(p, u, &es, d, targets, ntargets);
        if (rc < 0 && errno == ERANGE)
            diag_error(d, loc, E_UNKNOWN_PROBE,
                       "Offset outside the function bounds ('%s' size is %llu)", u->func,
                       (unsigned long long)func_size(&es, u->func));
    } else
        rc = expand_address(p, u, &es, loc, d, targets, ntargets);
    elfsyms_free(&es);
    return rc;
}

/* "app.zip!/lib.so" as it is written: the archive is not searched for in
 * PATH. Returns 1 with *paths set, 0 for another kind of target. */
static int zip_one(const char *target, char ***paths) {
    char zip[PATH_MAX];
    if (!zip_split(target, zip, sizeof(zip)) || access(zip, R_OK) != 0)
        return 0;
    *paths = malloc(sizeof(**paths));
    if (!*paths || !((*paths)[0] = strdup(target))) {
        free(*paths);
        return -1;
    }
    return 1;
}

static int expand_common(const struct provider *p, const char *spec, const struct loc *loc,
                         struct diag *d, struct attach_target **targets, int *ntargets) {
    struct uspec u = {0};
    char **paths = NULL;
    int npaths = 0, added = 0, rc = 0;
    if (parse_spec(p, spec, loc, d, &u) < 0)
        goto fail;
    npaths = zip_one(u.target, &paths);
    if (npaths == 0)
        npaths = binpath_expand(u.target, provider_pid(), &paths);
    if (npaths <= 0 && !u.func && provider_unsafe() && access(u.target, R_OK) == 0) {
        /* a flat binary: with --unsafe, bpftrace takes the address as the
         * file offset */
        free(u.func);
        snprintf(u.path, sizeof(u.path), "%s", u.target);
        char rest[32];
        snprintf(rest, sizeof(rest), "%llu", (unsigned long long)u.address);
        added = add(p, &u, rest, u.address, targets, ntargets) ? 1 : -1;
        free(u.target);
        return added;
    }
    if (npaths <= 0) {
        diag_error(d, loc, E_UNKNOWN_PROBE,
                   "uprobe target file '%s' does not exist or is not executable", u.target);
        goto fail;
    }
    for (int i = 0; i < npaths && rc >= 0; i++) {
        rc = expand_file(p, &u, paths[i], npaths > 1 || strpbrk(u.target, "*?["), loc, d, targets,
                         ntargets);
        added += rc > 0 ? rc : 0;
    }
    if (rc >= 0 && added == 0 && u.func) {
        if (npaths > 1 || strpbrk(u.func, "*?["))
            diag_error(d, loc, E_UNKNOWN_PROBE,
                       "Probe has no valid attach points. If this is expected, set the "
                       "'missing_probes' config variable to 'warn'.");
        else
            diag_error(d, loc, E_UNKNOWN_PROBE, "No matches for %s %s:%s.", p->name, u.path,
                       u.func);
    }
    if (rc < 0 || added == 0)
        goto fail;
    binpath_free(paths, npaths);
    free(u.target);
    free(u.func);
    free(u.srcfile);
    return added;
fail:
    binpath_free(paths, npaths > 0 ? npaths : 0);
    free(u.target);
    free(u.func);
    free(u.srcfile);
    return -1;
}

static void list_file(const struct provider *p, const char *path, const char *func_glob,
                      FILE *out) {
    struct elfsyms es;
    char err[PATH_MAX + 64];
    if (elfsyms_read(path, &es, err, sizeof(err)) < 0)
        return;
    for (int i = 0; i < es.n; i++)
        if (!is_part(es.syms[i].name) && fnmatch(func_glob, es.syms[i].name, 0) == 0) {
            fprintf(out, "%s:%s:%s\n", p->name, path, es.syms[i].name);
            if (p->kind == PK_UPROBE && provider_list_verbose())
                uprobe_dwarf_list_params(path, es.syms[i].name, out);
        }
    elfsyms_free(&es);
}

/* "PATH:FUNC" with globs in both; a bare "FUNC" means every file of -p's
 * process (nothing without one, as bpftrace lists). */
static int list_common(const struct provider *p, const char *spec_glob, FILE *out) {
    const char *colon = strrchr(spec_glob, ':');
    char *target = colon ? strndup(spec_glob, (size_t)(colon - spec_glob)) : strdup("*");
    char **paths;
    int n = target ? binpath_expand(target, provider_pid(), &paths) : -1;
    for (int i = 0; i < n; i++)
        list_file(p, paths[i], colon ? colon + 1 : spec_glob, out);
    if (n > 0)
        binpath_free(paths, n);
    free(target);
    return 0;
}

/* The probe's address in the process, which uprobe_multi links keep for
 * bpf_get_func_ip (pt_regs->ip is the return address in a uretprobe). */
static void emit_func_ip(struct cg *cg, int reg) {
    cg_ctx(cg, R1);
    emit(&cg->e, CALL_HELPER(BPF_FUNC_get_func_ip));
    emit(&cg->e, MOV64_REG(reg, R0));
}

/* In a uprobe, pt_regs->ip is the probed address too: where the kernel's
 * bpf_get_func_ip knows no uprobes (6.1, perf-event uprobes) it answers 0,
 * and ip stands in. */
static void emit_entry_func_ip(struct cg *cg, int reg) {
    emit_func_ip(cg, reg);
    int known = emit_label(&cg->e);
    emit_jump(&cg->e, JMP_IMM(BPF_JNE, reg, 0, 0), known);
    cg_ctx(cg, reg);
    emit(&cg->e, LDX_MEM(BPF_DW, reg, reg, arch_reg_offset(arch_current(), "ip")));
    emit_place(&cg->e, known);
}

/* In a uretprobe pt_regs->ip is the return address: where bpf_get_func_ip
 * answers 0 (6.1, perf-event uprobes), func is the probe itself, its attach
 * cookie marked with TYPE_USYM_BY_PROBE, which user space prints as the
 * function the probe names. */
static void emit_return_func_ip(struct cg *cg, int reg) {
    emit_func_ip(cg, reg);
    int known = emit_label(&cg->e);
    emit_jump(&cg->e, JMP_IMM(BPF_JNE, reg, 0, 0), known);
    if (cg->target) {
        emit(&cg->e, MOV64_IMM(reg, (int32_t)cg->target->cookie));
    } else {
        cg_ctx(cg, R1);
        emit(&cg->e, CALL_HELPER(BPF_FUNC_get_attach_cookie));
        emit(&cg->e, MOV64_REG(reg, R0));
    }
    emit(&cg->e, ALU64_IMM(BPF_OR, reg, (int32_t)(uint32_t)TYPE_USYM_BY_PROBE));
    emit_place(&cg->e, known);
}

/* One uprobe_multi link per program and file serves every target: the
 * program is loaded for that link type (the runtime's perf fallback is for
 * kernels without it). */
static void load_attrs(const struct attach_target *t, struct prog_attrs *out) {
    (void)t;
    out->expected_attach_type = (enum bpf_attach_type)UPROBE_MULTI_ATTACH_TYPE;
}

static int expand_uprobe(const char *spec, const struct loc *loc, struct diag *d,
                         struct attach_target **targets, int *ntargets) {
    return expand_common(&provider_uprobe, spec, loc, d, targets, ntargets);
}

static int expand_uretprobe(const char *spec, const struct loc *loc, struct diag *d,
                            struct attach_target **targets, int *ntargets) {
    return expand_common(&provider_uretprobe, spec, loc, d, targets, ntargets);
}

static int list_uprobe(const char *spec_glob, bool named, FILE *out) {
    return list_common(&provider_uprobe, spec_glob, out);
}

static int list_uretprobe(const char *spec_glob, bool named, FILE *out) {
    return list_common(&provider_uretprobe, spec_glob, out);
}

const struct provider provider_uprobe = {
    .name = "uprobe",
    .aliases = {"u", NULL},
    .kind = PK_UPROBE,
    .prog_type = BPF_PROG_TYPE_KPROBE,
    .max_argn = 6,
    .user_memory = AS_USER,
    .args_per_target = true,
    .args_are_params = true,
    .args_type = uprobe_dwarf_args,
    .args_missing = uprobe_dwarf_args_missing,
    .emit_args = uprobe_dwarf_emit_args,
    .lookup_type = uprobe_dwarf_type,
    .emit_argn = arch_emit_pt_regs_arg,
    .emit_func_ip = emit_entry_func_ip,
    .func_user = true,
    .expand = expand_uprobe,
    .list = list_uprobe,
    .load_attrs = load_attrs,
    .one_probe = provider_glob_one_probe,
};

const struct provider provider_uretprobe = {
    .name = "uretprobe",
    .aliases = {"ur", NULL},
    .kind = PK_URETPROBE,
    .prog_type = BPF_PROG_TYPE_KPROBE,
    .user_memory = AS_USER,
    .lookup_type = uprobe_dwarf_type,
    .emit_retval = arch_emit_pt_regs_retval,
    .emit_func_ip = emit_return_func_ip,
    .func_user = true,
    .expand = expand_uretprobe,
    .list = list_uretprobe,
    .load_attrs = load_attrs,
    .one_probe = provider_glob_one_probe,
};
