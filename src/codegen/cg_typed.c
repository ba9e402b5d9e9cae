/* Typed memory: struct fields, array elements and dereferences, in the
 * program's frame, in the probe's context (tracepoint records) or in kernel
 * and user memory. An expression such as a->b->c is described by a memory
 * reference (struct mref: address space, base register, offset) that each
 * step refines; crossing a pointer loads it, one probe read per step, and
 * only the last step reads the value itself. */
#include "codegen/cg_typed.h"

#include "ctypes/ctypes.h"
#include "providers/provider.h"

static const struct type *complete(struct cg *cg, const struct type *t) {
    if (t && t->kind == T_RECORD && t->incomplete) {
        const struct type *full = ctypes_complete(cg->sema->ct, t);
        return full ? full : t;
    }
    return t;
}

int cg_ptr_step(struct cg *cg, const struct type *t) {
    if (!t || !t->is_ptr || !t->pointee)
        return 1;
    const struct type *to = complete(cg, t->pointee);
    return to->size ? (int)to->size : 1;
}

static bool is_args(const struct node *n) {
    return n->kind == N_IDENT && n->sym == B_ARGS;
}

bool cg_is_typed_ref(const struct node *n) {
    const struct type *a = n->a ? n->a->ty : NULL;
    switch (n->kind) {
    case N_IDENT:
        return is_args(n);
    case N_FIELD:
        return a && (a->kind == T_RECORD || a->is_ptr);
    case N_INDEX:
        return a && (a->kind == T_ARRAY || a->kind == T_STRING || a->is_ptr);
    case N_UNOP:
        return n->op == OP_DEREF;
    default:
        return false;
    }
}

void cg_mref_through(struct cg *cg, struct node *ptr, struct mref *r) {
    struct val v = cg_int(cg, ptr);
    r->reg = cg_val_reg(cg, &v, &ptr->loc);
    r->space = ptr->ty->addr == AS_USER ? MS_USER : MS_KERNEL;
    r->off = 0;
    r->field = NULL;
}

/* A record or array value: where it already is, or built in the frame. */
static void value_ref(struct cg *cg, struct node *n, struct mref *r) {
    if (cg_is_typed_ref(n)) {
        cg_mref(cg, n, r);
        return;
    }
    r->space = MS_FRAME;
    r->reg = -1;
    r->off = cg_mem_value(cg, n);
    r->field = NULL;
}

static void args_ref(struct cg *cg, struct node *n, struct mref *r) {
    r->reg = cg_reg_alloc(cg, &n->loc);
    r->space = cg->unit->prov->emit_args(cg, r->reg) == ARGS_CTX ? MS_CTX : MS_KERNEL;
    r->off = 0;
    r->field = NULL;
}

/* The record a field is looked up in: args differ per target. */
static const struct type *field_record(struct cg *cg, struct node *base) {
    if (is_args(base) && cg->target)
        return cg->unit->prov->args_type(cg->target, cg->sema->ct, cg->sema->types);
    const struct type *t = base->ty;
    return complete(cg, t->is_ptr ? t->pointee : t);
}

static void field_ref(struct cg *cg, struct node *n, struct mref *r) {
    struct node *base = n->a;
    if (base->ty->is_ptr)
        cg_mref_through(cg, base, r);
    else
        value_ref(cg, base, r);
    uint32_t off = 0;
    const struct type_field *f = type_field_find(field_record(cg, base), n->str, &off);
    if (!f) {
        cg_error(cg, &n->loc, E_UNKNOWN_FIELD, "Can't find field %s for this probe", n->str);
        return;
    }
    r->off += (int32_t)off;
    r->field = f->bit_size || f->data_loc ? f : NULL;
}

/* base + index * size, in the base register (a variable index). An index
 * of n (an element of a C array of bound elements) past the array warns
 * at run time, as in bpftrace, and the read goes on. */
