/* Reads, parses and merges the files a program imports. */
#include "parser/imports.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "parser/parse.h"
#include "stdlib/stdlib.h"

struct importer {
    struct diag *d;
    char **seen; /* real paths already merged (or being merged) */
    size_t nseen;
    struct node *probes, *cdefs; /* collected from every imported file */
};

static bool ends_with(const char *s, const char *suffix) {
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Whether the text keyed real (a real path or a library module's name)
 * was merged already; otherwise remembers it, taking real. */
static bool seen_before(struct importer *im, char *real) {
    if (!real)
        return false;
    for (size_t i = 0; i < im->nseen; i++)
        if (strcmp(im->seen[i], real) == 0) {
            free(real);
            return true;
        }
    char **grown = realloc(im->seen, (im->nseen + 1) * sizeof(*grown));
    if (!grown)
        abort();
    im->seen = grown;
    im->seen[im->nseen++] = real;
    return false;
}

/* A regular file's whole text (a directory was handled before). */
static char *read_all(const char *path) {
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    struct stat st;
    char *buf = fstat(fileno(f), &st) == 0 ? malloc((size_t)st.st_size + 1) : NULL;
    if (buf)
        buf[fread(buf, 1, (size_t)st.st_size, f)] = 0;
    fclose(f);
    return buf;
}

static void set_file(struct node *n, int id) {
    for (; n; n = n->next) {
        n->loc.file = id;
        set_file(n->a, id);
        set_file(n->b, id);
        set_file(n->c, id);
        set_file(n->d, id);
    }
}

static char *dir_of(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash ? strndup(path, (size_t)(slash - path + (slash == path))) : strdup(".");
}

static struct node *resolve_list(struct importer *im, struct node *decls, const char *dir);

/* Parses one module's text, named path in messages; returns its
 * declarations, its own imports merged. */
static struct node *import_text(struct importer *im, const char *path, const char *text) {
    struct node *prog = parse_module(im->d, text);
    if (!prog)
        return NULL;
    set_file(prog, diag_file_add(im->d, path, text));
    char *dir = dir_of(path);
    struct node *decls = resolve_list(im, prog->d, dir);
    free(dir);
    prog->d = NULL;
    im->probes = ast_append(im->probes, prog->a);
    im->cdefs = ast_append(im->cdefs, prog->c);
    prog->a = prog->c = NULL;
    ast_free(prog);
    return decls;
}

static struct node *import_bt(struct importer *im, const struct node *at, const char *path) {
    if (seen_before(im, realpath(path, NULL)))
        return NULL;
    char *text = read_all(path);
    if (!text) {
        diag_error(im->d, &at->loc, E_IO, "Unable to read import %s", path);
        return NULL;
    }
    struct node *decls = import_text(im, path, text);
    free(text);
    return decls;
}

static const struct stdlib_module *library_module(const char *name) {
    for (const struct stdlib_module *m = stdlib_imports; m->name; m++)
        if (strcmp(m->name, name) == 0)
            return m;
    return NULL;
}

static int by_name(const struct dirent **a, const struct dirent **b) {
    return strcmp((*a)->d_name, (*b)->d_name);
}

static struct node *import_path(struct importer *im, const struct node *at, const char *path);

/* A directory: every supported file in it, not its subdirectories. */
static struct node *import_dir(struct importer *im, const struct node *at, const char *path) {
    struct dirent **names;
    int n = scandir(path, &names, NULL, by_name);
    struct node *decls = NULL;
    for (int i = 0; i < n; i++) {
        const char *name = names[i]->d_name;
        if (ends_with(name, ".bt") || ends_with(name, ".h") || ends_with(name, ".bpf.c")) {
            char full[PATH_MAX];
            snprintf(full, sizeof(full), "%s/%s", path, name);
            decls = ast_append(decls, import_path(im, at, full));
        }
        free(names[i]);
    }
    free(n >= 0 ? names : NULL);
    return decls;
}

static struct node *import_path(struct importer *im, const struct node *at, const char *path) {
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return import_dir(im, at, path);
    if (ends_with(path, ".bpf.c")) {
        diag_error(im->d, &at->loc, E_UNSUPPORTED,
                   "cannot import BPF C source: trawk has no C compiler for %s", path);
        return NULL;
    }
    if (ends_with(path, ".h")) {
        diag_error(im->d, &at->loc, E_UNSUPPORTED,
                   "cannot import C header %s: use #include instead", path);
        return NULL;
    }
    return import_bt(im, at, path);
}

/* The declarations list with each import replaced by what it brings. */
static struct node *resolve_list(struct importer *im, struct node *decls, const char *dir) {
    struct node *out = NULL;
    for (struct node *n = decls, *next; n; n = next) {
        next = n->next;
        n->next = NULL;
        if (n->kind != N_IMPORT) {
            out = ast_append(out, n);
            continue;
        }
        const struct stdlib_module *lib = library_module(n->str);
        if (lib) {
            if (!seen_before(im, strdup(lib->name)))
                out = ast_append(out, import_text(im, lib->name, lib->text));
            ast_free(n);
            continue;
        }
        char path[PATH_MAX];
        if (n->str[0] == '/' || strcmp(dir, ".") == 0)
            snprintf(path, sizeof(path), "%s", n->str);
        else
            snprintf(path, sizeof(path), "%s/%s", dir, n->str);
        struct stat st;
        if (stat(path, &st) != 0) {
            diag_error(im->d, &n->loc, E_IO, "Unable to find suitable path for import");
            fprintf(im->d->out, "HINT: checked: %s\n", path);
        } else {
            out = ast_append(out, import_path(im, n, path));
        }
        ast_free(n);
    }
    return out;
}

int imports_resolve(struct node *program, struct diag *d, const char *dir, const char *script) {
    int before = d->nerrors;
    struct importer im = {.d = d};
    if (script)
        seen_before(&im, realpath(script, NULL));
    program->d = resolve_list(&im, program->d, dir);
    /* bpftrace runs an imported file's probes before the script's */
    program->a = ast_append(im.probes, program->a);
    program->c = ast_append(program->c, im.cdefs);
    for (size_t i = 0; i < im.nseen; i++)
        free(im.seen[i]);
    free(im.seen);
    return d->nerrors == before ? 0 : -1;
}
