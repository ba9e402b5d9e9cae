/* Semantic analysis driver: config, probe expansion into units, the two
 * walks over the probe blocks, and the result's lifetime. */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ctypes/ctypes.h"
#include "sema/sema_impl.h"

/* bpftrace 0.17's default; keeps a string on the 512-byte BPF stack. */
#define DEFAULT_MAX_STRLEN 1024 /* current bpftrace's default */
#define DEFAULT_MAX_CAT_BYTES 10240
#define DEFAULT_MAX_PROBES 1024 /* bpftrace's */
#define DEFAULT_MAX_BPF_PROGS 1024

/* Where an error goes: a final check's waits in check_errors, printed
 * only if resolution succeeds. Returns the output to restore. */
static FILE *route_error(struct sema *s) {
    FILE *out = s->d->out;
    if (s->in_checks && s->check_errors)
        s->d->out = s->check_errors;
    return out;
}

static void sema_verror(struct sema *s, const struct loc *l, enum diag_code code, const char *fmt,
                        va_list ap) {
    if (!s->report)
        return;
    if (s->in_checks)
        s->checks_errors++;
    FILE *out = route_error(s);
    diag_verror(s->d, l, code, fmt, ap);
    s->d->out = out;
}

void sema_error(struct sema *s, const struct loc *l, enum diag_code code, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    sema_verror(s, l, code, fmt, ap);
    va_end(ap);
}

void sema_error_expansions(struct sema *s, const struct loc *l) {
    if (!s->report)
        return;
    FILE *out = route_error(s);
    diag_error_expansions(s->d, l);
    s->d->out = out;
}

void sema_check_error(struct sema *s, const struct loc *l, enum diag_code code, const char *fmt,
                      ...) {
    bool checks = s->in_checks;
    s->in_checks = true;
    va_list ap;
    va_start(ap, fmt);
    sema_verror(s, l, code, fmt, ap);
    va_end(ap);
    s->in_checks = checks;
}

const char *sema_tname(const struct type *t) {
    static char bufs[4][128];
    static int next;
    char *b = bufs[next++ % 4];
    return type_name(t, b, sizeof(bufs[0]));
}

/* ---- config = { key = value; ... } ---- */

/* missing_probes = error | warn | ignore (a name or a string). */
static void config_missing_probes(struct sema *s, struct node *a) {
    const char *v = a->b && (a->b->kind == N_IDENT || a->b->kind == N_STRING) ? a->b->str : NULL;
    if (v && strcmp(v, "error") == 0)
        s->missing = DIAG_MISSING_ERROR;
    else if (v && strcmp(v, "warn") == 0)
        s->missing = DIAG_MISSING_WARN;
    else if (v && strcmp(v, "ignore") == 0)
        s->missing = DIAG_MISSING_IGNORE;
    else
        diag_error(s->d, a->b ? &a->b->loc : &a->loc, E_TYPE,
                   "Invalid value for missing_probes: valid values are error, warn, ignore");
    s->out->missing_probes = s->missing;
}

static void sema_config_item(struct sema *s, struct node *a) {
    if (a->kind != N_ASSIGN || !a->a || !a->a->str)
        return;
    char key[64];
    if (!sema_config_key(s, a, key, sizeof(key)))
        return;
    if (!sema_config_check(s, key, a) || sema_config_env(key))
        return; /* the environment wins over the config block */
    if (strcmp(key, "license") == 0 || strcmp(key, "str_trunc_trailer") == 0)
        return; /* read when needed; trawk's programs are GPL: any valid license loads the same */
    if (strcmp(key, "stack_mode") == 0) {
        sema_config_stack_mode(s, a);
        return;
    }
    if (sema_config_unstable(s, key, a) || sema_config_symbols(s, key, a))
        return;
    if (strcmp(key, "missing_probes") == 0) {
        config_missing_probes(s, a);
        return;
    }
    if (strcmp(key, "print_maps_on_exit") == 0) {
        if (!a->b || (a->b->kind != N_BOOL && a->b->kind != N_INT))
            diag_error(s->d, a->b ? &a->b->loc : &a->loc, E_TYPE,
                       "print_maps_on_exit must be true or false");
        else
            s->out->print_maps_on_exit = a->b->num != 0;
        return;
    }
    int *target = strcmp(key, "max_strlen") == 0      ? &s->max_strlen
                  : strcmp(key, "max_map_keys") == 0  ? &s->out->max_map_keys
                  : strcmp(key, "max_cat_bytes") == 0 ? &s->out->max_cat_bytes
                  : strcmp(key, "max_probes") == 0    ? &s->out->max_probes
                  : strcmp(key, "log_size") == 0      ? &s->out->log_size
                  : strcmp(key, "perf_rb_pages") == 0 ? &s->out->perf_rb_pages
                  : strcmp(key, "max_bpf_progs") == 0 ? &s->out->max_bpf_progs
                                                      : NULL;
    /* trawk symbolizes with bcc's library, which names the same symbols as
     * blazesym, and decides itself what lives on the BPF stack */
    if (strcmp(key, "use_blazesym") == 0 || strcmp(key, "on_stack_limit") == 0)
        return;
    /* trawk never prints source lines in stacks: turning them off is what it does */
    bool off = a->b && (a->b->kind == N_BOOL || a->b->kind == N_INT) && a->b->num == 0;
    if (!target && strcmp(key, "show_debug_info") == 0 && off)
        return;
    if (!target) {
        diag_warning(s->d, &a->a->loc, "config variable %s has no effect in trawk yet", key);
        return;
    }
    /* a log of any size a u32 holds: bpftrace's hint is to raise it */
    uint64_t max = target == &s->out->log_size ? UINT32_MAX : 1 << 20;
    if (!a->b || a->b->kind != N_INT || a->b->num == 0 || a->b->num > max) {
        diag_error(s->d, a->b ? &a->b->loc : &a->loc, E_TYPE, "%s must be a positive integer", key);
        return;
    }
    *target = (int)a->b->num;
}

