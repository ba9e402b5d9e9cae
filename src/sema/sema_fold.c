/* Folding of operators on literals, rewriting the node in place into the
 * literal bpftrace 0.27.1 computes (sema_fold_int.c does the integers). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sema/sema_impl.h"

static const char FLOW_ERROR[] = "unable to fold literals due to overflow or underflow";

/* ---- reading literals ---- */

static bool plain_int(const struct node *n) {
    /* enum constants and uaddr() are N_INT too, but typed: no literals */
    return n->kind == N_INT && n->aux != SEMA_INT_UNFOLDED &&
           (!n->ty || (!n->ty->enum_def && !n->ty->is_ptr));
}

bool sema_literal_int(const struct node *n, struct fold_int *v) {
    if (plain_int(n)) {
        *v = (struct fold_int){.neg = false, .bits = n->num};
        return true;
    }
    if (n->kind != N_UNOP || n->op != OP_NEG || !plain_int(n->a) ||
        n->a->num > (uint64_t)INT64_MAX + 1)
        return false;
    *v = (struct fold_int){.neg = n->a->num != 0, .bits = 0 - n->a->num};
    return true;
}

bool sema_literal_truth(const struct node *n, bool *v) {
    struct fold_int i;
    if (sema_literal_int(n, &i))
        *v = i.bits != 0;
    else if (n->kind == N_STRING)
        *v = n->len != 0;
    else if (n->kind == N_BOOL)
        *v = n->num != 0;
    else
        return false;
    return true;
}

/* Integers, strings, bools, and tuples and records of them. */
static bool is_literal(const struct node *n) {
    bool truth;
    if (sema_literal_truth(n, &truth))
        return true;
    if (n->kind != N_TUPLE && n->kind != N_RECORD)
        return false;
    for (const struct node *e = n->a; e; e = e->next)
        if (!is_literal(n->kind == N_RECORD ? e->a : e))
            return false;
    return true;
}

/* ---- rewriting n ---- */

static void become_int(struct node *n, struct fold_int v) {
    ast_become_int(n, 0);
    n->ty = NULL;
    sema_become_number(n, v.neg ? 0 - v.bits : v.bits, v.neg);
}

static enum fold_result become_bool(struct node *n, bool v) {
    ast_become_int(n, v);
    n->kind = N_BOOL;
    n->ty = NULL;
    return FOLD_DONE;
}

void sema_become_string(struct node *n, const char *bytes, size_t len) {
    char *copy = malloc(len + 1);
    memcpy(copy, bytes, len);
    copy[len] = '\0';
    ast_become_int(n, 0);
    n->kind = N_STRING;
    n->str = copy;
    n->len = len;
    n->ty = NULL;
}

static enum fold_result become_string(struct node *n, const char *bytes, size_t len) {
    sema_become_string(n, bytes, len);
    return FOLD_DONE;
}

/* n becomes its child *slot (a ternary's chosen branch). */
static enum fold_result become_child(struct node *n, struct node **slot) {
    struct node *child = *slot, *next = n->next;
    *slot = NULL;
    ast_become_int(n, 0);
    *n = *child;
    n->next = next;
    free(child);
    return FOLD_DONE;
}

/* The first walk reports folding's errors, and sema_check stops after it:
 * bpftrace folds in a pass of its own, before its other checks. */
static enum fold_result fold_error(struct sema *s, const struct node *n, const char *msg) {
    if (s->report) {
        sema_error(s, &n->loc, E_TYPE, "%s", msg);
    } else {
        diag_error(s->d, &n->loc, E_TYPE, "%s", msg);
        s->fold_errors++;
    }
    return FOLD_ERROR;
}

static enum fold_result flow_error(struct sema *s, struct node *n) {
    return fold_error(s, n, FLOW_ERROR);
}

/* ---- unary operators ---- */

static enum fold_result fold_unop(struct sema *s, struct node *n) {
    struct fold_int v;
    bool b;
    if (n->op == OP_NOT && sema_literal_truth(n->a, &b) && n->a->kind != N_STRING)
        return become_bool(n, !b);
    if (!sema_literal_int(n->a, &v))
        return FOLD_NONE;
    if (n->op == OP_BNOT) {
        become_int(n, (struct fold_int){.neg = false, .bits = ~v.bits});
        return FOLD_DONE;
    }
    if (n->op != OP_NEG)
        return FOLD_NONE;
    if (!v.neg && v.bits > (uint64_t)INT64_MAX + 1)
        return fold_error(s, n, "negative value will underflow");
    /* -(N) is the literal itself; -0 and -(-N) are not negative */
    if (!v.neg && v.bits != 0)
        return FOLD_NONE;
    become_int(n, (struct fold_int){.neg = false, .bits = 0 - v.bits});
    return FOLD_DONE;
}

