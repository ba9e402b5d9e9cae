/* AST node constructors, lists and teardown. */
#include "parser/ast.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *ast_xcalloc(size_t n, size_t size) {
    void *p = calloc(n, size);
    if (!p) {
        fputs("trawk: out of memory\n", stderr);
        abort();
    }
    return p;
}

struct node *ast_new(enum node_kind kind, const struct loc *loc) {
    struct node *n = ast_xcalloc(1, sizeof(*n));
    n->kind = kind;
    if (loc)
        n->loc = *loc;
    return n;
}

struct node *ast_new_str(enum node_kind kind, const struct loc *loc, const char *s, size_t len) {
    struct node *n = ast_new(kind, loc);
    n->str = ast_xcalloc(1, len + 1);
    if (len)
        memcpy(n->str, s, len);
    n->len = len;
    return n;
}

struct node *ast_new_op(enum node_kind kind, const struct loc *loc, enum op op, struct node *a,
                        struct node *b) {
    struct node *n = ast_new(kind, loc);
    n->op = op;
    n->a = a;
    n->b = b;
    return n;
}

void ast_become_cast(struct node *n, const char *type, int pointers, struct node *operand) {
    struct node *ty = ast_new_str(N_TYPE, &n->loc, type, strlen(type));
    ty->len = 0; /* a type's len is an array length */
    ty->num = (uint64_t)pointers;
    n->kind = N_CAST;
    n->a = ty;
    n->b = operand;
}

struct node *ast_new_cast(const struct loc *loc, const char *type, int pointers,
                          struct node *operand) {
    struct node *n = ast_new(N_CAST, loc);
    ast_become_cast(n, type, pointers, operand);
    return n;
}

struct node *ast_append(struct node *list, struct node *item) {
    if (!list)
        return item;
    struct node *t = list;
    while (t->next)
        t = t->next;
    t->next = item;
    return list;
}

size_t ast_list_len(const struct node *list) {
    size_t n = 0;
    for (; list; list = list->next)
        n++;
    return n;
}

static struct node *ast_clone_list(const struct node *list) {
    struct node *head = NULL, **tail = &head;
    for (; list; list = list->next) {
        *tail = ast_clone(list);
        tail = &(*tail)->next;
    }
    return head;
}

struct node *ast_clone(const struct node *n) {
    if (!n)
        return NULL;
    struct node *c = ast_new(n->kind, &n->loc);
    c->op = n->op;
    if (n->str) {
        size_t len = n->kind == N_STRING ? n->len : strlen(n->str);
        c->str = ast_xcalloc(1, len + 1);
        memcpy(c->str, n->str, len);
    }
    c->len = n->len;
    c->num = n->num;
    c->arrow = n->arrow;
    c->a = ast_clone_list(n->a);
    c->b = ast_clone_list(n->b);
    c->c = ast_clone_list(n->c);
    c->d = ast_clone_list(n->d);
    return c;
}

/* Pushes a whole sibling chain onto the work stack, which is itself linked
 * through `next`: the nodes are about to be freed, so the field is free to reuse. */
static void ast_push_chain(struct node **stack, struct node *chain) {
    struct node *t = chain;
    while (t->next)
        t = t->next;
    t->next = *stack;
    *stack = chain;
}

/* Iterative, so that neither long lists nor deep left-leaning trees such as
 * 1+1+...+1 can overflow the C stack. */
void ast_free(struct node *n) {
    struct node *stack = n;
    while (stack) {
        struct node *x = stack;
        stack = x->next;
        struct node *kids[4] = {x->a, x->b, x->c, x->d};
        for (int i = 0; i < 4; i++)
            if (kids[i])
                ast_push_chain(&stack, kids[i]);
        free(x->str);
        free(x);
    }
}

void ast_become_int(struct node *n, uint64_t v) {
    ast_free(n->a);
    ast_free(n->b);
    ast_free(n->c);
    ast_free(n->d);
    n->a = n->b = n->c = n->d = NULL;
    free(n->str);
    n->str = NULL;
    n->kind = N_INT;
    n->num = v;
}

void ast_become(struct node *n, struct node *src) {
    struct node keep = *n;
    ast_free(n->a);
    ast_free(n->b);
    ast_free(n->c);
    ast_free(n->d);
    free(n->str);
    *n = *src;
    n->loc = keep.loc;
    n->next = keep.next;
    free(src);
}

const char *ast_kind_name(enum node_kind kind) {
    static const char *const names[] = {
        [N_PROGRAM] = "program",
        [N_PROBE] = "probe",
        [N_ATTACH_POINT] = "attach",
        [N_C_DEFINITION] = "c_definition",
        [N_MACRO] = "macro",
        [N_MAP_DECL] = "map_decl",
        [N_IMPORT] = "import",
        [N_BLOCK] = "block",
        [N_EXPR_STMT] = "expr_stmt",
        [N_ASSIGN] = "assign",
        [N_LET] = "let",
        [N_IF] = "if",
        [N_WHILE] = "while",
        [N_UNROLL] = "unroll",
        [N_FOR_MAP] = "for",
        [N_FOR_RANGE] = "for_range",
        [N_BREAK] = "break",
        [N_CONTINUE] = "continue",
        [N_RETURN] = "return",
        [N_INT] = "int",
        [N_STRING] = "string",
        [N_BOOL] = "bool",
        [N_IDENT] = "ident",
        [N_POSITIONAL] = "positional",
        [N_POSITIONAL_COUNT] = "positional_count",
        [N_VAR] = "var",
        [N_MAP] = "map",
        [N_CALL] = "call",
        [N_BINOP] = "binop",
        [N_UNOP] = "unop",
        [N_INCDEC] = "incdec",
        [N_TERNARY] = "ternary",
        [N_FIELD] = "field",
        [N_INDEX] = "index",
        [N_TUPLE] = "tuple",
        [N_RECORD] = "record",
        [N_RECORD_FIELD] = "record_field",
        [N_CAST] = "cast",
        [N_TYPE] = "type",
        [N_SIZEOF] = "sizeof",
        [N_OFFSETOF] = "offsetof",
        [N_BLOCK_EXPR] = "block_expr",
        [N_COMPTIME] = "comptime",
        [N_TYPEINFO] = "typeinfo",
    };
    if ((unsigned)kind < sizeof(names) / sizeof(names[0]) && names[kind])
        return names[kind];
    return "?";
}

const char *ast_op_text(enum op op) {
    static const char *const texts[] = {
        [OP_NONE] = "",      [OP_LOR] = "||",     [OP_LAND] = "&&",     [OP_BOR] = "|",
        [OP_BXOR] = "^",     [OP_BAND] = "&",     [OP_EQ] = "==",       [OP_NE] = "!=",
        [OP_LT] = "<",       [OP_LE] = "<=",      [OP_GT] = ">",        [OP_GE] = ">=",
        [OP_SHL] = "<<",     [OP_SHR] = ">>",     [OP_ADD] = "+",       [OP_SUB] = "-",
        [OP_MUL] = "*",      [OP_DIV] = "/",      [OP_MOD] = "%",       [OP_NOT] = "!",
        [OP_BNOT] = "~",     [OP_NEG] = "-",      [OP_DEREF] = "*",     [OP_ADDROF] = "&",
        [OP_PRE_INC] = "++", [OP_PRE_DEC] = "--", [OP_POST_INC] = "++", [OP_POST_DEC] = "--",
        [OP_ASSIGN] = "=",
    };
    if ((unsigned)op < sizeof(texts) / sizeof(texts[0]) && texts[op])
        return texts[op];
    return "?";
}
