/* Macro expansion: calls become copies of the macro's body (see macro.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parser/macro_internal.h"
#include "parser/parse.h"
#include "stdlib/stdlib.h"

#define MACRO_MAX_DEPTH 64
#define BUILTIN_PREFIX "__builtin_"

struct expansion {
    struct macro_registry reg; /* the script's macros */
    struct macro_registry std; /* the standard library's */
    struct node *std_programs; /* the parsed library modules, freed at the end */
    struct node *std_defs;     /* their macro definitions, one list */
    struct diag *d;
    const struct node *stack[MACRO_MAX_DEPTH]; /* macros being expanded, outermost first */
    int depth;
    int walk_depth; /* of walk()'s recursion, bodies included; bounded like the AST */
};

/* The walk of one macro body (or of a probe, with macro NULL). */
struct scope {
    struct expansion *x;
    const struct node *macro;
    const struct node *args; /* the call's arguments, parallel to macro->a */
    bool std;                /* macro is the standard library's: it sees only the library */
    bool wrap;               /* the node walked is a call argument or ++/-- operand */
    char **created; /* variables the body assigns or declares (copies: renaming frees them) */
    int ncreated, capcreated;
};

static void walk(struct scope *s, struct node **slot);

static void walk_list(struct scope *s, struct node **list) {
    for (struct node **p = list; *p; p = &(*p)->next)
        walk(s, p);
}

/* The argument bound to the parameter of this kind and name, or NULL. */
static const struct node *bound(const struct scope *s, enum node_kind kind, const char *name) {
    if (!s->macro)
        return NULL;
    for (const struct node *p = s->macro->a, *a = s->args; p && a; p = p->next, a = a->next)
        if (p->kind == kind && strcmp(p->str, name) == 0)
            return a;
    return NULL;
}

static bool created(const struct scope *s, const char *name) {
    for (int i = 0; i < s->ncreated; i++)
        if (strcmp(s->created[i], name) == 0)
            return true;
    return false;
}

/* Notes a variable the body creates, unless it is a by-reference parameter. */
static void create(struct scope *s, const struct node *var) {
    if (!s->macro || bound(s, N_VAR, var->str) || created(s, var->str))
        return;
    if (s->ncreated == s->capcreated) {
        s->capcreated = s->capcreated ? s->capcreated * 2 : 8;
        s->created = realloc(s->created, (size_t)s->capcreated * sizeof(*s->created));
        if (!s->created)
            abort();
    }
    s->created[s->ncreated] = strdup(var->str);
    if (!s->created[s->ncreated++])
        abort();
}

static void set_name(struct node *n, const char *name) {
    char *copy = strdup(name);
    if (!copy)
        abort();
    free(n->str);
    n->str = copy;
}

/* $x of the body: the caller's variable, or the expansion's own
 * "$$NAME_x" ("$$NAME_DEPTH_x" below the outermost macro). */
static void rename_var(struct scope *s, struct node *var) {
    const struct node *arg = bound(s, N_VAR, var->str);
    if (arg) {
        set_name(var, arg->str);
        return;
    }
    if (!created(s, var->str))
        return;
    char depth[16] = "";
    if (s->x->depth > 1)
        snprintf(depth, sizeof(depth), "_%d", s->x->depth);
    size_t len = strlen(s->macro->str) + strlen(depth) + strlen(var->str) + 4;
    char *name = malloc(len);
    if (!name)
        abort();
    snprintf(name, len, "$$%s%s_%s", s->macro->str, depth, var->str + 1);
    free(var->str);
    var->str = name;
}

/* @m of the body must be a map parameter. */
static void rename_map(struct scope *s, struct node *map) {
    const struct node *arg = bound(s, N_MAP, map->str);
    if (arg)
        set_name(map, arg->str);
    else
        diag_error(s->x->d, &map->loc, E_UNDEFINED,
                   "Unhygienic access to map: %s. Maps must be passed into the macro as "
                   "arguments.",
                   map->str);
}

/* Replaces *slot by n, which takes over its place in a list. */
static void replace(struct node **slot, struct node *n) {
    struct node *old = *slot;
    n->next = old->next;
    old->next = NULL;
    *slot = n;
    ast_free(old);
}

/* An expression parameter: a copy of the argument. bpftrace wraps a
 * variable or a map in a block ({ @m }), so that the body cannot change it
 * and print(x) prints a value, not a whole map; that only matters for call
 * arguments and ++/--, and elsewhere the bare copy reads the same. */