/* ---- probes into units ---- */

static struct sema_unit *unit_for(struct sema *s, struct node *probe, const struct provider *prov) {
    for (int i = s->unit_first; i < s->out->nunits; i++)
        if (s->out->units[i].prov == prov)
            return &s->out->units[i];
    struct sema_out *o = s->out;
    o->units = realloc(o->units, sizeof(*o->units) * (o->nunits + 1));
    struct sema_unit *u = &o->units[o->nunits++];
    memset(u, 0, sizeof(*u));
    u->probe = probe;
    u->prov = prov;
    return u;
}

/* "interval:s:$1": positional parameters inside attach points are replaced
 * by their text (a missing one by nothing, as bpftrace does). */
static char *attach_text(struct sema *s, const char *raw) {
    size_t cap = strlen(raw) + 1, len = 0;
    char *out = malloc(cap);
    for (const char *p = raw; *p;) {
        const char *val = NULL;
        if (p[0] == '$' && isdigit((unsigned char)p[1])) {
            char *end;
            long n = strtol(p + 1, &end, 10);
            int count = s->opts ? s->opts->npositional : 0;
            val = n >= 1 && n <= count ? s->opts->positional[n - 1] : "";
            p = end;
        }
        size_t add = val ? strlen(val) : 1;
        if (len + add + 1 > cap) {
            cap = (len + add + 1) * 2;
            out = realloc(out, cap);
        }
        if (val) {
            memcpy(out + len, val, add);
        } else {
            out[len] = *p++;
        }
        len += add;
    }
    out[len] = '\0';
    return out;
}

/* Expands each attach point; points with the same provider share a unit.
 * Returns false when some attach point was wrong. */
static bool sema_expand_probe(struct sema *s, struct node *probe) {
    bool ok = true;
    s->unit_first = s->out->nunits;
    int missing = s->d->nmissing;
    for (struct node *ap = probe->a; ap; ap = ap->next) {
        const struct provider *prov = NULL;
        struct attach_target *targets = NULL;
        int n = 0;
        char *text = attach_text(s, ap->str ? ap->str : "");
        s->d->missing = s->missing;
        int skipped = s->d->nmissing;
        int rc = provider_expand(text, &ap->loc, s->d, &prov, &targets, &n);
        s->d->missing = DIAG_MISSING_ERROR;
        skipped = s->d->nmissing - skipped;
        if (rc > 0) {
            s->out->probe_count += provider_probe_count(text, prov, targets, n);
            struct sema_unit *u = unit_for(s, probe, prov);
            sema_note_expansion(s, &ap->loc, text, prov, (int)(u - s->out->units), n);
            u->targets = realloc(u->targets, sizeof(*targets) * (u->ntargets + n));
            memcpy(u->targets + u->ntargets, targets, sizeof(*targets) * n);
            u->ntargets += n;
        } else if (!skipped) {
            ok = false; /* a skipped attach point leaves the probe complete */
        }
        free(text);
        free(targets);
    }
    /* attach points skipped by missing_probes: the probe keeps the others,
     * or goes when none is left */
    if (s->d->nmissing > missing && s->out->nunits == s->unit_first) {
        if (s->missing == DIAG_MISSING_WARN)
            diag_warning(s->d, &probe->a->loc,
                         "Probe has no valid attach points. It is being removed which may "
                         "cause issues with program behavior.");
        probe->removed = true;
        return false;
    }
    return ok;
}

