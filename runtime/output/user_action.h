/* system() and cat(): what user space does with their records. */
#ifndef TRAWK_USER_ACTION_H
#define TRAWK_USER_ACTION_H

#include <stdint.h>
#include <stdio.h>

#include "manifest.h"

void out_system(FILE *out, const struct manifest *m, const struct event_desc *ev,
                const uint8_t *rec, uint32_t size);
void out_cat(FILE *out, const struct manifest *m, const struct event_desc *ev, const uint8_t *rec,
             uint32_t size);

#endif