static struct node *substitute(const struct node *arg, const struct loc *use, bool wrap) {
    struct node *copy = ast_clone(arg);
    if (!wrap || (arg->kind != N_VAR && !(arg->kind == N_MAP && !arg->a)))
        return copy;
    struct node *block = ast_new(N_BLOCK_EXPR, use);
    block->b = copy;
    return block;
}

enum loc_id { LOC_EXPANSION, LOC_FILE };

/* Gives every location below n the id: the call a macro body was copied
 * for, or the library module the text came from. */
static void mark_locs(struct node *n, enum loc_id which, int id) {
    for (; n; n = n->next) {
        *(which == LOC_FILE ? &n->loc.file : &n->loc.expansion) = id;
        mark_locs(n->a, which, id);
        mark_locs(n->b, which, id);
        mark_locs(n->c, which, id);
        mark_locs(n->d, which, id);
    }
}

static bool on_stack(struct expansion *x, const struct node *macro, const struct node *call) {
    int i = 0;
    while (i < x->depth && x->stack[i] != macro)
        i++;
    if (i == x->depth)
        return false;
    char chain[512] = "";
    size_t len = 0;
    for (int j = i; j < x->depth && len < sizeof(chain); j++)
        len += (size_t)snprintf(chain + len, sizeof(chain) - len, "%s > ", x->stack[j]->str);
    diag_error(x->d, &call->loc, E_SYNTAX, "Recursive macro call detected. Call chain: %.400s%s",
               chain, macro->str);
    return true;
}

/* Replaces the call at *slot by the expanded body of macro. */
/* "macro comm() { __builtin_comm }": the call is the builtin, written
 * where the call was, so that its messages read as the builtin's. */
static bool expand_builtin(struct node **slot, const struct node *macro) {
    const struct node *body = macro->b;
    if (body->a || !body->b || body->b->kind != N_IDENT ||
        strncmp(body->b->str, BUILTIN_PREFIX, strlen(BUILTIN_PREFIX)) != 0)
        return false;
    struct node *ident = ast_new_str(N_IDENT, &(*slot)->loc, body->b->str + strlen(BUILTIN_PREFIX),
                                     strlen(body->b->str) - strlen(BUILTIN_PREFIX));
    replace(slot, ident);
    return true;
}

static bool owns(const struct macro_registry *r, const struct node *macro) {
    for (int i = 0; i < r->n; i++)
        if (r->macros[i] == macro)
            return true;
    return false;
}

static void expand(struct scope *s, struct node **slot, const struct node *macro) {
    struct expansion *x = s->x;
    struct node *call = *slot;
    if (on_stack(x, macro, call))
        return;
    if (expand_builtin(slot, macro))
        return;
    if (x->depth == MACRO_MAX_DEPTH) {
        diag_error(x->d, &call->loc, E_LIMIT, "macro calls are nested too deeply");
        return;
    }
    struct node *body = ast_clone(macro->b);
    mark_locs(body, LOC_EXPANSION, diag_expansion_add(x->d, &call->loc));
    body->loc = call->loc; /* the value as a whole is the call's */
    struct scope inner = {.x = x,
                          .macro = macro,
                          .args = call->kind == N_CALL ? call->a : NULL,
                          .std = owns(&x->std, macro)};
    x->stack[x->depth++] = macro;
    walk(&inner, &body);
    x->depth--;
    for (int i = 0; i < inner.ncreated; i++)
        free(inner.created[i]);
    free(inner.created);
    /* A body that is only a value is that value: printf(m()) keeps its
     * literal format. A variable or map stays wrapped (see substitute). */
    if (!body->a && body->b && body->b->kind != N_VAR && body->b->kind != N_MAP) {
        struct node *value = body->b;
        body->b = NULL;
        ast_free(body);
        body = value;
    }
    replace(slot, body);
}

/* Whether the library defines name only as macros of its own language,
 * none of them a builtin's spelling (comm() is also the builtin comm). */
static bool std_only_macro(const struct expansion *x, const char *name) {
    bool found = false;
    for (int i = 0; i < x->std.n; i++) {
        const struct node *m = x->std.macros[i];
        if (strcmp(m->str, name) != 0)
            continue;
        const struct node *v = m->b->a ? NULL : m->b->b;
        if (v && v->kind == N_IDENT && strncmp(v->str, BUILTIN_PREFIX, strlen(BUILTIN_PREFIX)) == 0)
            return false;
        found = true;
    }
    return found;
}

