/* tseries(value, interval, num_intervals[, "avg"|"max"|"min"|"sum"]): the
 * interval and count are literals fixed per map, as in bpftrace. */
#include <string.h>

#include "sema/sema_impl.h"

static const char *const fn_names[] = {
    [TSERIES_AVG] = "avg",
    [TSERIES_MAX] = "max",
    [TSERIES_MIN] = "min",
    [TSERIES_SUM] = "sum",
};

static bool literal(struct sema *s, struct node *call, struct node *a, const char *what,
                    int64_t *v) {
    if (a->kind == N_POSITIONAL)
        sema_positional(s, a);
    sema_expr(s, a);
    if (sema_const_int(a, v))
        return true;
    sema_error(s, &call->loc, E_ARGS, "tseries: invalid %s value (must be non-negative literal)",
               what);
    return false;
}

static bool fn_arg(struct sema *s, struct node *call, struct node *a, enum tseries_fn *fn) {
    *fn = TSERIES_LAST;
    if (!a)
        return true;
    if (!sema_string_literal_arg(s, call, a))
        return false;
    for (int i = TSERIES_AVG; i <= TSERIES_SUM; i++)
        if (strcmp(a->str, fn_names[i]) == 0) {
            *fn = (enum tseries_fn)i;
            return true;
        }
    sema_error(s, &call->loc, E_ARGS,
               "tseries() expects one of the following aggregation functions: avg, max, min, "
               "sum (\"%s\" provided)",
               a->str);
    return false;
}

bool sema_tseries_params(struct sema *s, struct node *call, struct sema_map *m, bool *has_args) {
    struct node *ia = call->a->next, *na = ia->next;
    int64_t interval, num;
    enum tseries_fn fn;
    if (!sema_unstable_use(s, UNSTABLE_TSERIES, &call->loc))
        return false;
    if (!literal(s, call, ia, "interval_ns", &interval) ||
        !literal(s, call, na, "num_intervals", &num))
        return false;
    if (interval <= 0) {
        sema_error(s, &call->loc, E_ARGS, "tseries() interval_ns must be >= 1 (%lld provided)",
                   (long long)interval);
        return false;
    }
    if (num <= 0 || num > 1000000) {
        sema_error(s, &call->loc, E_ARGS, "tseries() num_intervals must be %s (%lld provided)",
                   num <= 0 ? ">= 1" : "< 1000000", (long long)num);
        return false;
    }
    if (!fn_arg(s, call, na->next, &fn))
        return false;
    if (!m)
        return true;
    if (*has_args &&
        (m->ts_interval_ns != (uint64_t)interval || m->ts_num != (uint64_t)num || m->ts_fn != fn)) {
        sema_error(s, &call->loc, E_ARGS, "Different tseries bounds in a single map unsupported");
        return false;
    }
    m->ts_interval_ns = (uint64_t)interval;
    m->ts_num = (uint64_t)num;
    m->ts_fn = fn;
    *has_args = true;
    return true;
}
