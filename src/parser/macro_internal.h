/* Shared by macro_registry.c and macro_expand.c. */
#ifndef TRAWK_MACRO_INTERNAL_H
#define TRAWK_MACRO_INTERNAL_H

#include "parser/macro.h"

/* The valid macro definitions of a program, in source order. */
struct macro_registry {
    struct node **macros;
    int n;
};

/* Collects program's definitions, reporting duplicated parameters and
 * redefinitions (which are left out). */
void macro_registry_init(struct macro_registry *r, struct node *program, struct diag *d);
void macro_registry_free(struct macro_registry *r);
bool macro_registry_has(const struct macro_registry *r, const char *name);

/* The definition of name whose parameters accept args (a list), or NULL.
 * When name has definitions but none accepts args, reports why at call
 * (whose location is the call's) through d, unless d is NULL. */
const struct node *macro_lookup(const struct macro_registry *r, const char *name,
                                const struct node *args, const struct node *call, struct diag *d);

#endif