/* The macro a call of name with args means: the script's definition with
 * matching parameters, else the library's; a library macro sees only the
 * library. NULL when none matches, after reporting why when the script
 * defines name or the library defines it as macros only (other names the
 * library defines may be a builtin's). */
static const struct node *resolve(struct scope *s, const char *name, const struct node *args,
                                  const struct node *call) {
    struct expansion *x = s->x;
    if (s->std || !macro_registry_has(&x->reg, name))
        return macro_lookup(&x->std, name, args, call, std_only_macro(x, name) ? x->d : NULL);
    const struct node *m = macro_lookup(&x->reg, name, args, call, NULL);
    if (!m)
        m = macro_lookup(&x->std, name, args, call, NULL);
    if (!m)
        macro_lookup(&x->reg, name, args, call, x->d);
    return m;
}

/* A bare name: an expression parameter, a macro without parameters, or
 * anything else (a builtin), left alone. */
static void walk_ident(struct scope *s, struct node **slot) {
    struct node *n = *slot;
    const struct node *arg = bound(s, N_IDENT, n->str);
    if (arg) {
        replace(slot, substitute(arg, &n->loc, s->wrap));
        return;
    }
    const struct node *macro = resolve(s, n->str, NULL, n);
    if (macro)
        expand(s, slot, macro);
}

static void walk_call(struct scope *s, struct node **slot) {
    struct node *n = *slot;
    for (struct node **p = &n->a; *p; p = &(*p)->next) { /* in the caller's scope */
        s->wrap = true;
        walk(s, p);
    }
    const struct node *macro = resolve(s, n->str, n->a, n);
    if (macro)
        expand(s, slot, macro);
}

static void walk_let(struct scope *s, struct node *n) {
    if (s->macro && bound(s, N_VAR, n->a->str)) {
        struct loc l = loc_span(&n->loc, &n->a->loc);
        diag_error(s->x->d, &l, E_SYNTAX, "Variable declaration shadows macro arg %s", n->a->str);
        return;
    }
    create(s, n->a);
    walk(s, &n->a);
    if (n->b)
        walk(s, &n->b);
    if (n->c)
        walk(s, &n->c);
}

/* sizeof(x) and offsetof: a bare name there may be a type, never a macro. */
static void walk_sizeof(struct scope *s, struct node *n) {
    if (n->a->kind == N_IDENT) {
        const struct node *arg = bound(s, N_IDENT, n->a->str);
        if (arg)
            replace(&n->a, substitute(arg, &n->a->loc, false));
        return;
    }
    walk(s, &n->a);
}

/* A type named by a parameter ("(t *)x", "let $v: t") takes the type the
 * call passed, typeof(...), with this use's pointers and array length. */
static void walk_type(struct scope *s, struct node **slot) {
    struct node *n = *slot;
    if (!n->str) {
        if (n->a)
            walk(s, &n->a);
        return;
    }
    const struct node *arg = bound(s, N_IDENT, n->str);
    if (!arg || arg->kind != N_TYPE)
        return;
    struct node *t = ast_clone(arg);
    t->num += n->num;
    if (n->len || n->aux) {
        t->len = n->len;
        t->aux = n->aux;
    }
    replace(slot, t);
}

/* offsetof(t, f): both may be parameters, a type and a field name. */
static void walk_offsetof(struct scope *s, struct node *n) {
    walk_type(s, &n->a);
    const struct node *arg = n->str ? bound(s, N_IDENT, n->str) : NULL;
    if (arg && arg->kind == N_IDENT)
        set_name(n, arg->str);
}

/* sizeof(t[2]) with t a type parameter: the index is an array length. */
static void walk_index(struct scope *s, struct node **slot) {
    struct node *n = *slot;
    walk(s, &n->a);
    walk(s, &n->b);
    if (n->a->kind != N_TYPE || n->b->kind != N_INT)
        return;
    struct node *t = n->a;
    n->a = NULL;
    t->len = (size_t)n->b->num;
    t->loc = n->loc;
    replace(slot, t);
}

