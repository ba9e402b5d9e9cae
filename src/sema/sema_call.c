/* Function calls: the signature of each function trawk knows. */
#include <stdlib.h>
#include <string.h>

#include "sema/sema_impl.h"

typedef const struct type *(*call_check)(struct sema *s, struct node *call, int nargs);

struct func_desc {
    const char *name;
    enum func id;
    int min_args, max_args;
    call_check check; /* NULL for aggregations: see sema_agg_call */
    bool is_macro;    /* a macro of bpftrace's stdlib: its own wording for wrong arguments */
};

/* bpftrace functions trawk does not implement yet. */
static const char *const unsupported[] = {
    "ksym",          "usym",    "uaddr",  "pton",          "kstack",       "ustack",
    "cgroupid",      "path",    "assert", "static_assert", "percpu_kaddr", "skboutput",
    "socket_cookie", "unwatch", "find",   "container_of",  "typeof",       "sizeof",
    "offsetof",      "is_err",  "comm",
};

static bool is_builtin_name(const char *name) {
    static const char *const names[] = {"pid",  "tid",   "uid",     "gid",  "cpu",
                                        "comm", "nsecs", "elapsed", "probe"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(names[i], name) == 0)
            return true;
    return false;
}

static const char *nth_name(int n) {
    static const char *const words[] = {"no arguments", "one argument"};
    return n < 2 ? words[n] : NULL;
}

/* Reports a wrong argument count with current bpftrace's wording. */
static bool check_nargs(struct sema *s, struct node *call, int nargs, int min, int max) {
    if (nargs >= min && nargs <= max)
        return true;
    if (min == max && nth_name(min))
        sema_error(s, &call->loc, E_ARGS, "%s() requires %s (%d provided)", call->str,
                   nth_name(min), nargs);
    else if (min == max)
        sema_error(s, &call->loc, E_ARGS, "%s() requires %d arguments (%d provided)", call->str,
                   min, nargs);
    else if (nargs < min && min == 1)
        sema_error(s, &call->loc, E_ARGS, "%s() requires at least one argument (%d provided)",
                   call->str, nargs);
    else if (nargs < min)
        sema_error(s, &call->loc, E_ARGS, "%s() requires at least %d arguments (%d provided)",
                   call->str, min, nargs);
    else if (max == 0)
        sema_error(s, &call->loc, E_ARGS, "%s() requires no arguments (%d provided)", call->str,
                   nargs);
    else if (max == 1)
        sema_error(s, &call->loc, E_ARGS, "%s() takes up to one argument (%d provided)", call->str,
                   nargs);
    else
        sema_error(s, &call->loc, E_ARGS, "%s() takes up to %d arguments (%d provided)", call->str,
                   max, nargs);
    return false;
}

static const char *kind_word(const struct type *t) {
    if (t->kind == T_INT || t->kind == T_BOOL)
        return "integer";
    if (t->kind == T_STRING)
        return "string";
    return sema_tname(t);
}

static struct node *arg_n(struct node *call, int i) {
    struct node *a = call->a;
    while (a && i--)
        a = a->next;
    return a;
}

/* An argument that must be a string literal (printf format, time format). */
bool sema_string_literal_arg(struct sema *s, struct node *call, struct node *a) {
    if (a->kind == N_POSITIONAL)
        sema_positional(s, a);
    const struct type *t = sema_expr(s, a);
    if (a->kind == N_STRING)
        return true;
    if (t)
        sema_error(s, &call->loc, E_ARGS, "%s() expects a string literal (%s provided)", call->str,
                   kind_word(t));
    return false;
}

/* bpftrace's final checks name the kind of the value ("int", "string"). */
bool sema_int_arg(struct sema *s, struct node *call, struct node *a) {
    const struct type *t = sema_expr(s, a);
    if (!t || sema_is_int(t))
        return t != NULL;
    sema_check_error(s, &call->loc, E_ARGS, "%s() only supports int arguments (%s provided)",
                     call->str, sema_base_type_name(t));
    return false;
}

/* sum(), min(), max(), avg(), stats(): refused while types are resolved,
 * naming the whole type ("string[16]"); hist() and the others by the final
 * checks. */
