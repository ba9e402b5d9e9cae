/* Scratch variables ($x): one table per probe block, types fixed by the
 * first assignment. */
#include <stdlib.h>
#include <string.h>

#include "sema/sema_impl.h"

/* Variables are scoped to the block that declares them (bpftrace 0.22+):
 * visible there and in nested blocks, gone after it. A for loop's variable
 * belongs to the loop. Entries are found again by (name, scope) on the
 * second walk, so each declaration keeps one variable (and one slot). */

void sema_scope_enter(struct sema *s, const struct node *scope) {
    if (s->nscopes < (int)(sizeof(s->scopes) / sizeof(s->scopes[0])))
        s->scopes[s->nscopes] = scope;
    s->nscopes++;
}

static int scope_depth(const struct sema *s) {
    int max = (int)(sizeof(s->scopes) / sizeof(s->scopes[0]));
    return s->nscopes < max ? s->nscopes : max;
}

/* How deep scope sits in the current stack of scopes, -1 when not in it. */
static int scope_level(const struct sema *s, const struct node *scope) {
    for (int i = scope_depth(s) - 1; i >= 0; i--)
        if (s->scopes[i] == scope)
            return i;
    return -1;
}

static const struct node *current_scope(const struct sema *s) {
    return scope_depth(s) > 0 ? s->scopes[scope_depth(s) - 1] : NULL;
}

void sema_let_pending(struct sema *s, struct node *let) {
    struct node **p = s->report ? realloc(s->lets, sizeof(*p) * (size_t)(s->nlets + 1)) : NULL;
    if (p) {
        s->lets = p;
        s->lets[s->nlets++] = let;
    }
}

/* Whether pending let i declares a variable of the scope being left. */
static bool let_here(const struct sema *s, int i, const struct node *scope) {
    int v = s->lets[i]->a->sym;
    return v >= 0 && v < s->pv->n && s->pv->scope[v] == scope;
}

void sema_scope_leave(struct sema *s) {
    const struct node *scope = current_scope(s);
    for (;;) { /* the first by name, then the next */
        int best = -1;
        for (int i = 0; i < s->nlets; i++)
            if (let_here(s, i, scope) &&
                (best < 0 || strcmp(s->lets[i]->a->str, s->lets[best]->a->str) < 0))
                best = i;
        if (best < 0)
            break;
        struct node *let = s->lets[best];
        s->lets[best] = s->lets[--s->nlets];
        struct node **u = s->pv->defined[let->a->sym] == VAR_DECLARED
                              ? realloc(s->unassigned, sizeof(*u) * (size_t)(s->nunassigned + 1))
                              : NULL;
        if (u) {
            s->unassigned = u;
            s->unassigned[s->nunassigned++] = let;
        }
    }
    s->nscopes--;
}

void sema_lets_warn(struct sema *s) {
    for (int i = 0; i < s->nunassigned; i++) {
        const struct node *let = s->unassigned[i];
        struct loc at = loc_span(&let->loc, &let->a->loc); /* `let $x`, without its type */
        sema_pass_warning(s, PASS_VARS, &at, "Variable %s was never assigned to.", let->a->str);
    }
    s->nlets = s->nunassigned = 0;
}

/* The innermost visible variable of that name (a for loop's variable hides
 * an outer one of the same name). */
int sema_var_find(struct sema *s, const char *name) {
    int best = -1, best_level = -1;
    for (int i = 0; i < s->pv->n; i++) {
        int level = strcmp(s->pv->vars[i].name, name) == 0 ? scope_level(s, s->pv->scope[i]) : -1;
        if (level > best_level) {
            best = i;
            best_level = level;
        }
    }
    return best;
}

/* The variable this scope declared on an earlier walk, or a new one. */
static int var_add(struct sema *s, const char *name) {
    struct probe_vars *pv = s->pv;
    for (int i = 0; i < pv->n; i++)
        if (strcmp(pv->vars[i].name, name) == 0 && pv->scope[i] == current_scope(s))
            return i;
    pv->vars = realloc(pv->vars, sizeof(*pv->vars) * (pv->n + 1));
    pv->defined = realloc(pv->defined, sizeof(*pv->defined) * (pv->n + 1));
    pv->scope = realloc(pv->scope, sizeof(*pv->scope) * (pv->n + 1));
    pv->typed = realloc(pv->typed, sizeof(*pv->typed) * (pv->n + 1));
    pv->typed[pv->n] = false;
    pv->vars[pv->n] = (struct sema_var){.name = strdup(name)};
    pv->defined[pv->n] = VAR_UNDEFINED;
    pv->scope[pv->n] = current_scope(s);
    return pv->n++;
}

