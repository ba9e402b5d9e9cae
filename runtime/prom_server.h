/* --prometheus HOST:PORT: serves the script's maps at /metrics for a
 * Prometheus server to scrape (runtime/output/prom.c formats them), from a
 * thread of libmicrohttpd's while tracing goes on. */
#ifndef TRAWK_PROM_SERVER_H
#define TRAWK_PROM_SERVER_H

#include <stdbool.h>

#include "diag.h"
#include "manifest.h"

/* Parses "HOST:PORT" ("[::1]:PORT" for IPv6) and starts serving m's maps
 * there. Returns 0, or -1 after reporting the error through d. */
int rt_prom_start(const char *addr, const struct manifest *m, struct diag *d);
void rt_prom_stop(void);

/* Output that reads maps or symbolizes (events, the dump at exit) holds
 * this lock while the server may be rendering; no-ops when it is not
 * running. */
void rt_prom_lock(void);
void rt_prom_unlock(void);

#endif