/* ---- strings and bools ---- */

/* Whether a comparison holds when a - b has the sign of c. */
static bool order_holds(enum op op, int c) {
    switch (op) {
    case OP_EQ:
        return c == 0;
    case OP_NE:
        return c != 0;
    case OP_LT:
        return c < 0;
    case OP_LE:
        return c <= 0;
    case OP_GT:
        return c > 0;
    default:
        return c >= 0;
    }
}

static bool is_comparison(enum op op) {
    return op >= OP_EQ && op <= OP_GE;
}

static int string_order(const struct node *a, const struct node *b) {
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->str, b->str, n);
    if (c)
        return c;
    return a->len < b->len ? -1 : a->len > b->len;
}

/* "hello" + 2 (or 2 + "hello") is "llo". */
static enum fold_result string_offset(struct sema *s, struct node *n, const struct node *str,
                                      uint64_t k) {
    if (k < str->len)
        return become_string(n, str->str + k, str->len - k);
    diag_warning(s->d, &n->loc, "literal string will always be empty");
    return become_string(n, "", 0);
}

static enum fold_result strings_binop(struct sema *s, struct node *n) {
    const struct node *a = n->a, *b = n->b;
    if (is_comparison(n->op))
        return become_bool(n, order_holds(n->op, string_order(a, b)));
    switch (n->op) {
    case OP_LAND: /* 0.27.1 asks whether the right one is empty */
        return become_bool(n, a->len && !b->len);
    case OP_LOR:
        return become_bool(n, a->len || !b->len);
    case OP_ADD: {
        size_t len = a->len + b->len;
        char *both = malloc(len + 1);
        memcpy(both, a->str, a->len);
        memcpy(both + a->len, b->str, b->len);
        enum fold_result r = become_string(n, both, len);
        free(both);
        return r;
    }
    default:
        return fold_error(s, n, "illegal literal operation with strings");
    }
}

/* A string with another literal: another string, an offset, or a bool
 * for && and ||; anything else is left to the type checks. */
static enum fold_result string_binop(struct sema *s, struct node *n) {
    const struct node *str = n->a->kind == N_STRING ? n->a : n->b;
    const struct node *other = str == n->a ? n->b : n->a;
    if (n->op == OP_ADD && plain_int(other))
        return string_offset(s, n, str, other->num);
    if (other->kind == N_BOOL && (n->op == OP_LAND || n->op == OP_LOR))
        return become_bool(n, n->op == OP_LAND ? str->len && other->num : str->len || other->num);
    if (other->kind != N_STRING)
        return FOLD_NONE;
    return strings_binop(s, n);
}

/* Two bools: arithmetic on them gives a bool too (true + true is true). */
static enum fold_result bools_binop(struct sema *s, struct node *n, bool a, bool b) {
    switch (n->op) {
    case OP_LAND:
    case OP_MUL:
        return become_bool(n, a && b);
    case OP_LOR:
    case OP_BOR:
    case OP_ADD:
        return become_bool(n, a || b);
    case OP_SUB:
    case OP_BXOR:
        return become_bool(n, a != b);
    case OP_BAND:
        return become_bool(n, a && b);
    case OP_DIV:
    case OP_MOD:
        if (!b)
            return flow_error(s, n);
        return become_bool(n, n->op == OP_DIV && a);
    case OP_SHL:
        return become_bool(n, a < b);
    case OP_SHR:
        return become_bool(n, a > b);
    default:
        return become_bool(n, order_holds(n->op, (int)a - (int)b));
    }
}

/* A bool with a bool, or with an integer for && and ||. */
static enum fold_result bool_binop(struct sema *s, struct node *n) {
    const struct node *bl = n->a->kind == N_BOOL ? n->a : n->b;
    const struct node *other = bl == n->a ? n->b : n->a;
    struct fold_int v;
    if (other->kind == N_BOOL)
        return bools_binop(s, n, n->a->num, n->b->num);
    if ((n->op == OP_LAND || n->op == OP_LOR) && sema_literal_int(other, &v))
        return bools_binop(s, n, bl->num, v.bits != 0);
    return FOLD_NONE;
}

/* ---- tuples and records ---- */

enum same { SAME_NO, SAME_YES, SAME_UNKNOWN };

static enum same same_literal(const struct node *a, const struct node *b);