/* A for loop's own variable, in the loop's scope whatever is outside. */
int sema_var_declare_here(struct sema *s, struct node *var) {
    int i = var_add(s, var->str);
    var->sym = i;
    var->ty = s->pv->vars[i].ty;
    return i;
}

int sema_var_declare(struct sema *s, struct node *var) {
    int i = sema_var_find(s, var->str);
    if (i < 0)
        i = var_add(s, var->str);
    var->sym = i;
    var->ty = s->pv->vars[i].ty;
    return i;
}

/* A declared array of pointers (let $x: struct Foo *[2]) holds the
 * assigned one's pointers, whichever memory they point into (and a record
 * known only by its tag there is the one declared). */
static bool same_but_space(const struct type *decl, const struct type *t) {
    if (decl->kind == T_ARRAY && t->kind == T_ARRAY)
        return decl->nelems == t->nelems && same_but_space(decl->elem, t->elem);
    if (decl->is_ptr && t->is_ptr && decl->pointee && t->pointee &&
        decl->pointee->kind == T_RECORD && t->pointee->kind == T_RECORD)
        return decl->pointee->tag && t->pointee->tag &&
               !strcmp(decl->pointee->tag, t->pointee->tag);
    if (decl->is_ptr && t->is_ptr)
        return type_equal(decl->pointee, t->pointee);
    return type_equal(decl, t);
}

int sema_var_assign(struct sema *s, struct node *var, const struct type *ty,
                    const struct node *value, const struct loc *err_loc) {
    int i = sema_var_declare(s, var);
    struct sema_var *v = &s->pv->vars[i];
    if (!value || !sema_is_int_literal(value))
        v->nonliteral = true;
    const struct type *st = sema_storage_type(s, ty);
    if (st && s->pv->typed[i] && v->ty && !sema_typed_int_assign(s, var, v->ty, value, ty, err_loc))
        st = NULL; /* reported: the variable keeps its type */
    if (st && s->pv->typed[i] && sema_is_int(st) && sema_is_int(v->ty)) {
        /* an integer converts to the declared integer type; a declared
         * pointer reads the memory the assigned one points into */
        st = v->ty->is_ptr && st->is_ptr && st->addr != v->ty->addr
                 ? type_ptr_to(s->types, v->ty->pointee, st->addr)
                 : v->ty;
        v->ty = st;
    } else if (st && s->pv->typed[i] && v->ty && st->kind == T_ARRAY && same_but_space(v->ty, st)) {
        v->ty = st;
    }
    if (st) {
        const struct type *u = v->ty ? sema_unify(s, v->ty, st) : st;
        if (!u)
            sema_error(s, err_loc, E_TYPE,
                       "Type mismatch for %s: trying to assign value of type '%s' when variable "
                       "already has a type '%s'",
                       var->str, sema_tname(ty),
                       sema_tname(v->int_ty && v->ty->kind == T_INT ? v->int_ty : v->ty));
        else
            v->ty = u;
    }
    if (ty && ty->kind == T_INT && !ty->is_ptr)
        v->int_ty = s->pv->typed[i] ? v->ty
                                    : sema_int_join(v->int_ty, &v->int_lit, ty,
                                                    value && sema_nonneg_literal(value));
    if (!s->pv->typed[i])
        v->ty = sema_signed_storage(v->ty, v->int_ty);
    s->pv->defined[i] = VAR_ASSIGNED;
    v->assigned = true;
    var->ty = v->ty;
    return i;
}

void sema_var_widen(struct sema *s, const struct node *var) {
    if (var->kind != N_VAR || var->sym < 0 || var->sym >= s->pv->n)
        return;
    struct sema_var *v = &s->pv->vars[var->sym];
    if (v->int_ty && !s->pv->typed[var->sym])
        v->int_ty = sema_int_upcast(v->int_ty, &type_s64);
}
