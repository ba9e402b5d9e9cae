/* Expressions: literals, variables, operators, tuples, casts. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sema/sema_impl.h"

/* ---- positional parameters ---- */

/* A parameter's text as bpftrace reads numbers: decimal, 0x hex, 0b
 * binary, 0755 octal, "_" separators; a leading "-" for negatives. */
bool sema_number_text(const char *text, uint64_t *v, bool *neg) {
    *neg = text[0] == '-';
    char digits[80];
    size_t n = 0;
    for (const char *p = *neg ? text + 1 : text; *p; p++)
        if (*p != '_' && n < sizeof(digits) - 1)
            digits[n++] = *p;
    digits[n] = '\0';
    int base = 10;
    const char *d = digits;
    if (d[0] == '0' && (d[1] == 'x' || d[1] == 'X'))
        base = 16, d += 2;
    else if (d[0] == '0' && (d[1] == 'b' || d[1] == 'B'))
        base = 2, d += 2;
    else if (d[0] == '0' && d[1] >= '0' && d[1] <= '7')
        base = 8, d += 1;
    if (!isxdigit((unsigned char)*d))
        return false;
    char *end;
    errno = 0;
    *v = strtoull(d, &end, base);
    return errno == 0 && *end == '\0' && (!*neg || *v <= (uint64_t)INT64_MAX + 1);
}

/* n becomes the literal v, or -(v) as the parser writes a negative one. */
void sema_become_number(struct node *n, uint64_t v, bool neg) {
    n->kind = N_INT;
    n->num = v;
    if (!neg)
        return;
    struct node *lit = ast_new(N_INT, &n->loc);
    lit->num = v;
    n->kind = N_UNOP;
    n->op = OP_NEG;
    n->a = lit;
}

void sema_become_bool(struct node *n, bool v) {
    n->kind = N_BOOL;
    n->num = v;
}

/* The aggregation n reads (@c of @c = count()), else NULL: bpftrace's
 * checks see count_t there, not the integer it reads as. */
static const struct type *aggregation_read(const struct sema *s, const struct node *n) {
    if (n->kind != N_MAP || n->sym < 0 || n->sym >= s->out->nmaps)
        return NULL;
    const struct type *v = s->out->maps[n->sym].val_ty;
    return v && v->kind == T_AGG ? v : NULL;
}

/* if and ?: are one kind of node in bpftrace, checked last: a condition is
 * an integer, pointer or bool (an aggregation's value is none of them). */
void sema_condition(struct sema *s, const struct node *n, const struct type *cond) {
    const struct type *agg = aggregation_read(s, n->a);
    if (agg)
        cond = agg;
    if (cond->kind != T_AGG && sema_is_int(cond))
        return;
    sema_check_error(s, &n->loc, E_TYPE, "Invalid condition: %s", sema_base_type_name(cond));
}

/* The raw text of $N, "" when not given. */
const char *sema_positional_text(struct sema *s, const struct node *n) {
    int count = s->opts ? s->opts->npositional : 0;
    return n->num >= 1 && n->num <= (uint64_t)count ? s->opts->positional[n->num - 1] : "";
}

void sema_positional(struct sema *s, struct node *n) {
    if (n->kind == N_POSITIONAL_COUNT) {
        n->kind = N_INT;
        n->num = (uint64_t)(s->opts ? s->opts->npositional : 0);
        return;
    }
    const char *text = sema_positional_text(s, n);
    uint64_t v = 0;
    bool neg = false;
    /* Missing parameters read as 0, numbers as integer literals. The node
     * changes on the first walk, so that is where the warning comes. */
    if (!*text)
        diag_warning(s->d, &n->loc, "Positional parameter $%d is empty or not provided. ",
                     (int)n->num);
    if (!*text || sema_number_text(text, &v, &neg)) {
        sema_become_number(n, v, neg);
        return;
    }
    n->kind = N_STRING;
    free(n->str);
    n->str = strdup(text);
    n->len = strlen(text);
}

