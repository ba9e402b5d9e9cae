/* bpftrace's rules for integers meeting in a binary operator. Arithmetic:
 * two operands of one type keep its sign (a difference is always int64),
 * operands of different types give int64 when either is signed, else
 * uint64; a non-negative literal takes the other side's sign. A comparison
 * promotes both sides to a type that holds them (int64 for a uint64 met
 * by a signed value). An operand that does not fit the type it is
 * converted to gets bpftrace's warning, after the other warnings, as its
 * cast pass comes after its type checks. */
#include <stdint.h>

#include "sema/sema_impl.h"

struct side {
    bool is_signed;
    int size;
    bool literal;  /* no warning when converted */
    bool flexible; /* a non-negative literal: takes the other side's sign */
};

bool sema_is_int_literal(const struct node *n) {
    return n->kind == N_INT ||
           (n->kind == N_UNOP && n->op == OP_NEG && n->a && n->a->kind == N_INT);
}

/* A variable every assignment of which is an integer literal counts as
 * one, as in bpftrace (`$a = -7; $a / 2` draws no warning). */
static bool literal_like(struct sema *s, const struct node *n) {
    if (sema_is_int_literal(n))
        return true;
    if (n->kind != N_VAR || n->sym < 0 || n->sym >= s->pv->n)
        return false;
    const struct sema_var *v = &s->pv->vars[n->sym];
    return v->assigned && !v->nonliteral;
}

static bool int_side(struct sema *s, const struct node *n, struct side *out) {
    const struct type *t = sema_natural_type(s, n);
    if (!t || t->kind != T_INT || t->is_ptr)
        return false;
    *out = (struct side){
        .is_signed = t->is_signed,
        .size = (int)t->size,
        .literal = literal_like(s, n),
        .flexible = n->kind == N_INT && n->num <= INT64_MAX,
    };
    return true;
}

/* A flexible side next to a fixed one of the other sign takes its sign. */
static void adopt_sign(struct side *a, struct side *b) {
    if (a->is_signed == b->is_signed)
        return;
    if (a->flexible && !b->flexible)
        a->is_signed = b->is_signed;
    else if (b->flexible && !a->flexible)
        b->is_signed = a->is_signed;
}

static bool fits(const struct side *from, bool to_signed, int to_size) {
    if (from->is_signed == to_signed)
        return from->size <= to_size;
    return to_signed && from->size < to_size;
}

struct loc sema_cast_warning_loc(const struct node *n) {
    struct loc l = n->loc;
    const struct node *t = n->a;
    /* (a cast trawk made itself has its type where the cast is: getopt()) */
    if (n->kind == N_CAST && t && t->loc.last_line == l.first_line &&
        t->loc.last_column < l.last_column) {
        l.last_line = t->loc.last_line;
        l.last_column = t->loc.last_column + 1; /* the ")" */
    }
    return l;
}

static void warn_unless_fits(struct sema *s, const struct node *n, const struct side *side,
                             bool to_signed, int to_size) {
    if (side->literal || fits(side, to_signed, to_size))
        return;
    const struct type *from = sema_natural_type(s, n);
    struct loc at = sema_cast_warning_loc(n);
    sema_pass_warning(s, PASS_CASTS, &at,
                      "Expression of type: %s being cast to type: %s. This may cause unexpected "
                      "results. Use an explicit cast to suppress this warning.",
                      sema_tname(from), sema_tname(type_int(to_size, to_signed)));
}

const struct type *sema_int_arith_type(struct sema *s, struct node *n) {
    struct side l, r;
    if (!int_side(s, n->a, &l) || !int_side(s, n->b, &r))
        return NULL;
    adopt_sign(&l, &r);
    bool same = l.is_signed == r.is_signed && l.size == r.size;
    bool sign = l.is_signed || r.is_signed || n->op == OP_SUB;
    if (same && !l.is_signed)
        sign = n->op == OP_SUB;
    /* bpftrace warns where the two types still differ and one is signed */
    if ((n->op == OP_DIV || n->op == OP_MOD) && !same && (l.is_signed || r.is_signed) && s->report)
        diag_warning(s->d, &n->loc,
                     "signed operands for '%s' can lead to undefined behavior (cast to unsigned "
                     "to silence warning)",
                     ast_op_text(n->op));
    warn_unless_fits(s, n->a, &l, sign, 8);
    warn_unless_fits(s, n->b, &r, sign, 8);
    return sign ? &type_s64 : &type_u64;
}

bool sema_int_compare_signed(struct sema *s, struct node *n) {
    struct side l, r;
    if (!int_side(s, n->a, &l) || !int_side(s, n->b, &r))
        return false;
    adopt_sign(&l, &r);
    bool sign = l.is_signed;
    int size = l.size > r.size ? l.size : r.size;
    if (l.is_signed != r.is_signed) {
        const struct side *sgn = l.is_signed ? &l : &r, *uns = l.is_signed ? &r : &l;
        sign = true;
        size = sgn->size > uns->size ? sgn->size : (uns->size * 2 > 8 ? 8 : uns->size * 2);
    }
    warn_unless_fits(s, n->a, &l, sign, size);
    warn_unless_fits(s, n->b, &r, sign, size);
    return sign;
}
