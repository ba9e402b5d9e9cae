/* Opening a binary's DWARF with libdw's offline Dwfl (which finds separate
 * debug files and split units), and the lookups over its compile units. */
#include <dwarf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sys/dwarf_impl.h"
#include "sys/dwarf_package.h"

/* A function or type definition, for the index by name. */
struct dwt_def {
    const char *name; /* libdw's string */
    int tag;
    size_t seq; /* the order of the units: the first definition wins */
    Dwarf_Die die;
};

struct dwt_file {
    char *path;
    Dwfl *dwfl;
    Dwfl_Module *mod;
    Dwarf *dw;           /* NULL: the file has no DWARF */
    struct dwp_pkg *pkg; /* PATH.dwp, opened when a split unit is missing */
    bool pkg_tried;
    struct dwt_def *defs; /* sorted by name, then seq; built on the first lookup */
    size_t ndefs, capdefs;
    bool indexed;
    struct dwt_file *next;
};

static struct dwt_file *opened;
static char *debuginfo_path; /* libdw's search path: ":DIR...:.debug:/usr/lib/debug" */
static bool warnings = true;

void dwt_set_warnings(bool on) {
    warnings = on;
}

void dwt_add_debuginfo_dir(const char *dir) {
    size_t old = debuginfo_path ? strlen(debuginfo_path) : 0;
    char *p = realloc(debuginfo_path, old + strlen(dir) + 2);
    if (!p)
        return;
    if (!old)
        *p = 0;
    strcat(strcat(p, ":"), dir);
    debuginfo_path = p;
}

/* The empty element first is the binary's own directory, as libdw's default. */
static char *search_path(void) {
    static char *path;
    const char *std = ":.debug:/usr/lib/debug";
    if (!path && debuginfo_path && (path = malloc(strlen(debuginfo_path) + strlen(std) + 1)))
        strcat(strcpy(path, debuginfo_path), std);
    return path;
}

static Dwarf *open_dwarf(const struct dw_lib *L, struct dwt_file *f) {
    static Dwfl_Callbacks cb;
    static char *path;
    cb.find_elf = L->dwfl_build_id_find_elf;
    cb.find_debuginfo = L->dwfl_standard_find_debuginfo;
    cb.section_address = L->dwfl_offline_section_address;
    path = search_path();
    cb.debuginfo_path = path ? &path : NULL;
    if (!(f->dwfl = L->dwfl_begin(&cb)))
        return NULL;
    L->dwfl_report_begin(f->dwfl);
    f->mod = L->dwfl_report_offline(f->dwfl, f->path, f->path, -1);
    L->dwfl_report_end(f->dwfl, NULL, NULL);
    Dwarf_Addr bias;
    return f->mod ? L->dwfl_module_getdwarf(f->mod, &bias) : NULL;
}

struct dwt_file *dwt_open(const char *path) {
    for (struct dwt_file *f = opened; f; f = f->next)
        if (!strcmp(f->path, path))
            return f->dw ? f : NULL;
    const struct dw_lib *L = dw_lib_get("DWARF");
    struct dwt_file *f = L ? calloc(1, sizeof(*f)) : NULL;
    if (!f || !(f->path = strdup(path))) {
        free(f);
        return NULL;
    }
    f->dw = open_dwarf(L, f);
    f->next = opened;
    opened = f;
    return f->dw ? f : NULL;
}

/* libdw before 0.191 reads no DWARF package: a skeleton's split unit is
 * then looked up in PATH.dwp, where newer libdw looks (PATH: the file
 * holding the skeletons). */
static bool package_unit(const struct dw_lib *L, struct dwt_file *f, Dwarf_CU *cu, Dwarf_Die *out) {
    uint64_t id;
    if (!f->pkg_tried) {
        const char *debug = NULL;
        char *path;
        f->pkg_tried = true;
        L->dwfl_module_info(f->mod, NULL, NULL, NULL, NULL, NULL, NULL, &debug);
        if (asprintf(&path, "%s.dwp", debug ? debug : f->path) >= 0) {
            f->pkg = dwp_open(path);
            free(path);
        }
    }
    return f->pkg && L->dwarf_cu_info(cu, NULL, NULL, NULL, NULL, &id, NULL, NULL) == 0 &&
           dwp_unit_die(L, f->pkg, id, out);
}

/* As bpftrace warns: a skeleton without its split unit has lines and
 * addresses but no functions or types. BIN is the file's name without
 * its extension, as bpftrace names the package here. */