static bool agg_value_arg(struct sema *s, struct node *call, enum func func) {
    if (func == F_HIST || func == F_LHIST || func == F_TSERIES)
        return sema_int_arg(s, call, call->a);
    const struct type *t = sema_expr(s, call->a);
    if (!t || sema_is_int(t))
        return t != NULL;
    sema_error(s, &call->loc, E_ARGS, "%s() only supports integer arguments (%s provided)",
               call->str, sema_tname(sema_natural_type(s, call->a)));
    return false;
}

/* ---- non-aggregating functions ---- */

/* printf and the functions formatting like it: errorf, warnf, debugf. */
static const struct type *check_printf(struct sema *s, struct node *call, int nargs) {
    bool ok = sema_string_literal_arg(s, call, call->a);
    for (struct node *a = call->a->next; a; a = a->next) {
        const struct type *t = sema_expr(s, a);
        if (t && (t->kind == T_VOID || t->kind == T_TUPLE)) {
            sema_error(s, &a->loc, E_PRINTF, "printf: cannot print a value of type '%s'",
                       sema_tname(t));
            ok = false;
        }
    }
    if (ok) {
        bool checks = s->in_checks;
        s->in_checks = true; /* bpftrace matches arguments to the format last */
        sema_printf_check(s, call, call->str);
        s->in_checks = checks;
    }
    return &type_void;
}

/* system(): runs a command, so only with --unsafe. */
static const struct type *check_system(struct sema *s, struct node *call, int nargs) {
    if (!s->opts || !s->opts->unsafe) {
        sema_error(s, &call->loc, E_CONTEXT, "%s() is an unsafe function being used in safe mode",
                   call->str);
        return &type_void;
    }
    return check_printf(s, call, nargs);
}

static bool integer_literal_arg(struct sema *s, struct node *call, struct node *a) {
    int64_t v;
    const struct type *t = sema_expr(s, a);
    if (sema_const_int(a, &v) && v >= 0)
        return true;
    if (t)
        sema_error(s, &call->loc, E_ARGS, "%s() expects an integer literal (%s provided)",
                   call->str, sema_const_int(a, &v) ? "negative integer" : kind_word(t));
    return false;
}

static bool is_stats(const struct type *t) {
    return t && t->kind == T_AGG && t->agg == AGG_STATS;
}

static const struct type *check_print(struct sema *s, struct node *call, int nargs) {
    struct node *v = call->a;
    if (v->kind == N_MAP && !v->a) {
        /* print(@m[, top[, div]]) prints the whole map. */
        int idx = sema_map_whole(s, v, "print");
        for (struct node *a = v->next; a; a = a->next)
            integer_literal_arg(s, call, a);
        if (s->loop_depth)
            sema_pass_warning(s, PASS_CHECKS, &call->loc,
                              "Due to it's asynchronous nature using 'print()' in a loop can lead "
                              "to unexpected behavior. The map will likely be updated before the "
                              "runtime can 'print' it.");
        if (idx >= 0 && nargs > 1 && is_stats(s->out->maps[idx].val_ty))
            sema_pass_warning(s, PASS_CHECKS, &call->loc,
                              "print()'s top and div arguments are ignored when used on stats() "
                              "maps.");
        return &type_void;
    }
    if (nargs > 1) {
        sema_check_error(s, &call->loc, E_ARGS, "Non-map print() only takes 1 argument, %d found",
                         nargs);
        return &type_void;
    }
    const struct type *t = sema_expr(s, v);
    if (t && (t->kind == T_VOID))
        sema_error(s, &v->loc, t->kind == T_VOID ? E_TYPE : E_UNSUPPORTED,
                   "print() cannot print a value of type '%s'", sema_tname(t));
    return &type_void;
}

static const struct type *check_exit(struct sema *s, struct node *call, int nargs) {
    if (nargs == 1)
        sema_int_arg(s, call, call->a);
    return &type_void;
}

/* str($N) is $N's text even when it reads as a number; in str($N + k) it
 * is a string literal too, which folding offsets by k. */
