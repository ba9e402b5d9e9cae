/* C types in expressions: type names, struct fields through records and
 * pointers, indexing, dereference, sizeof/offsetof, pointer arithmetic and
 * enum constants. The types come from ctypes (the script's definitions,
 * its headers', and the kernel's BTF, read only when a name needs it). */
#include <stdlib.h>
#include <string.h>

#include "ctypes/ctypes.h"
#include "sema/sema_impl.h"

/* The records the probes name (casts, sizeof, let types...) and curtask's. */
static void note_used_types(struct sema *s, const struct node *n) {
    for (; n; n = n->next) {
        if (n->kind == N_TYPE && n->str &&
            (!strncmp(n->str, "struct ", 7) || !strncmp(n->str, "union ", 6)))
            ctypes_note_used(s->out->ct, n->str);
        else if ((n->kind == N_IDENT || n->kind == N_CALL) && n->str &&
                 (!strcmp(n->str, "curtask") || !strcmp(n->str, "__builtin_curtask")))
            ctypes_note_used(s->out->ct, "struct task_struct");
        note_used_types(s, n->a);
        note_used_types(s, n->b);
        note_used_types(s, n->c);
        note_used_types(s, n->d);
    }
}

int sema_c_definitions(struct sema *s, struct node *program) {
    const char *cdecls = s->opts ? s->opts->cdecls : NULL;
    if (cdecls && *cdecls) {
        /* errors in headers name the headers' text, not the script */
        struct diag hd;
        diag_init(&hd, "definitions.h", cdecls, s->d->out);
        ctypes_parse(s->out->ct, cdecls, 1, &hd);
        s->d->nerrors += hd.nerrors;
    }
    note_used_types(s, program ? program->a : NULL);
    /* bpftrace's definitions.h: its own line, then each definition */
    int line = 2, clang_before = s->d->nclang;
    for (struct node *c = program ? program->c : NULL; c; c = c->next)
        if (c->kind == N_C_DEFINITION && c->str) {
            ctypes_set_defs_line(s->out->ct, line);
            ctypes_parse_at(s->out->ct, c->str, &c->loc, s->d);
            for (const char *p = c->str; *p; p++)
                line += *p == '\n';
            line++;
        }
    ctypes_set_defs_line(s->out->ct, 0);
    if (s->d->nclang == clang_before)
        return 0;
    diag_clang_end(s->d); /* bpftrace stops at clang's errors */
    return -1;
}

const struct type *sema_complete(struct sema *s, const struct type *t) {
    if (t && t->kind == T_RECORD && t->incomplete)
        return ctypes_complete(s->out->ct, t);
    return t;
}

const struct type *sema_curtask_type(struct sema *s) {
    const struct type *task = ctypes_lookup(s->out->ct, "struct task_struct");
    /* without BTF, bpftrace's curtask is a plain integer */
    return task ? type_ptr_to(s->types, task, AS_KERNEL) : &type_u64;
}

/* ---- type names ---- */

static const struct type *base_type(struct sema *s, struct node *ty) {
    struct node plain = *ty;
    plain.num = 0;
    plain.len = 0;
    const struct type *t = sema_int_type_named(&plain);
    if (t)
        return t;
    if (strcmp(ty->str, "void") == 0)
        return &type_void;
    return ctypes_lookup(s->out->ct, ty->str);
}

/* sizeof(uint64_t), typeof(size_t): the parser cannot tell a C typedef
 * from an identifier. */
static const struct type *ident_type(struct sema *s, const struct node *n) {
    return n->kind == N_IDENT && n->str ? ctypes_lookup(s->out->ct, n->str) : NULL;
}

/* typeof(T) or typeof(expr): the type T names, or expr's type. */
static const struct type *typeof_type(struct sema *s, struct node *ty) {
    if (!ty->a)
        return NULL;
    const struct type *t = ident_type(s, ty->a);
    if (t)
        return t;
    if (ty->a->kind == N_TYPE)
        return sema_type_named(s, ty->a);
    /* the type bpftrace gives the value: typeof of a uint16 variable is uint16 */
    return sema_expr(s, ty->a) ? sema_natural_type(s, ty->a) : NULL;
}