/* ---- helpers ---- */

bool sema_const_int(const struct node *n, int64_t *v) {
    if (n->kind == N_INT) {
        *v = (int64_t)n->num;
        return true;
    }
    if (n->kind == N_UNOP && n->op == OP_NEG && n->a && n->a->kind == N_INT) {
        *v = (int64_t)(0 - n->a->num);
        return true;
    }
    return false;
}

bool sema_fold_int(const struct node *n, int64_t *v) {
    int64_t a, b;
    if (sema_const_int(n, v))
        return true;
    if (n->kind != N_BINOP || !sema_fold_int(n->a, &a) || !sema_fold_int(n->b, &b))
        return false;
    /* the operators folded here; the others keep their run-time typing */
    if (n->op != OP_ADD && n->op != OP_SUB && n->op != OP_MUL && n->op != OP_DIV)
        return false;
    return sema_ct_int_binop(n->op, a, b, v);
}

static bool is_u64(const struct type *t) {
    return t->kind == T_INT && !t->is_signed && t->size == 8;
}

/* C's usual conversions after widening to 64 bits. */
static const struct type *arith_type(const struct type *a, const struct type *b) {
    return is_u64(a) || is_u64(b) ? &type_u64 : &type_s64;
}

static const char *op_text(enum op op) {
    return ast_op_text(op);
}

/* ---- operators ---- */

/* The type bpftrace gives an operation it refused, so that the operations
 * around it are checked too: a truth value for comparisons and logic, an
 * int64 for arithmetic. */
static const struct type *refused_type(const struct node *n) {
    switch (n->op) {
    case OP_LOR:
    case OP_LAND:
    case OP_EQ:
    case OP_NE:
    case OP_LT:
    case OP_LE:
    case OP_GT:
    case OP_GE:
        return &type_bool;
    default:
        return &type_s64;
    }
}

/* bpftrace names each side on its own located line, in its own type (a
 * literal's or a variable's natural width). Its final checks find this:
 * nothing is reported when resolving the program's types failed. */
static const char *operand_name(struct sema *s, const struct node *n, const struct type *t) {
    const struct type *agg = aggregation_read(s, n);
    return agg ? sema_base_type_name(agg) : sema_tname(t);
}

static const struct type *type_mismatch(struct sema *s, struct node *n, const struct type *a,
                                        const struct type *b) {
    bool checks = s->in_checks;
    s->in_checks = true;
    const char *left = operand_name(s, n->a, a), *right = operand_name(s, n->b, b);
    s->d->context_follows = true; /* one error with two context lines */
    sema_error(s, &n->loc, E_TYPE, "Type mismatch for '%s': comparing %s with %s", op_text(n->op),
               left, right);
    sema_error(s, &n->a->loc, E_TYPE, "left (%s)", left);
    sema_error(s, &n->b->loc, E_TYPE, "right (%s)", right);
    s->d->context_follows = false;
    sema_error_expansions(s, &n->loc);
    s->in_checks = checks;
    return refused_type(n);
}

/* Pointer operations are refused while types are resolved, others by the
 * final checks. */
static const struct type *binop_error(struct sema *s, struct node *n, const struct type *a,
                                      const struct type *b) {
    const struct type *na = sema_natural_type(s, n->a), *nb = sema_natural_type(s, n->b);
    a = na ? na : a;
    b = nb ? nb : b;
    bool pointer = a->is_ptr || b->is_ptr;
    if (a->kind == b->kind || (sema_is_int(a) && sema_is_int(b)) || pointer) {
        (pointer ? sema_error : sema_check_error)(
            s, &n->loc, E_TYPE, "The %s operator can not be used on expressions of types %s, %s",
            op_text(n->op), sema_tname(a), sema_tname(b));
        return refused_type(n);
    }
    return type_mismatch(s, n, a, b);
}

/* Integers compared: signed or not as bpftrace promotes them (pointers
 * and bools keep the operand types' rule). */
