/* The abstract syntax tree: one generic node shape, children by role.
 *
 * Every node carries its source location. Lists (probes, attach points,
 * statements, call arguments, tuple elements, map keys) are chained through
 * `next`. The roles of a..d for each kind are listed next to the kind.
 */
#ifndef TRAWK_AST_H
#define TRAWK_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

struct type;

enum node_kind {
    /* top level */
    N_PROGRAM,      /* a = probes list, b = config assignments list (N_ASSIGN of N_IDENT),
                       c = C definitions list (N_C_DEFINITION) in source order,
                       d = macros (N_MACRO), map declarations (N_MAP_DECL) and imports
                       (N_IMPORT) in source order; macro_expand leaves only the map declarations */
    N_PROBE,        /* a = attach points list, b = predicate or NULL, c = N_BLOCK */
    N_ATTACH_POINT, /* str = raw text as written, e.g. "tracepoint:syscalls:sys_enter_*" */
    N_C_DEFINITION, /* str = a top-level C definition's text exactly as written, from its
                       "struct"/"union"/"enum"/"typedef" to its "}" or ";" (for ctypes_parse) */
    N_MACRO,        /* str = name, a = parameters (N_VAR, N_MAP without keys, N_IDENT),
                       b = body (N_BLOCK_EXPR); loc spans "macro NAME" */
    N_MAP_DECL,     /* let @m = KIND(N); a = N_MAP, str = KIND ("hash", "lruhash", ...),
                       num = max entries */
    N_IMPORT,       /* import "PATH"; str = PATH, num = the keyword's last column;
                       imports_resolve replaces it by the file */

    /* statements */
    N_BLOCK,     /* a = statements list */
    N_EXPR_STMT, /* a = expression */
    N_ASSIGN,    /* a = target (N_MAP, N_VAR, N_IDENT "_"), b = value; op = OP_ASSIGN or the
                    binary operator of a compound assignment (OP_ADD for +=, ...) */
    N_LET,       /* a = N_VAR, b = type (N_TYPE) or NULL, c = value or NULL */
    N_IF,        /* a = condition, b = then N_BLOCK, c = else (N_BLOCK or N_IF) or NULL */
    N_WHILE,     /* a = condition, b = N_BLOCK */
    N_UNROLL,    /* a = count expression, b = N_BLOCK */
    N_FOR_MAP,   /* a = N_VAR, b = N_MAP (no key), c = N_BLOCK */
    N_FOR_RANGE, /* a = N_VAR, b = start, c = end (exclusive), d = N_BLOCK */
    N_BREAK,
    N_CONTINUE,
    N_RETURN, /* a = value or NULL */

    /* expressions */
    N_INT,        /* num = value (as written, unsigned); is_negative never set by the parser */
    N_STRING,     /* str = bytes after escape processing, len = byte count (may hold NULs) */
    N_BOOL,       /* num = 0 or 1 (true/false) */
    N_IDENT,      /* str = name: builtins (pid, comm, args, arg0), bare 0-arg calls, config keys */
    N_POSITIONAL, /* num = N of $N */
    N_POSITIONAL_COUNT, /* $# */
    N_VAR,              /* str = "$name" */
    N_MAP,              /* str = "@name" or "@"; a = key expression list or NULL;
                           @m[k1, k2] keeps two keys, @m[(k1, k2)] one N_TUPLE key */
    N_CALL,             /* str = function name, a = argument list */
    N_BINOP,            /* op, a = left, b = right */
    N_UNOP,             /* op (OP_NOT, OP_BNOT, OP_NEG, OP_DEREF, OP_ADDROF), a = operand */
    N_INCDEC,       /* op = OP_PRE_INC, OP_PRE_DEC, OP_POST_INC, OP_POST_DEC; a = N_VAR or N_MAP */
    N_TERNARY,      /* a = condition, b = then (NULL for "a ?: c"), c = else */
    N_FIELD,        /* a = expression, str = field name, or str = NULL and num = index for
                       tuples ".0"; arrow = true when written with -> */
    N_INDEX,        /* a = expression, b = index */
    N_TUPLE,        /* a = element list */
    N_RECORD,       /* a named tuple (a=1, b="x"): a = list of N_RECORD_FIELD */
    N_RECORD_FIELD, /* str = field name, a = value */
    N_CAST,         /* a = N_TYPE, b = expression */
    N_TYPE,         /* str = type name as written, e.g. "uint32", "struct task_struct",
                       num = pointer depth ("*" count), len = array length or 0
                       (also 0 for "int8[]", which sets aux = 1);
                       typeof(X): str = NULL, a = X (an N_TYPE or an expression) */
    N_SIZEOF,       /* a = N_TYPE or expression */
    N_OFFSETOF,     /* a = N_TYPE, str = field path */
    N_BLOCK_EXPR,   /* { stmts; value }: a = statements list, b = the value (the last
                       expression, written without ";") or NULL; its own scope */
    N_COMPTIME,     /* comptime X: a = X, a value known while compiling; as the condition
                       of an if or a ternary, only the branch taken is compiled */
    N_TYPEINFO,     /* typeinfo(X): a = N_TYPE (typeof(X)); b = the record literal sema
                       builds for it (btf_id, base_type, full_type), which replaces it */
};

