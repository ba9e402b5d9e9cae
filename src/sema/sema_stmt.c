/* Statements: assignments, let, if, and the constructs trawk refuses. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "sema/sema_impl.h"

static bool is_plain_assign(enum op op) {
    return op == OP_ASSIGN || op == OP_NONE || (int)op == '=';
}

/* Values that cannot be stored: reports on the assignment n (bpftrace's
 * words, "a map" or "a scratch variable" as target) and returns false. */
static bool storable(struct sema *s, const struct node *n, struct node *value, const struct type *t,
                     const char *target) {
    if (!t)
        return false;
    if (t->kind != T_VOID)
        return true;
    if (value->kind == N_CALL && value->sym == F_EXIT) /* no value at all */
        sema_error(s, &n->loc, E_SYNTAX, "Invalid expression for assignment");
    else
        sema_error(s, &n->loc, E_TYPE, "Value 'void' cannot be assigned to %s.", target);
    return false;
}

static void assign_map(struct sema *s, struct node *n) {
    struct node *map = n->a, *value = n->b;
    /* Written even when this statement has errors: no "Undefined map" later. */
    sema_map_mark_written(s, map);
    if (sema_is_agg_call(value)) {
        int idx = sema_map_ref(s, map);
        map->sym = idx < 0 ? map->sym : idx;
        const struct type *t = sema_agg_call(s, value, map);
        if (idx >= 0 && t)
            sema_map_write(s, map, t, t, &value->loc);
    } else {
        const char *outer = s->assign_target;
        s->assign_target = map->str;
        const struct type *t = sema_expr(s, value);
        s->assign_target = outer;
        if (sema_map_ref(s, map) >= 0 && storable(s, n, value, t, "a map")) {
            const struct type *natural = sema_natural_type(s, value);
            sema_map_write(s, map, t, natural, &n->loc);
            sema_map_int(s, map, natural, sema_nonneg_literal(value));
        }
    }
    if (map->sym >= 0 && map->sym < s->out->nmaps)
        map->ty = s->out->maps[map->sym].val_ty;
}

/* "@m = { stmts; agg(x) }": the aggregation goes to the map inside the
 * block, which becomes a statement: { stmts; @m = agg(x) }. */
static bool agg_block_assign(struct sema *s, struct node *n) {
    struct node *block = n->b;
    if (n->a->kind != N_MAP || !is_plain_assign(n->op) || block->kind != N_BLOCK_EXPR ||
        !block->b || !sema_is_agg_call(block->b))
        return false;
    struct node *assign = ast_new_op(N_ASSIGN, &n->loc, OP_ASSIGN, n->a, block->b);
    block->a = ast_append(block->a, assign);
    block->b = NULL;
    n->kind = N_EXPR_STMT;
    n->op = OP_NONE;
    n->a = block;
    n->b = NULL;
    sema_stmt(s, n);
    return true;
}

static void stmt_assign(struct sema *s, struct node *n) {
    struct node *target = n->a;
    if (agg_block_assign(s, n))
        return;
    if (!is_plain_assign(n->op) && (target->kind == N_MAP || target->kind == N_VAR)) {
        sema_assign_compound(s, n);
        return;
    }
    if (target->kind == N_MAP) {
        assign_map(s, n);
    } else if (target->kind == N_VAR) {
        const struct type *t = sema_expr(s, n->b);
        /* A bad value still defines the variable, so its uses don't cascade. */
        bool ok = storable(s, n, n->b, t, "a scratch variable");
        sema_var_assign(s, target, ok ? sema_natural_type(s, n->b) : NULL, n->b, &n->loc);
    } else if (target->kind == N_IDENT && target->str && strcmp(target->str, "_") == 0) {
        sema_expr(s, n->b); /* "_ = expr;" discards the value */
    } else {
        sema_error(s, &target->loc, E_SYNTAX, "Invalid expression for assignment");
    }
}

