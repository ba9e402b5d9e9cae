/* Expanding one attach point in a unit test: the providers' result and
 * what they reported, captured. */
#ifndef TRAWK_TEST_EXPANSION_H
#define TRAWK_TEST_EXPANSION_H

#include <stdio.h>
#include <stdlib.h>

#include "providers/provider.h"

struct expansion {
    struct diag d;
    char *errbuf;
    size_t errlen;
    FILE *err;
    const struct provider *prov;
    struct attach_target *targets;
    int ntargets;
    int rc;
};

static const struct loc ap_loc = {1, 1, 1, 20};

static inline struct expansion *expand(const char *text) {
    struct expansion *x = calloc(1, sizeof(*x));
    x->err = open_memstream(&x->errbuf, &x->errlen);
    diag_init(&x->d, "stdin", text, x->err);
    x->rc = provider_expand(text, &ap_loc, &x->d, &x->prov, &x->targets, &x->ntargets);
    fflush(x->err);
    return x;
}

static inline void expansion_free(struct expansion *x) {
    for (int i = 0; i < x->ntargets; i++)
        attach_target_free(&x->targets[i]);
    free(x->targets);
    fclose(x->err);
    free(x->errbuf);
    free(x);
}

#endif
