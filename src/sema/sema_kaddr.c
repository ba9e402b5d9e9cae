/* kaddr("name"): a kernel symbol's address, read from /proc/kallsyms when
 * the script is compiled, as bpftrace does. The call becomes an integer
 * literal, so code generation sees a constant. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sema/sema_impl.h"

/* The first symbol of that exact name: "ADDR TYPE NAME", module symbols
 * ("NAME\t[mod]") excluded as bpftrace's lookup excludes them. 0 when
 * absent or hidden (kallsyms shows zeros without root). */
static uint64_t kallsyms_addr(const char *name) {
    FILE *f = fopen("/proc/kallsyms", "r");
    if (!f)
        return 0;
    char line[512];
    uint64_t addr = 0;
    size_t len = strlen(name);
    while (!addr && fgets(line, sizeof(line), f)) {
        char *sym = strchr(line, ' ');
        sym = sym && sym[1] && sym[2] == ' ' ? sym + 3 : NULL;
        if (sym && strncmp(sym, name, len) == 0 && (sym[len] == '\n' || sym[len] == 0))
            addr = strtoull(line, NULL, 16);
    }
    fclose(f);
    return addr;
}

/* bpftrace names the kind of a wrong argument: "int", "string"... */
static const char *kind_name(const struct type *t) {
    if (!t)
        return "none";
    if (t->kind == T_INT)
        return t->is_ptr ? "pointer" : "int";
    if (t->kind == T_STRING)
        return "string";
    return sema_tname(t);
}

/* The string literal arg stands for: a literal, or a positional parameter
 * ($1, str($1)), which bpftrace takes as one too; NULL otherwise. The
 * first walk turns the parameter into a literal in place. */
static struct node *literal(struct sema *s, struct node *arg) {
    if (arg->kind == N_CALL && arg->str && strcmp(arg->str, "str") == 0 && arg->a &&
        !arg->a->next && (arg->a->kind == N_POSITIONAL || arg->a->kind == N_STRING))
        arg = arg->a;
    if (arg->kind == N_POSITIONAL)
        sema_positional(s, arg);
    return arg->kind == N_STRING ? arg : NULL;
}

const struct type *sema_kaddr_call(struct sema *s, struct node *call, int nargs) {
    (void)nargs;
    struct node *arg = literal(s, call->a);
    if (!arg) {
        const struct type *t = sema_expr(s, call->a);
        sema_error(s, &call->loc, E_ARGS, "kaddr() expects a string literal (%s provided)",
                   kind_name(t));
        return &type_u64;
    }
    if (!s->report) /* resolved once, on the reporting walk */
        return &type_u64;
    uint64_t addr = kallsyms_addr(arg->str);
    if (!addr) {
        sema_error(s, &call->loc, E_UNKNOWN_IDENT, "Failed to resolve kernel symbol: %s", arg->str);
        return &type_u64;
    }
    ast_become_int(call, addr);
    return &type_u64;
}