static void stmt_let(struct sema *s, struct node *n) {
    const struct type *declared = n->b ? sema_int_type_named(n->b) : NULL;
    if (n->b && !declared && n->b->str && strcmp(n->b->str, "string") == 0) {
        sema_error(s, &n->b->loc, E_UNSUPPORTED,
                   "variables declared with type '%s' are not supported yet", n->b->str);
        return;
    }
    if (n->b && !declared) {
        /* a C type: let $c: struct C *; let $w: struct W[10]; or typeof(x),
         * whose integer keeps its width as a named one does */
        const struct type *named = sema_complete(s, sema_type_named(s, n->b));
        bool plain_int = named && named->kind == T_INT && !named->is_ptr && !named->enum_def;
        declared = plain_int ? named : sema_storage_type(s, named);
        if (!declared)
            return;
    }
    /* let declares in this block; bpftrace allows no shadowing */
    int outer = sema_var_find(s, n->a->str);
    if (outer >= 0 && s->pv->scope[outer] != s->scopes[s->nscopes - 1]) {
        sema_error(s, &n->loc, E_TYPE,
                   "Variable %s was already declared. Variable shadowing is not allowed.",
                   n->a->str);
        return;
    }
    int i = sema_var_declare_here(s, n->a);
    if (declared) {
        s->pv->vars[i].ty = declared;
        s->pv->typed[i] = true;
        n->a->ty = declared;
    }
    if (!n->c) {
        s->pv->defined[i] = VAR_DECLARED; /* zero until assigned, as in bpftrace */
        sema_let_pending(s, n);
        return;
    }
    const struct type *t = sema_expr(s, n->c);
    bool ok = storable(s, n, n->c, t, "a scratch variable");
    sema_var_assign(s, n->a, ok ? sema_natural_type(s, n->c) : NULL, n->c, &n->loc);
}

static void stmt_if(struct sema *s, struct node *n) {
    if (n->a->kind == N_COMPTIME) {
        sema_comptime_if(s, n);
        return;
    }
    bool truth;
    if (n->a->kind == N_STRING && sema_literal_truth(n->a, &truth)) {
        free(n->a->str); /* bpftrace folds a literal string: true unless "" */
        n->a->str = NULL;
        sema_become_bool(n->a, truth);
    }
    const struct type *c = sema_expr(s, n->a);
    if (c)
        sema_condition(s, n, c);
    sema_block(s, n->b);
    if (n->c && n->c->kind == N_IF)
        stmt_if(s, n->c);
    else if (n->c)
        sema_block(s, n->c);
}

static void loop_body(struct sema *s, struct node *body) {
    bool followed = s->stmt_followed;
    s->stmt_followed = false; /* for the ";" of a discarded value: see there */
    s->loop_depth++;
    sema_block(s, body);
    s->loop_depth--;
    s->stmt_followed = followed;
}

static void stmt_while(struct sema *s, struct node *n) {
    const struct type *c = sema_expr(s, n->a);
    if (c && !sema_is_int(c))
        sema_error(s, &n->a->loc, E_TYPE, "Invalid condition in while(): %s", sema_tname(c));
    loop_body(s, n->b);
}

/* bpftrace folds the count first, and places its errors on the whole
 * statement. */
static void stmt_unroll(struct sema *s, struct node *n) {
    sema_expr(s, n->a);
    if (n->a->kind != N_INT)
        sema_error(s, &n->loc, E_ARGS, "invalid unroll value");
    else if (n->a->num > 100)
        sema_error(s, &n->loc, E_ARGS, "unroll maximum value is 100");
    else if (n->a->num < 1)
        sema_error(s, &n->loc, E_ARGS, "unroll minimum value is 1");
    sema_block(s, n->b);
}

/* The type bpftrace gives the counter of start..end: the start's, or the
 * type holding both when their sizes differ ((uint64)0..(uint64)n is a
 * uint64, 0..300 an int16, (int16)0..(uint32)n an int64). */
static const struct type *range_type(struct sema *s, const struct node *start,
                                     const struct node *end) {
    const struct type *a = sema_natural_type(s, start), *b = sema_natural_type(s, end);
    if (!a || !b || !sema_is_int(a) || !sema_is_int(b) || a->is_ptr || b->is_ptr)
        return &type_s64;
    if (a->size == b->size)
        return a;
    const struct type *wide = a->size > b->size ? a : b, *narrow = wide == a ? b : a;
    int64_t v; /* a literal 0..$n takes $n's type, sign and all */
    bool flexible = sema_is_int_literal(wide == a ? end : start) &&
                    sema_const_int(wide == a ? end : start, &v) && v >= 0;
    if (wide->is_signed || !narrow->is_signed || flexible || wide->size == 8)
        return wide;
    return type_int(wide->size * 2, true); /* int16 and uint32: int64 */
}

/* for ($i : start..end): $i counts from start, in the range's type. */
static void stmt_for_range(struct sema *s, struct node *n) {
    const struct type *a = sema_expr(s, n->b), *b = sema_expr(s, n->c);
    bool ints = !(a && !sema_is_int(a)) && !(b && !sema_is_int(b));
    if (!ints)
        sema_error(s, &n->loc, E_TYPE, "Loop range requires integer bounds");
    sema_scope_enter(s, n); /* the loop's variable belongs to the loop */
    sema_var_declare_here(s, n->a);
    const struct type *t = ints ? range_type(s, n->b, n->c) : &type_s64;
    /* a counter in its literal start's own type is as literal as the start
     * (bpftrace: 0..3 makes no signed-division warning, 0..300 does) */
    bool start_typed = t == sema_natural_type(s, n->b);
    sema_var_assign(s, n->a, t, start_typed ? n->b : NULL, &n->a->loc);
    loop_body(s, n->d);
    sema_scope_leave(s);
}