bool sema_unknown_enum_cast(struct sema *s, const struct node *ty, const struct loc *at) {
    if (!ty->str || strncmp(ty->str, "enum ", 5) || ty->num || ty->len ||
        ctypes_lookup(s->out->ct, ty->str))
        return false;
    sema_error(s, at, E_UNKNOWN_IDENT, "Unknown enum: %s", ty->str + 5);
    return true;
}

const struct type *sema_type_named(struct sema *s, struct node *ty) {
    const struct type *t = ty->str ? base_type(s, ty) : typeof_type(s, ty);
    if (!ty->str && !t)
        return NULL;
    if (!t) {
        sema_error(s, &ty->loc, E_UNKNOWN_IDENT, "Cannot resolve unknown type \"%s\"", ty->str);
        const char *close = s->report ? ctypes_suggest(s->out->ct, ty->str) : NULL;
        if (close)
            fprintf(s->d->out, "HINT: Did you mean \"%s\"?\n", close);
        return NULL;
    }
    for (uint64_t i = 0; i < ty->num; i++)
        t = type_ptr_to(s->types, t->kind == T_VOID ? NULL : t, AS_KERNEL);
    if (ty->len || ty->aux)
        t = type_array(s->types, t, (uint32_t)ty->len);
    return t;
}

/* ---- enum constants ---- */

const struct type *sema_enum_constant(struct sema *s, struct node *n) {
    int64_t v;
    const struct type *ty;
    if (!ctypes_enum_value(s->out->ct, n->str, &v, &ty))
        return NULL;
    /* an enum constant is a 64-bit value of its enum, as in bpftrace */
    ty = type_enum(s->types, 8, ty->is_signed, ty->enum_def);
    ast_become_int(n, (uint64_t)v);
    return ty;
}

static bool has_address(const struct node *n);

/* ---- address spaces ----
 * A pointer read from user memory points into user memory too: the space
 * of the memory an expression was read from carries over to the pointers
 * it yields, as bpftrace propagates it. */

static enum addr_space space_of(const struct node *n, enum addr_space own) {
    const struct type *a = n->a ? n->a->ty : NULL;
    if (a && !a->is_ptr && (n->a->kind == N_VAR || n->a->kind == N_MAP))
        return own; /* a copy in the program's memory keeps the pointers' spaces */
    if (!a)
        return AS_KERNEL;
    if (a->is_ptr)
        return a->addr;
    if ((n->kind == N_FIELD || n->kind == N_INDEX) && (a->kind == T_RECORD || a->kind == T_ARRAY))
        return space_of(n->a, own);
    return AS_KERNEL;
}

/* t as read by n: a pointer takes the space of the memory n read it from. */
static const struct type *in_space(struct sema *s, const struct node *n, const struct type *t) {
    enum addr_space as = space_of(n, t ? t->addr : AS_KERNEL);
    if (t && t->is_ptr && t->addr != as)
        return type_ptr_to(s->types, t->pointee, as);
    return t;
}

/* Where an integer cast to a pointer points: user memory when every
 * provider of the probe runs in user space (uprobe, USDT). */
static enum addr_space probe_space(struct sema *s) {
    if (s->unit_count == 0)
        return AS_KERNEL;
    for (int i = s->unit_first; i < s->unit_first + s->unit_count; i++)
        if (s->out->units[i].prov->user_memory != AS_USER)
            return AS_KERNEL;
    return AS_USER;
}

const struct type *sema_cast_pointer(struct sema *s, const struct type *to,
                                     const struct type *from) {
    if (!to->is_ptr)
        return to;
    enum addr_space as = from->is_ptr ? from->addr : probe_space(s);
    return to->addr != as ? type_ptr_to(s->types, to->pointee, as) : to;
}

/* ---- casts between integers and arrays of integers ----
 * (int8[8])x reinterprets an integer's bytes as an array, (uint32)a an
 * array's bytes as an integer; the sizes must match. int8[] takes the
 * integer's size. */
