#include <fnmatch.h>
/* tracepoint: "category:event" with fnmatch globs; args come from the
 * tracefs format file of each event. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "providers/provider_impl.h"
#include "types.h"

/* Size of a __data_loc string when the caller has no better idea; sema
 * replaces it with the program's max_strlen. */
#define DATA_LOC_STRLEN 64

struct tp_expand {
    struct attach_target **targets;
    int *ntargets;
    int added;
};

static int add_event(const char *category, const char *event, void *arg) {
    struct tp_expand *x = arg;
    char rest[512];
    snprintf(rest, sizeof(rest), "%s:%s", category, event);
    struct attach_target *t =
        provider_add_target(x->targets, x->ntargets, PK_TRACEPOINT, "tracepoint", rest);
    if (!t)
        return -1;
    t->spec.category = strdup(category);
    t->spec.event = strdup(event);
    if (!t->spec.category || !t->spec.event)
        return -1;
    x->added++;
    return 0;
}

static int count_parts(const char *spec) {
    int n = 1;
    for (const char *c = strchr(spec, ':'); c; c = strchr(c + 1, ':'))
        n++;
    return n;
}

/* Splits spec into category and event; "tracepoint:*open*" means any
 * category, as in bpftrace. */
static int split_spec(const char *spec, const struct loc *loc, struct diag *d, char **cat,
                      char **event) {
    int parts = *spec ? count_parts(spec) : 0;
    if (parts == 1 && strpbrk(spec, "*?")) {
        *cat = strdup("*");
        *event = strdup(spec);
        return 0;
    }
    if (parts != 2) {
        diag_error(d, loc, E_UNKNOWN_PROBE, "tracepoint probe type requires 2 arguments, found %d",
                   parts);
        return -1;
    }
    const char *colon = strchr(spec, ':');
    if (colon == spec || !colon[1]) {
        diag_error(d, loc, E_UNKNOWN_PROBE, "tracepoint probe must have a target");
        return -1;
    }
    *cat = strndup(spec, colon - spec);
    *event = strdup(colon + 1);
    return 0;
}

static int expand_tracepoint(const char *spec, const struct loc *loc, struct diag *d,
                             struct attach_target **targets, int *ntargets) {
    char *cat, *event;
    if (split_spec(spec, loc, d, &cat, &event) < 0)
        return -1;
    char err[300];
    int rc = -1;
    struct tp_expand x = {targets, ntargets, 0};
    if (!tracefs_dir(err, sizeof(err)))
        diag_error(d, loc, E_IO, "%s", err);
    else if (tracefs_foreach_event(cat, event, add_event, &x) != 0)
        diag_error(d, loc, E_IO, "cannot list tracepoints %s:%s", cat, event);
    else if (x.added == 0)
        diag_error(d, loc, E_UNKNOWN_PROBE, "No matches for tracepoint %s:%s.", cat, event);
    else
        rc = x.added;
    free(cat);
    free(event);
    return rc;
}

/* ---- args: one parsed format per target, kept for the process ---- */

struct tp_cache {
    struct tp_cache *next;
    char *category, *event;
    struct tp_format *fmt;         /* NULL when the format cannot be read */
    struct provider_field *fields; /* parallel to fmt->fields */
};

/* Provider-owned: the cache outlives any one program's type arena. */
static struct tp_cache *tp_cache_head;
static struct type_arena *tp_types;

static void field_from_format(const struct tp_field *f, struct provider_field *pf) {
    pf->offset = f->offset;
    pf->size = f->size;
    pf->is_signed = f->is_signed;
    bool is_array = strchr(f->type, '[') != NULL;
    if (f->is_data_loc && f->is_string) {
        pf->is_data_loc = true;
        pf->ty = type_string(tp_types, DATA_LOC_STRLEN);
    } else if (f->is_string) {
        pf->is_char_array = true;
        pf->ty = type_string(tp_types, f->size);
    } else if (f->is_ptr) {
        pf->ty = type_ptr(tp_types, f->size);
    } else if (!is_array && !f->is_data_loc &&
               (f->size == 1 || f->size == 2 || f->size == 4 || f->size == 8)) {
        /* The script sees every integer field as 64 bits, sign kept. */
        pf->ty = type_int(8, f->is_signed);
    } else {
        pf->ty = NULL; /* exists, but arrays and structs are not supported */
    }
}

static struct tp_cache *cache_load(const char *category, const char *event) {
    if (!tp_types)
        tp_types = type_arena_new();
    struct tp_cache *c = calloc(1, sizeof(*c));
    c->category = strdup(category);
    c->event = strdup(event);
    c->fmt = tracefs_format(category, event);
    if (c->fmt) {
        c->fields = calloc(c->fmt->nfields ? c->fmt->nfields : 1, sizeof(*c->fields));
        for (int i = 0; i < c->fmt->nfields; i++)
            field_from_format(&c->fmt->fields[i], &c->fields[i]);
    }
    c->next = tp_cache_head;
    tp_cache_head = c;
    return c;
}

static struct tp_cache *cache_get(const struct target_spec *spec) {
    for (struct tp_cache *c = tp_cache_head; c; c = c->next)
        if (strcmp(c->category, spec->category) == 0 && strcmp(c->event, spec->event) == 0)
            return c;
    return cache_load(spec->category, spec->event);
}

static const struct provider_field *tp_arg_field(const struct attach_target *t, const char *name,
                                                 struct type_arena *types) {
    (void)types;
    if (!t->spec.category || !t->spec.event)
        return NULL;
    struct tp_cache *c = cache_get(&t->spec);
    if (!c->fmt)
        return NULL;
    for (int i = 0; i < c->fmt->nfields; i++) {
        const struct tp_field *f = &c->fmt->fields[i];
        /* bpftrace hides the common_* header fields from args. */
        if (!f->is_common && strcmp(f->name, name) == 0)
            return &c->fields[i];
    }
    return NULL;
}

struct list_ctx {
    const char *pattern; /* matched against "category:event" */
    FILE *out;
};

static int print_tracepoint(const char *category, const char *event, void *arg) {
    struct list_ctx *c = arg;
    char name[512];
    snprintf(name, sizeof(name), "%s:%s", category, event);
    if (fnmatch(c->pattern, name, 0) == 0)
        fprintf(c->out, "tracepoint:%s\n", name);
    return 0;
}

static int list_tracepoints(const char *rest, bool named, FILE *out) {
    (void)named;
    char err[300];
    if (!tracefs_dir(err, sizeof(err))) {
        fprintf(stderr, "ERROR: %s\n", err);
        return -1;
    }
    /* "tracepoint:*open*" searches event names in every category. */
    char *pattern = NULL;
    if (strchr(rest, ':'))
        pattern = strdup(rest);
    else if (asprintf(&pattern, "*:%s", rest) < 0)
        return -1;
    struct list_ctx c = {pattern, out};
    int rc = tracefs_foreach_event("*", "*", print_tracepoint, &c);
    free(pattern);
    return rc < 0 ? -1 : 0;
}

const struct provider provider_tracepoint = {
    .name = "tracepoint",
    .aliases = {"t", NULL},
    .kind = PK_TRACEPOINT,
    .prog_type = BPF_PROG_TYPE_TRACEPOINT,
    .has_args = true,
    .expand = expand_tracepoint,
    .arg_field = tp_arg_field,
    .list = list_tracepoints,
};
