/* The keys a config block may set, as bpftrace 0.27.1 knows them: current
 * keys, keys renamed since (a warning, then the new key), keys that no
 * longer do anything (a warning), and keys only the environment sets. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "sema/sema_impl.h"

static const struct {
    const char *old, *now;
} renamed_keys[] = {
    {"strlen", "max_strlen"},
    {"no_cpp_demangle", "cpp_demangle"},
    {"cat_bytes_max", "max_cat_bytes"},
    {"map_keys_max", "max_map_keys"},
};

static const char *const deprecated_keys[] = {
    "symbol_source",   "max_type_res_iterations", "unstable_addr",
    "unstable_import", "unstable_macro",          "unstable_map_decl",
};

static const char *const env_only_keys[] = {"btf", "kernel_build", "kernel_source", "vmlinux"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static bool listed(const char *const *list, size_t n, const char *key) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], key) == 0)
            return true;
    return false;
}

/* "BPFTRACE_MAX_STRLEN" and "Max_Strlen" are max_strlen. */
static void normalise(const char *raw, char *key, size_t size) {
    if (strncasecmp(raw, "BPFTRACE_", 9) == 0)
        raw += 9;
    size_t i = 0;
    for (; raw[i] && i + 1 < size; i++)
        key[i] = (char)tolower((unsigned char)raw[i]);
    key[i] = '\0';
}

bool sema_config_key(struct sema *s, struct node *item, char *key, size_t size) {
    const char *raw = item->a->str;
    normalise(raw, key, size);
    if (sema_config_known(key))
        return true;
    for (size_t i = 0; i < COUNT(renamed_keys); i++)
        if (strcmp(renamed_keys[i].old, key) == 0) {
            diag_warning(s->d, &item->loc, "%s has been renamed, please use %s", raw,
                         renamed_keys[i].now);
            /* later readers of the block (config.max_strlen) find it by its name */
            char *now = strdup(renamed_keys[i].now);
            if (!now)
                abort();
            free(item->a->str);
            item->a->str = now;
            normalise(now, key, size);
            return true;
        }
    if (listed(deprecated_keys, COUNT(deprecated_keys), key))
        diag_warning(s->d, &item->loc, "%s is deprecated and has no effect", raw);
    else if (listed(env_only_keys, COUNT(env_only_keys), key))
        diag_error(s->d, &item->loc, E_UNKNOWN_IDENT,
                   "%s: can only be set as an environment variable", raw);
    else
        diag_error(s->d, &item->loc, E_UNKNOWN_IDENT, "%s: not a known configuration option", raw);
    return false;
}
