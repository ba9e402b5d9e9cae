/* Typed memory references for the code generator (cg_typed.c). */
#ifndef TRAWK_CG_TYPED_H
#define TRAWK_CG_TYPED_H

#include "codegen/cg.h"

enum mem_space {
    MS_FRAME,  /* the program's own frame: cg->fp + off */
    MS_CTX,    /* the probe's context (a tracepoint record): direct loads */
    MS_KERNEL, /* bpf_probe_read_kernel */
    MS_USER,   /* bpf_probe_read_user */
};

/* Where a value of some C type lives: reg + off (fp + off in the frame). */
struct mref {
    enum mem_space space;
    int reg; /* pool register holding the base address; -1 in the frame */
    int32_t off;
    const struct type_field *field; /* a bitfield or __data_loc field, else NULL */
};

/* Whether n is a field, element or dereference of typed memory, or args. */
bool cg_is_typed_ref(const struct node *n);
void cg_mref(struct cg *cg, struct node *n, struct mref *r);
void cg_mref_release(struct cg *cg, struct mref *r);
/* Reads the integer (or pointer, bool, bitfield) of type ty at r. */
struct val cg_mref_int(struct cg *cg, struct mref *r, const struct type *ty, const struct loc *loc);
/* Copies a record, array or string of type from at r into fp + dst (size
 * bytes: truncated, zero-padded, strings NUL-terminated). */
void cg_mref_copy(struct cg *cg, struct mref *r, const struct type *from, int dst, int size);
struct val cg_mref_address(struct cg *cg, struct mref *r, const struct loc *loc);
/* The memory the pointer (or address) value ptr points at. */
void cg_mref_through(struct cg *cg, struct node *ptr, struct mref *r);

/* How far ptr + 1 moves: the pointee's size (1 for void * and integers). */
int cg_ptr_step(struct cg *cg, const struct type *t);

/* The integer value of a typed reference, or of &ref. */
struct val cg_typed_int(struct cg *cg, struct node *n);
/* The memory of typed reference n read as an integer of type ty. */
struct val cg_typed_int_as(struct cg *cg, struct node *n, const struct type *ty);
/* Stores a typed reference's record/array/string value at fp + off. */
void cg_typed_store(struct cg *cg, struct node *n, int off, int size);

#endif