static bool int_elements(const struct type *t) {
    return t->kind == T_ARRAY && t->elem && (t->elem->kind == T_INT || t->elem->kind == T_BOOL) &&
           !t->elem->is_ptr;
}

const struct type *sema_cast_array(struct sema *s, struct node *n, const struct loc *at,
                                   const struct type *to, const struct type *from) {
    bool bytes = from->kind == T_STRING; /* (int8[])"abc": the string's bytes */
    if (to->kind == T_ARRAY && int_elements(to) && (sema_is_int(from) || bytes) && !to->nelems &&
        from->size % to->elem->size == 0)
        to = type_array(s->types, to->elem, from->size / to->elem->size);
    bool to_array = to->kind == T_ARRAY && int_elements(to) &&
                    (sema_is_int(from) || (bytes && to->elem->size == 1));
    bool to_int = from->kind == T_ARRAY && int_elements(from) && to->kind == T_INT && !to->is_ptr;
    if ((!to_array && !to_int) || to->size != from->size ||
        (to_int && n->b->kind != N_VAR && !has_address(n->b) && n->b->kind != N_MAP &&
         n->b->kind != N_CALL)) {
        sema_error(s, at, E_TYPE, "Cannot cast from \"%s\" to \"%s\"", sema_tname(from),
                   sema_tname(to));
        return NULL;
    }
    return to;
}

/* ---- fields ---- */

void sema_field_missing(struct sema *s, struct node *n, const struct type *rec) {
    sema_error(s, &n->loc, E_UNKNOWN_FIELD,
               "Struct/union of type '%s' does not contain a field named '%s'", sema_tname(rec),
               n->str);
    const char *close = rec ? ctypes_suggest_field(rec, n->str) : NULL;
    if (close && s->report)
        fprintf(s->d->out, "HINT: Did you mean '%s'?\n", close);
}

static const struct type *field_error(struct sema *s, struct node *n, const struct type *t) {
    sema_error(s, &n->loc, E_TYPE, "Can not access field '%s' on expression of type '%s'",
               n->str ? n->str : "?", sema_tname(t));
    return NULL;
}

const struct type *sema_record_field(struct sema *s, struct node *n, const struct type *t) {
    const struct type *rec = t->is_ptr ? t->pointee : t;
    if (!rec || rec->kind != T_RECORD || !n->str)
        return field_error(s, n, t);
    const struct type *full = sema_complete(s, rec);
    if (!full) {
        sema_error(s, &n->loc, E_TYPE, "Incomplete type '%s' has no fields", sema_tname(rec));
        return NULL;
    }
    uint32_t off;
    const struct type_field *f = type_field_find(full, n->str, &off);
    if (!f) {
        sema_field_missing(s, n, full);
        return NULL;
    }
    if (f->data_loc)
        return type_string(s->types, (uint32_t)s->max_strlen);
    if (f->str_pad) /* as bpftrace's C parser types it: the byte after the array too */
        return in_space(s, n, type_string(s->types, f->ty->size + 1));
    return in_space(s, n, sema_complete(s, f->ty) ? sema_complete(s, f->ty) : f->ty);
}

/* ---- [], *, & ---- */

/* An index bpftrace takes: unsigned, or a non-negative literal (or a
 * variable only ever given such literals). A tuple's element is taken:
 * trawk stores a map's literal keys signed where bpftrace keeps them
 * unsigned, so $kv.0 of @a[1] could be either. */
static bool non_negative_index(struct sema *s, const struct node *idx) {
    const struct type *t = sema_natural_type(s, idx);
    if (!t || !t->is_signed)
        return true;
    if (idx->kind == N_INT || idx->kind == N_FIELD)
        return true;
    if (idx->kind != N_VAR || idx->sym < 0 || idx->sym >= s->pv->n)
        return false;
    const struct sema_var *v = &s->pv->vars[idx->sym];
    return v->assigned && !v->nonliteral && v->int_lit;
}