static void warn_no_split(const struct dw_lib *L, const struct dwt_file *f, Dwarf_Die *skel) {
    Dwarf_Attribute at;
    const char *dwo = NULL, *base = strrchr(f->path, '/');
    base = base ? base + 1 : f->path;
    const char *dot = strrchr(base, '.');
    int stem = dot && dot != base ? (int)(dot - base) : (int)strlen(base);
    if (L->dwarf_attr_integrate(skel, DW_AT_dwo_name, &at) ||
        L->dwarf_attr_integrate(skel, DW_AT_GNU_dwo_name, &at))
        dwo = L->dwarf_formstring(&at);
    if (dwo && strrchr(dwo, '/'))
        dwo = strrchr(dwo, '/') + 1;
    fprintf(stderr, "WARNING: Unable to find split debug file '");
    if (dwo)
        fprintf(stderr, "%s", dwo);
    else
        fprintf(stderr, "%.*s.dwo", stem, base);
    fprintf(stderr, "' or '%.*s.dwp' for '%s', debugging information may be incomplete!\n", stem,
            base, f->path);
}

/* Calls fn with each unit's DIE (the split unit of a skeleton when its
 * .dwo or package was found) and its skeleton or itself, until fn
 * returns true. */
static bool each_unit(const struct dw_lib *L, struct dwt_file *f,
                      bool (*fn)(const struct dw_lib *L, Dwarf_Die *unit, Dwarf_Die *skel,
                                 void *ctx),
                      void *ctx) {
    Dwarf_CU *cu = NULL;
    Dwarf_Die cudie, subdie;
    uint8_t type;
    while (L->dwarf_get_units(f->dw, cu, &cu, NULL, &type, &cudie, &subdie) == 0) {
        bool split = type == DW_UT_skeleton && (L->dwarf_tag(&subdie) == DW_TAG_compile_unit ||
                                                package_unit(L, f, cu, &subdie));
        if (type == DW_UT_skeleton && !split && warnings)
            warn_no_split(L, f, &cudie);
        if (fn(L, split ? &subdie : &cudie, &cudie, ctx))
            return true;
    }
    return false;
}

static bool is_decl(const struct dw_lib *L, Dwarf_Die *die) {
    Dwarf_Attribute at;
    bool flag = false;
    return L->dwarf_attr_integrate(die, DW_AT_declaration, &at) &&
           L->dwarf_formflag(&at, &flag) == 0 && flag;
}

static bool indexed_tag(int tag) {
    return tag == DW_TAG_subprogram || tag == DW_TAG_structure_type || tag == DW_TAG_class_type ||
           tag == DW_TAG_union_type || tag == DW_TAG_enumeration_type || tag == DW_TAG_typedef;
}

/* Each top-level definition of a function or a named type. */
static bool index_unit(const struct dw_lib *L, Dwarf_Die *unit, Dwarf_Die *skel, void *ctx) {
    (void)skel;
    struct dwt_file *f = ctx;
    Dwarf_Die die;
    if (L->dwarf_child(unit, &die) != 0)
        return false;
    do {
        const char *name;
        int tag = L->dwarf_tag(&die);
        if (!indexed_tag(tag) || !(name = L->dwarf_diename(&die)) || is_decl(L, &die))
            continue;
        if (f->ndefs == f->capdefs) {
            size_t cap = f->capdefs ? f->capdefs * 2 : 256;
            struct dwt_def *defs = realloc(f->defs, cap * sizeof(*defs));
            if (!defs)
                return true;
            f->defs = defs;
            f->capdefs = cap;
        }
        f->defs[f->ndefs] = (struct dwt_def){.name = name, .tag = tag, .seq = f->ndefs, .die = die};
        f->ndefs++;
    } while (L->dwarf_siblingof(&die, &die) == 0);
    return false;
}

