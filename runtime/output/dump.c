/* The map dump at exit in the forms made for flame graphs: folded text on
 * the output, and SVG or speedscope files. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "profile.h"

/* Every user map that folds, in name order (as the text dump). */
static void collect(struct out_profiles *p, const struct manifest *m, bool warn) {
    int n;
    const struct map_desc **v = out_user_maps(m, &n);
    for (int i = 0; i < n; i++) {
        int rc = out_prof_from_map(p, m, v[i]);
        if (rc < 0)
            fprintf(stderr, "Error printing map: %s: %s\n", v[i]->name, strerror(-rc));
        else if (rc == 0 && warn)
            fprintf(stderr,
                    "WARNING: %s is not printed as folded stacks: it holds no count, sum or "
                    "integer by key\n",
                    v[i]->name);
    }
    free(v);
}

static void write_file(const char *path, const char *what, const struct out_str *s) {
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "ERROR: failed to write %s '%s': %s\n", what, path, strerror(errno));
        return;
    }
    out_str_write(s, f);
    if (fclose(f) != 0)
        fprintf(stderr, "ERROR: failed to write %s '%s': %s\n", what, path, strerror(errno));
}

void out_dump_maps(const struct out_sink *out, const struct manifest *m,
                   const struct out_dump_opts *o, bool print) {
    bool folded = print && o && o->folded;
    if (print && !folded)
        out_print_all_maps(out, m);
    if (!o || (!folded && !o->svg_path && !o->speedscope_path))
        return;
    struct out_profiles p;
    out_profiles_init(&p);
    collect(&p, m, folded);
    struct out_str s;
    out_str_init(&s);
    if (folded) {
        out_folded_write(&s, &p);
        out_str_write(&s, out->f);
    }
    const char *title = o->title ? o->title : "Flame Graph";
    if (o->svg_path) {
        out_str_reset(&s);
        out_flame_svg_write(&s, &p, title);
        write_file(o->svg_path, "flame graph", &s);
    }
    if (o->speedscope_path) {
        out_str_reset(&s);
        out_speedscope_write(&s, &p, title);
        write_file(o->speedscope_path, "speedscope profile", &s);
    }
    out_str_free(&s);
    out_profiles_free(&p);
}
