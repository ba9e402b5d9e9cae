/* usdt:PATH:PROVIDER:NAME and usdt:PATH:NAME (any provider): the probes of
 * a binary's .note.stapsdt, fnmatch globs over provider and name, and one
 * target per location (inlined probes have several). The runtime attaches
 * each as a uprobe at its file offset, with the semaphore as the uprobe's
 * reference counter. */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "providers/provider_impl.h"
#include "providers/usdt_args.h"
#include "providers/usdt_notes.h"
#include "providers/usdt_paths.h"

/* An attach point split: the path as written, provider ("*" when left
 * out) and name. */
struct usdt_spec {
    char *path, *provider, *name;
    int parts;
};

static void spec_free(struct usdt_spec *s) {
    free(s->path);
    free(s->provider);
    free(s->name);
}

static int split(const char *text, struct usdt_spec *s) {
    memset(s, 0, sizeof(*s));
    char *buf, *part[3];
    s->parts = *text ? provider_split(text, &buf, part, 3) : 0;
    if (s->parts < 2 || s->parts > 3) {
        if (*text)
            free(buf);
        return -1;
    }
    s->path = strdup(part[0]);
    /* "PATH::NAME" leaves the provider out too */
    s->provider = strdup(s->parts == 3 && *part[1] ? part[1] : "*");
    s->name = strdup(part[s->parts - 1]);
    free(buf);
    return 0;
}

struct usdt_expand {
    const struct usdt_spec *s;
    struct attach_target **targets;
    int *ntargets;
    int added;
};

/* How many locations of t's probe this expansion has added before t. */
static int location_index(const struct usdt_expand *x, const struct attach_target *t) {
    int n = 0;
    for (const struct attach_target *o = *x->targets + *x->ntargets - 1 - x->added; o < t; o++)
        n += strcmp(o->spec.path, t->spec.path) == 0 && strcmp(o->spec.symbol, t->spec.symbol) == 0;
    return n;
}

static int add_location(struct usdt_expand *x, const char *path, const struct usdt_note *note) {
    char rest[1024];
    snprintf(rest, sizeof(rest), "%s:%s:%s", path, note->provider, note->name);
    struct attach_target *t = provider_add_target(x->targets, x->ntargets, PK_USDT, "usdt", rest);
    if (!t)
        return -1;
    t->spec.path = strdup(path);
    if (asprintf(&t->spec.symbol, "%s:%s", note->provider, note->name) < 0)
        t->spec.symbol = NULL;
    t->spec.args = strdup(note->args);
    t->spec.offset = note->offset;
    t->spec.ref_ctr_offset = note->sem_offset;
    t->spec.pid = provider_pid();
    if (!t->spec.path || !t->spec.symbol || !t->spec.args)
        return -1;
    t->spec.location = location_index(x, t);
    x->added++;
    return 0;
}

static int expand_file(struct usdt_expand *x, const char *path, const struct loc *loc,
                       struct diag *d) {
    struct usdt_notes notes;
    char err[512];
    if (usdt_notes_read(path, &notes, err, sizeof(err)) < 0) {
        diag_error(d, loc, E_UNKNOWN_PROBE,
                   "usdt target file '%s' does not exist or is not executable", path);
        return -1;
    }
    int rc = 0;
    for (int i = 0; i < notes.n && rc == 0; i++)
        if (fnmatch(x->s->provider, notes.v[i].provider, 0) == 0 &&
            fnmatch(x->s->name, notes.v[i].name, 0) == 0)
            rc = add_location(x, path, &notes.v[i]);
    usdt_notes_free(&notes);
    return rc;
}

static int expand_usdt(const char *text, const struct loc *loc, struct diag *d,
                       struct attach_target **targets, int *ntargets) {
    struct usdt_spec s;
    if (split(text, &s) < 0) {
        diag_error(d, loc, E_UNKNOWN_PROBE, "usdt probe type requires 2 or 3 arguments, found %d",
                   s.parts);
        spec_free(&s);
        return -1;
    }
    struct usdt_expand x = {&s, targets, ntargets, 0};
    struct usdt_paths files;
    int rc = 0;
    if (usdt_paths_resolve(s.path, provider_pid(), &files) < 0) {
        diag_error(d, loc, E_UNKNOWN_PROBE,
                   "usdt target file '%s' does not exist or is not executable", s.path);
        rc = -1;
    }
    for (int i = 0; rc == 0 && i < files.n; i++)
        rc = expand_file(&x, files.v[i], loc, d);
    if (rc == 0 && x.added == 0 && s.parts == 3)
        diag_error(d, loc, E_UNKNOWN_PROBE, "No matches for usdt %s:%s.", s.path, s.name);
    else if (rc == 0 && x.added == 0)
        diag_error(d, loc, E_UNKNOWN_PROBE,
                   "Probe has no valid attach points. If this is expected, set the "
                   "'missing_probes' config variable to 'warn'.");
    usdt_paths_free(&files);
    spec_free(&s);
    return rc < 0 || x.added == 0 ? -1 : x.added;
}

static int compare_names(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Prints "usdt:PATH:PROVIDER:NAME" of each probe of path matching pattern
 * (matched against "PATH:PROVIDER:NAME"), sorted, each once. */
static void list_file(const char *path, const char *pattern, FILE *out) {
    struct usdt_notes notes;
    char err[512];
    if (usdt_notes_read(path, &notes, err, sizeof(err)) < 0)
        return;
    char **names = calloc((size_t)notes.n + 1, sizeof(*names));
    int n = 0;
    for (int i = 0; names && i < notes.n; i++) {
        char *full;
        if (asprintf(&full, "%s:%s:%s", path, notes.v[i].provider, notes.v[i].name) < 0)
            break;
        if (fnmatch(pattern, full, 0) == 0)
            names[n++] = full;
        else
            free(full);
    }
    if (names)
        qsort(names, (size_t)n, sizeof(*names), compare_names);
    for (int i = 0; i < n; i++)
        if (i == 0 || strcmp(names[i], names[i - 1]) != 0)
            fprintf(out, "usdt:%s\n", names[i]);
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
    usdt_notes_free(&notes);
}

/* "PATH:GLOB": the probes of the files PATH names. A bare glob searches
 * the files of the -p process, and nothing without one. */
static int list_usdt(const char *rest, bool named, FILE *out) {
    (void)named;
    const char *colon = strchr(rest, ':');
    if (!colon && provider_pid() <= 0)
        return 0;
    char *path = colon ? strndup(rest, (size_t)(colon - rest)) : strdup("");
    struct usdt_paths files;
    if (path && usdt_paths_resolve(path, provider_pid(), &files) == 0) {
        for (int i = 0; i < files.n; i++) {
            char *pattern;
            if (asprintf(&pattern, "%s%s", files.v[i], colon ? colon : ":*") < 0)
                break;
            list_file(files.v[i], pattern, out);
            free(pattern);
        }
        usdt_paths_free(&files);
    }
    free(path);
    return 0;
}

const struct provider provider_usdt = {
    .name = "usdt",
    .aliases = {"U", NULL},
    .kind = PK_USDT,
    .prog_type = BPF_PROG_TYPE_KPROBE,
    /* each location has its own operands, read by its own program */
    .program_per_target = true,
    .max_argn = USDT_MAX_ARGS,
    .user_memory = AS_USER,
    .emit_argn = usdt_emit_argn,
    .expand = expand_usdt,
    .list = list_usdt,
};
