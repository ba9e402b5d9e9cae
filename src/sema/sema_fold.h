/* Folding of literals as bpftrace 0.27.1 does it, before any other check:
 * operators on integer, string, bool and tuple literals, and ternaries
 * with a literal condition, become literals while compiling. */
#ifndef TRAWK_SEMA_FOLD_H
#define TRAWK_SEMA_FOLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parser/ast.h"

/* An integer literal as bpftrace keeps one: a uint64 when it is not
 * negative, an int64 when it is (the AST writes it -(N)). */
struct fold_int {
    bool neg;
    uint64_t bits; /* the value; two's complement when neg */
};

/* a OP b for + - * / % & | ^ << >>; false where bpftrace reports "unable to
 * fold literals due to overflow or underflow". */
bool sema_fold_int_arith(enum op op, struct fold_int a, struct fold_int b, struct fold_int *r);

/* a OP b for == != < <= > >= && ||; false for a negative against an
 * unsigned above INT64_MAX (the same error). */
bool sema_fold_int_compare(enum op op, struct fold_int a, struct fold_int b, bool *r);

/* N_INT's aux for a value sema knows that bpftrace computes at run time
 * (cpid): it folds with nothing. */
#define SEMA_INT_UNFOLDED 1

/* n as an integer literal: N, or -(N) with N at most 2^63. */
bool sema_literal_int(const struct node *n, struct fold_int *v);

/* The truth of a literal (integer, string, bool) as a condition; false
 * when n is no such literal. */
bool sema_literal_truth(const struct node *n, bool *v);

enum fold_result {
    FOLD_NONE,  /* n is as it was: no literal operation, or a literal already (-(N)) */
    FOLD_DONE,  /* n is now a literal */
    FOLD_ERROR, /* reported (by the first walk, which ends the checks), n is as it was */
};

struct sema;
/* Folds the operator or ternary n, whose operands are checked (and so
 * folded) already, in place. */
enum fold_result sema_fold_literal(struct sema *s, struct node *n);

/* str(literal) and str(literal, N): the literal's text (a number's in
 * decimal), cut to N bytes; call becomes that string. False when the
 * arguments are not such literals. */
bool sema_fold_str_call(struct node *call);

/* n becomes the string literal of len bytes, freeing its children. */
void sema_become_string(struct node *n, const char *bytes, size_t len);

#endif
