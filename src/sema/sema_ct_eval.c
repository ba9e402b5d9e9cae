/* Values known while compiling: literals, and the operators, fields and
 * string indexes over them that bpftrace folds (comptime, typeinfo's
 * records, is_literal, fail's arguments). Nothing here changes the tree. */
#include <stdlib.h>
#include <string.h>

#include "sema/sema_impl.h"

static bool is_compare(enum op op) {
    return op == OP_EQ || op == OP_NE || op == OP_LT || op == OP_LE || op == OP_GT || op == OP_GE ||
           op == OP_LOR || op == OP_LAND;
}

bool sema_ct_int_binop(enum op op, int64_t a, int64_t b, int64_t *v) {
    uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
    switch (op) {
    case OP_ADD:
        *v = (int64_t)(ua + ub);
        return true;
    case OP_SUB:
        *v = (int64_t)(ua - ub);
        return true;
    case OP_MUL:
        *v = (int64_t)(ua * ub);
        return true;
    case OP_DIV:
        *v = b == -1 ? (int64_t)(0 - ua) : b ? a / b : 0;
        return b != 0;
    case OP_MOD:
        *v = b == -1 ? 0 : b ? a % b : 0;
        return b != 0;
    case OP_BAND:
        *v = a & b;
        return true;
    case OP_BOR:
        *v = a | b;
        return true;
    case OP_BXOR:
        *v = a ^ b;
        return true;
    case OP_SHL:
        *v = (int64_t)(ua << (ub & 63));
        return true;
    case OP_SHR:
        *v = (int64_t)(ua >> (ub & 63));
        return true;
    default: {
        /* comparisons, && and ||: sema_fold_int.c's rules, which are C's
         * for two int64 */
        struct fold_int fa = {.neg = a < 0, .bits = ua}, fb = {.neg = b < 0, .bits = ub};
        bool holds;
        if (!sema_fold_int_compare(op, fa, fb, &holds))
            return false;
        *v = holds;
        return true;
    }
    }
}

/* A record's (or tuple's) field by name, or by position when name is NULL. */
static const struct node *rec_field(const struct node *rec, const char *name, int64_t idx) {
    int64_t i = 0;
    for (const struct node *f = rec->a; f; f = f->next, i++) {
        if (rec->kind == N_RECORD && name && strcmp(f->str, name) == 0)
            return f->a;
        if (!name && i == idx)
            return rec->kind == N_RECORD ? f->a : f;
    }
    return NULL;
}

static bool values_equal(struct sema *s, const struct ct_val *a, const struct ct_val *b);

static bool recs_equal(struct sema *s, const struct node *a, const struct node *b) {
    if (a->kind != b->kind || ast_list_len(a->a) != ast_list_len(b->a))
        return false;
    int64_t i = 0;
    for (const struct node *f = a->a; f; f = f->next, i++) {
        const char *name = a->kind == N_RECORD ? f->str : NULL;
        const struct node *fa = rec_field(a, name, i), *fb = rec_field(b, name, i);
        struct ct_val va, vb;
        if (!fb || !sema_ct_eval(s, fa, &va) || !sema_ct_eval(s, fb, &vb) ||
            !values_equal(s, &va, &vb))
            return false;
    }
    return true;
}

static bool values_equal(struct sema *s, const struct ct_val *a, const struct ct_val *b) {
    if (a->kind != b->kind)
        return false;
    if (a->kind == CT_INT)
        return a->i == b->i;
    if (a->kind == CT_STR)
        return a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
    return recs_equal(s, a->rec, b->rec);
}

static bool eval_binop(struct sema *s, const struct node *n, struct ct_val *v) {
    struct ct_val a, b;
    if (!sema_ct_eval(s, n->a, &a) || !sema_ct_eval(s, n->b, &b))
        return false;
    v->kind = CT_INT;
    v->is_bool = is_compare(n->op);
    if (a.kind == CT_INT && b.kind == CT_INT)
        return sema_ct_int_binop(n->op, a.i, b.i, &v->i);
    /* values of different kinds are left to the type check's message */
    if ((n->op != OP_EQ && n->op != OP_NE) || a.kind != b.kind)
        return false;
    v->i = values_equal(s, &a, &b) == (n->op == OP_EQ);
    return true;
}