/* Where a probe's units are in sema_out.units. */
struct probe_units {
    int first, count;
    bool complete; /* every attach point expanded */
};

static void sema_probe(struct sema *s, struct node *probe, struct probe_vars *pv,
                       const struct probe_units *pu) {
    int first = pu->first, count = pu->count;
    s->probe = probe;
    s->pv = pv;
    s->unit_first = first;
    s->unit_count = count;
    s->probe_complete = pu->complete;
    s->reads_args = false;
    s->probe_string = false;
    for (int i = 0; i < pv->n; i++)
        pv->defined[i] = VAR_UNDEFINED;
    if (probe->b) {
        const struct type *t = sema_expr(s, probe->b);
        if (t && !sema_is_int(t))
            sema_error(s, &probe->b->loc, E_TYPE, "Invalid type for predicate: %s", sema_tname(t));
    }
    if (probe->c)
        sema_block(s, probe->c);
    sema_lets_warn(s);
    for (int i = first; i < first + count; i++)
        s->out->units[i].per_target = s->out->units[i].prov->program_per_target ||
                                      (s->reads_args && s->out->units[i].prov->args_per_target) ||
                                      s->probe_string;
}

/* Every unit of a probe gets its own copy of the probe's variable table. */
static void give_vars(struct sema_out *out, int first, int count, const struct probe_vars *pv) {
    for (int i = first; i < first + count; i++) {
        struct sema_unit *u = &out->units[i];
        u->nvars = pv->n;
        u->vars = calloc(pv->n ? pv->n : 1, sizeof(*u->vars));
        for (int v = 0; v < pv->n; v++) {
            u->vars[v].name = strdup(pv->vars[v].name);
            u->vars[v].ty = pv->vars[v].ty;
        }
    }
}

static void probe_vars_free(struct probe_vars *pv) {
    for (int v = 0; v < pv->n; v++)
        free(pv->vars[v].name);
    free(pv->vars);
    free(pv->defined);
    free(pv->scope);
    free(pv->typed);
}

/* A type the script names, from the probed binaries (the providers'
 * lookup_type), each file asked once. */
static const struct type *target_type(void *ctx, const char *name) {
    struct sema_out *out = ctx;
    for (int i = 0; i < out->nunits; i++) {
        const struct sema_unit *u = &out->units[i];
        for (int t = 0; u->prov->lookup_type && t < u->ntargets; t++) {
            const char *path = u->targets[t].spec.path;
            if (t > 0 && path && u->targets[t - 1].spec.path &&
                !strcmp(path, u->targets[t - 1].spec.path))
                continue;
            const struct type *ty = u->prov->lookup_type(&u->targets[t], name, out->types);
            if (ty)
                return ty;
        }
    }
    return NULL;
}

/* The report walk's warnings, printed after its errors as bpftrace prints
 * them: the control-flow checks' first (held by sema_check), then each
 * pass's in bpftrace's order (enum sema_pass). */
struct held_warnings {
    char *text[SEMA_PASSES];
    size_t len[SEMA_PASSES];
    char *check_errors; /* errors of the final checks (in_checks) */
    size_t check_errors_len;
    FILE *prev;
    int errors_before;
};

static void hold_warnings(struct sema *s, struct held_warnings *hw) {
    *hw = (struct held_warnings){.prev = s->d->held, .errors_before = s->d->nerrors};
    s->checks_errors = 0;
    s->check_errors = open_memstream(&hw->check_errors, &hw->check_errors_len);
    for (int p = 0; p < SEMA_PASSES; p++)
        s->pass_warnings[p] = open_memstream(&hw->text[p], &hw->len[p]);
    if (s->pass_warnings[PASS_RESOLVE])
        s->d->held = s->pass_warnings[PASS_RESOLVE];
}

/* bpftrace stops when type resolution fails, and drops that pass's
 * warnings: only the variable checks before it have warned, and its final
 * checks have found nothing. */
static bool types_resolved(const struct sema *s, const struct held_warnings *hw) {
    return s->d->nerrors - hw->errors_before - s->checks_errors == 0;
}