static void fold_positional_str(struct sema *s, struct node *p) {
    struct node *pos = p;
    if (p->kind == N_BINOP && p->op == OP_ADD)
        pos = p->a;
    if (pos->kind != N_POSITIONAL)
        return;
    const char *text = sema_positional_text(s, pos);
    char *v = strdup(text);
    if (!v)
        return;
    pos->kind = N_STRING;
    free(pos->str);
    pos->str = v;
    pos->len = strlen(v);
}

static const struct type *check_str(struct sema *s, struct node *call, int nargs) {
    struct node *p = call->a, *len = p->next;
    fold_positional_str(s, p);
    const struct type *t = sema_expr(s, p);
    if (t && !sema_is_int(t) && !sema_is_str(t)) {
        sema_error(s, &call->loc, E_ARGS,
                   "str() expects an integer or a pointer type as first argument (%s provided)",
                   sema_tname(t));
        t = NULL;
    }
    if (len && !sema_int_arg(s, call, len))
        return NULL;
    if (!t)
        return NULL;
    if (sema_fold_str_call(call))
        return sema_expr(s, call);
    int64_t n;
    /* bpftrace's wording, "str" and "cannot" run together */
    if (len && sema_const_int(len, &n) && n < 0) {
        sema_error(s, &call->loc, E_ARGS, "strcannot use negative length (%lld)", (long long)n);
        return NULL;
    }
    if (sema_is_str(t)) /* str($1) of a string variable: already a string */
        return t;
    uint32_t size = (uint32_t)s->max_strlen;
    /* As in bpftrace: str(p, n) holds up to n characters and the NUL. */
    if (len && sema_const_int(len, &n)) {
        if (n + 1 < (int64_t)size)
            size = (uint32_t)n + 1;
    }
    return type_string(s->types, size);
}

static const struct type *check_time(struct sema *s, struct node *call, int nargs) {
    if (nargs == 1)
        sema_string_literal_arg(s, call, call->a);
    return &type_void;
}

/* delete() tells whether the key was there. */
static const struct type *check_delete(struct sema *s, struct node *call, int nargs) {
    struct node *m = call->a;
    if (m->kind != N_MAP) {
        sema_error(s, &call->loc, E_ARGS, "delete() expects a map to be provided");
        return &type_bool;
    }
    if (nargs == 1 && m->a) { /* delete(@m[k]) */
        if (sema_map_ref(s, m) >= 0)
            sema_map_defined(s, m);
        return &type_bool;
    }
    if (sema_map_whole(s, m, "delete") < 0)
        return &type_bool;
    bool keyed = s->out->maps[m->sym].key_ty != NULL;
    if (nargs == 2 && !keyed)
        sema_error(s, &call->loc, E_ARGS,
                   "call to delete() with two arguments expects a map with explicit keys "
                   "(non-scalar map)");
    else if (nargs == 2)
        sema_map_key_check(s, m, m->next);
    else if (keyed)
        sema_map_key_check(s, m, NULL);
    return &type_bool;
}

static const struct type *check_clear_zero(struct sema *s, struct node *call, int nargs) {
    if (call->a->kind != N_MAP)
        sema_error(s, &call->loc, E_ARGS, "%s() expects a map to be provided", call->str);
    else
        sema_map_whole(s, call->a, call->str);
    return &type_void;
}

