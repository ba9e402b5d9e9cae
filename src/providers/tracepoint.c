#include <fnmatch.h>
/* tracepoint: "category:event" with fnmatch globs; args come from the
 * tracefs format file of each event. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/cg.h"
#include "ctypes/ctypes.h"
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
    struct tp_format *fmt; /* NULL when the format cannot be read */
};

/* Provider-owned: the cache outlives any one program. */
static struct tp_cache *tp_cache_head;

static struct tp_cache *cache_load(const char *category, const char *event) {
    struct tp_cache *c = calloc(1, sizeof(*c));
    c->category = strdup(category);
    c->event = strdup(event);
    c->fmt = tracefs_format(category, event);
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

/* The C type of a format field, from the type names the format file gives
 * (through ct when it knows them) or from its size and signedness. */
static const struct type *field_type(const struct tp_field *f, bool user_ptrs, struct ctypes *ct,
                                     struct type_arena *a) {
    if (f->is_data_loc)
        return type_string(a, DATA_LOC_STRLEN);
    if (f->is_string)
        return type_string(a, f->size);
    const struct type *t = NULL;
    char err[128];
    if (ct && !strchr(f->type, '['))
        t = ctypes_parse_typename(ct, f->type, err, sizeof(err));
    if (t && t->is_ptr) /* syscall arguments point into the calling process */
        return user_ptrs ? type_ptr_to(a, t->pointee, AS_USER) : t;
    if (t && t->size <= f->size && t->kind != T_RECORD)
        return t; /* "int dfd" in 8 bytes: the int, as C reads it on little-endian */
    if (f->is_ptr)
        return type_ptr_to(a, NULL, user_ptrs ? AS_USER : AS_KERNEL);
    const char *bracket = strchr(f->type, '[');
    if (!bracket && (f->size == 1 || f->size == 2 || f->size == 4 || f->size == 8))
        return type_int(f->size, f->is_signed);
    /* "unsigned long args[6]": elements of the size the count implies */
    unsigned long n = bracket ? strtoul(bracket + 1, NULL, 10) : 0;
    uint32_t es = n ? f->size / (uint32_t)n : 0;
    if (es == 1 || es == 2 || es == 4 || es == 8)
        return type_array(a, type_int(es, f->is_signed), (uint32_t)n);
    return type_array(a, &type_u8, f->size); /* anything else: its bytes */
}

/* bpftrace names the record after the probe: struct tracepoint:CAT:EVENT_args. */
static const struct type *tp_args_type(const struct attach_target *t, struct ctypes *ct,
                                       struct type_arena *a) {
    if (!t->spec.category || !t->spec.event)
        return NULL;
    struct tp_cache *c = cache_get(&t->spec);
    if (!c->fmt)
        return NULL;
    struct type_field *fields = calloc(c->fmt->nfields + 1, sizeof(*fields));
    int n = 0;
    uint32_t end = 0;
    bool user_ptrs = strcmp(t->spec.category, "syscalls") == 0;
    for (int i = 0; i < c->fmt->nfields; i++) {
        const struct tp_field *f = &c->fmt->fields[i];
        if (f->is_common)
            continue; /* bpftrace hides the common_* header fields */
        fields[n].name = type_strdup(a, f->name);
        fields[n].offset = f->offset;
        fields[n].ty = field_type(f, user_ptrs, ct, a);
        fields[n].data_loc = f->is_data_loc;
        if (f->offset + f->size > end)
            end = f->offset + f->size;
        n++;
    }
    char tag[300];
    snprintf(tag, sizeof(tag), "struct tracepoint:%s:%s_args", t->spec.category, t->spec.event);
    const struct type *r = type_record(a, tag, false, end, n, fields);
    free(fields);
    return r;
}

/* The record is the context itself: fields load directly. */
static enum args_space tp_emit_args(struct cg *cg, int reg) {
    cg_ctx(cg, reg);
    return ARGS_CTX;
}

struct list_ctx {
    const char *pattern; /* matched against "category:event" */
    FILE *out;
};

/* -lv: the record's fields as the format file declares them. */
static void print_fields(const char *category, const char *event, FILE *out) {
    struct tp_format *fmt = tracefs_format(category, event);
    if (!fmt)
        return;
    for (int i = 0; i < fmt->nfields; i++)
        if (!fmt->fields[i].is_common)
            fprintf(out, "    %s\n", fmt->fields[i].decl);
    tp_format_free(fmt);
}

/* Prints in directory order: the listing (src/list.c) sorts every
 * provider's probes together, as bpftrace does. */
static int print_tracepoint(const char *category, const char *event, void *arg) {
    struct list_ctx *c = arg;
    char name[512];
    snprintf(name, sizeof(name), "%s:%s", category, event);
    if (fnmatch(c->pattern, name, 0) != 0)
        return 0;
    fprintf(c->out, "tracepoint:%s\n", name);
    if (provider_list_verbose())
        print_fields(category, event, c->out);
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
    .args_per_target = true,
    .args_type = tp_args_type,
    .emit_args = tp_emit_args,
    .expand = expand_tracepoint,
    .list = list_tracepoints,
};
