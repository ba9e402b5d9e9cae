/* A lone C type name: casts, sizeof, tracepoint format fields. */
#include <stdio.h>
#include <stdlib.h>

#include "ctypes/cparse.h"

/* The record at the bottom of pointers and arrays must be known somewhere. */
static const struct type *check_known(struct cparser *p, const struct type *t) {
    const struct type *base = t;
    while (base && ((base->kind == T_INT && base->is_ptr) || base->kind == T_ARRAY))
        base = base->is_ptr ? base->pointee : base->elem;
    if (!base || base->kind != T_RECORD || !base->incomplete)
        return t;
    const struct type *full = ctypes_complete(p->c, base);
    if (!full)
        return cp_fail(p, "unknown type '%s'", base->tag);
    return base == t ? full : t;
}

const struct type *ctypes_parse_typename(struct ctypes *c, const char *text, char *err,
                                         size_t errsz) {
    char dummy[1];
    struct ctok *toks;
    ct_lex(text ? text : "", &toks);
    struct cparser p = {.c = c,
                        .toks = toks,
                        .typename_mode = true,
                        .err = err && errsz ? err : dummy,
                        .errsz = err && errsz ? errsz : sizeof(dummy)};
    p.err[0] = '\0';
    const struct type *t = cp_type_name(&p);
    if (t && cp_tok(&p)->kind != CT_EOF)
        t = cp_fail(&p, "unexpected '%.*s' in type name", cp_tok(&p)->len, cp_tok(&p)->s);
    if (t == &ct_func_type)
        t = cp_fail(&p, "a function type is no value type");
    if (t)
        t = check_known(&p, t);
    if (!t && !p.err[0])
        snprintf(p.err, p.errsz, "cannot parse type name '%s'", text ? text : "");
    free(toks);
    return t;
}
