/* getopt("name"[, default[, "help"]]): named options given after "--" on
 * the command line (--name=value, or --name for true). The value is known
 * at compile time, so the call becomes a literal of the default's type. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sema/sema_impl.h"

/* The value of --name, or NULL when absent; "true" for a bare --name. */
static const char *named_value(struct sema *s, const char *name, int *idx) {
    size_t n = strlen(name);
    for (int i = 0; s->opts && i < s->opts->nnamed; i++) {
        const char *a = s->opts->named[i];
        if (strncmp(a, "--", 2) != 0 || strncmp(a + 2, name, n) != 0)
            continue;
        if (a[2 + n] == '\0' || a[2 + n] == '=') {
            *idx = i;
            return a[2 + n] ? a + 3 + n : "true";
        }
    }
    return NULL;
}

static void mark_used(struct sema *s, int idx) {
    if (!s->named_used)
        s->named_used = calloc((size_t)s->opts->nnamed, sizeof(*s->named_used));
    if (s->named_used)
        s->named_used[idx] = true;
}

static void become_string(struct node *call, const char *v) {
    call->kind = N_STRING;
    call->str = strdup(v);
    call->len = strlen(v);
}

static bool word_in(const char *v, const char *const *words) {
    for (; *words; words++)
        if (strcasecmp(v, *words) == 0)
            return true;
    return false;
}

/* Remembers an option and its help for --help and the hints. */
static void note_option(struct sema *s, const char *name, const struct node *help) {
    for (int i = 0; i < s->ngetopts; i++)
        if (strcmp(s->getopt_names[i], name) == 0)
            return; /* asked again (a macro used twice) */
    int n = s->ngetopts;
    char **names = realloc(s->getopt_names, sizeof(*names) * (size_t)(n + 1));
    if (names)
        s->getopt_names = names;
    char **helps = realloc(s->getopt_helps, sizeof(*helps) * (size_t)(n + 1));
    if (helps)
        s->getopt_helps = helps;
    if (!names || !helps)
        return;
    names[n] = strdup(name);
    helps[n] = help ? strdup(help->str) : NULL;
    s->ngetopts++;
}

static void bad_value(struct sema *s, const char *opt, const char *v, const char *why) {
    diag_plain_error(s->d, E_ARGS, "program command line option --%s %s (value: %s)", opt, why, v);
}

static void set_bool(struct sema *s, struct node *call, const char *opt, const char *v, bool dflt) {
    static const char *const yes[] = {"1", "true", "on", "yes", NULL};
    static const char *const no[] = {"0", "false", "off", "no", NULL};
    if (v && !word_in(v, yes) && !word_in(v, no))
        bad_value(s, opt, v, "expects a boolean (e.g. 'true')");
    sema_become_bool(call, v ? word_in(v, yes) : dflt);
}

/* A negative default makes the option signed, as in bpftrace. */
static void set_int(struct sema *s, struct node *call, const char *opt, const char *v,
                    struct node *dflt) {
    int64_t d = 0;
    sema_const_int(dflt, &d);
    bool is_signed = dflt->kind == N_UNOP, neg = false;
    uint64_t x = is_signed ? (uint64_t)-d : (uint64_t)d;
    if (v && strcmp(v, "true") == 0)
        bad_value(s, opt, v, "expects an integer");
    else if (v && !sema_number_text(v, &x, &neg))
        bad_value(s, opt, v, "invalid integer");
    else if (v && is_signed && !neg && x > INT64_MAX)
        bad_value(s, opt, v, "value is out of range");
    else if (!v)
        neg = is_signed;
    if (neg && !is_signed) /* an unsigned option wraps "-3" as strtoull does */
        x = -x, neg = false;
    /* the value has the option's type, int64 or uint64, not a literal's:
     * bpftrace warns about getopt("n", 5) - 1 as about a uint64 */
    struct node *value = ast_new(N_INT, &call->loc);
    sema_become_number(value, x, neg);
    ast_become_cast(call, is_signed ? "int64" : "uint64", 0, value);
}