static int def_cmp(const void *a, const void *b) {
    const struct dwt_def *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

/* The first definition of name with tag or tag2. Listing every function
 * of a big binary looks each one up: an index keeps that linear. */
static const struct dwt_def *find_def(const struct dw_lib *L, struct dwt_file *f, const char *name,
                                      int tag, int tag2) {
    if (!f->indexed) {
        f->indexed = true;
        each_unit(L, f, index_unit, f);
        if (f->ndefs)
            qsort(f->defs, f->ndefs, sizeof(*f->defs), def_cmp);
    }
    size_t lo = 0, hi = f->ndefs; /* the first entry not below name */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(f->defs[mid].name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < f->ndefs && !strcmp(f->defs[lo].name, name); lo++)
        if (f->defs[lo].tag == tag || f->defs[lo].tag == tag2)
            return &f->defs[lo];
    return NULL;
}

int dwt_func_params(struct dwt_file *f, const char *func, struct type_arena *a,
                    struct dwt_param *out, int max) {
    const struct dw_lib *L = dw_lib_get("DWARF");
    const struct dwt_def *fn =
        L ? find_def(L, f, func, DW_TAG_subprogram, DW_TAG_subprogram) : NULL;
    if (!fn)
        return -1;
    Dwarf_Die found = fn->die;
    Dwarf_Die die, ty;
    int n = 0;
    if (L->dwarf_child(&found, &die) != 0)
        return 0;
    do {
        if (L->dwarf_tag(&die) != DW_TAG_formal_parameter || n >= max)
            continue;
        const char *name = L->dwarf_diename(&die);
        struct dwt_param *p = &out[n++];
        snprintf(p->name, sizeof(p->name), "%s", name ? name : "");
        bool has = dwt_die_type(L, &die, &ty);
        dwt_type_name(L, &ty, has, p->type_name, sizeof(p->type_name));
        p->ty = a && has ? dwt_convert(L, &ty, a) : NULL;
        Dwarf_Word size = 0;
        p->size = has && L->dwarf_aggregate_size(&ty, &size) == 0 ? size : 0;
    } while (L->dwarf_siblingof(&die, &die) == 0);
    return n;
}

const struct type *dwt_lookup_type(struct dwt_file *f, const char *name, struct type_arena *a) {
    static const struct {
        const char *kw;
        int tag, tag2;
    } kinds[] = {{"struct ", DW_TAG_structure_type, DW_TAG_class_type},
                 {"union ", DW_TAG_union_type, DW_TAG_union_type},
                 {"enum ", DW_TAG_enumeration_type, DW_TAG_enumeration_type}};
    const char *bare = name;
    int tag = DW_TAG_typedef, tag2 = DW_TAG_typedef;
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        if (!strncmp(name, kinds[i].kw, strlen(kinds[i].kw))) {
            bare = name + strlen(kinds[i].kw);
            tag = kinds[i].tag;
            tag2 = kinds[i].tag2;
        }
    const struct dw_lib *L = dw_lib_get("DWARF");
    const struct dwt_def *def = L ? find_def(L, f, bare, tag, tag2) : NULL;
    if (!def)
        return NULL;
    Dwarf_Die die = def->die;
    return dwt_convert(L, &die, a);
}

struct line_find {
    const char *file;
    int line;
    bool found, file_seen;
    uint64_t addr;
};

static bool same_file(const char *src, const char *want) {
    size_t ls = strlen(src), lw = strlen(want);
    if (!strcmp(src, want))
        return true;
    return ls > lw && src[ls - lw - 1] == '/' && !strcmp(src + ls - lw, want);
}

/* The line table lives with the skeleton unit of split DWARF. */
static bool lines_in_unit(const struct dw_lib *L, Dwarf_Die *unit, Dwarf_Die *skel, void *ctx) {
    (void)unit;
    struct line_find *lf = ctx;
    Dwarf_Lines *lines;
    size_t n;
    if (L->dwarf_getsrclines(skel, &lines, &n) != 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        Dwarf_Line *l = L->dwarf_onesrcline(lines, i);
        int lineno;
        bool stmt;
        Dwarf_Addr addr;
        const char *src;
        if (!l || !(src = L->dwarf_linesrc(l, NULL, NULL)) || !same_file(src, lf->file))
            continue;
        lf->file_seen = true;
        if (L->dwarf_lineno(l, &lineno) != 0 || lineno != lf->line ||
            L->dwarf_linebeginstatement(l, &stmt) != 0 || !stmt || L->dwarf_lineaddr(l, &addr) != 0)
            continue;
        if (!lf->found || addr < lf->addr)
            lf->addr = addr;
        lf->found = true;
    }
    return false;
}

int dwt_line_addr(struct dwt_file *f, const char *file, int line, uint64_t *addr) {
    const struct dw_lib *L = dw_lib_get("DWARF");
    struct line_find lf = {.file = file, .line = line};
    if (L)
        each_unit(L, f, lines_in_unit, &lf);
    *addr = lf.addr;
    return lf.found ? 0 : lf.file_seen ? -1 : -2;
}