const struct type *sema_index(struct sema *s, struct node *n, const struct type *t) {
    const struct type *i = n->b->ty;
    if (i && !sema_is_int(i)) {
        sema_error(s, &n->b->loc, E_TYPE, "The array index must be an integer, found %s",
                   sema_tname(i));
        return NULL;
    }
    bool indexable = t->kind == T_STRING || t->kind == T_ARRAY || (t->is_ptr && t->pointee);
    if (i && indexable && !non_negative_index(s, n->b)) {
        sema_check_error(
            s, &n->loc, E_TYPE,
            "The array index operator [] only accepts non-negative integer indices. Got: %s",
            sema_tname(sema_natural_type(s, n->b)));
        return NULL;
    }
    int64_t idx;
    if (t->kind == T_STRING) {
        /* "abc"[1]: a character; a literal's is known now */
        bool known = sema_const_int(n->b, &idx);
        if (known && (idx < 0 || (uint64_t)idx >= t->size)) {
            sema_error(s, &n->loc, E_TYPE, "the index %lld is out of bounds for array of size %u",
                       (long long)idx, t->size);
            return NULL;
        }
        if (known && n->a->kind == N_STRING && s->report) {
            ast_become_int(n, (size_t)idx < n->a->len ? (uint8_t)n->a->str[idx] : 0);
        }
        return &type_s8;
    }
    if (t->kind == T_ARRAY) {
        if (sema_const_int(n->b, &idx) && t->nelems && (idx < 0 || (uint64_t)idx >= t->nelems)) {
            sema_error(s, &n->loc, E_TYPE, "the index %lld is out of bounds for array of size %u",
                       (long long)idx, t->nelems);
            return NULL;
        }
        return in_space(s, n, t->elem);
    }
    if (t->is_ptr && t->pointee)
        return in_space(s, n,
                        sema_complete(s, t->pointee) ? sema_complete(s, t->pointee) : t->pointee);
    const struct type *natural = sema_natural_type(s, n->a); /* a literal's own width */
    sema_error(s, &n->loc, E_TYPE,
               "The array index operator [] can only be used on arrays, pointers, and tuples, "
               "found %s.",
               sema_tname(natural ? natural : t));
    return NULL;
}

/* *addr of an integer reads the uint64 there, as in bpftrace (loads.bt:
 * *kaddr("avenrun")): the operand becomes (uint64 *)addr. */
static const struct type *deref_integer(struct sema *s, struct node *n) {
    n->a = ast_new_cast(&n->a->loc, "uint64", 1, n->a);
    return sema_deref(s, n);
}

const struct type *sema_deref(struct sema *s, struct node *n) {
    const struct type *t = sema_expr(s, n->a);
    if (!t)
        return NULL;
    if (t->kind == T_INT && !t->is_ptr && !t->enum_def)
        return deref_integer(s, n);
    if (!t->is_ptr || !t->pointee) {
        sema_error(s, &n->loc, E_TYPE, "The * operator can not be used on expressions of type '%s'",
                   sema_tname(t));
        return NULL;
    }
    const struct type *p = sema_complete(s, t->pointee);
    if (!p) {
        sema_error(s, &n->loc, E_TYPE, "Can not dereference incomplete type '%s'",
                   sema_tname(t->pointee));
        return NULL;
    }
    return in_space(s, n, p);
}

/* Whether n names kernel or user memory (a field, element or dereference
 * reached through a pointer), so that it has an address. */
static bool has_address(const struct node *n) {
    if (n->kind == N_UNOP && n->op == OP_DEREF)
        return true;
    if (n->kind == N_FIELD && n->a->ty)
        return n->a->ty->is_ptr || (n->a->ty->kind == T_RECORD && has_address(n->a));
    if (n->kind == N_INDEX && n->a->ty)
        return n->a->ty->is_ptr || (n->a->ty->kind == T_ARRAY && has_address(n->a));
    return false;
}

