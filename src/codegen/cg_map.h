/* Map helpers shared by map access and aggregations. */
#ifndef TRAWK_CG_MAP_H
#define TRAWK_CG_MAP_H

#include "codegen/cg.h"

int cg_map_index(struct cg *cg, const struct node *map);
int cg_map_user_key_size(const struct map_desc *md);
/* r0 = bpf_map_lookup_elem(map, r10 + key_off) */
void cg_call_lookup(struct cg *cg, int map, int key_off);
/* bpf_map_update_elem(map, r10 + key_off, r10 + val_off, BPF_ANY) */
void cg_call_update(struct cg *cg, int map, int key_off, int val_off);
/* The same without the full-map check: r0 is the helper's result. */
void cg_call_update_raw(struct cg *cg, int map, int key_off, int val_off);

/* cg_agg.c */
bool cg_agg_call(const struct node *call);
void cg_agg_update(struct cg *cg, struct node *map, struct node *call);
/* An aggregation's argument: count's 1, sum's small constant as an
 * immediate, any other value in a register. */
struct val cg_agg_arg(struct cg *cg, struct node *call);
/* count, sum, min, max, avg, stats of v into the value at ptr + off, which
 * exists (ptr non-NULL); min and max may jump to done. */
void cg_agg_in_place(struct cg *cg, const struct node *call, bool sign, int ptr, int off,
                     const struct val *v, int done);
/* @m[k] = tseries(v, interval, num[, fn]) (cg_tseries.c). */
void cg_tseries_update(struct cg *cg, struct node *map, struct node *call);
/* The value of @m[k] for an aggregation: its per-CPU values combined. */
struct val cg_agg_read(struct cg *cg, struct node *map);
/* The same for the key already at fp + key, of manifest map index map. */
struct val cg_agg_combine(struct cg *cg, int map, int key, const struct loc *loc);

#endif
