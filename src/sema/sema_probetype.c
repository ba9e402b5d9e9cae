/* probetype: the kind of the probe the block runs in, as text known while
 * compiling ("tracepoint", "interval", ...; bpftrace calls begin, end,
 * self, bench and test probes "special"). */
#include <string.h>

#include "sema/sema_impl.h"

static const char *probetype_name(const struct provider *p) {
    static const char *const special[] = {"begin", "end", "self", "bench", "test"};
    for (size_t i = 0; i < sizeof(special) / sizeof(special[0]); i++)
        if (strcmp(p->name, special[i]) == 0)
            return "special";
    return p->name;
}

const struct type *sema_probetype(struct sema *s, struct node *n) {
    if (s->unit_count < 1)
        return NULL;
    const char *name = probetype_name(s->out->units[s->unit_first].prov);
    for (int i = 1; i < s->unit_count; i++)
        if (strcmp(probetype_name(s->out->units[s->unit_first + i].prov), name) != 0) {
            sema_error(s, &n->loc, E_UNSUPPORTED,
                       "probetype in a block attached to probes of several types is not "
                       "supported yet");
            return NULL;
        }
    ast_become_int(n, 0);
    n->kind = N_STRING;
    n->str = strdup(name);
    n->len = strlen(name);
    return sema_expr(s, n);
}
