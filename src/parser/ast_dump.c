/* A readable tree dump, one node per line, one space of indent per depth.
 * Used by "-d ast" and by the parser tests, which compare dumps. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "parser/ast.h"
#include "types.h"

static void dump_string(const struct node *n, FILE *out) {
    fputc('"', out);
    for (size_t i = 0; i < n->len; i++) {
        unsigned char c = (unsigned char)n->str[i];
        switch (c) {
        case '\n':
            fputs("\\n", out);
            break;
        case '\t':
            fputs("\\t", out);
            break;
        case '\r':
            fputs("\\r", out);
            break;
        case '"':
            fputs("\\\"", out);
            break;
        case '\\':
            fputs("\\\\", out);
            break;
        default:
            if (c < 0x20 || c >= 0x7f)
                fprintf(out, "\\x%02x", c);
            else
                fputc(c, out);
        }
    }
    fputc('"', out);
}

static void dump_type(const struct node *n, FILE *out) {
    fprintf(out, " %s", n->str ? n->str : "typeof");
    if (n->num)
        fputc(' ', out);
    for (uint64_t i = 0; i < n->num; i++)
        fputc('*', out);
    if (n->len)
        fprintf(out, "[%zu]", n->len);
}

static void dump_incdec(const struct node *n, FILE *out) {
    int pre = n->op == OP_PRE_INC || n->op == OP_PRE_DEC;
    fprintf(out, " %s%s", pre ? "pre" : "post", ast_op_text(n->op));
}

/* The text after the kind name on a node's line. */
static void dump_label(const struct node *n, FILE *out) {
    switch (n->kind) {
    case N_ATTACH_POINT:
    case N_IDENT:
    case N_VAR:
    case N_MAP:
    case N_CALL:
    case N_OFFSETOF:
    case N_MACRO:
    case N_IMPORT:
        fprintf(out, " %s", n->str);
        break;
    case N_MAP_DECL:
        fprintf(out, " %s %" PRIu64, n->str, n->num);
        break;
    case N_INT:
        fprintf(out, " %" PRIu64, n->num);
        break;
    case N_BOOL:
        fputs(n->num ? " true" : " false", out);
        break;
    case N_POSITIONAL:
        fprintf(out, " $%" PRIu64, n->num);
        break;
    case N_POSITIONAL_COUNT:
        fputs(" $#", out);
        break;
    case N_STRING:
    case N_C_DEFINITION:
        fputc(' ', out);
        dump_string(n, out);
        break;
    case N_ASSIGN:
    case N_BINOP:
    case N_UNOP:
        fprintf(out, " %s%s", ast_op_text(n->op),
                n->kind == N_ASSIGN && n->op != OP_ASSIGN ? "=" : "");
        break;
    case N_INCDEC:
        dump_incdec(n, out);
        break;
    case N_TERNARY:
        if (!n->b)
            fputs(" ?:", out);
        break;
    case N_TYPE:
        dump_type(n, out);
        break;
    case N_RECORD_FIELD:
    case N_FIELD:
        if (n->str)
            fprintf(out, " %s%s", n->str, n->arrow ? " ->" : "");
        else
            fprintf(out, " %" PRIu64, n->num);
        break;
    default:
        break;
    }
}

/* The walk keeps its own stack, so that a 100000-term sum, which the
 * parser accepts, cannot overflow the C stack. An entry is a node list, or
 * a header line ("config", "predicate") when list is NULL. */
struct dump_item {
    const struct node *list;
    const char *header;
    int depth;
};

struct dump_stack {
    struct dump_item *items;
    size_t len, cap;
};

static void dump_push(struct dump_stack *st, const struct node *list, const char *header,
                      int depth) {
    if (!list && !header)
        return;
    if (st->len == st->cap) {
        size_t cap = st->cap ? st->cap * 2 : 64;
        struct dump_item *p = realloc(st->items, cap * sizeof(*p));
        if (!p)
            abort();
        st->items = p;
        st->cap = cap;
    }
    st->items[st->len++] = (struct dump_item){list, header, depth};
}

/* Pushes what is printed below n, last first. */
static void dump_push_children(struct dump_stack *st, const struct node *n, int depth) {
    if (n->kind == N_PROGRAM) {
        dump_push(st, n->a, NULL, depth + 1);
        dump_push(st, n->d, NULL, depth + 1);
        dump_push(st, n->c, NULL, depth + 1);
        dump_push(st, n->b, NULL, depth + 2);
        if (n->b)
            dump_push(st, NULL, "config", depth + 1);
        return;
    }
    if (n->kind == N_PROBE) {
        dump_push(st, n->c, NULL, depth + 1);
        dump_push(st, n->b, NULL, depth + 2);
        if (n->b)
            dump_push(st, NULL, "predicate", depth + 1);
        dump_push(st, n->a, NULL, depth + 1);
        return;
    }
    dump_push(st, n->d, NULL, depth + 1);
    dump_push(st, n->c, NULL, depth + 1);
    dump_push(st, n->b, NULL, depth + 1);
    dump_push(st, n->a, NULL, depth + 1);
}

/* -d types: the type semantic analysis gave the node, if any. */
static void dump_node_type(const struct node *n, FILE *out) {
    char buf[256];
    if (n->ty)
        fprintf(out, " :: %s", type_name(n->ty, buf, sizeof(buf)));
}

static void dump_tree(const struct node *n, FILE *out, bool typed) {
    struct dump_stack st = {0};
    dump_push(&st, n, NULL, 0);
    while (st.len) {
        struct dump_item it = st.items[--st.len];
        if (!it.list) {
            fprintf(out, "%*s%s\n", it.depth, "", it.header);
            continue;
        }
        const struct node *x = it.list;
        dump_push(&st, x->next, NULL, it.depth);
        if (x->kind == N_EXPR_STMT) { /* a statement wrapper adds nothing to read */
            dump_push(&st, x->a, NULL, it.depth);
            continue;
        }
        fprintf(out, "%*s%s", it.depth, "", ast_kind_name(x->kind));
        dump_label(x, out);
        if (typed)
            dump_node_type(x, out);
        fputc('\n', out);
        dump_push_children(&st, x, it.depth);
    }
    free(st.items);
}

void ast_dump(const struct node *n, FILE *out) {
    dump_tree(n, out, false);
}

void ast_dump_typed(const struct node *n, FILE *out) {
    dump_tree(n, out, true);
}
