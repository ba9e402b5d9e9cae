/* Scratch variables ($x): one table per probe block, types fixed by the
 * first assignment. */
#include <stdlib.h>
#include <string.h>

#include "sema/sema_impl.h"

int sema_var_find(struct sema *s, const char *name) {
    for (int i = 0; i < s->pv->n; i++)
        if (strcmp(s->pv->vars[i].name, name) == 0)
            return i;
    return -1;
}

static int var_add(struct sema *s, const char *name) {
    struct probe_vars *pv = s->pv;
    pv->vars = realloc(pv->vars, sizeof(*pv->vars) * (pv->n + 1));
    pv->defined = realloc(pv->defined, sizeof(*pv->defined) * (pv->n + 1));
    pv->vars[pv->n].name = strdup(name);
    pv->vars[pv->n].ty = NULL;
    pv->defined[pv->n] = false;
    return pv->n++;
}

int sema_var_declare(struct sema *s, struct node *var) {
    int i = sema_var_find(s, var->str);
    if (i < 0)
        i = var_add(s, var->str);
    var->sym = i;
    var->ty = s->pv->vars[i].ty;
    return i;
}

int sema_var_assign(struct sema *s, struct node *var, const struct type *ty,
                    const struct loc *err_loc) {
    int i = sema_var_declare(s, var);
    struct sema_var *v = &s->pv->vars[i];
    const struct type *st = sema_storage_type(s, ty);
    if (st) {
        const struct type *u = v->ty ? sema_unify(s, v->ty, st) : st;
        if (!u)
            sema_error(s, err_loc, E_TYPE,
                       "Type mismatch for %s: trying to assign value of type '%s' when variable "
                       "already has a type '%s'",
                       var->str, sema_tname(ty), sema_tname(v->ty));
        else
            v->ty = u;
    }
    s->pv->defined[i] = true;
    var->ty = v->ty;
    return i;
}
