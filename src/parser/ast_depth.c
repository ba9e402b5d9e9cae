/* The AST's nesting bound: every later pass (macro expansion, sema, codegen,
 * the type layer) walks the tree recursively, so a tree deeper than the
 * bound is refused here, with a location, instead of overflowing the stack. */
#include <stdlib.h>

#include "parser/ast.h"

struct depth_item {
    const struct node *n;
    int depth;
};

struct depth_stack {
    struct depth_item *items;
    size_t len, cap;
};

static void depth_push(struct depth_stack *st, const struct node *n, int depth) {
    if (!n)
        return;
    if (st->len == st->cap) {
        st->cap = st->cap ? st->cap * 2 : 256;
        st->items = realloc(st->items, st->cap * sizeof(*st->items));
        if (!st->items)
            abort();
    }
    st->items[st->len++] = (struct depth_item){n, depth};
}

const struct node *ast_too_deep(const struct node *root, int limit) {
    struct depth_stack st = {0};
    const struct node *deep = NULL;
    depth_push(&st, root, 1);
    while (st.len && !deep) {
        struct depth_item it = st.items[--st.len];
        if (it.depth > limit) {
            deep = it.n;
            break;
        }
        /* Siblings share the depth: the walks iterate over lists. */
        depth_push(&st, it.n->next, it.depth);
        depth_push(&st, it.n->d, it.depth + 1);
        depth_push(&st, it.n->c, it.depth + 1);
        depth_push(&st, it.n->b, it.depth + 1);
        depth_push(&st, it.n->a, it.depth + 1);
    }
    free(st.items);
    return deep;
}

int ast_check_depth(const struct node *root, struct diag *d) {
    const struct node *deep = ast_too_deep(root, AST_MAX_DEPTH);
    if (!deep)
        return 0;
    diag_error(d, &deep->loc, E_LIMIT, "program is nested too deeply (more than %d levels)",
               AST_MAX_DEPTH);
    return -1;
}
