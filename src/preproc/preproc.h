/* The C preprocessor that bpftrace scripts run through before parsing:
 * directives, macro expansion and #include, with the script's line numbers
 * kept so that every later error points at the user's line. */
#ifndef TRAWK_PREPROC_H
#define TRAWK_PREPROC_H

#include <stdbool.h>

#include "diag.h"

struct preproc_opts {
    /* -I DIR: searched first for <...>, after the including file's directory for "..." */
    const char *const *include_dirs;
    int ninclude_dirs;
    /* --include FILE: processed as if #include'd before the script's first line */
    const char *const *include_files;
    int ninclude_files;
    bool have_btf;          /* define BPFTRACE_HAVE_BTF (and _LINUX_TYPES_H, as bpftrace) */
    const char *script_dir; /* directory of the script for "..." includes; NULL: "." */
};

struct preproc_out {
    /* The script after preprocessing, with exactly as many lines as the input:
     * directive lines and lines in false #if branches are empty, macros are
     * expanded outside strings and comments. */
    char *script;
    /* The preprocessed text of every included header and --include file, in
     * order, for the C declaration parser. */
    char *cdecls;
};

/* Returns 0, or -1 after reporting located errors through d (errors inside
 * headers are printed with the header's name and counted in d). A script
 * with no directive and no --include is copied at once. */
int preproc_run(const char *text, const struct preproc_opts *opts, struct diag *d,
                struct preproc_out *out);
void preproc_out_free(struct preproc_out *out);

#endif