static const struct func_desc funcs[] = {
    {"printf", F_PRINTF, 1, 64, check_printf},
    {"print", F_PRINT, 1, 3, check_print},
    {"exit", F_EXIT, 0, 1, check_exit},
    {"str", F_STR, 1, 2, check_str},
    {"time", F_TIME, 0, 1, check_time},
    {"delete", F_DELETE, 1, 2, check_delete},
    {"clear", F_CLEAR, 1, 1, check_clear_zero},
    {"zero", F_ZERO, 1, 1, check_clear_zero},
    {"kstack", F_KSTACK, 0, 2, sema_stack_call},
    {"ustack", F_USTACK, 0, 2, sema_stack_call},
    {"dw_ustack", F_DW_USTACK, 0, 2, sema_dw_ustack_call},
    {"ksym", F_KSYM, 1, 1, sema_sym_call},
    {"usym", F_USYM, 1, 1, sema_sym_call},
    {"kaddr", F_KADDR, 1, 1, sema_kaddr_call},
    {"uaddr", F_UADDR, 1, 1, sema_uaddr_call},
    {"kptr", F_KPTR, 1, 1, sema_aspace_call},
    {"uptr", F_UPTR, 1, 1, sema_aspace_call},
    {"count", F_COUNT, 0, 0, NULL},
    {"sum", F_SUM, 1, 1, NULL},
    {"avg", F_AVG, 1, 1, NULL},
    {"min", F_MIN, 1, 1, NULL},
    {"max", F_MAX, 1, 1, NULL},
    {"stats", F_STATS, 1, 1, NULL},
    {"hist", F_HIST, 1, 2, NULL},
    {"lhist", F_LHIST, 4, 4, NULL},
    {"tseries", F_TSERIES, 3, 4, NULL},
    {"buf", F_BUF, 1, 2, sema_check_buf},
    {"has_key", F_HAS_KEY, 2, 2, sema_check_has_key, true},
    {"strftime", F_STRFTIME, 2, 2, sema_check_strftime},
    {"ntop", F_NTOP, 1, 2, sema_check_ntop},
    {"pton", F_PTON, 1, 1, sema_check_pton},
    {"len", F_LEN, 1, 1, sema_check_len},
    {"macaddr", F_MACADDR, 1, 1, sema_check_macaddr},
    {"signal_name", F_SIGNAL_NAME, 1, 1, sema_check_num_name, true},
    {"cgroup_path", F_CGROUP_PATH, 1, 2, sema_check_cgroup_path},
    {"bswap", F_BSWAP, 1, 1, sema_check_bswap},
    {"strerror", F_STRERROR, 1, 1, sema_check_num_name, true},
    {"syscall_name", F_SYSCALL_NAME, 1, 1, sema_check_num_name, true},
    {"getopt", F_GETOPT, 1, 3, sema_check_getopt},
    {"join", F_JOIN, 1, 2, sema_check_join},
    {"ppid", F_PPID, 0, 1, sema_check_parent, true},
    {"pcomm", F_PCOMM, 0, 1, sema_check_parent, true},
    {"nsecs", F_NSECS, 0, 1, sema_check_nsecs},
    {"errorf", F_ERRORF, 1, 64, check_printf},
    {"warnf", F_WARNF, 1, 64, check_printf},
    {"system", F_SYSTEM, 1, 64, check_system},
    {"debugf", F_DEBUGF, 1, 64, check_printf},
    {"cat", F_CAT, 1, 64, check_printf},
    {"strlen", F_STRLEN, 1, 1, sema_check_strlen, true},
    {"strncmp", F_STRNCMP, 3, 3, sema_check_strncmp},
    {"strcontains", F_STRCONTAINS, 2, 2, sema_check_strcontains, true},
    {"strstr", F_STRSTR, 2, 2, sema_check_strstr, true},
    {"str_concat", F_STR_CONCAT, 2, 2, sema_check_str_concat, true},
    {"memcmp", F_MEMCMP, 3, 3, sema_check_memcmp, true},
    {"reg", F_REG, 1, 1, sema_check_reg},
    {"path", F_PATH, 1, 2, sema_check_path},
    {"socket_cookie", F_SOCKET_COOKIE, 1, 1, sema_check_socket_cookie},
    {"skboutput", F_SKBOUTPUT, 4, 4, sema_check_skboutput},
    {"signal", F_SIGNAL, 1, 1, sema_check_signal},
    {"signal_thread", F_SIGNAL_THREAD, 1, 1, sema_check_signal},
    {"write_user", F_WRITE_USER, 3, 3, sema_check_write_user},
    {"override", F_OVERRIDE, 1, 1, sema_check_override},
    {"cgroupid", F_CGROUPID, 1, 1, sema_check_cgroupid},
    {"percpu_kaddr", F_PERCPU_KADDR, 1, 2, sema_check_percpu_kaddr},
    {"fail", F_COMPTIME, 1, 64, sema_check_fail},
    {"is_literal", F_COMPTIME, 1, 1, sema_check_is_literal},
    {"kfunc_exist", F_KFUNC_EXIST, 1, 1, sema_check_kfunc, true},
    {"kfunc_allowed", F_KFUNC_ALLOWED, 1, 1, sema_check_kfunc, true},
};

