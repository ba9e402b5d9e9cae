/* Integer arithmetic on literals with bpftrace 0.27.1's rules: two
 * unsigned literals compute in uint64 and a result that does not fit is an
 * error; a negative one makes both int64 (an unsigned above INT64_MAX then
 * is an error), and a result that is not negative spills back to uint64. */
#include "sema/sema_fold.h"

static struct fold_int fold_u(uint64_t v) {
    return (struct fold_int){.neg = false, .bits = v};
}

static struct fold_int fold_s(int64_t v) {
    return (struct fold_int){.neg = v < 0, .bits = (uint64_t)v};
}

static bool shift_ok(uint64_t amount) {
    return amount < 64;
}

/* & | ^: the same bits either way */
static bool bitwise(enum op op, uint64_t a, uint64_t b, uint64_t *r) {
    *r = op == OP_BAND ? a & b : op == OP_BOR ? a | b : a ^ b;
    return op == OP_BAND || op == OP_BOR || op == OP_BXOR;
}

static bool unsigned_arith(enum op op, uint64_t a, uint64_t b, struct fold_int *r) {
    switch (op) {
    case OP_ADD:
        *r = fold_u(a + b);
        return a == 0 || b == 0 || (a + b > a && a + b > b);
    case OP_SUB:
        /* below zero: a negative when it fits in int64 */
        if (a >= b)
            *r = fold_u(a - b);
        else if (b - a - 1 > (uint64_t)INT64_MAX)
            return false;
        else
            *r = fold_s(-(int64_t)(b - a - 1) - 1);
        return true;
    case OP_MUL:
        *r = fold_u(a * b);
        return a == 0 || b == 0 || (a * b) / a == b;
    case OP_DIV:
    case OP_MOD:
        if (b == 0)
            return false;
        *r = fold_u(op == OP_DIV ? a / b : a % b);
        return true;
    case OP_SHL:
    case OP_SHR:
        if (!shift_ok(b))
            return false;
        *r = fold_u(op == OP_SHL ? a << b : a >> b);
        return true;
    default: {
        uint64_t bits;
        bool ok = bitwise(op, a, b, &bits);
        *r = fold_u(bits);
        return ok;
    }
    }
}

static int64_t wrap_add(int64_t a, int64_t b) {
    return (int64_t)((uint64_t)a + (uint64_t)b);
}

static bool signed_add(int64_t a, int64_t b, struct fold_int *r) {
    if (a < 0 && b < 0 && INT64_MIN - a > b)
        return false;
    *r = fold_s(wrap_add(a, b));
    return true;
}

/* bpftrace checks against -b, which stays INT64_MIN for INT64_MIN: such a
 * difference wraps there, and here. */
static bool signed_sub(int64_t a, int64_t b, struct fold_int *r) {
    int64_t minus_b = (int64_t)(0 - (uint64_t)b);
    if (b != 0 && a > 0 && b < 0 && INT64_MAX - a < minus_b)
        return false;
    if (b != 0 && a < 0 && b > 0 && INT64_MIN - a > minus_b)
        return false;
    *r = fold_s(wrap_add(a, minus_b));
    return true;
}

/* Two negatives multiply as unsigned magnitudes. Otherwise bpftrace's
 * overflow test is compiled away (signed overflow being undefined in C++),
 * so 0.27.1 wraps: 4611686018427387904 * -3 is 4611686018427387904. */
static bool signed_mul(int64_t a, int64_t b, struct fold_int *r) {
    if (a < 0 && b < 0)
        return unsigned_arith(OP_MUL, 0 - (uint64_t)a, 0 - (uint64_t)b, r);
    *r = fold_s((int64_t)((uint64_t)a * (uint64_t)b));
    return true;
}

static bool signed_arith(enum op op, int64_t a, int64_t b, struct fold_int *r) {
    switch (op) {
    case OP_ADD:
        return signed_add(a, b, r);
    case OP_SUB:
        return signed_sub(a, b, r);
    case OP_MUL:
        return signed_mul(a, b, r);
    case OP_DIV:
    case OP_MOD:
        /* INT64_MIN / -1 traps in bpftrace 0.27.1 (SIGFPE): an error here */
        if (b == 0 || (a == INT64_MIN && b == -1))
            return false;
        *r = fold_s(op == OP_DIV ? a / b : a % b);
        return true;
    case OP_SHL:
    case OP_SHR:
        if (b < 0 || !shift_ok((uint64_t)b))
            return false;
        *r = fold_s(op == OP_SHL ? (int64_t)((uint64_t)a << b) : a >> b);
        return true;
    default: {
        uint64_t bits;
        bool ok = bitwise(op, (uint64_t)a, (uint64_t)b, &bits);
        *r = fold_s((int64_t)bits);
        return ok;
    }
    }
}

/* Both as int64: false when the unsigned one does not fit. */
static bool as_signed(struct fold_int a, struct fold_int b, int64_t *sa, int64_t *sb) {
    if ((!a.neg && a.bits > INT64_MAX) || (!b.neg && b.bits > INT64_MAX))
        return false;
    *sa = (int64_t)a.bits;
    *sb = (int64_t)b.bits;
    return true;
}

bool sema_fold_int_arith(enum op op, struct fold_int a, struct fold_int b, struct fold_int *r) {
    int64_t sa, sb;
    if (!a.neg && !b.neg)
        return unsigned_arith(op, a.bits, b.bits, r);
    return as_signed(a, b, &sa, &sb) && signed_arith(op, sa, sb, r);
}

static bool compare(enum op op, int lt, int eq, bool both_true, bool *r) {
    switch (op) {
    case OP_EQ:
        *r = eq;
        return true;
    case OP_NE:
        *r = !eq;
        return true;
    case OP_LT:
        *r = lt;
        return true;
    case OP_LE:
        *r = lt || eq;
        return true;
    case OP_GT:
        *r = !lt && !eq;
        return true;
    case OP_GE:
        *r = !lt;
        return true;
    case OP_LAND:
        *r = both_true;
        return true;
    default:
        return false;
    }
}

bool sema_fold_int_compare(enum op op, struct fold_int a, struct fold_int b, bool *r) {
    int64_t sa, sb;
    if (op == OP_LOR) {
        *r = a.bits || b.bits;
        return a.neg == b.neg || as_signed(a, b, &sa, &sb);
    }
    bool both = a.bits && b.bits;
    if (!a.neg && !b.neg)
        return compare(op, a.bits < b.bits, a.bits == b.bits, both, r);
    return as_signed(a, b, &sa, &sb) && compare(op, sa < sb, sa == sb, both, r);
}
