/* --fmt: statements, blocks and ifs, as bpftrace's printer lays them out. */
#include <stdlib.h>
#include <string.h>

#include "parser/format_internal.h"

static struct fb *text(const char *s) {
    return fb_text(fb_new(), s);
}

static const struct node *last_of(const struct node *list) {
    while (list && list->next)
        list = list->next;
    return list;
}

/* The value of a block: N_BLOCK_EXPR's, or in an N_BLOCK where values are
 * allowed its last expression statement written without ";". */
static const struct node *block_value(const struct fmt *f, const struct node *blk, bool value_ok) {
    if (blk->kind == N_BLOCK_EXPR)
        return blk->b;
    const struct node *last = last_of(blk->a);
    if (!value_ok || !last || last->kind != N_EXPR_STMT || fmt_semi_follows(f, last))
        return NULL;
    return last->a;
}

struct fb *fs_block(struct fmt *f, const struct node *blk, struct fmt_meta *m, size_t w,
                    bool value_ok) {
    const struct node *value = block_value(f, blk, value_ok);
    struct fb *b = fb_new();
    size_t i = 0;
    for (const struct node *s = blk->a; s; s = s->next, i++) {
        if (value && s->a == value && !s->next)
            break;
        /* the last if of a block without a value has none either */
        bool ok = s->next ? true : value_ok;
        struct fb *sb = fs_stmt(f, s, m, w, ok);
        if (fb_width(sb) > 0 && i > 0)
            fb_break(b);
        fb_append(b, sb, 0, true);
    }
    struct fmt_meta extra = fmt_meta_before(m, blk->loc.last_line, blk->loc.last_column);
    if (value) {
        struct fmt_meta em =
            fmt_meta_before(&extra, value->loc.first_line, value->loc.first_column);
        struct fb *e = fe_expr(f, value, &extra, w, true);
        fb_meta(b, &em, fb_lines(b) > 0 ? 1 : 0);
        fb_append(b, e, 0, true);
    }
    return fb_meta(b, &extra, -1);
}

/* A branch of an if: its block without braces. */
static struct fb *raw_block(struct fmt *f, const struct node *n, struct fmt_meta *m, size_t w,
                            bool value_ok) {
    if (n->kind == N_BLOCK || n->kind == N_BLOCK_EXPR)
        return fs_block(f, n, m, w, value_ok);
    return fe_expr(f, n, m, w, true);
}

static bool has_value(const struct fmt *f, const struct node *blk, bool value_ok) {
    if (blk->kind != N_BLOCK && blk->kind != N_BLOCK_EXPR)
        return true;
    return block_value(f, blk, value_ok) != NULL;
}

bool fe_is_if(const struct node *n) {
    return n->kind == N_IF || (n->kind == N_TERNARY && n->b &&
                               (n->b->kind == N_BLOCK_EXPR || n->c->kind == N_BLOCK_EXPR));
}

struct fb *fe_if(struct fmt *f, const struct node *n, struct fmt_meta *m, size_t w, bool value_ok) {
    struct fmt_meta comments = fmt_meta_before(m, n->loc.first_line, n->loc.first_column);
    size_t npairs = 0, cap = 0, total = 0;
    struct fb **conds = NULL, **bodies = NULL, *other = NULL;
    bool multi = false;
    for (const struct node *it = n;; it = it->c) {
        /* bpftrace's blocks start where the first condition ends: comments
         * between a condition and its block go inside the block */
        struct fmt_meta cm = fmt_meta_before(m, n->a->loc.last_line, n->a->loc.last_column);
        struct fb *c = fb_meta(fe_expr(f, it->a, &cm, w - 5, false), &cm, -1);
        struct fb *e = raw_block(f, it->b, m, w - FMT_INDENT, value_ok);
        total += fb_width(c) + 5 + fb_width(e) + 3;
        multi |= fb_lines(c) > 1 || fb_lines(e) > 1;
        if (npairs == cap) {
            cap = cap ? cap * 2 : 4;
            conds = realloc(conds, cap * sizeof(*conds));
            bodies = realloc(bodies, cap * sizeof(*bodies));
            if (!conds || !bodies)
                abort();
        }
        conds[npairs] = c;
        bodies[npairs++] = e;
        if (!it->c || !fe_is_if(it->c)) {
            if (it->c)
                other = raw_block(f, it->c, m, w - FMT_INDENT, value_ok);
            break;
        }
    }
    struct fb *b = fb_meta(fb_new(), &comments, 0);
    bool stmt = !has_value(f, n->b, value_ok) || !n->c;
    bool lines = stmt || total > w || npairs > 1 || multi || (other && fb_lines(other) > 1);
    for (size_t i = 0; i < npairs; i++) {
        fb_append(fb_text(b, i > 0 ? " else if " : "if "), conds[i], 0, true);
        fb_text(b, lines ? " {" : " { ");
        fb_text(fb_append(b, bodies[i], lines ? FMT_INDENT : 0, true), lines ? "}" : " }");
    }
    if (other) {
        fb_text(b, lines ? " else {" : " else { ");
        fb_text(fb_append(b, other, lines ? FMT_INDENT : 0, true), lines ? "}" : " }");
    }
    free(conds);
    free(bodies);
    return b;
}

static bool same_node(const struct node *a, const struct node *b);

static bool same_list(const struct node *a, const struct node *b) {
    for (; a && b; a = a->next, b = b->next)
        if (!same_node(a, b))
            return false;
    return !a && !b;
}

static bool same_node(const struct node *a, const struct node *b) {
    if (!a || !b)
        return a == b;
    if (a->kind != b->kind || a->op != b->op || a->num != b->num || a->len != b->len ||
        (!a->str != !b->str) ||
        (a->str && memcmp(a->str, b->str, a->len ? a->len : strlen(a->str) + 1)))
        return false;
    return same_list(a->a, b->a) && same_node(a->b, b->b) && same_node(a->c, b->c) &&
           same_node(a->d, b->d);
}

