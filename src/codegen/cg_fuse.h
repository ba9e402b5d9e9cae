/* Fused maps: aggregations always written together under one key in one
 * probe block share one per-CPU hash whose value is their values in turn,
 * so that one lookup (and at most one insert) serves them all. Each still
 * prints as a map of its own (struct map_desc.fused). */
#ifndef TRAWK_CG_FUSE_H
#define TRAWK_CG_FUSE_H

#include <stdbool.h>
#include <stdint.h>

#include "codegen/cg.h"

struct cg_fuse_group {
    const struct node *probe; /* the N_PROBE whose block writes the members */
    const struct node *first; /* the first member's N_ASSIGN */
    int map;                  /* the fused map's manifest index (cg_fuse_layout) */
    int ptr_slot, err_slot;   /* real stack slots, per generation of the block */
};

struct cg_fuse {
    int *group;    /* per sema map: its group, -1 when not fused */
    uint32_t *off; /* per sema map: where its value starts in the group's */
    struct cg_fuse_group *groups;
    int ngroups;
};

/* fuse_plan.c: which maps to fuse; the conditions are listed there.
 * Returns 0, -1 when out of memory. */
int cg_fuse_plan(const struct node *program, const struct sema_out *s, struct cg_fuse *out);
void cg_fuse_free(struct cg_fuse *f);

/* cg_fuse.c: adds the fused maps to the manifest and points the members
 * at them (after the user maps are laid out). Returns 0 or -1. */
int cg_fuse_layout(struct cg *cg);
/* At the start of a probe block: the slots its groups need. */
void cg_fuse_block(struct cg *cg, const struct node *probe);
/* @m[k] = agg(...) of a fused member: generates it and returns true;
 * false for any other map. */
bool cg_fuse_update(struct cg *cg, struct node *map, struct node *call);

#endif
