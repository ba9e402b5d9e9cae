/* What a uprobe learns from its binary's DWARF (sys/dwarf_types.h): args
 * typed from the function's parameters, types for the script's casts,
 * parameters in -lv listings and source-line attach points. */
#include "providers/uprobe_dwarf.h"

#include <stdlib.h>
#include <string.h>

#include "codegen/cg.h"
#include "providers/arch.h"
#include "sys/dwarf_types.h"

#define UPROBE_DWARF_MAX_PARAMS 32

/* One target's args record, kept for the code generator, with the
 * argument position each field comes from. */
struct args_entry {
    const struct type_arena *arena;
    char *path, *symbol;
    const struct type *rec; /* NULL: no DWARF for the function */
    int pos[ARCH_MAX_ARGS];
    struct args_entry *next;
};

static struct args_entry *entries;

/* Parameters go in the registers the ABI assigns by position; those wider
 * than a register (or that trawk cannot represent) are left out of args. */
static const struct type *build(struct type_arena *a, const struct dwt_param *ps, int n, int *pos) {
    struct type_field fields[ARCH_MAX_ARGS];
    int nf = 0;
    uint32_t off = 0, align = 1;
    for (int i = 0; i < n && i < arch_current()->nargs; i++) {
        const struct type *t = ps[i].ty;
        if (!t || !cg_valid_width((int)t->size) || ps[i].size != t->size)
            continue; /* by value in two registers or on the stack: not read */
        uint32_t al = type_alignment(t);
        off = (off + al - 1) / al * al;
        align = al > align ? al : align;
        pos[nf] = i;
        fields[nf++] =
            (struct type_field){.ty = t, .offset = off, .name = type_strdup(a, ps[i].name)};
        off += t->size;
    }
    off = (off + align - 1) / align * align;
    return type_record(a, NULL, false, off, nf, fields);
}

/* Entries point into one compile's arena: a new arena starts afresh. */
static void forget_other_arenas(const struct type_arena *a) {
    while (entries && entries->arena != a) {
        struct args_entry *e = entries;
        entries = e->next;
        free(e->path);
        free(e->symbol);
        free(e);
    }
}

static struct args_entry *entry(const struct attach_target *t, struct type_arena *a) {
    if (!t->spec.symbol)
        return NULL;
    forget_other_arenas(a);
    for (struct args_entry *e = entries; e; e = e->next)
        if (e->arena == a && !strcmp(e->path, t->spec.path) && !strcmp(e->symbol, t->spec.symbol))
            return e;
    struct args_entry *e = calloc(1, sizeof(*e));
    if (!e || !(e->path = strdup(t->spec.path)) || !(e->symbol = strdup(t->spec.symbol))) {
        if (e)
            free(e->path);
        free(e);
        return NULL;
    }
    e->arena = a;
    struct dwt_file *f = dwt_open(t->spec.path);
    static struct dwt_param ps[UPROBE_DWARF_MAX_PARAMS];
    int n = f ? dwt_func_params(f, t->spec.symbol, a, ps, UPROBE_DWARF_MAX_PARAMS) : -1;
    if (n >= 0)
        e->rec = build(a, ps, n, e->pos);
    e->next = entries;
    entries = e;
    return e;
}

const struct type *uprobe_dwarf_args(const struct attach_target *t, struct ctypes *ct,
                                     struct type_arena *a) {
    (void)ct;
    struct args_entry *e = entry(t, a);
    return e ? e->rec : NULL;
}

bool uprobe_dwarf_args_missing(const struct attach_target *t, char *msg, size_t len) {
    if (dwt_open(t->spec.path)) {
        snprintf(msg, len, "Cannot read function parameters");
        return false;
    }
    snprintf(msg, len, "Could not parse arguments of \"%s\": no debuginfo found for %s", t->name,
             t->spec.path);
    return true;
}

/* args is built in the frame from the registers: a record whose fields
 * the program then reads directly. */
enum args_space uprobe_dwarf_emit_args(struct cg *cg, int reg) {
    struct args_entry *e = cg->target ? entry(cg->target, cg->sema->types) : NULL;
    const struct type *rec = e ? e->rec : NULL;
    int off = cg_frame_alloc(cg, rec && rec->size ? (int)rec->size : 8);
    cg_zero(cg, off, rec && rec->size ? (int)rec->size : 8);
    for (int i = 0; rec && i < rec->nfields; i++) {
        const struct type_field *f = &rec->fields[i];
        arch_emit_pt_regs_arg(cg, e->pos[i], reg);
        emit(&cg->e,
             STX_MEM(cg_size_code((int)f->ty->size), cg->fp, reg, (int16_t)(off + (int)f->offset)));
    }
    cg_stack_ptr(cg, reg, off);
    return ARGS_CTX;
}

const struct type *uprobe_dwarf_type(const struct attach_target *t, const char *name,
                                     struct type_arena *a) {
    struct dwt_file *f = t->spec.path ? dwt_open(t->spec.path) : NULL;
    return f ? dwt_lookup_type(f, name, a) : NULL;
}

void uprobe_dwarf_list_params(const char *path, const char *func, FILE *out) {
    static char *warned;
    struct dwt_file *f = dwt_open(path);
    if (!f) {
        if (!warned || strcmp(warned, path)) {
            fprintf(stderr, "WARNING: No DWARF found for \"%s\", cannot show parameter info\n",
                    path);
            free(warned);
            warned = strdup(path);
        }
        return;
    }
    static struct dwt_param ps[UPROBE_DWARF_MAX_PARAMS];
    int n = dwt_func_params(f, func, NULL, ps, UPROBE_DWARF_MAX_PARAMS);
    for (int i = 0; i < n; i++)
        fprintf(out, "    %s %s\n", ps[i].type_name, ps[i].name);
}

int uprobe_dwarf_line(const char *path, const char *file, int line, uint64_t *addr,
                      const struct loc *loc, struct diag *d) {
    struct dwt_file *f = dwt_open(path);
    if (!f) {
        diag_error(d, loc, E_UNKNOWN_PROBE, "DWARF error: No DWARF found for %s", path);
        return -1;
    }
    int rc = dwt_line_addr(f, file, line, addr);
    if (rc == -2)
        diag_error(d, loc, E_UNKNOWN_PROBE, "DWARF error: No compilation unit matches %s", file);
    else if (rc < 0)
        diag_error(d, loc, E_UNKNOWN_PROBE, "DWARF error: Unable to map '%s:%d' to address", file,
                   line);
    return rc < 0 ? -1 : 0;
}
