/* (int8 *)"abc", (T *)$str: a pointer to a string. bpftrace keeps the
 * string in memory and points at it; trawk writes it to a variable of the
 * cast's own ("$$str_ptr_N", a name no script can write), whose slot lives
 * as long as the program's frame, and takes its address. */
#include <stdio.h>
#include <string.h>

#include "sema/sema_impl.h"

static struct node *var(const struct loc *l, const char *name) {
    return ast_new_str(N_VAR, l, name, strlen(name));
}

const struct type *sema_cast_str_ptr(struct sema *s, struct node *cast) {
    char name[32];
    snprintf(name, sizeof(name), "$$str_ptr_%d", s->nstrptr++);
    struct node *value = cast->b, *type = cast->a;
    struct node *store = ast_new_op(N_ASSIGN, &cast->loc, OP_ASSIGN, var(&value->loc, name), value);
    struct node *addr = ast_new_op(N_UNOP, &cast->loc, OP_ADDROF, var(&value->loc, name), NULL);
    struct node *ptr = ast_new(N_CAST, &cast->loc);
    ptr->a = type;
    ptr->b = addr;
    /* { $$str_ptr_N = value; (T *)&$$str_ptr_N } */
    cast->kind = N_BLOCK_EXPR;
    cast->a = store;
    cast->b = ptr;
    return sema_block_expr(s, cast);
}
