/* Config values as the script reads them (config.max_strlen, config().x)
 * and the checks bpftrace makes on the config block's values. A value comes
 * from the environment (BPFTRACE_KEY), else from the config block, else
 * bpftrace's default. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sema/sema_impl.h"

enum cfg_kind { CFG_INT, CFG_BOOL, CFG_STR };

struct cfg_default {
    const char *key;
    enum cfg_kind kind;
    const char *value; /* as text, parsed by kind */
};

/* bpftrace 0.27's config record, in its order. */
static const struct cfg_default defaults[] = {
    {"cpp_demangle", CFG_BOOL, "true"},
    {"lazy_symbolication", CFG_BOOL, "true"},
    {"print_maps_on_exit", CFG_BOOL, "true"},
    {"use_blazesym", CFG_BOOL, "false"},
    {"show_debug_info", CFG_BOOL, "false"},
    {"log_size", CFG_INT, "1000000"},
    {"max_bpf_progs", CFG_INT, "1024"},
    {"max_cat_bytes", CFG_INT, "10240"},
    {"max_map_keys", CFG_INT, "4096"},
    {"max_probes", CFG_INT, "1024"},
    {"max_strlen", CFG_INT, "1024"},
    {"on_stack_limit", CFG_INT, "32"},
    {"perf_rb_pages", CFG_INT, "0"},
    {"str_trunc_trailer", CFG_STR, ".."},
    {"unstable_import_statement", CFG_STR, "error"},
    {"unstable_tseries", CFG_STR, "warn"},
    {"unstable_typeinfo", CFG_STR, "error"},
    {"unstable_dw_ustack", CFG_STR, "warn"},
    {"missing_probes", CFG_STR, "error"},
    {"stack_mode", CFG_STR, "bpftrace"},
    {"license", CFG_STR, "GPL"},
};

static const char *const licenses[] = {
    "Dual MIT/GPL", "Dual BSD/GPL", "Dual MPL/GPL", "GPL and additional rights", "GPL v2", "GPL",
};

const char *sema_config_env(const char *key) {
    char name[80] = "BPFTRACE_";
    size_t i = strlen(name);
    for (; *key && i + 1 < sizeof(name); key++)
        name[i++] = (char)toupper((unsigned char)*key);
    name[i] = '\0';
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

static void license_error(struct sema *s, const struct node *item, const char *found) {
    char valid[160] = "";
    size_t len = 0;
    for (size_t i = 0; i < sizeof(licenses) / sizeof(licenses[0]); i++)
        len +=
            (size_t)snprintf(valid + len, sizeof(valid) - len, "%s%s", i ? ", " : "", licenses[i]);
    diag_error(s->d, &item->loc, E_TYPE,
               "Invalid value for license. Found: %s. Valid values: %s. Read more about BPF "
               "programs and licensing: "
               "https://docs.kernel.org/bpf/bpf_licensing.html#using-bpf-programs-in-the-linux-"
               "kernel",
               found, valid);
}

bool sema_config_check(struct sema *s, const char *key, const struct node *item) {
    const struct node *v = item->b;
    if (strcmp(key, "license") != 0 || !v)
        return true;
    if (v->kind == N_STRING || v->kind == N_IDENT) {
        for (size_t i = 0; i < sizeof(licenses) / sizeof(licenses[0]); i++)
            if (strcmp(v->str, licenses[i]) == 0)
                return true;
        license_error(s, item, v->str);
        return false;
    }
    char num[32];
    snprintf(num, sizeof(num), "%llu", (unsigned long long)v->num);
    license_error(s, item, num);
    return false;
}

static const struct cfg_default *find_default(const char *key) {
    for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
        if (strcmp(defaults[i].key, key) == 0)
            return &defaults[i];
    return NULL;
}

bool sema_config_known(const char *key) {
    /* the one key a config block sets that config() does not show */
    return find_default(key) || strcmp(key, "cache_user_symbols") == 0;
}

/* The config block's value for key, or NULL. */
static const struct node *script_value(const struct sema *s, const char *key) {
    const struct node *found = NULL;
    for (const struct node *c = s->config; c; c = c->next) {
        if (c->kind != N_ASSIGN || !c->a || !c->a->str || !c->b)
            continue;
        const char *k = c->a->str;
        if (strncasecmp(k, "BPFTRACE_", 9) == 0)
            k += 9;
        if (strcasecmp(k, key) == 0)
            found = c->b;
    }
    return found;
}

static void become_literal(struct node *n, enum cfg_kind kind, const char *text) {
    if (kind == CFG_STR) {
        ast_become_int(n, 0);
        n->kind = N_STRING;
        n->str = strdup(text);
        if (!n->str)
            abort();
        n->len = strlen(text);
        return;
    }
    bool truth = strcmp(text, "true") == 0 || strcmp(text, "1") == 0;
    ast_become_int(n, kind == CFG_BOOL ? truth : strtoull(text, NULL, 0));
    if (kind == CFG_BOOL)
        n->kind = N_BOOL;
}

const struct type *sema_config_field(struct sema *s, struct node *n) {
    const struct cfg_default *def = n->str ? find_default(n->str) : NULL;
    if (!def) {
        sema_error(s, &n->loc, E_UNKNOWN_FIELD, "Record does not contain a field named '%s'",
                   n->str ? n->str : "?");
        return NULL;
    }
    const char *text = sema_config_env(def->key);
    const struct node *v = text ? NULL : script_value(s, def->key);
    char num[32];
    if (v && (v->kind == N_STRING || v->kind == N_IDENT)) {
        text = v->str;
    } else if (v) {
        snprintf(num, sizeof(num), "%llu", (unsigned long long)v->num);
        text = num;
    }
    enum cfg_kind kind = def->kind;
    char *copy = strdup(text ? text : def->value);
    if (!copy)
        abort();
    become_literal(n, kind, copy);
    free(copy);
    return sema_expr(s, n);
}

char *sema_config_str(const struct sema *s, const char *key) {
    const char *text = sema_config_env(key);
    const struct node *v = text ? NULL : script_value(s, key);
    if (v && v->kind == N_STRING)
        text = v->str;
    const struct cfg_default *def = find_default(key);
    char *copy = strdup(text ? text : def ? def->value : "");
    if (!copy)
        abort();
    return copy;
}
