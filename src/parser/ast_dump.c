/* A readable tree dump, one node per line, one space of indent per depth.
 * Used by "-d ast" and by the parser tests, which compare dumps. */
#include <inttypes.h>
#include <stdio.h>

#include "parser/ast.h"

static void dump_list(const struct node *n, int depth, FILE *out);

static void dump_string(const struct node *n, FILE *out)
{
    fputc('"', out);
    for (size_t i = 0; i < n->len; i++) {
        unsigned char c = (unsigned char)n->str[i];
        switch (c) {
        case '\n': fputs("\\n", out); break;
        case '\t': fputs("\\t", out); break;
        case '\r': fputs("\\r", out); break;
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        default:
            if (c < 0x20 || c >= 0x7f)
                fprintf(out, "\\x%02x", c);
            else
                fputc(c, out);
        }
    }
    fputc('"', out);
}

static void dump_type(const struct node *n, FILE *out)
{
    fprintf(out, " %s", n->str);
    if (n->num)
        fputc(' ', out);
    for (uint64_t i = 0; i < n->num; i++)
        fputc('*', out);
    if (n->len)
        fprintf(out, "[%zu]", n->len);
}

static void dump_incdec(const struct node *n, FILE *out)
{
    int pre = n->op == OP_PRE_INC || n->op == OP_PRE_DEC;
    fprintf(out, " %s%s", pre ? "pre" : "post", ast_op_text(n->op));
}

/* The text after the kind name on a node's line. */
static void dump_label(const struct node *n, FILE *out)
{
    switch (n->kind) {
    case N_ATTACH_POINT: case N_IDENT: case N_VAR: case N_MAP: case N_CALL: case N_OFFSETOF:
        fprintf(out, " %s", n->str);
        break;
    case N_INT: fprintf(out, " %" PRIu64, n->num); break;
    case N_BOOL: fputs(n->num ? " true" : " false", out); break;
    case N_POSITIONAL: fprintf(out, " $%" PRIu64, n->num); break;
    case N_POSITIONAL_COUNT: fputs(" $#", out); break;
    case N_STRING: fputc(' ', out); dump_string(n, out); break;
    case N_ASSIGN: case N_BINOP: case N_UNOP:
        fprintf(out, " %s%s", ast_op_text(n->op),
                n->kind == N_ASSIGN && n->op != OP_ASSIGN ? "=" : "");
        break;
    case N_INCDEC: dump_incdec(n, out); break;
    case N_TERNARY: if (!n->b) fputs(" ?:", out); break;
    case N_TYPE: dump_type(n, out); break;
    case N_FIELD:
        if (n->str)
            fprintf(out, " %s%s", n->str, n->arrow ? " ->" : "");
        else
            fprintf(out, " %" PRIu64, n->num);
        break;
    default: break;
    }
}

static void dump_indent(int depth, FILE *out)
{
    fprintf(out, "%*s", depth, "");
}

static void dump_node(const struct node *n, int depth, FILE *out)
{
    if (n->kind == N_EXPR_STMT) { /* a statement wrapper adds nothing to read */
        dump_list(n->a, depth, out);
        return;
    }
    dump_indent(depth, out);
    fputs(ast_kind_name(n->kind), out);
    dump_label(n, out);
    fputc('\n', out);
    if (n->kind == N_PROGRAM && n->b) {
        dump_indent(depth + 1, out);
        fputs("config\n", out);
        dump_list(n->b, depth + 2, out);
        dump_list(n->a, depth + 1, out);
        return;
    }
    if (n->kind == N_PROBE) {
        dump_list(n->a, depth + 1, out);
        if (n->b) {
            dump_indent(depth + 1, out);
            fputs("predicate\n", out);
            dump_list(n->b, depth + 2, out);
        }
        dump_list(n->c, depth + 1, out);
        return;
    }
    const struct node *kids[4] = {n->a, n->b, n->c, n->d};
    for (int i = 0; i < 4; i++)
        dump_list(kids[i], depth + 1, out);
}

static void dump_list(const struct node *n, int depth, FILE *out)
{
    for (; n; n = n->next)
        dump_node(n, depth, out);
}

void ast_dump(const struct node *n, FILE *out)
{
    dump_list(n, 0, out);
}