static bool eval_unop(struct sema *s, const struct node *n, struct ct_val *v) {
    if (!sema_ct_eval(s, n->a, v) || v->kind != CT_INT)
        return false;
    if (n->op == OP_NOT) {
        v->i = !v->i;
        v->is_bool = true;
        return true;
    }
    v->is_bool = false;
    if (n->op == OP_NEG)
        v->i = (int64_t)(0 - (uint64_t)v->i);
    else if (n->op == OP_BNOT)
        v->i = ~v->i;
    return n->op == OP_NEG || n->op == OP_BNOT;
}

/* a.name, a.0: a field of a literal record or tuple. */
static bool eval_field(struct sema *s, const struct node *n, struct ct_val *v) {
    struct ct_val base;
    if (!sema_ct_eval(s, n->a, &base) || base.kind != CT_REC)
        return false;
    bool by_name = n->str && base.rec->kind == N_RECORD;
    const struct node *f =
        rec_field(base.rec, by_name ? n->str : NULL,
                  n->str && !by_name ? strtoll(n->str, NULL, 10) : (int64_t)n->num);
    return f && sema_ct_eval(s, f, v);
}

/* "u"[0]: a byte of a literal string, a signed char; its NUL included. */
static bool eval_index(struct sema *s, const struct node *n, struct ct_val *v) {
    struct ct_val str, idx;
    if (!sema_ct_eval(s, n->a, &str) || !sema_ct_eval(s, n->b, &idx) || str.kind != CT_STR ||
        idx.kind != CT_INT || idx.i < 0 || (uint64_t)idx.i > str.len)
        return false;
    int8_t c = (uint64_t)idx.i < str.len ? (int8_t)str.s[idx.i] : 0;
    *v = (struct ct_val){.kind = CT_INT, .i = c};
    return true;
}

/* Every element of a literal tuple or record is itself known. */
static bool eval_rec(struct sema *s, const struct node *n, struct ct_val *v) {
    for (const struct node *f = n->a; f; f = f->next) {
        struct ct_val e;
        if (!sema_ct_eval(s, n->kind == N_RECORD ? f->a : f, &e))
            return false;
    }
    *v = (struct ct_val){.kind = CT_REC, .rec = n};
    return true;
}

static bool eval_ternary(struct sema *s, const struct node *n, struct ct_val *v) {
    struct ct_val c;
    if (!sema_ct_eval(s, n->a, &c))
        return false;
    bool yes = c.kind != CT_INT || c.i;
    if (yes && !n->b)
        return sema_ct_eval(s, n->a, v);
    return sema_ct_eval(s, yes ? n->b : n->c, v);
}

bool sema_ct_eval(struct sema *s, const struct node *n, struct ct_val *v) {
    *v = (struct ct_val){.kind = CT_INT};
    switch (n->kind) {
    case N_INT:
        v->i = (int64_t)n->num;
        return !n->ty || !n->ty->is_ptr; /* uaddr() became an address */
    case N_BOOL:
        v->i = (int64_t)n->num;
        v->is_bool = true;
        return true;
    case N_STRING:
        *v = (struct ct_val){.kind = CT_STR, .s = n->str, .len = n->len};
        return true;
    case N_RECORD:
    case N_TUPLE:
        return eval_rec(s, n, v);
    case N_TYPEINFO: /* before sema rewrites it, the record it built */
        return n->b && sema_ct_eval(s, n->b, v);
    case N_COMPTIME:
        return sema_ct_eval(s, n->a, v);
    case N_BLOCK_EXPR:
        return !n->a && n->b && sema_ct_eval(s, n->b, v);
    case N_UNOP:
        return eval_unop(s, n, v);
    case N_BINOP:
        return eval_binop(s, n, v);
    case N_TERNARY:
        return eval_ternary(s, n, v);
    case N_FIELD:
        return eval_field(s, n, v);
    case N_INDEX:
        return eval_index(s, n, v);
    default:
        return false;
    }
}

bool sema_ct_is_compare(enum op op) {
    return is_compare(op);
}
