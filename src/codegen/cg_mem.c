/* Values that live in memory (strings and tuples), and storing any value
 * into a stack slot of a given type: map keys and values, event records and
 * variables are all built this way, in place, without extra copies. */
#include <string.h>

#include "codegen/cg.h"
#include "codegen/cg_typed.h"

bool cg_is_mem_type(const struct type *ty) {
    return ty &&
           (ty->kind == T_STRING || ty->kind == T_TUPLE || ty->kind == T_RECORD ||
            ty->kind == T_ARRAY || (ty->kind == T_TEXT && ty->text == TEXT_INET) ||
            ty->kind == T_STACK || ty->kind == T_KSYM || ty->kind == T_USYM || ty->kind == T_BUF);
}

void cg_copy_stack(struct cg *cg, int dst, int src, int size) {
    for (int i = 0; i < size;) {
        int w = cg_access_width(dst + i, src + i, size - i);
        emit(&cg->e, LDX_MEM(cg_size_code(w), R1, cg->fp, src + i));
        emit(&cg->e, STX_MEM(cg_size_code(w), cg->fp, R1, dst + i));
        i += w;
    }
}

/* A string literal, NUL-padded to size, four bytes per instruction. */
/* A string literal: its bytes and NUL, up to four per aligned store (a
 * string inside a tuple may start at any offset), then zeros to size,
 * eight bytes at a time. */
static void store_literal(struct cg *cg, const struct node *n, int off, int size) {
    int text = (int)n->len + 1 < size ? (int)n->len + 1 : size;
    int i = 0;
    while (i < text) {
        int w = cg_access_width(off + i, 0, size - i);
        if (w > 4)
            w = 4; /* a store's immediate has 32 bits */
        uint8_t chunk[4] = {0};
        for (int j = 0; j < w; j++)
            chunk[j] = (size_t)(i + j) < n->len && i + j < size - 1 ? (uint8_t)n->str[i + j] : 0;
        uint32_t word = 0;
        memcpy(&word, chunk, (size_t)w);
        emit(&cg->e, ST_MEM(cg_size_code(w), cg->fp, off + i, (int32_t)word));
        i += w;
    }
    cg_zero(cg, off + i, size - i);
}

static void store_int(struct cg *cg, struct node *n, const struct type *ty, int off) {
    int size = cg_valid_width((int)ty->size) ? (int)ty->size : 8;
    struct val v = cg_int(cg, n);
    if (v.kind == V_IMM && v.imm >= INT32_MIN && v.imm <= INT32_MAX) {
        emit(&cg->e, ST_MEM(cg_size_code(size), cg->fp, off, (int32_t)v.imm));
        return;
    }
    int reg = cg_val_reg(cg, &v, &n->loc);
    emit(&cg->e, STX_MEM(cg_size_code(size), cg->fp, reg, off));
    cg_val_free(cg, &v);
}

/* Zeros the padding between the fields of ty and after the last one. */
static void zero_gaps(struct cg *cg, const struct type *ty, int off) {
    int end = 0;
    for (int i = 0; i < ty->nfields; i++) {
        const struct type_field *f = &ty->fields[i];
        if ((int)f->offset > end)
            cg_zero(cg, off + end, (int)f->offset - end);
        end = (int)(f->offset + f->ty->size);
    }
    if ((int)ty->size > end)
        cg_zero(cg, off + end, (int)ty->size - end);
}

/* Every element store initialises its whole field, so only the padding
 * between fields needs zeros (tuples are hashed as map keys). A record's
 * elements are evaluated in the order written and stored by name: the type
 * may name its fields in another order. */
static void store_tuple(struct cg *cg, struct node *n, const struct type *ty, int off) {
    zero_gaps(cg, ty, off);
    int i = 0;
    for (struct node *el = n->a; el && i < ty->nfields; el = el->next, i++) {
        const struct type_field *f = &ty->fields[i];
        uint32_t named;
        if (n->kind == N_RECORD && (f = type_field_find(ty, el->str, &named)) == NULL)
            continue;
        cg_store_value(cg, n->kind == N_RECORD ? el->a : el, f->ty, off + (int)f->offset);
    }
}

static void store_copy(struct cg *cg, int src, const struct type *from, const struct type *to,
                       int off);