/* The final checks' errors, after the others and before any warning. */
static void release_check_errors(struct sema *s, struct held_warnings *hw) {
    if (s->check_errors)
        fclose(s->check_errors);
    s->check_errors = NULL;
    if (types_resolved(s, hw) && hw->check_errors)
        fwrite(hw->check_errors, 1, hw->check_errors_len, s->d->out);
    free(hw->check_errors);
    hw->check_errors = NULL;
}

static void release_warnings(struct sema *s, struct held_warnings *hw) {
    s->d->held = hw->prev;
    FILE *to = hw->prev ? hw->prev : s->d->out;
    bool resolved = types_resolved(s, hw);
    int passes_run = resolved ? SEMA_PASSES : PASS_RESOLVE;
    for (int p = 0; p < SEMA_PASSES; p++) {
        if (s->pass_warnings[p])
            fclose(s->pass_warnings[p]);
        s->pass_warnings[p] = NULL;
        if (hw->text[p] && p < passes_run)
            fwrite(hw->text[p], 1, hw->len[p], to);
        free(hw->text[p]);
    }
}

void sema_pass_warning(struct sema *s, enum sema_pass pass, const struct loc *l, const char *fmt,
                       ...) {
    if (!s->report)
        return;
    FILE *held = s->d->held;
    va_list ap;
    va_start(ap, fmt);
    if (s->pass_warnings[pass])
        s->d->held = s->pass_warnings[pass];
    diag_vwarning(s->d, l, fmt, ap);
    s->d->held = held;
    va_end(ap);
}

int sema_check(struct node *program, const struct sema_opts *opts, struct diag *d,
               struct sema_out *out) {
    memset(out, 0, sizeof(*out));
    out->print_maps_on_exit = true;
    out->types = type_arena_new();
    struct ctypes_opts cto = {.no_btf = opts && opts->no_btf};
    out->ct = ctypes_new(out->types, &cto);
    struct sema s = {.d = d, .opts = opts, .out = out, .types = out->types};
    s.max_strlen = opts && opts->max_strlen > 0 ? opts->max_strlen : DEFAULT_MAX_STRLEN;
    out->max_map_keys = opts && opts->max_map_keys > 0 ? opts->max_map_keys : 0;
    int errors_before = d->nerrors;
    sema_stack_mode_env(&s);
    sema_unstable_defaults(&s);
    out->cpp_demangle = out->lazy_symbolication = true;
    out->max_cat_bytes = DEFAULT_MAX_CAT_BYTES;
    s.config = program ? program->b : NULL;
    for (struct node *c = program ? program->b : NULL; c; c = c->next)
        sema_config_item(&s, c);
    out->max_strlen = s.max_strlen;
    sema_config_symbols_env(out);
    out->str_trailer = sema_config_str(&s, "str_trunc_trailer");
    if (opts && opts->max_cat_bytes > 0) /* the environment wins over the config block */
        out->max_cat_bytes = opts->max_cat_bytes;
    if (opts && opts->max_probes > 0)
        out->max_probes = opts->max_probes;
    if (out->max_probes == 0)
        out->max_probes = DEFAULT_MAX_PROBES;
    const char *log_size = sema_config_env("log_size");
    if (log_size && atoi(log_size) > 0)
        out->log_size = atoi(log_size);
    const char *progs = sema_config_env("max_bpf_progs");
    if (progs && atoi(progs) > 0)
        out->max_bpf_progs = atoi(progs);
    if (out->max_bpf_progs == 0)
        out->max_bpf_progs = DEFAULT_MAX_BPF_PROGS;
    const char *rb_pages = sema_config_env("perf_rb_pages");
    if (rb_pages && atoi(rb_pages) > 0 && atoi(rb_pages) <= 1 << 20)
        out->perf_rb_pages = atoi(rb_pages);
    if (sema_c_definitions(&s, program) < 0)
        return -1;
    sema_map_decls(&s, program);

    int nprobes = program ? (int)ast_list_len(program->a) : 0;
    struct probe_vars *pvs = calloc(nprobes ? nprobes : 1, sizeof(*pvs));
    struct probe_units *pus = calloc(nprobes ? nprobes : 1, sizeof(*pus));
    int i = 0;
    for (struct node *p = program ? program->a : NULL; p; p = p->next, i++) {
        pus[i].first = out->nunits;
        pus[i].complete = sema_expand_probe(&s, p);
        pus[i].count = out->nunits - pus[i].first;
    }
    ctypes_set_source(out->ct, target_type, out);
    struct held_warnings hw = {.prev = d->held};
    /* the first walk's warnings (folding's) follow the errors too */
    char *early = NULL;
    size_t nearly = 0;
    FILE *early_f = open_memstream(&early, &nearly);
    if (early_f)
        d->held = early_f;
    for (int pass = 0; pass < 2 && !s.fold_errors; pass++) {
        s.report = pass == 1;
        if (s.report) {
            d->held = hw.prev;
            hold_warnings(&s, &hw);
            /* bpftrace's deprecation and control-flow passes run before
             * its other checks: their warnings come first */
            FILE *rest = d->held;
            if (s.pass_warnings[PASS_VARS])
                d->held = s.pass_warnings[PASS_VARS];
            sema_early_warnings(&s, program);
            d->held = rest;
        }
        i = 0;
        for (struct node *p = program ? program->a : NULL; p; p = p->next, i++)
            if (!p->removed)
                sema_probe(&s, p, &pvs[i], &pus[i]);
    }
    d->held = s.report ? d->held : hw.prev;
    release_check_errors(&s, &hw);
    if (early_f) {
        fclose(early_f);
        fwrite(early, 1, nearly, hw.prev ? hw.prev : d->out);
    }
    free(early);
    release_warnings(&s, &hw);
    /* bpftrace folds literals in a pass of its own: its errors stop there */
    if (!s.fold_errors) {
        sema_check_prog_limit(&s);
        sema_map_decls_check(&s);
    }
    free(s.expansions); /* sema_check_prog_limit's, when it did not run */
    sema_getopt_finish(&s);
    free(s.lets);
    sema_sizeof_edges_free(&s);
    free(s.unassigned);
    for (i = 0; i < nprobes; i++) {
        give_vars(out, pus[i].first, pus[i].count, &pvs[i]);
        probe_vars_free(&pvs[i]);
    }
    free(pvs);
    free(pus);
    for (i = 0; i < out->nmaps; i++) {
        out->maps[i].unassigned = !s.minfo[i].assigned;
        ast_free(s.minfo[i].kept_keys);
    }
    free(s.minfo);
    free(s.map_slots);
    return d->nerrors > errors_before ? -1 : 0;
}