static void add_scaled(struct cg *cg, struct mref *r, struct node *n, uint32_t size,
                       uint32_t bound) {
    struct node *index = n->b;
    struct val i = cg_int(cg, index);
    int reg = cg_val_reg(cg, &i, &index->loc);
    if (bound) {
        int ok = emit_label(&cg->e);
        emit_jump(&cg->e, JMP_IMM(BPF_JLT, reg, (int32_t)bound, 0), ok);
        cg_runtime_warning(cg, &n->loc,
                           "Array access out of bounds. This can lead to unexpected results.");
        emit_place(&cg->e, ok);
    }
    if (size != 1)
        emit(&cg->e, ALU64_IMM(BPF_MUL, reg, (int32_t)size));
    emit(&cg->e, ALU64_REG(BPF_ADD, r->reg, reg));
    cg_val_free(cg, &i);
}

/* $s[$i] of a string in the frame: the index is clamped to the string's
 * last byte (its NUL, as strings are NUL-padded there), so that the
 * verifier sees the access inside the slot; loads go through a register. */
static void frame_string_index(struct cg *cg, struct mref *r, struct node *index, uint32_t size) {
    struct val i = cg_int(cg, index);
    int reg = cg_val_reg(cg, &i, &index->loc);
    int ok = emit_label(&cg->e);
    emit_jump(&cg->e, JMP_IMM(BPF_JLT, reg, (int32_t)size, 0), ok);
    emit(&cg->e, MOV64_IMM(reg, (int32_t)size - 1));
    emit_place(&cg->e, ok);
    emit(&cg->e, ALU64_REG(BPF_ADD, reg, cg->fp));
    r->reg = reg;
    r->space = MS_CTX; /* a pointer the program may load through directly */
}

static void index_ref(struct cg *cg, struct node *n, struct mref *r) {
    const struct type *t = n->a->ty;
    const struct type *elem = t->kind == T_ARRAY    ? t->elem
                              : t->kind == T_STRING ? &type_s8
                                                    : complete(cg, t->pointee);
    if (t->is_ptr)
        cg_mref_through(cg, n->a, r);
    else
        value_ref(cg, n->a, r);
    int64_t idx;
    if (sema_const_int(n->b, &idx)) {
        r->off += (int32_t)(idx * (int64_t)elem->size);
        return;
    }
    if (r->space == MS_FRAME && t->kind == T_STRING) {
        frame_string_index(cg, r, n->b, t->size);
        return;
    }
    if (r->space == MS_FRAME) {
        cg_error(cg, &n->b->loc, E_UNSUPPORTED,
                 "indexing an array held by the program needs a constant index");
        return;
    }
    /* a context pointer with a variable offset may only go to helpers:
     * read it as kernel memory from then on */
    if (r->space == MS_CTX)
        r->space = MS_KERNEL;
    add_scaled(cg, r, n, elem->size, t->kind == T_ARRAY ? t->nelems : 0);
}

void cg_mref(struct cg *cg, struct node *n, struct mref *r) {
    struct loc outer = cg->e.loc;
    cg->e.loc = n->loc;
    r->reg = -1;
    r->field = NULL;
    r->off = 0;
    r->space = MS_FRAME;
    if (is_args(n))
        args_ref(cg, n, r);
    else if (n->kind == N_FIELD)
        field_ref(cg, n, r);
    else if (n->kind == N_INDEX)
        index_ref(cg, n, r);
    else if (n->kind == N_UNOP && n->op == OP_DEREF)
        cg_mref_through(cg, n->a, r);
    else
        cg_error(cg, &n->loc, E_UNSUPPORTED, "this expression has no address");
    cg->e.loc = outer;
}

void cg_mref_release(struct cg *cg, struct mref *r) {
    if (r->reg >= 0)
        cg_reg_free(cg, r->reg);
    r->reg = -1;
}

