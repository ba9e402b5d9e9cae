/* tracefs: finding the mount, listing events, parsing their format files. */
#include "sys/tracefs.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>
#include <sys/stat.h>

#define TRACEFS_PATH "/sys/kernel/tracing"
#define DEBUGFS_TRACING_PATH "/sys/kernel/debug/tracing"

static bool has_events(const char *dir) {
    char path[256];
    struct stat st;
    snprintf(path, sizeof(path), "%s/events", dir);
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static const char *tracefs_find(char *err, int errsize) {
    if (has_events(TRACEFS_PATH))
        return TRACEFS_PATH;
    if (has_events(DEBUGFS_TRACING_PATH))
        return DEBUGFS_TRACING_PATH;
    /* Debian does not mount tracefs at boot; bpftrace users expect it to work. */
    if (mount("nodev", TRACEFS_PATH, "tracefs", 0, NULL) == 0 && has_events(TRACEFS_PATH))
        return TRACEFS_PATH;
    if (errno == EPERM && access(TRACEFS_PATH, F_OK) == 0 && geteuid() != 0) {
        /* mounted or not, only root can read or mount it */
        snprintf(err, errsize,
                 "cannot read or mount tracefs at " TRACEFS_PATH
                 ": %s (trawk needs to run as root)",
                 strerror(errno));
        return NULL;
    }
    snprintf(err, errsize,
             "tracefs is not mounted and mounting it at " TRACEFS_PATH
             " failed: %s (try: mount -t tracefs nodev " TRACEFS_PATH ")",
             strerror(errno));
    return NULL;
}

const char *tracefs_dir(char *err, int errsize) {
    /* Cached: the mount point does not move while trawk runs. */
    static const char *cached;
    static char cached_err[256];
    static bool tried;
    if (!tried) {
        tried = true;
        cached = tracefs_find(cached_err, sizeof(cached_err));
    }
    if (!cached && err && errsize > 0)
        snprintf(err, errsize, "%s", cached_err);
    return cached;
}

/* ---- format file parsing ---- */

static char *dup_range(const char *s, size_t n) {
    char *r = malloc(n + 1);
    memcpy(r, s, n);
    r[n] = '\0';
    return r;
}

static char *trim(char *s) {
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* Reads "KEY:NUMBER;" from a field line; -1 when absent. */
static long section_num(const char *line, const char *key) {
    const char *p = strstr(line, key);
    if (!p)
        return -1;
    char *end;
    long v = strtol(p + strlen(key), &end, 10);
    return end == p + strlen(key) ? -1 : v;
}

/* Splits the declaration "TYPE NAME" or "TYPE NAME[N]" (text between
 * "field:" and the first ';') into the field's type and name. */
static int parse_decl(const char *decl, size_t n, struct tp_field *f) {
    char *d = dup_range(decl, n);
    char *s = trim(d);
    char *bracket = strchr(s, '[');
    char *name_end = s + strlen(s);
    /* "__data_loc char[] name" has its brackets in the type, not the name. */
    if (bracket && strstr(s, "__data_loc") == NULL)
        name_end = bracket;
    char *name_start = name_end;
    while (name_start > s && (isalnum((unsigned char)name_start[-1]) || name_start[-1] == '_'))
        name_start--;
    if (name_start == name_end || name_start == s) {
        free(d);
        return -1;
    }
    f->decl = strdup(s);
    f->name = dup_range(name_start, name_end - name_start);
    *name_start = '\0';
    char *type = trim(s);
    f->type = strdup(type);
    size_t tl = strlen(type);
    f->is_ptr = tl && type[tl - 1] == '*';
    f->is_data_loc = strstr(type, "__data_loc") != NULL;
    bool is_char = strcmp(type, "char") == 0 || strcmp(type, "const char") == 0 ||
                   strcmp(type, "unsigned char") == 0 || strcmp(type, "signed char") == 0;
    f->is_string = f->is_data_loc ? strstr(type, "char") != NULL : (bracket && is_char);
    if (bracket && !f->is_data_loc && !is_char) {
        /* Keep non-char arrays visible in the type ("unsigned long[6]"). */
        char *t = NULL;
        if (asprintf(&t, "%s%s", type, bracket) >= 0) {
            free(f->type);
            f->type = t;
        }
    }
    f->is_common = strncmp(f->name, "common_", 7) == 0;
    free(d);
    return 0;
}

static int parse_field_line(const char *line, struct tp_field *f) {
    const char *decl = strstr(line, "field:");
    if (!decl)
        return -1;
    decl += strlen("field:");
    const char *semi = strchr(decl, ';');
    if (!semi)
        return -1;
    long off = section_num(semi, "offset:");
    long size = section_num(semi, "size:");
    long sign = section_num(semi, "signed:");
    if (off < 0 || size < 0 || parse_decl(decl, semi - decl, f) < 0)
        return -1;
    f->offset = (uint32_t)off;
    f->size = (uint32_t)size;
    f->is_signed = sign == 1;
    return 0;
}

static int add_field(struct tp_format *out, const struct tp_field *f, int *cap) {
    if (out->nfields == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        struct tp_field *n = realloc(out->fields, sizeof(*n) * *cap);
        if (!n)
            return -1;
        out->fields = n;
    }
    out->fields[out->nfields++] = *f;
    return 0;
}

static void parse_name_line(const char *line, size_t n, struct tp_format *out) {
    if (n > 5 && strncmp(line, "name:", 5) == 0 && !out->event) {
        char *v = dup_range(line + 5, n - 5);
        out->event = strdup(trim(v));
        free(v);
    } else if (n > 3 && strncmp(line, "ID:", 3) == 0) {
        out->id = atoi(line + 3);
    }
}

int tp_format_parse(const char *text, struct tp_format *out) {
    memset(out, 0, sizeof(*out));
    out->id = -1;
    int cap = 0;
    const char *p = text;
    while (*p) {
        const char *eol = strchrnul(p, '\n');
        char *line = dup_range(p, eol - p);
        const char *l = line;
        while (isspace((unsigned char)*l))
            l++;
        int rc = 0;
        if (strncmp(l, "field:", 6) == 0) {
            struct tp_field f = {0};
            rc = parse_field_line(l, &f);
            if (rc == 0)
                rc = add_field(out, &f, &cap);
        } else {
            parse_name_line(l, strlen(l), out);
        }
        free(line);
        if (rc < 0) {
            tp_format_clear(out);
            return -1;
        }
        p = *eol ? eol + 1 : eol;
    }
    if (out->nfields == 0) {
        tp_format_clear(out);
        return -1;
    }
    return 0;
}

void tp_format_clear(struct tp_format *f) {
    for (int i = 0; i < f->nfields; i++) {
        free(f->fields[i].name);
        free(f->fields[i].type);
        free(f->fields[i].decl);
    }
    free(f->fields);
    free(f->category);
    free(f->event);
    memset(f, 0, sizeof(*f));
}

void tp_format_free(struct tp_format *f) {
    if (!f)
        return;
    tp_format_clear(f);
    free(f);
}

const struct tp_field *tp_format_field(const struct tp_format *f, const char *name) {
    for (int i = 0; i < f->nfields; i++)
        if (strcmp(f->fields[i].name, name) == 0)
            return &f->fields[i];
    return NULL;
}

/* ---- reading events/ ---- */

static char *read_file(const char *path) {
    FILE *fp = fopen(path, "r");
    if (!fp)
        return NULL;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    size_t n;
    while (buf && (n = fread(buf + len, 1, cap - len - 1, fp)) > 0) {
        len += n;
        if (cap - len - 1 == 0) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(fp);
    if (buf)
        buf[len] = '\0';
    return buf;
}

static char *event_file(const char *category, const char *event, const char *file) {
    const char *dir = tracefs_dir(NULL, 0);
    if (!dir || strchr(category, '/') || strchr(event, '/'))
        return NULL;
    char path[512];
    snprintf(path, sizeof(path), "%s/events/%s/%s/%s", dir, category, event, file);
    return read_file(path);
}

struct tp_format *tracefs_format(const char *category, const char *event) {
    char *text = event_file(category, event, "format");
    if (!text)
        return NULL;
    struct tp_format *f = malloc(sizeof(*f));
    int rc = tp_format_parse(text, f);
    free(text);
    if (rc < 0) {
        free(f);
        return NULL;
    }
    f->category = strdup(category);
    free(f->event);
    f->event = strdup(event);
    return f;
}

int tracefs_event_id(const char *category, const char *event) {
    char *text = event_file(category, event, "id");
    if (!text)
        return -1;
    char *end;
    long id = strtol(text, &end, 10);
    int rc = end == text ? -1 : (int)id;
    free(text);
    return rc;
}

static int dirent_cmp(const struct dirent **a, const struct dirent **b) {
    return strcmp((*a)->d_name, (*b)->d_name);
}

static bool is_subdir(const char *dir, const struct dirent *e) {
    if (e->d_type != DT_UNKNOWN)
        return e->d_type == DT_DIR;
    char path[768];
    struct stat st;
    snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Lists subdirectories of dir whose names match glob, sorted. */
static int list_dirs(const char *dir, const char *glob, struct dirent ***out) {
    int n = scandir(dir, out, NULL, dirent_cmp);
    if (n < 0)
        return -1;
    int kept = 0;
    for (int i = 0; i < n; i++) {
        struct dirent *e = (*out)[i];
        bool ok = e->d_name[0] != '.' && fnmatch(glob, e->d_name, 0) == 0 && is_subdir(dir, e);
        if (ok)
            (*out)[kept++] = e;
        else
            free(e);
    }
    return kept;
}

static int foreach_in_category(const char *events, const char *cat, const char *event_glob,
                               tracefs_event_fn fn, void *arg) {
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", events, cat);
    struct dirent **evs;
    int n = list_dirs(path, event_glob, &evs);
    if (n < 0)
        return 0; /* a category that vanished or cannot be read: skip it */
    int rc = 0;
    for (int i = 0; i < n; i++) {
        if (rc == 0)
            rc = fn(cat, evs[i]->d_name, arg);
        free(evs[i]);
    }
    free(evs);
    return rc;
}

static bool is_glob(const char *s) {
    return strpbrk(s, "*?[\\") != NULL;
}

int tracefs_foreach_event(const char *cat_glob, const char *event_glob, tracefs_event_fn fn,
                          void *arg) {
    const char *dir = tracefs_dir(NULL, 0);
    if (!dir)
        return -1;
    char events[300];
    snprintf(events, sizeof(events), "%s/events", dir);
    if (!is_glob(cat_glob) && !is_glob(event_glob) && cat_glob[0] != '.' && event_glob[0] != '.') {
        /* one event named in full: a script of 1,000 probes read the
         * category's directory 1,000 times */
        char path[1024];
        struct stat st;
        snprintf(path, sizeof(path), "%s/%s/%s", events, cat_glob, event_glob);
        return stat(path, &st) == 0 && S_ISDIR(st.st_mode) ? fn(cat_glob, event_glob, arg) : 0;
    }
    struct dirent **cats;
    int n = list_dirs(events, cat_glob, &cats);
    if (n < 0)
        return -1;
    int rc = 0;
    for (int i = 0; i < n; i++) {
        /* ftrace's own events are not in available_events, which bpftrace
         * lists and expands: they cannot be attached to. */
        if (rc == 0 && strcmp(cats[i]->d_name, "ftrace") != 0)
            rc = foreach_in_category(events, cats[i]->d_name, event_glob, fn, arg);
        free(cats[i]);
    }
    free(cats);
    return rc;
}