int sema_probe_limit(const struct sema_out *out, struct diag *d) {
    if (out->probe_count <= out->max_probes)
        return 0;
    diag_plain_error(d, E_UNSUPPORTED,
                     "Can't attach to %d probes because it exceeds the current limit of %d "
                     "probes.\nYou can increase the limit through the BPFTRACE_MAX_PROBES "
                     "environment variable, but BE CAREFUL since a high number of probes "
                     "attached can cause your system to crash.",
                     out->probe_count, out->max_probes);
    return -1;
}

void sema_out_free(struct sema_out *out) {
    free(out->str_trailer);
    for (int i = 0; i < out->nmaps; i++)
        free(out->maps[i].name);
    free(out->maps);
    for (int i = 0; i < out->nunits; i++) {
        struct sema_unit *u = &out->units[i];
        for (int t = 0; t < u->ntargets; t++)
            attach_target_free(&u->targets[t]);
        free(u->targets);
        for (int v = 0; v < u->nvars; v++)
            free(u->vars[v].name);
        free(u->vars);
    }
    free(out->units);
    ctypes_free(out->ct);
    type_arena_free(out->types);
    memset(out, 0, sizeof(*out));
}

const char *builtin_name(enum builtin b) {
    static const char *const names[] = {
        [B_PID] = "pid",      [B_TID] = "tid",   [B_UID] = "uid",       [B_GID] = "gid",
        [B_CPU] = "cpu",      [B_COMM] = "comm", [B_NSECS] = "nsecs",   [B_ELAPSED] = "elapsed",
        [B_PROBE] = "probe",  [B_ARGS] = "args", [B_RETVAL] = "retval", [B_CURTASK] = "curtask",
        [B_FUNC_IP] = "func", [B_ARG0] = "arg0",
    };
    if (b > B_ARG0)
        return "argN";
    return b >= 0 ? names[b] : "?";
}

const char *func_name(enum func f) {
    static const char *const names[] = {
        [F_PRINTF] = "printf", [F_PRINT] = "print",   [F_EXIT] = "exit",   [F_STR] = "str",
        [F_TIME] = "time",     [F_COUNT] = "count",   [F_SUM] = "sum",     [F_AVG] = "avg",
        [F_MIN] = "min",       [F_MAX] = "max",       [F_STATS] = "stats", [F_HIST] = "hist",
        [F_LHIST] = "lhist",   [F_DELETE] = "delete", [F_CLEAR] = "clear", [F_ZERO] = "zero",
    };
    return f >= 0 && f <= F_ZERO ? names[f] : "?";
}