/* bpf_probe_read_{kernel,user}(fp + dst, size, reg + off) */
static void probe_read(struct cg *cg, const struct mref *r, int dst, int size, bool str) {
    emit(&cg->e, MOV64_REG(R3, r->reg));
    if (r->off)
        emit(&cg->e, ALU64_IMM(BPF_ADD, R3, r->off));
    cg_stack_ptr(cg, R1, dst);
    emit(&cg->e, MOV64_IMM(R2, size));
    bool user = r->space == MS_USER;
    int helper = str ? (user ? BPF_FUNC_probe_read_user_str : BPF_FUNC_probe_read_kernel_str)
                     : (user ? BPF_FUNC_probe_read_user : BPF_FUNC_probe_read_kernel);
    emit(&cg->e, CALL_HELPER(helper));
    cg_helper_check(cg, helper);
}

/* bpftrace reads a char[n] whole: when the string read above filled the
 * buffer (no NUL before its last byte), that byte is the array's own. */
static void full_array_last(struct cg *cg, const struct mref *r, int dst, int n) {
    int done = emit_label(&cg->e);
    emit_jump(&cg->e, JMP_IMM(BPF_JNE, R0, n, 0), done);
    struct mref last = *r;
    last.off += n - 1;
    probe_read(cg, &last, dst + n - 1, 1, false);
    emit_place(&cg->e, done);
}

/* Bytes holding a bitfield, as one load of 1, 2, 4 or 8 bytes. */
static int bitfield_width(const struct type_field *f) {
    int bits = f->bit_offset + f->bit_size;
    return bits <= 8 ? 1 : bits <= 16 ? 2 : bits <= 32 ? 4 : 8;
}

/* bpftrace masks bitfields without sign-extending them, even signed ones. */
static void extract_bits(struct cg *cg, int reg, const struct type_field *f) {
    int top = 64 - f->bit_offset - f->bit_size;
    if (top)
        emit(&cg->e, ALU64_IMM(BPF_LSH, reg, top));
    emit(&cg->e, ALU64_IMM(BPF_RSH, reg, 64 - f->bit_size));
}

struct val cg_mref_int(struct cg *cg, struct mref *r, const struct type *ty,
                       const struct loc *loc) {
    const struct type_field *bits = r->field && r->field->bit_size ? r->field : NULL;
    const struct type *load = bits ? type_int((uint32_t)bitfield_width(bits), false) : ty;
    int reg = r->reg >= 0 ? r->reg : cg_reg_alloc(cg, loc);
    r->reg = -1; /* the value takes over the base register */
    switch (r->space) {
    case MS_FRAME:
        cg_load(cg, reg, cg->fp, r->off, load);
        break;
    case MS_CTX:
        cg_load(cg, reg, reg, r->off, load);
        /* an iterator's context pointers are NULL on its last call */
        if (ty->is_ptr && cg->unit->prov->ctx_is_args)
            emit_jump(&cg->e, JMP_IMM(BPF_JEQ, reg, 0, 0), cg->exit_label);
        break;
    default: {
        int mark = cg_frame_mark(cg);
        int slot = cg_frame_alloc(cg, 8);
        struct mref at = *r;
        at.reg = reg;
        probe_read(cg, &at, slot, (int)load->size, false);
        cg_load(cg, reg, cg->fp, slot, load);
        cg_frame_release(cg, mark);
        break;
    }
    }
    if (bits)
        extract_bits(cg, reg, bits);
    return (struct val){.kind = V_REG, .reg = reg};
}

/* A __data_loc string: the field's low 16 bits give the string's offset
 * from the record's start. */