static void walk_node(struct scope *s, struct node **slot) {
    struct node *n = *slot;
    bool wrap = s->wrap;
    s->wrap = n->kind == N_INCDEC;
    switch (n->kind) {
    case N_IDENT:
        s->wrap = wrap;
        walk_ident(s, slot);
        return;
    case N_CALL:
        walk_call(s, slot);
        return;
    case N_VAR:
        if (s->macro)
            rename_var(s, n);
        return;
    case N_MAP:
        if (s->macro)
            rename_map(s, n);
        walk_list(s, &n->a);
        return;
    case N_LET:
        walk_let(s, n);
        return;
    case N_ASSIGN:
        if (n->a->kind == N_VAR)
            create(s, n->a);
        if (n->a->kind != N_IDENT) /* "_ = expr" is no macro call */
            walk(s, &n->a);
        walk(s, &n->b);
        return;
    case N_FOR_MAP:
    case N_FOR_RANGE:
        create(s, n->a); /* the loop's variable is the body's own */
        break;
    case N_SIZEOF:
        walk_sizeof(s, n);
        return;
    case N_TYPE:
        walk_type(s, slot);
        return;
    case N_OFFSETOF:
        walk_offsetof(s, n);
        return;
    case N_INDEX:
        walk_index(s, slot);
        return;
    default:
        break;
    }
    struct node **kids[] = {&n->a, &n->b, &n->c, &n->d};
    for (size_t i = 0; i < sizeof(kids) / sizeof(kids[0]); i++)
        walk_list(s, kids[i]);
}

/* Bodies expanded inside bodies deepen the walk past what the parser
 * checked: stop at the same bound, once. */
static void walk(struct scope *s, struct node **slot) {
    struct expansion *x = s->x;
    if (x->walk_depth == AST_MAX_DEPTH) {
        diag_error(x->d, &(*slot)->loc, E_LIMIT,
                   "program is nested too deeply (more than %d levels)", AST_MAX_DEPTH);
        x->walk_depth++;
    }
    if (x->walk_depth > AST_MAX_DEPTH)
        return;
    x->walk_depth++;
    walk_node(s, slot);
    x->walk_depth--;
}

/* Drops the definitions: nothing after this pass reads them. */
static void remove_macros(struct node *program) {
    struct node **p = &program->d;
    while (*p) {
        struct node *n = *p;
        if (n->kind != N_MACRO) {
            p = &n->next;
            continue;
        }
        *p = n->next;
        n->next = NULL;
        ast_free(n);
    }
}

/* Parses the library's modules; their macros form x->std. */
static void load_stdlib(struct expansion *x) {
    struct pa_list_head {
        struct node *head, *tail;
    } defs = {0};
    for (const struct stdlib_module *m = stdlib_modules; m->name; m++) {
        struct node *prog = parse_module(x->d, m->text);
        if (!prog)
            continue;
        mark_locs(prog, LOC_FILE, diag_file_add(x->d, m->name, m->text));
        prog->next = x->std_programs;
        x->std_programs = prog;
        for (struct node *def = prog->d; def; def = def->next)
            if (def->kind == N_MACRO) {
                if (defs.tail)
                    defs.tail = defs.tail->next = ast_clone(def);
                else
                    defs.head = defs.tail = ast_clone(def);
            }
    }
    struct node holder = {.kind = N_PROGRAM, .d = defs.head};
    macro_registry_init(&x->std, &holder, x->d);
    x->std_defs = defs.head;
}

/* "__builtin_comm" names the builtin comm, whatever macros are defined
 * ("__builtin_is_literal(x)" the function). */
static void strip_builtin_prefix(struct node *n) {
    for (; n; n = n->next) {
        if ((n->kind == N_IDENT || n->kind == N_CALL) &&
            strncmp(n->str, BUILTIN_PREFIX, strlen(BUILTIN_PREFIX)) == 0)
            memmove(n->str, n->str + strlen(BUILTIN_PREFIX),
                    strlen(n->str) - strlen(BUILTIN_PREFIX) + 1);
        strip_builtin_prefix(n->a);
        strip_builtin_prefix(n->b);
        strip_builtin_prefix(n->c);
        strip_builtin_prefix(n->d);
    }
}

int macro_expand(struct node *program, struct diag *d) {
    int before = d->nerrors;
    struct expansion x = {.d = d};
    macro_registry_init(&x.reg, program, d);
    load_stdlib(&x);
    struct scope top = {.x = &x};
    for (struct node *probe = program->a; probe; probe = probe->next) {
        if (probe->b)
            walk(&top, &probe->b);
        walk(&top, &probe->c);
        strip_builtin_prefix(probe->b);
        strip_builtin_prefix(probe->c);
    }
    macro_registry_free(&x.reg);
    macro_registry_free(&x.std);
    ast_free(x.std_defs);
    ast_free(x.std_programs);
    remove_macros(program);
    if (d->nerrors == before) /* substituted arguments deepen the tree unwalked */
        ast_check_depth(program, d);
    return d->nerrors == before ? 0 : -1;
}