const struct type *sema_addrof(struct sema *s, struct node *n) {
    /* what &$x is passed to may write it: bpftrace counts it as assigned */
    int v = n->a->kind == N_VAR ? sema_var_find(s, n->a->str) : -1;
    if (v >= 0 && s->pv->defined[v] == VAR_DECLARED)
        s->pv->defined[v] = VAR_ASSIGNED;
    const struct type *t = sema_expr(s, n->a);
    if (!t)
        return NULL;
    if (!has_address(n->a) && n->a->kind != N_VAR) {
        sema_error(s, &n->loc, E_SYNTAX,
                   "syntax: address-of operator (&) can only be used on a map or variable");
        return NULL;
    }
    return type_ptr_to(s->types, t, AS_KERNEL);
}

/* ---- sizeof, offsetof ---- */

const struct type *sema_sizeof(struct sema *s, struct node *n) {
    const struct type *ty = sema_sizeof_type(s, n->a); /* before the operand gets a type */
    const struct type *t = ident_type(s, n->a);
    if (!t && n->a->kind == N_TYPE)
        t = sema_type_named(s, n->a);
    else if (!t && n->a->kind == N_MAP)
        t = sema_complete(s, sema_map_size_type(s, n->a));
    else if (!t && sema_complete(s, sema_expr(s, n->a)))
        t = sema_complete(s, sema_natural_type(s, n->a));
    if (!t)
        return NULL;
    if (s->report) /* the first walk leaves the operand for the second to check */
        ast_become_int(n, t->size);
    return sema_sizeof_fit(ty, t->size);
}

const struct type *sema_offsetof(struct sema *s, struct node *n) {
    const struct type *t = sema_complete(s, sema_type_named(s, n->a));
    if (!t)
        return NULL;
    if (t->kind != T_RECORD) {
        sema_error(s, &n->a->loc, E_TYPE, "offsetof() needs a struct or union, not '%s'",
                   sema_tname(t));
        return NULL;
    }
    uint64_t total = 0;
    char *path = strdup(n->str ? n->str : "");
    for (char *save, *f = strtok_r(path, ".", &save); f; f = strtok_r(NULL, ".", &save)) {
        uint32_t off;
        const struct type_field *tf = t ? type_field_find(t, f, &off) : NULL;
        if (!tf) {
            sema_error(s, &n->loc, E_UNKNOWN_FIELD,
                       "Struct/union of type '%s' does not contain a field named '%s'",
                       sema_tname(t), f);
            free(path);
            return NULL;
        }
        total += off;
        t = sema_complete(s, tf->ty);
    }
    free(path);
    ast_become_int(n, total);
    return sema_sizeof_fit(&type_u8, total); /* bpftrace's type while resolving, as sizeof's */
}

/* ---- pointer arithmetic ---- */

const struct type *sema_ptr_arith(struct sema *s, struct node *n, const struct type *a,
                                  const struct type *b) {
    bool pa = a->is_ptr, pb = b->is_ptr;
    if (pa == pb || (n->op != OP_ADD && !(n->op == OP_SUB && pa))) {
        const struct type *na = sema_natural_type(s, n->a), *nb = sema_natural_type(s, n->b);
        sema_error(s, &n->loc, E_TYPE,
                   "The %s operator can not be used on expressions of types %s, %s",
                   ast_op_text(n->op), sema_tname(na ? na : a), sema_tname(nb ? nb : b));
        return &type_s64; /* as bpftrace, so that what uses it is checked too */
    }
    const struct type *ptr = pa ? a : b;
    const struct type *to = sema_complete(s, ptr->pointee);
    uint64_t scale = to && to->size ? to->size : 1;
    if (s->report && scale != 1) {
        /* scale the integer side in place, once (the reporting walk is the last) */
        struct node **side = pa ? &n->b : &n->a;
        struct node *lit = ast_new(N_INT, &(*side)->loc);
        lit->num = scale;
        lit->ty = &type_s64;
        struct node *mul = ast_new_op(N_BINOP, &(*side)->loc, OP_MUL, *side, lit);
        mul->ty = &type_s64;
        *side = mul;
    }
    return ptr;
}