static void compare_sign(struct sema *s, struct node *n, const struct type *a,
                         const struct type *b) {
    if (a->kind == T_INT && b->kind == T_INT && !a->is_ptr && !b->is_ptr)
        n->cmp_sign = sema_int_compare_signed(s, n) ? 2 : 1;
}

static const struct type *binop_equality(struct sema *s, struct node *n, const struct type *a,
                                         const struct type *b) {
    if (sema_is_int(a) && sema_is_int(b))
        compare_sign(s, n, a, b);
    if ((sema_is_int(a) && sema_is_int(b)) || (sema_is_str(a) && sema_is_str(b)) ||
        (a->kind == T_PROBE && b->kind == T_PROBE) || (a->kind == T_BUF && b->kind == T_BUF))
        return &type_bool;
    /* arrays compare element by element, stacks of one kind by id (and
     * pid): their bytes */
    if ((a->kind == T_ARRAY || a->kind == T_STACK) && a->kind == b->kind && type_equal(a, b))
        return &type_bool;
    /* probe == "tracepoint:a:b": the probe's name against a literal */
    if ((a->kind == T_PROBE && n->b->kind == N_STRING) ||
        (b->kind == T_PROBE && n->a->kind == N_STRING))
        return &type_bool;
    if (a->kind == T_TUPLE && b->kind == T_TUPLE) {
        sema_error(s, &n->loc, E_UNSUPPORTED, "comparing tuples is not supported yet");
        return NULL;
    }
    if (a->kind == T_STACK && b->kind == T_STACK)
        return type_mismatch(s, n, a, b);
    return binop_error(s, n, a, b);
}

static const struct type *binop_arith(struct sema *s, struct node *n, const struct type *a,
                                      const struct type *b) {
    if (!sema_is_int(a) || !sema_is_int(b))
        return binop_error(s, n, a, b);
    if (a->is_ptr || b->is_ptr)
        return sema_ptr_arith(s, n, a, b);
    const struct type *t = sema_int_arith_type(s, n);
    return t ? t : arith_type(a, b);
}

/* Folds n, whose operands are checked: true when n was a literal
 * operation, with *t its type (NULL after an error). */
static bool try_fold(struct sema *s, struct node *n, const struct type **t) {
    switch (sema_fold_literal(s, n)) {
    case FOLD_DONE:
        *t = sema_expr(s, n);
        return true;
    case FOLD_ERROR:
        *t = NULL;
        return true;
    default:
        return false;
    }
}

static const struct type *expr_binop(struct sema *s, struct node *n) {
    const struct type *a = sema_expr(s, n->a);
    const struct type *b = sema_expr(s, n->b);
    const struct type *t;
    if (a && b && try_fold(s, n, &t))
        return t;
    if (!a || !b) {
        /* While map types are being learned, an operand not known yet (a map
         * assigned from itself, as in @n = @n + 1) takes the other's type. */
        const struct type *known = a ? a : b;
        if (s->report || !known || !sema_is_int(known))
            return NULL;
        a = b = known;
    }
    const struct type *folded;
    if (sema_fold_compare(s, n, &folded))
        return folded;
    switch (n->op) {
    case OP_LOR:
    case OP_LAND:
        return sema_is_int(a) && sema_is_int(b) ? &type_bool : binop_error(s, n, a, b);
    case OP_EQ:
    case OP_NE:
        return binop_equality(s, n, a, b);
    case OP_LT:
    case OP_LE:
    case OP_GT:
    case OP_GE:
        if (!sema_is_int(a) || !sema_is_int(b))
            return binop_error(s, n, a, b);
        compare_sign(s, n, a, b);
        return &type_bool;
    default:
        return binop_arith(s, n, a, b);
    }
}

