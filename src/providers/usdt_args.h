/* The operands of a USDT probe, as sdt.h writes them into the note: one
 * "SIZE@OPERAND" per argument, separated by spaces, OPERAND in the
 * assembler's syntax (x86-64 AT&T here): %reg, $imm, disp(%base) or
 * disp(%base,%index,scale). */
#ifndef TRAWK_USDT_ARGS_H
#define TRAWK_USDT_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define USDT_MAX_ARGS 12 /* sdt.h's limit */

enum usdt_arg_kind {
    USDT_ARG_CONST, /* value */
    USDT_ARG_REG,   /* the register at pt_regs offset reg, shifted right by shift */
    USDT_ARG_MEM,   /* user memory at reg + index * scale + value */
};

struct usdt_arg {
    enum usdt_arg_kind kind;
    int size;       /* bytes read: 1, 2, 4 or 8 */
    bool is_signed; /* sign-extended to 64 bits, else zero-extended */
    int64_t value;  /* CONST: the constant; MEM: the displacement */
    int reg;        /* pt_regs offset of the register or base, -1 for none */
    int shift;      /* REG: bits below the named part (8 for %ah) */
    int index;      /* MEM: pt_regs offset of the index register, -1 for none */
    int scale;      /* MEM: 1, 2, 4 or 8 */
};

/* Parses an operand string into out (at most max). Returns the number of
 * arguments, or -1 with a message in err. */
int usdt_args_parse(const char *s, struct usdt_arg *out, int max, char *err, size_t errlen);

/* A constant argument's value, truncated to its size and extended by its sign. */
int64_t usdt_arg_const(const struct usdt_arg *a);

/* The provider's argN (usdt_emit.c): reg = argument n of the program's one
 * target, 0 past its last argument. */
struct cg;
void usdt_emit_argn(struct cg *cg, int n, int reg);

#endif
