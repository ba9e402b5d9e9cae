/* Scratch variables ($x): one table per probe block, types fixed by the
 * first assignment. */
#include <stdlib.h>
#include <string.h>

#include "sema/sema_impl.h"

int sema_var_find(struct sema *s, const char *name) {
    for (int i = 0; i < s->pv->n; i++)
        if (!s->pv->hidden[i] && strcmp(s->pv->vars[i].name, name) == 0)
            return i;
    return -1;
}

static int var_add(struct sema *s, const char *name) {
    struct probe_vars *pv = s->pv;
    pv->vars = realloc(pv->vars, sizeof(*pv->vars) * (pv->n + 1));
    pv->defined = realloc(pv->defined, sizeof(*pv->defined) * (pv->n + 1));
    pv->loop = realloc(pv->loop, sizeof(*pv->loop) * (pv->n + 1));
    pv->hidden = realloc(pv->hidden, sizeof(*pv->hidden) * (pv->n + 1));
    pv->vars[pv->n].name = strdup(name);
    pv->vars[pv->n].ty = NULL;
    pv->defined[pv->n] = false;
    pv->loop[pv->n] = NULL;
    pv->hidden[pv->n] = false;
    return pv->n++;
}

/* A for loop's variable is its own, visible only in the loop's body (as in
 * bpftrace, where each loop declares it); same-named variables are hidden
 * meanwhile. The entry is found again by its loop on the second walk. */
void sema_loop_var_enter(struct sema *s, struct node *var, const struct node *loop,
                         struct loop_scope *scope) {
    struct probe_vars *pv = s->pv;
    int i = -1;
    for (int k = 0; k < pv->n; k++)
        if (pv->loop[k] == loop)
            i = k;
    if (i < 0) {
        i = var_add(s, var->str);
        pv->loop[i] = loop;
    }
    scope->var = i;
    scope->n = pv->n;
    scope->hidden = malloc(sizeof(bool) * (size_t)pv->n);
    for (int k = 0; k < pv->n; k++) {
        if (scope->hidden)
            scope->hidden[k] = pv->hidden[k];
        if (strcmp(pv->vars[k].name, var->str) == 0)
            pv->hidden[k] = true;
    }
    pv->hidden[i] = false;
}

/* Variables declared in the body stay visible (scratch variables belong to
 * the probe); loop variables declared in it stay hidden. */
void sema_loop_var_leave(struct sema *s, struct loop_scope *scope) {
    struct probe_vars *pv = s->pv;
    for (int k = 0; k < scope->n && scope->hidden; k++)
        pv->hidden[k] = scope->hidden[k];
    pv->hidden[scope->var] = true;
    free(scope->hidden);
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