static const struct func_desc *func_find(const char *name) {
    for (size_t i = 0; i < sizeof(funcs) / sizeof(funcs[0]); i++)
        if (strcmp(funcs[i].name, name) == 0)
            return &funcs[i];
    return NULL;
}

bool sema_is_func_name(const char *name) {
    const struct func_desc *f = func_find(name);
    return f && f->min_args == 0;
}

bool sema_is_agg_call(const struct node *n) {
    if (n->kind != N_CALL && n->kind != N_IDENT)
        return false;
    const struct func_desc *f = n->str ? func_find(n->str) : NULL;
    return f && !f->check && (n->kind == N_CALL || f->min_args == 0);
}

static bool is_unsupported(const char *name) {
    for (size_t i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]); i++)
        if (strcmp(unsupported[i], name) == 0)
            return true;
    return false;
}

/* pid(curr_ns), tid(init): the builtin, marked (num) when the kernel's
 * numbers are asked for whatever namespace trawk runs in. */
static const struct type *pid_tid_ns(struct sema *s, struct node *call) {
    struct node *a = call->a;
    if (a->next || a->kind != N_IDENT) {
        sema_error(s, &call->loc, E_ARGS, "%s() only supports curr_ns and init as the argument",
                   call->str);
        return NULL;
    }
    bool init = strcmp(a->str, "init") == 0;
    if (!init && strcmp(a->str, "curr_ns") != 0) {
        sema_error(s, &a->loc, E_ARGS, "Invalid PID namespace mode: %s (expects: curr_ns or init)",
                   a->str);
        return NULL;
    }
    ast_free(a);
    call->a = NULL;
    call->kind = N_IDENT;
    const struct type *t = sema_ident(s, call);
    call->num = init;
    return t;
}

const struct type *sema_call(struct sema *s, struct node *call) {
    const struct func_desc *f = func_find(call->str);
    if (!f && call->a && (strcmp(call->str, "pid") == 0 || strcmp(call->str, "tid") == 0))
        return pid_tid_ns(s, call);
    if (!f && !call->a && is_builtin_name(call->str)) {
        call->kind = N_IDENT; /* pid() is pid */
        return sema_ident(s, call);
    }
    if (!f) {
        if (is_unsupported(call->str))
            sema_error(s, &call->loc, E_UNSUPPORTED, "%s() is not supported yet", call->str);
        else
            sema_error(s, &call->loc, E_UNKNOWN_FUNC, "Unknown function: '%s'", call->str);
        return NULL;
    }
    call->sym = f->id;
    if (!f->check) {
        sema_error(s, &call->loc, E_CONTEXT, "%s() must be assigned directly to a map", call->str);
        return NULL;
    }
    int nargs = (int)ast_list_len(call->a);
    if (f->is_macro && (nargs < f->min_args || nargs > f->max_args)) {
        sema_error(s, &call->loc, E_ARGS,
                   "Call to %s() has arguments that do not match any definition.", call->str);
        return NULL;
    }
    if (!check_nargs(s, call, nargs, f->min_args, f->max_args))
        return NULL; /* no type: nothing around it reports more */
    return f->check(s, call, nargs);
}

/* ---- aggregations: the right side of @m[...] = f(...) ---- */

static enum agg_kind agg_of(enum func f) {
    switch (f) {
    case F_COUNT:
        return AGG_COUNT;
    case F_SUM:
        return AGG_SUM;
    case F_AVG:
        return AGG_AVG;
    case F_MIN:
        return AGG_MIN;
    case F_MAX:
        return AGG_MAX;
    case F_STATS:
        return AGG_STATS;
    case F_HIST:
        return AGG_HIST;
    case F_TSERIES:
        return AGG_TSERIES;
    default:
        return AGG_LHIST;
    }
}

