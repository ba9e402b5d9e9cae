/* kaddr("name"): a kernel symbol's address, read from /proc/kallsyms when
 * the script is compiled, as bpftrace does. The call becomes an integer
 * literal, so code generation sees a constant. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "providers/provider.h"
#include "sema/sema_impl.h"
#include "sys/elfsyms.h"

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
struct node *sema_string_literal(struct sema *s, struct node *arg) {
    if (arg->kind == N_CALL && arg->str && strcmp(arg->str, "str") == 0 && arg->a &&
        !arg->a->next && (arg->a->kind == N_POSITIONAL || arg->a->kind == N_STRING))
        arg = arg->a;
    if (arg->kind == N_POSITIONAL)
        sema_positional(s, arg);
    return arg->kind == N_STRING ? arg : NULL;
}

struct node *sema_literal_arg(struct sema *s, struct node *call) {
    struct node *arg = sema_string_literal(s, call->a);
    if (!arg) {
        const struct type *t = sema_expr(s, call->a);
        sema_error(s, &call->loc, E_ARGS, "%s() expects a string literal (%s provided)", call->str,
                   kind_name(t));
    }
    return arg;
}

const struct type *sema_kaddr_call(struct sema *s, struct node *call, int nargs) {
    (void)nargs;
    struct node *arg = sema_literal_arg(s, call);
    if (!arg)
        return &type_u64;
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

/* The file the probe's first attach point is in (uaddr's lookup place, as
 * in bpftrace); NULL outside uprobes and USDT. */
static const char *probe_file(const struct sema *s) {
    if (s->unit_count < 1)
        return NULL;
    const struct sema_unit *u = &s->out->units[s->unit_first];
    bool user = u->prov && (u->prov->kind == PK_UPROBE || u->prov->kind == PK_URETPROBE ||
                            u->prov->kind == PK_USDT);
    return user && u->ntargets > 0 ? u->targets[0].spec.path : NULL;
}

/* uaddr("name"): a symbol's address in the probe's executable, as a user
 * pointer to an unsigned integer of the symbol's size (8 bytes when it is
 * not 1, 2 or 4). The address is the ELF file's, which is where a non-PIE
 * executable lives; a PIE or library keeps the call, with the address in
 * num and the file's inode in aux, for code generation. */
const struct type *sema_uaddr_call(struct sema *s, struct node *call, int nargs) {
    (void)nargs;
    /* after an error, still a pointer: a dereference adds no second one */
    const struct type *bad = type_ptr_to(s->types, &type_u64, AS_USER);
    struct node *arg = sema_string_literal(s, call->a);
    if (!arg) {
        const struct type *t = sema_expr(s, call->a);
        sema_error(s, &call->loc, E_ARGS, "uaddr() expects a string literal (%s provided)",
                   kind_name(t));
        return bad;
    }
    const char *path = probe_file(s);
    if (!path) {
        if (s->probe_complete)
            sema_error(s, &call->loc, E_CONTEXT, "uaddr can not be used with \"%s\" probes",
                       s->unit_count > 0 && s->out->units[s->unit_first].prov
                           ? s->out->units[s->unit_first].prov->name
                           : "?");
        return bad;
    }
    struct elfsym sym;
    bool fixed = false;
    if (elfsyms_lookup(path, arg->str, &sym, &fixed) < 0) {
        sema_error(s, &call->loc, E_UNKNOWN_IDENT, "Could not resolve symbol: %s:%s", path,
                   arg->str);
        return bad;
    }
    uint32_t size = sym.size == 1 || sym.size == 2 || sym.size == 4 ? (uint32_t)sym.size : 8;
    const struct type *t = type_ptr_to(s->types, type_int(size, false), AS_USER);
    struct stat st;
    if (!fixed && stat(path, &st) == 0) {
        /* loaded anywhere: the program adds the file's load address in the
         * current process, found by its inode (cg_uaddr.c) */
        call->num = sym.addr;
        call->aux = (int64_t)st.st_ino;
        return t;
    }
    ast_become_int(call, sym.addr);
    call->ty = t;
    return t;
}

/* kptr(p) and uptr(p) only retag a pointer's address space; an integer
 * ($1, an address) passes unchanged, as in bpftrace. */
const struct type *sema_aspace_call(struct sema *s, struct node *call, int nargs) {
    (void)nargs;
    const struct type *t = sema_expr(s, call->a);
    if (!t)
        return NULL;
    if (t->kind != T_INT) {
        sema_error(s, &call->loc, E_ARGS,
                   "%s() only supports integer or pointer arguments (%s provided)", call->str,
                   kind_name(t));
        return NULL;
    }
    if (!t->is_ptr)
        return t;
    return type_ptr_to(s->types, t->pointee, call->sym == F_UPTR ? AS_USER : AS_KERNEL);
}
