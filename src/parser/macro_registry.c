/* Macro definitions: which one a call means, and why none does. */
#include <stdlib.h>
#include <string.h>

#include "parser/macro_internal.h"

static bool is_map_arg(const struct node *n) {
    return n->kind == N_MAP && !n->a;
}

/* How far args are from the parameters: a different count dominates, then
 * one point per argument of the wrong kind; 0 is a match. */
static size_t distance(const struct node *macro, const struct node *args) {
    size_t nparams = ast_list_len(macro->a), nargs = ast_list_len(args);
    size_t d = 1024 * (nparams > nargs ? nparams - nargs : nargs - nparams);
    for (const struct node *p = macro->a, *a = args; p && a; p = p->next, a = a->next)
        if ((p->kind == N_MAP && !is_map_arg(a)) || (p->kind == N_VAR && a->kind != N_VAR))
            d++;
    return d;
}

static void report_mismatch(const struct node *macro, const struct node *args, struct diag *d) {
    size_t nparams = ast_list_len(macro->a), nargs = ast_list_len(args);
    if (nparams != nargs) {
        diag_error(d, &macro->loc, E_ARGS,
                   "The closest definition of %s() has a different number of arguments. "
                   "Expected: %zu but got %zu",
                   macro->str, nparams, nargs);
        return;
    }
    for (const struct node *p = macro->a, *a = args; p && a; p = p->next, a = a->next) {
        const char *want = p->kind == N_MAP ? "a map" : "a variable";
        const char *got = a->kind == N_VAR ? "a variable"
                          : is_map_arg(a)  ? "a map"
                                           : "an expression";
        if ((p->kind == N_MAP && is_map_arg(a)) || (p->kind == N_VAR && a->kind == N_VAR) ||
            p->kind == N_IDENT)
            continue;
        diag_error(d, &a->loc, E_ARGS, "Mismatched arg. %s() expects %s for arg %s but got %s.",
                   macro->str, want, p->str, got);
        diag_error(d, &p->loc, E_ARGS, "This is the argument in the closest definition.");
    }
}

const struct node *macro_lookup(const struct macro_registry *r, const char *name,
                                const struct node *args, const struct node *call, struct diag *d) {
    const struct node *closest = NULL;
    size_t best = (size_t)-1;
    for (int i = 0; i < r->n; i++) {
        if (strcmp(r->macros[i]->str, name) != 0)
            continue;
        size_t dist = distance(r->macros[i], args);
        if (dist == 0)
            return r->macros[i];
        if (dist < best) {
            best = dist;
            closest = r->macros[i];
        }
    }
    if (closest && d) {
        diag_error(d, &call->loc, E_ARGS,
                   "Call to %s() has arguments that do not match any definition.", name);
        report_mismatch(closest, args, d);
    }
    return NULL;
}

bool macro_registry_has(const struct macro_registry *r, const char *name) {
    for (int i = 0; i < r->n; i++)
        if (strcmp(r->macros[i]->str, name) == 0)
            return true;
    return false;
}

/* Each parameter name once per kind ($a and a may both appear). */
static bool params_valid(const struct node *macro, struct diag *d) {
    static const char *const what[] = {[N_VAR] = "Variable", [N_MAP] = "Map", [N_IDENT] = "Ident"};
    for (const struct node *p = macro->a; p; p = p->next)
        for (const struct node *q = macro->a; q != p; q = q->next)
            if (q->kind == p->kind && strcmp(q->str, p->str) == 0) {
                diag_error(d, &p->loc, E_ARGS, "%s for macro argument has already been used: %s",
                           what[p->kind], p->str);
                return false;
            }
    return true;
}

void macro_registry_init(struct macro_registry *r, struct node *program, struct diag *d) {
    r->n = 0;
    r->macros = calloc(ast_list_len(program->d) + 1, sizeof(*r->macros));
    if (!r->macros)
        abort();
    for (struct node *m = program->d; m; m = m->next) {
        if (m->kind != N_MACRO)
            continue;
        const struct node *orig = macro_lookup(r, m->str, m->a, m, NULL);
        if (orig) {
            diag_error(d, &m->loc, E_SYNTAX, "Redefinition of macro: %s", m->str);
            diag_error(d, &orig->loc, E_SYNTAX, "This is the original definition.");
            continue;
        }
        if (params_valid(m, d))
            r->macros[r->n++] = m;
    }
}

void macro_registry_free(struct macro_registry *r) {
    free(r->macros);
    r->macros = NULL;
    r->n = 0;
}