/* $t.1 where the element is a string or a tuple: copied out of the tuple. */
static void store_tuple_element(struct cg *cg, struct node *n, const struct type *ty, int off) {
    int mark = cg_frame_mark(cg);
    int base = cg_mem_value(cg, n->a);
    const struct type_field *f = &n->a->ty->fields[n->sym];
    store_copy(cg, base + (int)f->offset, f->ty, ty, off);
    cg_frame_release(cg, mark);
}

static void store_ternary(struct cg *cg, struct node *n, const struct type *ty, int off) {
    int other = emit_label(&cg->e), done = emit_label(&cg->e);
    cg_cond(cg, n->a, other);
    cg_store_value(cg, n->b, ty, off);
    emit_jump(&cg->e, JA(0), done);
    emit_place(&cg->e, other);
    cg_store_value(cg, n->c, ty, off);
    emit_place(&cg->e, done);
}

/* A tuple copied into one laid out otherwise (its integers upcast in a
 * variable or map that also holds wider ones): element by element. */
static void convert_tuple(struct cg *cg, int src, const struct type *from, const struct type *to,
                          int off) {
    zero_gaps(cg, to, off);
    for (int i = 0; i < to->nfields; i++) {
        const struct type_field *f = &from->fields[i], *t = &to->fields[i];
        if (cg_is_mem_type(t->ty)) {
            store_copy(cg, src + (int)f->offset, f->ty, t->ty, off + (int)t->offset);
            continue;
        }
        cg_load(cg, R1, cg->fp, src + (int)f->offset, f->ty);
        emit(&cg->e, STX_MEM(cg_size_code((int)t->ty->size), cg->fp, R1, off + (int)t->offset));
    }
}

/* Copies a value already in memory, truncating or NUL-padding strings. */
static void store_copy(struct cg *cg, int src, const struct type *from, const struct type *to,
                       int off) {
    if (from->kind == T_TUPLE && to->kind == T_TUPLE && from->nfields == to->nfields &&
        !type_equal(from, to)) {
        convert_tuple(cg, src, from, to, off);
        return;
    }
    int n = from->size < to->size ? (int)from->size : (int)to->size;
    cg_copy_stack(cg, off, src, n);
    if ((int)to->size > n)
        cg_zero(cg, off + n, (int)to->size - n);
    else if (to->kind == T_STRING && from->size > to->size)
        emit(&cg->e, ST_MEM(BPF_B, cg->fp, off + (int)to->size - 1, 0));
}

static void store_value(struct cg *cg, struct node *n, const struct type *ty, int off);

/* Instructions carry the location of the expression they implement. */
void cg_store_value(struct cg *cg, struct node *n, const struct type *ty, int off) {
    struct loc outer = cg->e.loc;
    cg->e.loc = n->loc;
    store_value(cg, n, ty, off);
    cg->e.loc = outer;
}

static void store_value(struct cg *cg, struct node *n, const struct type *ty, int off) {
    if (!cg_is_mem_type(ty)) {
        store_int(cg, n, ty, off);
        return;
    }
    int size = (int)ty->size;
    if (cg_is_typed_ref(n)) {
        cg_typed_store(cg, n, off, size);
        return;
    }
    switch (n->kind) {
    case N_STRING:
        store_literal(cg, n, off, size);
        return;
    case N_IDENT:
        cg_builtin_mem(cg, n, off, size);
        return;
    case N_CALL:
        cg_str_call(cg, n, off, size);
        return;
    case N_FIELD:
    case N_INDEX:
        store_tuple_element(cg, n, ty, off);
        return;
    case N_MAP:
        cg_map_read_mem(cg, n, off, size);
        return;
    case N_CAST: /* (int8[8])x: the integer's bytes; (int8[])"s": the string's */
        if (n->b->ty->kind == T_STRING)
            cg_store_value(cg, n->b, n->b->ty, off);
        else
            store_int(cg, n->b, type_int(n->ty->size, false), off);
        if (size > (int)n->ty->size)
            cg_zero(cg, off + (int)n->ty->size, size - (int)n->ty->size);
        return;
    case N_TUPLE:
    case N_RECORD:
        store_tuple(cg, n, ty, off);
        return;
    case N_TERNARY:
        store_ternary(cg, n, ty, off);
        return;
    case N_BLOCK_EXPR:
        cg_block(cg, n);
        cg_store_value(cg, n->b, ty, off);
        return;
    case N_VAR:
        if (cg->var_slot[n->sym]) {
            store_copy(cg, cg->var_slot[n->sym], n->ty, ty, off);
            return;
        }
        cg_zero(cg, off, size);
        return;
    default:
        cg_error(cg, &n->loc, E_UNSUPPORTED, "this expression is not supported yet");
        return;
    }
}