/* for ($kv : @m): $kv is (key, value), the key a tuple for @m[a, b]. */
static void stmt_for_map(struct sema *s, struct node *n) {
    int idx = sema_map_whole(s, n->b, "for");
    const struct type *kv = NULL;
    if (idx >= 0) {
        const struct sema_map *m = &s->out->maps[idx];
        if (!m->key_ty)
            sema_error(s, &n->b->loc, E_TYPE, "for loops need a map with keys (%s has none)",
                       n->b->str);
        else if (m->val_ty) {
            /* aggregations read as their total over CPUs */
            const struct type *v =
                m->val_ty->kind == T_AGG ? sema_agg_read_type(s, n->b, m->val_ty) : m->val_ty;
            if (v)
                kv = type_tuple(s->types, 2, (const struct type *const[]){m->key_ty, v});
        }
    }
    sema_scope_enter(s, n); /* the loop's variable belongs to the loop */
    sema_var_declare_here(s, n->a);
    sema_var_assign(s, n->a, kv, NULL, &n->a->loc);
    n->a->ty = kv;
    loop_body(s, n->c);
    sema_scope_leave(s);
}

/* bpftrace's spans: an expression statement that does not start with a
 * variable or map (its parser reads those as assignments first) takes in
 * its ";". */
static bool span_takes_semicolon(const struct sema *s, const struct node *stmt) {
    if (stmt->kind != N_EXPR_STMT && stmt->kind != N_IF)
        return false;
    char first = sema_source_at(s, stmt->loc.first_line, stmt->loc.first_column);
    return first != '$' && first != '@';
}

/* bpftrace warns about every expression statement whose value is dropped
 * (++ and -- aside); the ";" is in the span unless no statement follows in
 * the probe or loop body (an if's last statement takes it when more follow
 * the if). */
static void warn_discarded_value(struct sema *s, struct node *stmt) {
    struct node *e = stmt->a;
    if (!s->report || !e || !e->ty || e->ty->kind == T_VOID || e->ty->kind == T_NONE ||
        e->kind == N_INCDEC)
        return;
    struct loc l = stmt->loc;
    if (s->stmt_followed && span_takes_semicolon(s, stmt) &&
        sema_source_at(s, l.last_line, l.last_column) == ';')
        l.last_column++;
    sema_pass_warning(s, PASS_CHECKS, &l, "Return value discarded.");
}

static void stmt_expr(struct sema *s, struct node *stmt) {
    sema_expr(s, stmt->a);
    warn_discarded_value(s, stmt);
}

/* return EXPR: bpftrace allows an integer, the probe's return value. */
static void stmt_return(struct sema *s, struct node *n) {
    const struct type *t = n->a ? sema_expr(s, n->a) : NULL;
    if (t && !sema_is_int(t))
        sema_error(s, &n->loc, E_TYPE, "Probe return values can only be integers. Found %s",
                   sema_tname(t));
}

void sema_stmt(struct sema *s, struct node *n) {
    switch (n->kind) {
    case N_EXPR_STMT:
        stmt_expr(s, n);
        break;
    case N_ASSIGN:
        stmt_assign(s, n);
        break;
    case N_LET:
        stmt_let(s, n);
        break;
    case N_IF:
        stmt_if(s, n);
        break;
    case N_BLOCK:
        sema_block(s, n);
        break;
    case N_WHILE:
        stmt_while(s, n);
        break;
    case N_UNROLL:
        stmt_unroll(s, n);
        break;
    case N_FOR_RANGE:
        stmt_for_range(s, n);
        break;
    case N_FOR_MAP:
        stmt_for_map(s, n);
        break;
    case N_RETURN:
        stmt_return(s, n);
        break;
    case N_BREAK:
    case N_CONTINUE:
        if (!s->loop_depth)
            sema_error(s, &n->loc, E_CONTEXT, "%s used outside of a loop",
                       n->kind == N_BREAK ? "break" : "continue");
        break;
    default:
        stmt_expr(s, n);
        break;
    }
}

/* A statement after which nothing in its block runs. */
static bool ends_block(const struct node *n) {
    if (n->kind == N_RETURN || n->kind == N_BREAK || n->kind == N_CONTINUE)
        return true;
    return n->kind == N_EXPR_STMT && n->a->kind == N_CALL && strcmp(n->a->str, "exit") == 0;
}

/* bpftrace warns once per block about statements after exit/return/break.
 * An expression statement that is the block's last and has no ";" is
 * shown as the whole block (after an if's or while's condition or a
 * predicate, from right after its ")" or "/"); other statements as
 * themselves. */
