/* bpftrace's unstable features: config = { unstable_NAME = warn | enable |
 * error } gates each one. With warn (the default of most) a script that
 * uses the feature gets one warning, with error a located error at the use. */
#include <string.h>

#include "sema/sema_impl.h"

static const struct {
    const char *key;  /* the config key */
    const char *name; /* what bpftrace's messages call the feature */
    enum unstable_mode dflt;
} features[UNSTABLE_COUNT] = {
    [UNSTABLE_TSERIES] = {"unstable_tseries", "tseries", UNSTABLE_WARN},
    [UNSTABLE_TYPEINFO] = {"unstable_typeinfo", "typeinfo", UNSTABLE_ERROR},
    [UNSTABLE_DW_USTACK] = {"unstable_dw_ustack", "dw_ustack (DWARF stack unwinding)",
                            UNSTABLE_WARN},
    [UNSTABLE_IMPORT_STATEMENT] = {"unstable_import_statement", "import statement",
                                   UNSTABLE_ENABLE},
};

static const char *const mode_names[] = {
    [UNSTABLE_WARN] = "warn",
    [UNSTABLE_ENABLE] = "enable",
    [UNSTABLE_ERROR] = "error",
};

void sema_unstable_defaults(struct sema *s) {
    for (int f = 0; f < UNSTABLE_COUNT; f++)
        s->unstable[f] = features[f].dflt;
}

bool sema_config_unstable(struct sema *s, const char *key, const struct node *item) {
    int f = 0;
    while (f < UNSTABLE_COUNT && strcmp(features[f].key, key) != 0)
        f++;
    if (f == UNSTABLE_COUNT)
        return false;
    const struct node *v = item->b;
    for (int m = 0; v && (v->kind == N_IDENT || v->kind == N_STRING) && m < 3; m++)
        if (strcmp(v->str, mode_names[m]) == 0) {
            s->unstable[f] = (enum unstable_mode)m;
            return true;
        }
    diag_error(s->d, &item->loc, E_TYPE,
               "%s: Invalid value for unstable config: valid values are enable, warn, and error.",
               key);
    return true;
}

bool sema_unstable_use(struct sema *s, enum unstable_feature f, const struct loc *at) {
    if (s->unstable[f] == UNSTABLE_ERROR) {
        sema_error(s, at, E_UNSUPPORTED,
                   "%s feature is not enabled by default. To enable this unstable feature, set "
                   "the config flag to enable. %s=enable",
                   features[f].name, features[f].key);
        return false;
    }
    if (s->unstable[f] == UNSTABLE_WARN && s->report && !s->unstable_warned[f]) {
        static const struct loc nowhere; /* bpftrace names no place */
        diag_warning(s->d, &nowhere,
                     "Script is using an unstable feature: %s. To prevent this warning you "
                     "must explicitly enable it in the config e.g. %s=enable",
                     features[f].name, features[f].key);
        s->unstable_warned[f] = true;
    }
    return true;
}