static void data_loc_string(struct cg *cg, const struct mref *r, int dst, int size) {
    if (cg->zero_fill)
        cg_zero(cg, dst, size); /* the helper stops at the NUL */
    emit(&cg->e, LDX_MEM(BPF_W, R1, r->reg, r->off));
    emit(&cg->e, ALU64_IMM(BPF_AND, R1, 0xffff));
    emit(&cg->e, MOV64_REG(R3, r->reg));
    emit(&cg->e, ALU64_REG(BPF_ADD, R3, R1));
    int record = r->off - (int)r->field->offset;
    if (record)
        emit(&cg->e, ALU64_IMM(BPF_ADD, R3, record));
    cg_stack_ptr(cg, R1, dst);
    emit(&cg->e, MOV64_IMM(R2, size));
    emit(&cg->e, CALL_HELPER(BPF_FUNC_probe_read_kernel_str));
}

void cg_mref_copy(struct cg *cg, struct mref *r, const struct type *from, int dst, int size) {
    if (r->field && r->field->data_loc) {
        data_loc_string(cg, r, dst, size);
        return;
    }
    int n = (int)from->size < size ? (int)from->size : size;
    bool str = from->kind == T_STRING;
    if (r->space == MS_FRAME) {
        cg_copy_stack(cg, dst, r->off, n);
    } else if (str) {
        /* char arrays stop at their NUL: the rest must not reach map keys */
        if (cg->zero_fill)
            cg_zero(cg, dst, size);
        probe_read(cg, r, dst, n, true);
        full_array_last(cg, r, dst, n);
        return;
    } else {
        probe_read(cg, r, dst, n, false);
    }
    if (size > n)
        cg_zero(cg, dst + n, size - n);
    else if (str)
        emit(&cg->e, ST_MEM(BPF_B, cg->fp, dst + size - 1, 0));
}

struct val cg_mref_address(struct cg *cg, struct mref *r, const struct loc *loc) {
    if (r->space == MS_FRAME || r->space == MS_CTX) {
        cg_error(cg, loc, E_UNSUPPORTED, "this value has no address in kernel or user memory");
        return (struct val){.kind = V_IMM};
    }
    int reg = r->reg;
    r->reg = -1;
    if (r->off)
        emit(&cg->e, ALU64_IMM(BPF_ADD, reg, r->off));
    return (struct val){.kind = V_REG, .reg = reg};
}

/* Frame slots taken on the way (values built to be read from) are
 * released once the result is in a register or in its destination. */
struct val cg_typed_int_as(struct cg *cg, struct node *n, const struct type *ty) {
    int mark = cg_frame_mark(cg);
    struct mref r;
    cg_mref(cg, n, &r);
    struct val v = cg_mref_int(cg, &r, ty, &n->loc);
    cg_mref_release(cg, &r);
    cg_frame_release(cg, mark);
    return v;
}

struct val cg_typed_int(struct cg *cg, struct node *n) {
    int mark = cg_frame_mark(cg);
    struct mref r;
    struct val v;
    if (n->kind == N_UNOP && n->op == OP_ADDROF && n->a->kind == N_VAR) {
        /* &$x: the variable's slot, on the stack or in the frame */
        int reg = cg_reg_alloc(cg, &n->loc);
        emit(&cg->e, MOV64_REG(reg, cg_var_base(cg, n->a->sym)));
        emit(&cg->e, ALU64_IMM(BPF_ADD, reg, cg->var_slot[n->a->sym]));
        return (struct val){.kind = V_REG, .reg = reg};
    }
    if (n->kind == N_UNOP && n->op == OP_ADDROF) {
        cg_mref(cg, n->a, &r);
        v = cg_mref_address(cg, &r, &n->loc);
    } else {
        cg_mref(cg, n, &r);
        v = cg_mref_int(cg, &r, n->ty, &n->loc);
    }
    cg_mref_release(cg, &r);
    cg_frame_release(cg, mark);
    return v;
}

void cg_typed_store(struct cg *cg, struct node *n, int off, int size) {
    int mark = cg_frame_mark(cg);
    struct mref r;
    cg_mref(cg, n, &r);
    cg_mref_copy(cg, &r, n->ty, off, size);
    cg_mref_release(cg, &r);
    cg_frame_release(cg, mark);
}