/* The column after the last non-blank before `col` on `line`. */
static int after_blanks_back(const struct sema *s, int line, int col) {
    while (col > 1 && isspace((unsigned char)sema_source_at(s, line, col - 1)))
        col--;
    return col;
}

static void check_unreachable(struct sema *s, const struct node *block) {
    const struct node *n = block->a;
    while (n && !ends_block(n))
        n = n->next;
    if (!s->report || !n || !n->next || n->next->loc.expansion)
        return;
    const struct node *dead = n->next;
    struct loc l = dead->loc;
    bool expr = dead->kind == N_EXPR_STMT || dead->kind == N_IF;
    if (expr) {
        if (sema_source_at(s, l.last_line, l.last_column) == ';') {
            l.last_column += span_takes_semicolon(s, dead);
        } else if (!dead->next) {
            l = block->loc;
            int col = after_blanks_back(s, l.first_line, l.first_column);
            char before = col > 1 ? sema_source_at(s, l.first_line, col - 1) : 0;
            if (before == ')' || before == '/') /* after a condition or predicate */
                l.first_column = col;
        }
    }
    diag_warning(s->d, &l, "Unreachable statement.");
}

/* { stmts; value }: its own scope; a block without a value is void. */
const struct type *sema_block_expr(struct sema *s, struct node *n) {
    sema_scope_enter(s, n);
    for (struct node *st = n->a; st; st = st->next)
        sema_stmt(s, st);
    const struct type *t = n->b ? sema_expr(s, n->b) : &type_void;
    sema_scope_leave(s);
    return t;
}

void sema_block(struct sema *s, struct node *block) {
    if (!block)
        return;
    if (block->kind != N_BLOCK) {
        sema_stmt(s, block);
        return;
    }
    sema_scope_enter(s, block);
    bool outer_followed = s->stmt_followed;
    for (struct node *st = block->a; st; st = st->next) {
        s->stmt_followed = outer_followed || st->next;
        sema_stmt(s, st);
    }
    s->stmt_followed = outer_followed;
    sema_scope_leave(s);
}

static void walk(struct sema *s, const struct node *n,
                 void (*visit)(struct sema *s, const struct node *n)) {
    for (; n; n = n->next) {
        visit(s, n);
        walk(s, n->a, visit);
        walk(s, n->b, visit);
        walk(s, n->c, visit);
        walk(s, n->d, visit);
    }
}

static void warn_while(struct sema *s, const struct node *n) {
    if (n->kind != N_WHILE || n->loc.expansion)
        return;
    diag_warning(s->d, &n->loc, "While loops are deprecated and may be removed in the future.");
    diag_warning_hint(s->d, "For loops support ranges (e.g. `for ($x : $start..$end) { ... }`), "
                            "and can be used in place of while. These are more easily proven to "
                            "be bounded by the verifier.");
}

/* The body of a loop bpftrace checks after its block (unroll is no such loop). */
static const struct node *loop_block(const struct node *n) {
    switch (n->kind) {
    case N_WHILE:
        return n->b;
    case N_FOR_MAP:
        return n->c;
    case N_FOR_RANGE:
        return n->d;
    default:
        return NULL;
    }
}

static void unreachable_block(struct sema *s, const struct node *block);

/* The blocks inside a statement that is no loop (an if's), as met. */
static void unreachable_nested(struct sema *s, const struct node *n) {
    for (; n; n = n->next) {
        if (n->kind == N_BLOCK) {
            unreachable_block(s, n);
            continue;
        }
        unreachable_nested(s, n->a);
        unreachable_nested(s, n->b);
        unreachable_nested(s, n->c);
        unreachable_nested(s, n->d);
    }
}

/* bpftrace's order: the blocks of a block's ifs first, then the block's
 * own unreachable statement, then its loops' bodies. It skips the else of
 * an if that is not its block's last statement. */
static void unreachable_block(struct sema *s, const struct node *block) {
    for (const struct node *st = block->a; st; st = st->next)
        if (!loop_block(st)) {
            unreachable_nested(s, st->a);
            unreachable_nested(s, st->b);
            if (st->kind != N_IF || !st->next)
                unreachable_nested(s, st->c);
            unreachable_nested(s, st->d);
        }
    check_unreachable(s, block);
    for (const struct node *st = block->a; st; st = st->next)
        if (loop_block(st))
            unreachable_nested(s, loop_block(st));
}

/* Before the statements are checked, as bpftrace's deprecation and
 * control-flow passes run over the whole program before its others. */
void sema_early_warnings(struct sema *s, const struct node *program) {
    if (!s->report || !program)
        return;
    for (const struct node *p = program->a; p; p = p->next)
        if (!p->removed)
            walk(s, p->c, warn_while);
    for (const struct node *p = program->a; p; p = p->next)
        if (!p->removed)
            unreachable_nested(s, p->c);
}