static enum same same_elements(const struct node *a, const struct node *b) {
    if (ast_list_len(a->a) != ast_list_len(b->a))
        return SAME_NO;
    for (const struct node *x = a->a, *y = b->a; x; x = x->next, y = y->next) {
        enum same r = same_literal(x, y);
        if (r != SAME_YES)
            return r;
    }
    return SAME_YES;
}

/* Records compare field by name; a name missing on the right is left to
 * the type checks. */
static enum same same_fields(const struct node *a, const struct node *b) {
    if (ast_list_len(a->a) != ast_list_len(b->a))
        return SAME_NO;
    for (const struct node *x = a->a; x; x = x->next) {
        const struct node *y = b->a;
        while (y && strcmp(y->str, x->str) != 0)
            y = y->next;
        enum same r = y ? same_literal(x->a, y->a) : SAME_UNKNOWN;
        if (r != SAME_YES)
            return r;
    }
    return SAME_YES;
}

/* Literals of different kinds (1 and true, 1 and -1) are not the same. */
static enum same same_literal(const struct node *a, const struct node *b) {
    struct fold_int x, y;
    if (!is_literal(a) || !is_literal(b))
        return SAME_UNKNOWN;
    if (sema_literal_int(a, &x))
        return sema_literal_int(b, &y) && x.neg == y.neg && x.bits == y.bits;
    if (a->kind != b->kind)
        return SAME_NO;
    if (a->kind == N_STRING)
        return string_order(a, b) == 0;
    if (a->kind == N_BOOL)
        return a->num == b->num;
    return a->kind == N_TUPLE ? same_elements(a, b) : same_fields(a, b);
}

static enum fold_result tuple_binop(struct node *n) {
    enum same r = n->a->kind == N_TUPLE ? same_elements(n->a, n->b) : same_fields(n->a, n->b);
    if (r == SAME_UNKNOWN)
        return FOLD_NONE;
    return become_bool(n, (r == SAME_YES) == (n->op == OP_EQ));
}

/* ---- integers ---- */

static enum fold_result int_binop(struct sema *s, struct node *n) {
    struct fold_int a, b, r;
    bool holds;
    if (!sema_literal_int(n->a, &a) || !sema_literal_int(n->b, &b))
        return FOLD_NONE;
    if (is_comparison(n->op) || n->op == OP_LAND || n->op == OP_LOR)
        return sema_fold_int_compare(n->op, a, b, &holds) ? become_bool(n, holds)
                                                          : flow_error(s, n);
    if (!sema_fold_int_arith(n->op, a, b, &r))
        return flow_error(s, n);
    become_int(n, r);
    return FOLD_DONE;
}

static enum fold_result fold_binop(struct sema *s, struct node *n) {
    if (n->a->kind == N_STRING || n->b->kind == N_STRING)
        return string_binop(s, n);
    if (n->a->kind == N_BOOL || n->b->kind == N_BOOL)
        return bool_binop(s, n);
    if ((n->op == OP_EQ || n->op == OP_NE) && n->a->kind == n->b->kind &&
        (n->a->kind == N_TUPLE || n->a->kind == N_RECORD))
        return tuple_binop(n);
    return int_binop(s, n);
}

/* ---- str() ---- */

bool sema_fold_str_call(struct node *call) {
    const struct node *arg = call->a, *len = arg->next;
    struct fold_int v;
    char digits[24];
    const char *text = digits;
    size_t n;
    if (sema_literal_int(arg, &v))
        n = (size_t)snprintf(digits, sizeof(digits), v.neg ? "%lld" : "%llu",
                             (unsigned long long)v.bits);
    else if (arg->kind == N_STRING)
        text = arg->str, n = arg->len;
    else
        return false;
    if (len && !plain_int(len))
        return false;
    if (len && len->num < n)
        n = (size_t)len->num;
    char *copy = malloc(n + 1);
    memcpy(copy, text, n);
    sema_become_string(call, copy, n);
    free(copy);
    return true;
}

/* ---- ternaries ---- */

/* All literals: the chosen branch; a literal condition alone becomes a
 * bool. */
static enum fold_result fold_ternary(struct node *n) {
    bool cond;
    if (!n->b || !sema_literal_truth(n->a, &cond))
        return FOLD_NONE;
    if (is_literal(n->b) && is_literal(n->c))
        return become_child(n, cond ? &n->b : &n->c);
    if (n->a->kind != N_BOOL)
        become_bool(n->a, cond);
    return FOLD_NONE;
}

enum fold_result sema_fold_literal(struct sema *s, struct node *n) {
    switch (n->kind) {
    case N_UNOP:
        return fold_unop(s, n);
    case N_BINOP:
        return fold_binop(s, n);
    case N_TERNARY:
        return fold_ternary(n);
    default:
        return FOLD_NONE;
    }
}