static const struct type *expr_unop(struct sema *s, struct node *n) {
    if (n->op == OP_DEREF)
        return sema_deref(s, n);
    if (n->op == OP_ADDROF)
        return sema_addrof(s, n);
    const struct type *a = sema_expr(s, n->a);
    const struct type *t;
    if (!a)
        return NULL;
    if (try_fold(s, n, &t))
        return t;
    if (!sema_is_int(a) || (a->kind == T_BOOL && n->op != OP_NOT)) {
        sema_error(s, &n->loc, E_TYPE,
                   "The %s operator can not be used on expressions of type '%s'", op_text(n->op),
                   sema_tname(a));
        return NULL;
    }
    if (n->op == OP_NOT)
        return &type_bool;
    if (n->op == OP_NEG)
        return &type_s64;
    return arith_type(a, a);
}

static const struct type *expr_incdec(struct sema *s, struct node *n) {
    struct node *t = n->a;
    if (t->kind == N_VAR) {
        const struct type *ty = sema_expr(s, t);
        if (ty && (!sema_is_int(ty) || ty->kind == T_BOOL)) {
            sema_error(s, &n->loc, E_TYPE,
                       "The %s operator can not be used on expressions of type '%s'",
                       op_text(n->op), sema_tname(ty));
            return NULL;
        }
        sema_var_widen(s, t);
        return ty;
    }
    if (t->kind == N_MAP) {
        sema_map_mark_written(s, t);
        if (sema_map_ref(s, t) < 0)
            return NULL;
        const struct type *have = s->out->maps[t->sym].val_ty;
        if (!have || !have->is_ptr) /* a pointer steps by its pointee's size */
            sema_map_write(s, t, &type_s64, &type_u64, &n->loc);
        const struct type *v = s->out->maps[t->sym].val_ty;
        t->ty = v;
        return v && v->kind == T_INT ? v : NULL;
    }
    sema_error(s, &n->loc, E_TYPE, "The %s operator can only be applied to variables and maps",
               op_text(n->op));
    return NULL;
}

static const struct type *ternary_type(struct sema *s, struct node *n, const struct type *b,
                                       const struct type *c) {
    if (b->kind == T_BOOL && c->kind == T_BOOL)
        return &type_bool;
    if (sema_is_int(b) && sema_is_int(c) && !b->is_ptr && !c->is_ptr)
        return arith_type(b, c);
    if ((b->kind == T_VOID && c->kind == T_VOID) || (b->kind == T_PROBE && c->kind == T_PROBE))
        return b;
    if ((sema_is_str(b) && sema_is_str(c)) || (b->kind == T_TUPLE && c->kind == T_TUPLE) ||
        (b->kind == T_BUF && c->kind == T_BUF)) {
        const struct type *u = sema_unify(s, sema_storage_type(s, b), sema_storage_type(s, c));
        if (u)
            return u;
    }
    if (b->is_ptr && c->is_ptr)
        return b;
    /* stacks of one kind, mode and limit (bpftrace's check; its code
     * generator then fails an assertion, trawk writes the chosen one) */
    if (b->kind == T_STACK && c->kind == T_STACK && type_equal(b, c))
        return b;
    const struct type *nb = n->b ? sema_natural_type(s, n->b) : NULL;
    const struct type *nc = sema_natural_type(s, n->c);
    sema_error(s, &n->loc, E_TYPE,
               "Branches must return the same type or compatible types: have '%s' and '%s'",
               sema_tname(nb ? nb : b), sema_tname(nc ? nc : c));
    return NULL;
}

static const struct type *expr_ternary(struct sema *s, struct node *n) {
    if (n->a->kind == N_COMPTIME)
        return sema_comptime_ternary(s, n);
    const struct type *cond = sema_expr(s, n->a);
    const struct type *b = n->b ? sema_expr(s, n->b) : cond;
    const struct type *c = sema_expr(s, n->c);
    const struct type *t;
    if (cond && b && c && try_fold(s, n, &t))
        return t;
    if (n->a->kind == N_BOOL) /* a literal condition, folded */
        cond = sema_expr(s, n->a);
    if (cond)
        sema_condition(s, n, cond);
    if (!b || !c)
        return NULL;
    return ternary_type(s, n, b, c);
}

