/* The config keys that shape user-space symbolization: cpp_demangle,
 * lazy_symbolication and cache_user_symbols. Each comes from the
 * environment (BPFTRACE_KEY), else the config block, else bpftrace's
 * default; the runtime's symbolizer follows them. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sema/sema_impl.h"

static bool truth(const char *text) {
    return strcmp(text, "1") == 0 || strcasecmp(text, "true") == 0;
}

/* "PER_PID", "per_program", "none", "1" (the default) or "0" (none). */
static bool parse_cache(const char *text, enum sym_cache *cache) {
    if (strcmp(text, "1") == 0)
        return true;
    if (strcasecmp(text, "per_pid") == 0)
        *cache = SYM_CACHE_PER_PID;
    else if (strcasecmp(text, "per_program") == 0)
        *cache = SYM_CACHE_PER_PROGRAM;
    else if (strcasecmp(text, "none") == 0 || strcmp(text, "0") == 0)
        *cache = SYM_CACHE_NONE;
    else
        return false;
    return true;
}

static void set(struct sema_out *o, const char *key, const char *text, long num, bool is_num,
                bool *ok) {
    if (strcmp(key, "cpp_demangle") == 0) {
        o->cpp_demangle = is_num ? num != 0 : truth(text);
    } else if (strcmp(key, "lazy_symbolication") == 0) {
        o->lazy_symbolication = is_num ? num != 0 : truth(text);
    } else if (is_num) {
        if (num == 0)
            o->user_sym_cache = SYM_CACHE_NONE;
    } else {
        *ok = parse_cache(text, &o->user_sym_cache);
    }
}

bool sema_config_symbols(struct sema *s, const char *key, const struct node *item) {
    if (strcmp(key, "cpp_demangle") != 0 && strcmp(key, "lazy_symbolication") != 0 &&
        strcmp(key, "cache_user_symbols") != 0)
        return false;
    const struct node *v = item->b;
    bool ok = true;
    if (v && (v->kind == N_IDENT || v->kind == N_STRING))
        set(s->out, key, v->str, 0, false, &ok);
    else if (v)
        set(s->out, key, NULL, (long)v->num, true, &ok);
    if (!ok)
        diag_error(s->d, &item->loc, E_TYPE,
                   "cache_user_symbols: Invalid value for cache_user_symbols: valid values are "
                   "PER_PID, PER_PROGRAM, and NONE.");
    return true;
}

void sema_config_symbols_env(struct sema_out *o) {
    static const char *const keys[] = {"cpp_demangle", "lazy_symbolication", "cache_user_symbols"};
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        const char *text = sema_config_env(keys[i]);
        bool ok = true;
        if (text)
            set(o, keys[i], text, 0, false, &ok);
    }
}