static bool literal_param(struct sema *s, struct node *call, struct node *a, const char *what,
                          int64_t *v) {
    sema_expr(s, a);
    if (sema_const_int(a, v))
        return true;
    sema_error(s, &a->loc, E_ARGS, "%s() expects an integer literal for %s", call->str, what);
    return false;
}

static bool hist_params(struct sema *s, struct node *call, struct sema_map *m,
                        struct map_info *mi) {
    int64_t k = 0;
    struct node *ka = arg_n(call, 1);
    if (ka && !literal_param(s, call, ka, "the bucket bits", &k))
        return false;
    if (k < 0 || k > 5) {
        sema_error(s, &ka->loc, E_ARGS, "hist() bits must be between 0 and 5 (%lld provided)",
                   (long long)k);
        return false;
    }
    if (m && mi->has_agg_args && m->hist_bits != k) {
        sema_error(s, &call->loc, E_ARGS,
                   "Different hist bucket sizes in a single map unsupported");
        return false;
    }
    if (m) {
        m->hist_bits = (int)k;
        mi->has_agg_args = true;
    }
    return true;
}

static bool lhist_values_ok(struct sema *s, struct node *call, int64_t min, int64_t max,
                            int64_t step) {
    if (step < 1)
        sema_error(s, &call->loc, E_ARGS, "lhist() step must be >= 1 (%lld provided)",
                   (long long)step);
    else if (min < 0)
        sema_error(s, &call->loc, E_ARGS, "lhist() min must be non-negative (provided min %lld)",
                   (long long)min);
    else if (min >= max)
        sema_error(s, &call->loc, E_ARGS,
                   "lhist() min must be less than max (provided min %lld and max %lld)",
                   (long long)min, (long long)max);
    else
        return true;
    return false;
}

static bool lhist_params(struct sema *s, struct node *call, struct sema_map *m,
                         struct map_info *mi) {
    int64_t min, max, step;
    if (!literal_param(s, call, arg_n(call, 1), "min", &min) ||
        !literal_param(s, call, arg_n(call, 2), "max", &max) ||
        !literal_param(s, call, arg_n(call, 3), "step", &step) ||
        !lhist_values_ok(s, call, min, max, step))
        return false;
    if (m && mi->has_agg_args &&
        (m->lhist_min != min || m->lhist_max != max || m->lhist_step != step)) {
        sema_error(s, &call->loc, E_ARGS, "Different lhist bounds in a single map unsupported");
        return false;
    }
    if (m) {
        m->lhist_min = min;
        m->lhist_max = max;
        m->lhist_step = step;
        mi->has_agg_args = true;
    }
    return true;
}

const struct type *sema_agg_call(struct sema *s, struct node *call, struct node *map) {
    if (call->kind == N_IDENT) { /* "@c = count;" */
        call->kind = N_CALL;
        call->a = NULL;
    }
    const struct func_desc *f = func_find(call->str);
    call->sym = f->id;
    int nargs = (int)ast_list_len(call->a);
    if (!check_nargs(s, call, nargs, f->min_args, f->max_args))
        return NULL;
    bool is_signed = false;
    if (nargs >= 1) {
        if (!agg_value_arg(s, call, f->id))
            return NULL;
        is_signed = call->a->ty->kind == T_BOOL || call->a->ty->is_signed;
    }
    bool has_map = map->sym >= 0 && map->sym < s->out->nmaps;
    struct sema_map *m = has_map ? &s->out->maps[map->sym] : NULL;
    struct map_info *mi = has_map ? &s->minfo[map->sym] : NULL;
    if (f->id == F_HIST && !hist_params(s, call, m, mi))
        return NULL;
    if (f->id == F_LHIST && !lhist_params(s, call, m, mi))
        return NULL;
    if (f->id == F_TSERIES && !sema_tseries_params(s, call, m, mi ? &mi->has_agg_args : NULL))
        return NULL;
    call->ty = type_agg(s->types, agg_of(f->id), is_signed);
    return call->ty;
}