/* ---- tuples, fields, indexes ---- */

static const struct type *expr_tuple(struct sema *s, struct node *n) {
    int count = (int)ast_list_len(n->a);
    const struct type **elems = calloc(count ? count : 1, sizeof(*elems));
    bool ok = true;
    int i = 0;
    for (struct node *e = n->a; e; e = e->next, i++) {
        const struct type *t = sema_expr(s, e);
        if (t && (t->kind == T_VOID || t->kind == T_AGG)) {
            sema_error(s, &e->loc, E_TYPE, "Invalid tuple element type: %s", sema_tname(t));
            t = NULL;
        }
        ok &= t != NULL;
        elems[i] = t ? sema_element_type(s, e) : NULL;
    }
    const struct type *r = ok ? type_tuple(s->types, count, elems) : NULL;
    free(elems);
    return r;
}

/* (a=1, b="x"): a tuple whose elements have names. */
static const struct type *expr_record(struct sema *s, struct node *n) {
    int count = (int)ast_list_len(n->a);
    const struct type **elems = calloc(count ? count : 1, sizeof(*elems));
    const char **names = calloc(count ? count : 1, sizeof(*names));
    bool ok = true;
    int i = 0;
    for (struct node *f = n->a; f; f = f->next, i++) {
        for (int j = 0; j < i; j++)
            if (strcmp(names[j], f->str) == 0) {
                sema_error(s, &f->loc, E_SYNTAX,
                           "syntax: Named argument list already contains name: %s", f->str);
                ok = false;
            }
        names[i] = f->str;
        const struct type *t = sema_expr(s, f->a);
        if (t && (t->kind == T_VOID || t->kind == T_AGG)) {
            sema_error(s, &f->a->loc, E_TYPE, "Invalid record field type: %s", sema_tname(t));
            t = NULL;
        }
        f->ty = t;
        ok &= t != NULL;
        elems[i] = t ? sema_element_type(s, f->a) : NULL;
    }
    const struct type *r = ok ? type_named_tuple(s->types, count, elems, names) : NULL;
    free(elems);
    free(names);
    return r;
}

static const struct type *tuple_element(struct sema *s, struct node *n, const struct type *t,
                                        int64_t idx) {
    if (idx < 0 || idx >= t->nfields) {
        sema_error(s, &n->loc, E_TYPE, "Invalid tuple index: %lld. Found %d elements in tuple.",
                   (long long)idx, t->nfields);
        return NULL;
    }
    n->sym = (int)idx;
    return t->fields[idx].ty;
}

static const struct type *expr_field(struct sema *s, struct node *n) {
    if (n->a->kind == N_IDENT && strcmp(n->a->str, "config") == 0)
        return sema_config_field(s, n);
    const struct type *t = sema_expr(s, n->a);
    if (!t)
        return NULL;
    const struct type *folded;
    if (sema_fold_field(s, n, &folded))
        return folded;
    bool numeric = !n->str || isdigit((unsigned char)n->str[0]);
    if (numeric && t->kind != T_TUPLE) {
        sema_error(s, &n->loc, E_TYPE, "Can not access index '%lld' on expression of type '%s'",
                   n->str ? strtoll(n->str, NULL, 10) : (long long)n->num, sema_tname(t));
        return NULL;
    }
    if (n->a->kind == N_IDENT && n->a->sym == B_ARGS && t->kind == T_RECORD)
        return sema_args_field(s, n, t);
    if (t->kind == T_RECORD || t->is_ptr)
        return sema_record_field(s, n, t);
    if (t->kind == T_TUPLE && numeric)
        return tuple_element(s, n, t, n->str ? strtoll(n->str, NULL, 10) : (int64_t)n->num);
    if (t->kind == T_TUPLE) {
        sema_error(s, &n->loc, E_TYPE, "Can not access field '%s' on a tuple; use .0, .1, ...",
                   n->str);
        return NULL;
    }
    sema_error(s, &n->loc, E_TYPE, "Can not access field '%s' on expression of type '%s'",
               n->str ? n->str : "?", sema_tname(t));
    return NULL;
}