enum op {
    OP_NONE = 0,
    /* binary, in C precedence groups */
    OP_LOR,
    OP_LAND,
    OP_BOR,
    OP_BXOR,
    OP_BAND,
    OP_EQ,
    OP_NE,
    OP_LT,
    OP_LE,
    OP_GT,
    OP_GE,
    OP_SHL,
    OP_SHR,
    OP_ADD,
    OP_SUB,
    OP_MUL,
    OP_DIV,
    OP_MOD,
    /* unary */
    OP_NOT,
    OP_BNOT,
    OP_NEG,
    OP_DEREF,
    OP_ADDROF,
    /* increment and decrement */
    OP_PRE_INC,
    OP_PRE_DEC,
    OP_POST_INC,
    OP_POST_DEC,
    /* plain assignment */
    OP_ASSIGN,
};

struct node {
    enum node_kind kind;
    struct loc loc;
    enum op op;
    char *str;    /* owned, NUL-terminated; see kinds above */
    size_t len;   /* byte length of str for N_STRING; array length for N_TYPE */
    uint64_t num; /* integer literal value, positional index, tuple field index */
    bool arrow;   /* N_FIELD written as "->" */
    bool removed; /* N_PROBE: no attach point left (config missing_probes) */
    struct node *a, *b, *c, *d;
    struct node *next;

    /* Filled by semantic analysis. */
    const struct type *ty;
    int sym;     /* map index, variable index, builtin id, function id, field index */
    int64_t aux; /* kind-specific annotation (e.g. resolved constant) */
    /* N_BINOP comparing integers: 1 unsigned, 2 signed, as bpftrace
     * promotes the operands; 0: decided by the operand types */
    int8_t cmp_sign;
};

struct node *ast_new(enum node_kind kind, const struct loc *loc);
struct node *ast_new_str(enum node_kind kind, const struct loc *loc, const char *s, size_t len);
/* (type)operand, or (type *)operand with pointers = 1: a cast written by
 * the compiler itself, located at loc; ast_become_cast turns n (whose
 * children are gone) into one, at n's place. */
struct node *ast_new_cast(const struct loc *loc, const char *type, int pointers,
                          struct node *operand);
void ast_become_cast(struct node *n, const char *type, int pointers, struct node *operand);
struct node *ast_new_op(enum node_kind kind, const struct loc *loc, enum op op, struct node *a,
                        struct node *b);
/* Appends item to the list whose head is list; returns the head. */
struct node *ast_append(struct node *list, struct node *item);
size_t ast_list_len(const struct node *list);
/* A deep copy of n and its children (not its siblings), without the
 * annotations of semantic analysis. */
struct node *ast_clone(const struct node *n);
void ast_free(struct node *n);
/* Rewrites n in place into the integer literal v (a value known while
 * compiling: sizeof, an enum constant, kaddr ...), freeing its children. */
void ast_become_int(struct node *n, uint64_t v);
/* Rewrites n in place into src (detached from n's tree by the caller),
 * keeping n's location and place in its list; frees src's shell. */
void ast_become(struct node *n, struct node *src);

const char *ast_kind_name(enum node_kind kind);
const char *ast_op_text(enum op op); /* "+", "==", "!", "++" ... */

/* One node per line, one space of indent per depth; expression statements
 * print as their expression, e.g.
 *   program
 *    probe
 *     attach tracepoint:syscalls:sys_enter_openat
 *     ...
 * Used by -d ast and the parser's unit tests. */
void ast_dump(const struct node *n, FILE *out);
/* The same with each node's type after semantic analysis (" :: int64"). */
void ast_dump_typed(const struct node *n, FILE *out);

/* The deepest nesting the recursive passes accept (ast_depth.c): far past
 * any real script, far below what overflows the stack, sanitizers included. */
#define AST_MAX_DEPTH 1000
/* The first node (in source order) below more than limit levels, or NULL. */
const struct node *ast_too_deep(const struct node *root, int limit);
/* Reports a located error and returns -1 when root is nested too deeply. */
int ast_check_depth(const struct node *root, struct diag *d);

#endif
