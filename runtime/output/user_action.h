/* system(), cat(), errorf() and warnf(): what user space does with their
 * records. */
#ifndef TRAWK_USER_ACTION_H
#define TRAWK_USER_ACTION_H

#include <stdint.h>

#include "manifest.h"

struct out_sink;

/* Runs the command and sends what it prints to o as one message. */
void out_system(const struct out_sink *o, const struct manifest *m, const struct event_desc *ev,
                const uint8_t *rec, uint32_t size);
/* Sends the file's first ev->top bytes (all for 0) to o as one message. */
void out_cat(const struct out_sink *o, const struct manifest *m, const struct event_desc *ev,
             const uint8_t *rec, uint32_t size);
/* errorf/warnf: the located message, formatted, on stderr. */
void out_diagf(const struct out_sink *o, const struct manifest *m, const struct event_desc *ev,
               const uint8_t *rec, uint32_t size);

#endif