static const struct type *expr_index(struct sema *s, struct node *n) {
    const struct type *t = sema_expr(s, n->a);
    const struct type *i = sema_expr(s, n->b);
    if (!t || !i)
        return NULL;
    const struct type *folded;
    if (sema_fold_str_index(s, n, &folded))
        return folded;
    int64_t idx;
    if (t->kind == T_TUPLE) {
        if (sema_const_int(n->b, &idx)) /* folded already */
            return tuple_element(s, n, t, idx);
        sema_error(s, &n->b->loc, E_TYPE, "The index of a tuple must be an integer literal");
        return NULL;
    }
    return sema_index(s, n, t);
}

/* ---- casts ---- */

const struct type *sema_int_type_named(const struct node *ty) {
    static const struct {
        const char *name;
        const struct type *ty;
    } names[] = {
        {"int8", &type_s8},   {"int16", &type_s16},  {"int32", &type_s32},  {"int64", &type_s64},
        {"uint8", &type_u8},  {"uint16", &type_u16}, {"uint32", &type_u32}, {"uint64", &type_u64},
        {"s8", &type_s8},     {"s16", &type_s16},    {"s32", &type_s32},    {"s64", &type_s64},
        {"u8", &type_u8},     {"u16", &type_u16},    {"u32", &type_u32},    {"u64", &type_u64},
        {"bool", &type_bool},
    };
    if (!ty->str || ty->num || ty->len)
        return NULL;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(names[i].name, ty->str) == 0)
            return names[i].ty;
    return NULL;
}

/* A pointer cast to the type it has, address space aside (bpftrace
 * compares the types' names). */
static bool same_pointer(const struct type *from, const struct type *to) {
    if (!from || !from->is_ptr || !to->is_ptr)
        return false;
    char a[128], b[128];
    return strcmp(type_name(from, a, sizeof(a)), type_name(to, b, sizeof(b))) == 0;
}

/* (uint64)nsecs, (struct task_struct *)curtask: bpftrace warns when the
 * value has the type already. */
static void unnecessary_cast(struct sema *s, struct node *n, const struct loc *at,
                             const struct type *to) {
    const struct type *from = sema_natural_type(s, n->b);
    bool plain = to->kind == T_INT && !to->is_ptr && !to->enum_def && from && from->kind == T_INT &&
                 !from->is_ptr && !from->enum_def;
    if ((plain && from->size == to->size && from->is_signed == to->is_signed) ||
        same_pointer(from, to))
        sema_pass_warning(s, PASS_CHECKS, at, "Unnecessary cast: expression is already of type %s",
                          sema_tname(to));
}

static const struct type *expr_cast(struct sema *s, struct node *n) {
    /* bpftrace underlines the parenthesised type */
    struct loc at = n->loc;
    at.last_line = n->a->loc.last_line;
    at.last_column = n->a->loc.last_column + 1;
    if (sema_unknown_enum_cast(s, n->a, &at))
        return NULL;
    const struct type *to = sema_type_named(s, n->a);
    const struct type *from = sema_expr(s, n->b);
    if (!to || !from)
        return NULL;
    if (to->kind == T_ARRAY || from->kind == T_ARRAY)
        return sema_cast_array(s, n, &at, to, from);
    if (to->is_ptr && from->kind == T_STRING)
        return sema_cast_str_ptr(s, n);
    if ((to->kind != T_INT && to->kind != T_BOOL) || !sema_is_int(from)) {
        sema_error(s, &at, E_TYPE, "Cannot cast from \"%s\" to \"%s\"", sema_tname(from),
                   sema_tname(to));
        return NULL;
    }
    unnecessary_cast(s, n, &at, to);
    int64_t v;
    if (to->is_ptr && n->b->kind == N_UNOP && sema_const_int(n->b, &v) && v < 0) {
        /* bpftrace types a negative literal in the narrowest signed width
         * and widens it without sign to a pointer: (uint8 *)-1 is 0xff */
        uint64_t mask = v >= INT8_MIN ? 0xff : v >= INT16_MIN ? 0xffff : 0xffffffff;
        if (v >= INT32_MIN) {
            ast_become_int(n->b, (uint64_t)v & mask);
            from = sema_expr(s, n->b);
        }
    }
    return sema_cast_pointer(s, to, from);
}