/* bpftrace stores "x += 1" as "x = x + 1" and prints both as "x += 1". */
static struct fb *assign(struct fmt *f, const struct node *n, struct fmt_meta *m, size_t w,
                         struct fb *target, const struct node *tnode) {
    const struct node *rhs = n->kind == N_LET ? n->c : n->b;
    char ops[8] = "=";
    if (n->kind == N_ASSIGN && n->op != OP_ASSIGN) {
        snprintf(ops, sizeof(ops), "%s=", ast_op_text(n->op));
    } else if (rhs->kind == N_BINOP && rhs->a->kind == tnode->kind &&
               !strcmp(rhs->a->str, tnode->str) &&
               (tnode->kind == N_VAR || same_list(rhs->a->a, tnode->a))) {
        snprintf(ops, sizeof(ops), "%s=", ast_op_text(rhs->op));
        rhs = rhs->b;
    }
    struct fb *e = fe_expr(f, rhs, m, w - (fb_width(target) + 2 + strlen(ops)), true);
    bool align = rhs->kind != N_BLOCK_EXPR && rhs->kind != N_TERNARY;
    fb_text(fb_text(fb_text(target, " "), ops), " ");
    return fb_text(fb_append(target, e, 0, align), ";");
}

static struct fb *let(struct fmt *f, const struct node *n, struct fmt_meta *m, size_t w) {
    struct fb *b = fb_text(text("let "), n->a->str);
    if (n->b)
        fb_append(fb_text(b, " : "), fe_type(f, n->b, m, w), 0, true);
    if (!n->c)
        return fb_text(b, ";");
    return assign(f, n, m, w, b, n->a);
}

static struct fb *loop_body(struct fmt *f, struct fb *head, const struct node *blk,
                            struct fmt_meta *m, size_t w) {
    fb_text(head, " {");
    return fb_text(fb_append(head, fs_block(f, blk, m, w, false), FMT_INDENT, true), "}");
}

static bool is_literal(const struct node *n) {
    return n->kind == N_INT || n->kind == N_STRING || n->kind == N_BOOL;
}

static struct fb *range_end(struct fmt *f, const struct node *n, struct fmt_meta *m, size_t w) {
    if (is_literal(n))
        return fe_expr(f, n, m, w, true);
    return fb_text(fb_append(text("("), fe_expr(f, n, m, w - 4, true), 0, true), ")");
}

static struct fb *for_range(struct fmt *f, const struct node *n, struct fmt_meta *m, size_t w) {
    struct fb *b = fb_text(fb_text(text("for "), n->a->str), " : ");
    struct fb *r =
        fb_append(fb_text(range_end(f, n->b, m, w), ".."), range_end(f, n->c, m, w), 0, true);
    fb_append(b, r, 0, true);
    return loop_body(f, b, n->d, m, w - FMT_INDENT);
}

static struct fb *stmt_value(struct fmt *f, const struct node *n, struct fmt_meta *m, size_t w,
                             bool value_ok) {
    switch (n->kind) {
    case N_EXPR_STMT: {
        struct fb *b = fe_expr(f, n->a, m, w, true);
        /* an if or a block ends with "}"; a ternary (which bpftrace does
         * not take as a statement) keeps its ";" */
        if (fe_is_if(n->a) || n->a->kind == N_BLOCK_EXPR)
            return b;
        return fb_text(b, ";");
    }
    case N_ASSIGN:
        /* "_ = x" (N_IDENT) is bpftrace's discard, never "_ OP= y" */
        if (n->a->kind == N_IDENT && n->op == OP_ASSIGN) {
            struct fb *e = fe_expr(f, n->b, m, w, true);
            return fb_text(fb_append(fb_text(text(n->a->str), " = "), e, 0, true), ";");
        }
        return assign(f, n, m, w, n->a->kind == N_MAP ? fe_map(f, n->a, m, w) : text(n->a->str),
                      n->a);
    case N_LET:
        return let(f, n, m, w);
    case N_IF:
        return fe_if(f, n, m, w, value_ok);
    case N_WHILE: {
        struct fb *c = fe_expr(f, n->a, m, w - 8, false);
        return loop_body(f, fb_append(text("while "), c, 0, true), n->b, m, w - 2);
    }
    case N_UNROLL: {
        struct fb *c = fe_expr(f, n->a, m, w - 11, false);
        return loop_body(f, fb_text(fb_append(text("unroll ("), c, 0, true), ")"), n->b, m, w - 2);
    }
    case N_FOR_MAP: {
        struct fb *b = fb_text(fb_text(text("for "), n->a->str), " : ");
        return loop_body(f, fb_append(b, fe_map(f, n->b, m, w), 0, true), n->c, m, w - FMT_INDENT);
    }
    case N_FOR_RANGE:
        return for_range(f, n, m, w);
    case N_BREAK:
        return text("break;");
    case N_CONTINUE:
        return text("continue;");
    case N_RETURN:
        if (!n->a)
            return text("return;");
        /* bpftrace passes "true" as the width here: every list wraps */
        return fb_text(fb_append(text("return "), fe_expr(f, n->a, m, 1, false), 0, true), ";");
    default:
        return fb_new();
    }
}

struct fb *fs_stmt(struct fmt *f, const struct node *n, struct fmt_meta *m, size_t w,
                   bool value_ok) {
    struct fmt_meta comments = fmt_meta_before(m, n->loc.first_line, n->loc.first_column);
    struct fb *v = stmt_value(f, n, m, w, value_ok);
    return fb_append(fb_meta(fb_new(), &comments, 0), v, 0, true);
}
