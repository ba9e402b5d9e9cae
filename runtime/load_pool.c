/* Programs loaded on several CPUs at once. The kernel verifies and JITs a
 * program on the thread that loads it, and the programs of a manifest are
 * independent until the chain's prog array joins them (after loading), so
 * a long block's chain of 34 programs (src/codegen/cg_chain.c) loads in
 * about half the time on two CPUs. A program that fails here is loaded
 * again by the serial pass, which explains the failure. */
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "rt_internal.h"

/* Fewer programs than this load serially: threads cost more than they save. */
#define POOL_MIN_PROGS 4
#define POOL_MAX_THREADS 4

struct pool {
    struct rt_state *st;
    atomic_int next;
};

static void *load_some(void *arg) {
    struct pool *pool = arg;
    const struct manifest *m = pool->st->m;
    for (int i; (i = atomic_fetch_add(&pool->next, 1)) < m->nprogs;)
        pool->st->progs[i].fd = rt_load_quiet(m, &m->progs[i]);
    return NULL;
}

void rt_load_pool(struct rt_state *st) {
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    int n = cpus < POOL_MAX_THREADS ? (int)cpus : POOL_MAX_THREADS;
    if (st->m->nprogs < POOL_MIN_PROGS || n < 2)
        return;
    /* what the load attributes ask the kernel once, asked before the threads */
    for (int i = 0; i < st->m->nprogs; i++)
        rt_load_attach_type(&st->m->progs[i].attrs);
    struct pool pool = {.st = st};
    pthread_t threads[POOL_MAX_THREADS];
    int started = 0;
    while (started < n - 1 && pthread_create(&threads[started], NULL, load_some, &pool) == 0)
        started++;
    load_some(&pool);
    for (int i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
}