/* Turns the call into the option's value (or the default), in place. */
static void set_value(struct sema *s, struct node *call, const char *name, const char *v,
                      struct node *dflt) {
    if (!dflt || dflt->kind == N_BOOL)
        set_bool(s, call, name, v, dflt && dflt->num);
    else if (dflt->kind == N_STRING)
        become_string(call, v ? v : dflt->str);
    else
        set_int(s, call, name, v, dflt);
}

const struct type *sema_check_getopt(struct sema *s, struct node *call, int nargs) {
    struct node *name = call->a, *dflt = nargs > 1 ? name->next : NULL;
    if (name->kind != N_STRING) {
        sema_error(s, &name->loc, E_ARGS, "First argument to 'getopt' must be a string literal.");
        return NULL;
    }
    if (dflt && dflt->kind != N_BOOL && dflt->kind != N_STRING &&
        !sema_const_int(dflt, &(int64_t){0})) {
        sema_error(s, &dflt->loc, E_ARGS,
                   "Second argument to 'getopt' must be a literal integer, string or boolean.");
        return NULL;
    }
    if (nargs == 3 && dflt->next->kind != N_STRING) {
        sema_error(s, &dflt->next->loc, E_ARGS,
                   "Third argument to 'getopt' must be a string literal.");
        return NULL;
    }
    int idx = -1;
    char *opt = strdup(name->str);
    const char *v = named_value(s, opt, &idx);
    if (idx >= 0)
        mark_used(s, idx);
    note_option(s, opt, nargs == 3 ? dflt->next : NULL);
    struct node *args = call->a;
    free(call->str);
    call->str = NULL;
    call->a = NULL;
    set_value(s, call, opt, v, dflt);
    free(opt);
    ast_free(args);
    return sema_expr(s, call);
}

/* "--help" after "--" lists the options (newest first, as bpftrace does)
 * and stops, as an error that prints nothing more. */
static bool asked_for_help(struct sema *s) {
    for (int i = 0; i < s->opts->nnamed; i++) {
        if (strcmp(s->opts->named[i], "--help") != 0)
            continue;
        fprintf(s->d->out, "HINT: expected program options:\n");
        for (int j = s->ngetopts - 1; j >= 0; j--)
            fprintf(s->d->out, "--%s%s%s\n", s->getopt_names[j], s->getopt_helps[j] ? ": " : "",
                    s->getopt_helps[j] ? s->getopt_helps[j] : "");
        s->d->nerrors++;
        return true;
    }
    return false;
}

/* Options nobody asked for are errors, as in bpftrace, whose hint joins
 * the expected ones (newest first) with ": ". */
static void unexpected_options(struct sema *s) {
    char list[512] = "";
    size_t len = 0;
    for (int i = 0; i < s->opts->nnamed; i++) {
        if (s->named_used && s->named_used[i])
            continue;
        const char *a = s->opts->named[i];
        size_t n = strcspn(a, "=");
        int w = snprintf(list + len, sizeof(list) - len, "%s%.*s", len ? ", " : "", (int)n, a);
        if (w > 0 && len + (size_t)w < sizeof(list))
            len += (size_t)w;
    }
    if (!len)
        return;
    diag_plain_error(s->d, E_ARGS, "unexpected program command line options: %s", list);
    fprintf(s->d->out, "HINT: expected program options: ");
    for (int j = s->ngetopts - 1; j >= 0; j--)
        fprintf(s->d->out, "%s--%s", j == s->ngetopts - 1 ? "" : ": ", s->getopt_names[j]);
    fprintf(s->d->out, "\n");
}

void sema_getopt_finish(struct sema *s) {
    if (s->opts && s->opts->nnamed > 0 && !asked_for_help(s))
        unexpected_options(s);
    for (int i = 0; i < s->ngetopts; i++) {
        free(s->getopt_names[i]);
        free(s->getopt_helps[i]);
    }
    free(s->getopt_names);
    free(s->getopt_helps);
    free(s->named_used);
    s->getopt_names = s->getopt_helps = NULL;
    s->named_used = NULL;
    s->ngetopts = 0;
}