/* ---- variables ---- */

static const struct type *expr_var(struct sema *s, struct node *n) {
    int i = sema_var_find(s, n->str);
    if (i < 0 || !s->pv->defined[i]) {
        sema_error(s, &n->loc, E_UNDEFINED, "Undefined or undeclared variable: %s", n->str);
        return NULL;
    }
    n->sym = i;
    /* declared by let and given no type by any assignment (one whose
     * value had an error was reported there) */
    if (s->pv->defined[i] == VAR_DECLARED && s->report)
        sema_pass_warning(s, PASS_VARS, &n->loc, "Variable used before it was assigned: %s",
                          n->str);
    if (!s->pv->vars[i].ty && s->report) {
        if (!s->pv->vars[i].assigned)
            sema_error(s, &n->loc, E_TYPE, "Could not resolve the type of this variable");
        return NULL;
    }
    return s->pv->vars[i].ty ? s->pv->vars[i].ty : &type_s64;
}

const struct type *sema_expr(struct sema *s, struct node *n) {
    const struct type *t = NULL;
    switch (n->kind) {
    case N_INT:
        if (n->ty &&
            (n->ty->enum_def || n->ty->is_ptr || (n->ty->kind == T_INT && n->ty->size < 8))) {
            /* an enum constant, a uaddr() or a sizeof rewritten by the first walk */
            t = n->ty;
            break;
        }
        t = n->num > INT64_MAX ? &type_u64 : &type_s64;
        break;
    case N_STRING:
        t = type_string(s->types, (uint32_t)n->len + 1);
        break;
    case N_BOOL:
        t = &type_bool;
        break;
    case N_POSITIONAL:
    case N_POSITIONAL_COUNT:
        sema_positional(s, n);
        return sema_expr(s, n);
    case N_IDENT:
        t = sema_ident(s, n);
        break;
    case N_VAR:
        t = expr_var(s, n);
        break;
    case N_MAP:
        t = sema_map_read(s, n);
        break;
    case N_CALL:
        t = sema_call(s, n);
        break;
    case N_BINOP:
        t = expr_binop(s, n);
        break;
    case N_UNOP:
        t = expr_unop(s, n);
        break;
    case N_INCDEC:
        t = expr_incdec(s, n);
        break;
    case N_TERNARY:
        t = expr_ternary(s, n);
        break;
    case N_FIELD:
        t = expr_field(s, n);
        break;
    case N_INDEX:
        t = expr_index(s, n);
        break;
    case N_TUPLE:
        t = expr_tuple(s, n);
        break;
    case N_RECORD:
        t = expr_record(s, n);
        break;
    case N_CAST:
        t = expr_cast(s, n);
        break;
    case N_SIZEOF:
        t = sema_sizeof(s, n);
        break;
    case N_OFFSETOF:
        t = sema_offsetof(s, n);
        break;
    case N_BLOCK_EXPR:
        t = sema_block_expr(s, n);
        break;
    case N_COMPTIME:
        t = sema_comptime(s, n);
        break;
    case N_TYPEINFO:
        t = sema_typeinfo(s, n);
        break;
    default:
        sema_error(s, &n->loc, E_SYNTAX, "%s is not an expression", ast_kind_name(n->kind));
        break;
    }
    n->ty = t;
    return t;
}