int cg_mem_value(struct cg *cg, struct node *n) {
    if (n->kind == N_BLOCK_EXPR) {
        cg_block(cg, n);
        return cg_mem_value(cg, n->b);
    }
    if (n->kind == N_VAR && cg->var_slot[n->sym])
        return cg->var_slot[n->sym];
    int off = cg_frame_alloc(cg, (int)n->ty->size);
    if (n->kind == N_FIELD || n->kind == N_CALL || n->kind == N_IDENT || n->kind == N_MAP ||
        n->kind == N_STRING || n->kind == N_TUPLE || n->kind == N_RECORD || n->kind == N_CAST ||
        n->kind == N_TERNARY || n->kind == N_INDEX || n->kind == N_UNOP) {
        cg_store_value(cg, n, n->ty, off);
        return off;
    }
    cg_error(cg, &n->loc, E_UNSUPPORTED, "this expression is not supported yet");
    return off;
}

/* Compares a string in memory with a literal, four bytes at a time, up to
 * and including the literal's NUL. */
static void literal_compare(struct cg *cg, int off, int size, const struct node *lit, int label,
                            bool jump_if_equal) {
    int differ = jump_if_equal ? emit_label(&cg->e) : label;
    int n = (int)lit->len + 1 < size ? (int)lit->len + 1 : size;
    static const int widths[] = {BPF_W, BPF_H, BPF_B};
    static const int bytes[] = {4, 2, 1};
    int i = 0;
    for (int w = 0; w < 3; w++) {
        for (; i + bytes[w] <= n; i += bytes[w]) {
            uint32_t word = 0;
            memcpy(&word, lit->str + i,
                   (size_t)i + bytes[w] <= lit->len ? (size_t)bytes[w]
                   : lit->len > (size_t)i           ? lit->len - i
                                                    : 0);
            emit(&cg->e, LDX_MEM(widths[w], R1, cg->fp, off + i));
            emit_jump(&cg->e, JMP_IMM(BPF_JNE, R1, (int32_t)word, 0), differ);
        }
    }
    if (jump_if_equal) {
        emit_jump(&cg->e, JA(0), label);
        emit_place(&cg->e, differ);
    }
}

/* Compares two strings in memory, eight bytes at a time: strings are
 * NUL-padded wherever they are stored (only event records skip it), so
 * equal strings have equal bytes. When the sizes differ, the longer one
 * must end where the shorter one does. */
static void memory_compare(struct cg *cg, int a, int asize, int b, int bsize, int label,
                           bool jump_if_equal) {
    int differ = jump_if_equal ? emit_label(&cg->e) : label;
    int n = asize < bsize ? asize : bsize;
    for (int i = 0; i < n;) {
        int w = cg_access_width(a + i, b + i, n - i);
        emit(&cg->e, LDX_MEM(cg_size_code(w), R1, cg->fp, a + i));
        emit(&cg->e, LDX_MEM(cg_size_code(w), R2, cg->fp, b + i));
        emit_jump(&cg->e, JMP_REG(BPF_JNE, R1, R2, 0), differ);
        i += w;
    }
    if (asize != bsize) {
        emit(&cg->e, LDX_MEM(BPF_B, R1, cg->fp, (asize > bsize ? a : b) + n));
        emit_jump(&cg->e, JMP_IMM(BPF_JNE, R1, 0, 0), differ);
    }
    if (jump_if_equal) {
        emit_jump(&cg->e, JA(0), label);
        emit_place(&cg->e, differ);
    }
}

void cg_str_cond(struct cg *cg, struct node *a, struct node *b, bool jump_if_equal, int label) {
    int mark = cg_frame_mark(cg);
    bool zero_fill = cg->zero_fill;
    cg->zero_fill = true; /* whole-word comparison needs the padding */
    if (a->kind == N_STRING) {
        struct node *t = a;
        a = b;
        b = t;
    }
    int ao = cg_mem_value(cg, a);
    if (b->kind == N_STRING) {
        literal_compare(cg, ao, (int)a->ty->size, b, label, jump_if_equal);
    } else {
        int bo = cg_mem_value(cg, b);
        memory_compare(cg, ao, (int)a->ty->size, bo, (int)b->ty->size, label, jump_if_equal);
    }
    cg->zero_fill = zero_fill;
    cg_frame_release(cg, mark);
}
