/* typeinfo(X): a record literal describing X's type, as bpftrace 0.27.1
 * builds it: { .btf_id = 0, .base_type = KIND, .full_type = NAME }. X is
 * checked but never evaluated. The feature is unstable: a script must
 * enable it (config unstable_typeinfo), the standard library need not. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sema/sema_impl.h"

/* bpftrace's name of a type's kind (its to_string(Type)). */
const char *sema_base_type_name(const struct type *t) {
    static const char *const aggs[] = {
        [AGG_COUNT] = "count_t", [AGG_SUM] = "sum_t",     [AGG_MIN] = "min_t",
        [AGG_MAX] = "max_t",     [AGG_AVG] = "avg_t",     [AGG_STATS] = "stats_t",
        [AGG_HIST] = "hist_t",   [AGG_LHIST] = "lhist_t", [AGG_TSERIES] = "tseries_t",
    };
    static const char *const texts[] = {
        [TEXT_STRFTIME] = "timestamp",  [TEXT_INET] = "inet",           [TEXT_STRERROR] = "string",
        [TEXT_SYSCALL] = "string",      [TEXT_USERNAME] = "username_t", [TEXT_SIGNAL] = "string",
        [TEXT_MACADDR] = "mac_address", [TEXT_CGPATH] = "cgroup_path_t"};
    switch (t->kind) {
    case T_INT:
        return t->is_ptr ? "pointer" : "int";
    case T_BOOL:
        return "bool";
    case T_STRING:
        return "string";
    case T_TUPLE:
        return "tuple";
    case T_RECORD:
        return t->tag ? "c_type" : "record";
    case T_ARRAY:
        return "array";
    case T_PROBE:
        return "c_type";
    case T_STACK:
        return t->stack_user ? "ustack" : "kstack";
    case T_KSYM:
        return "ksym_t";
    case T_USYM:
        return "usym_t";
    case T_BUF:
        return "buffer";
    case T_TEXT:
        return texts[t->text];
    case T_AGG:
        return t->agg != AGG_NONE ? aggs[t->agg] : "none";
    case T_VOID:
        return "void";
    default:
        return "none";
    }
}

/* bpftrace's typestr where it differs from trawk's messages: named
 * tuples read "record { .a = int8 }", the probe builtin "struct probe". */
static void full_name(const struct type *t, char *buf, size_t size) {
    if (t->kind == T_PROBE) {
        snprintf(buf, size, "struct probe");
        return;
    }
    if (t->kind != T_RECORD || t->tag) {
        type_name(t, buf, (int)size);
        return;
    }
    size_t pos = (size_t)snprintf(buf, size, "record {");
    for (int i = 0; i < t->nfields && pos < size; i++) {
        char field[256];
        pos +=
            (size_t)snprintf(buf + pos, size - pos, "%s .%s = %s", i ? "," : "", t->fields[i].name,
                             type_name(t->fields[i].ty, field, sizeof(field)));
    }
    if (pos < size)
        snprintf(buf + pos, size - pos, " }");
}

static struct node *field(const struct loc *l, const char *name, struct node *value) {
    struct node *f = ast_new_str(N_RECORD_FIELD, l, name, strlen(name));
    f->a = value;
    return f;
}

static struct node *info_record(const struct loc *l, const struct type *t) {
    char full[1024];
    full_name(t, full, sizeof(full));
    const char *base = sema_base_type_name(t);
    struct node *rec = ast_new(N_RECORD, l);
    rec->a = field(l, "btf_id", ast_new(N_INT, l));
    rec->a->next = field(l, "base_type", ast_new_str(N_STRING, l, base, strlen(base)));
    rec->a->next->next = field(l, "full_type", ast_new_str(N_STRING, l, full, strlen(full)));
    return rec;
}

static bool in_stdlib(const struct sema *s, const struct loc *l) {
    return l->file > 0 && l->file <= s->d->nfiles &&
           strncmp(s->d->files[l->file - 1].name, "stdlib/", 7) == 0;
}

static void gate(struct sema *s, struct node *n) {
    if (in_stdlib(s, &n->loc))
        return;
    sema_unstable_use(s, UNSTABLE_TYPEINFO, &n->loc);
}

const struct type *sema_typeinfo(struct sema *s, struct node *n) {
    gate(s, n);
    const struct type *t = sema_type_named(s, n->a);
    if (!t)
        return NULL;
    ast_free(n->b);
    n->b = info_record(&n->loc, t);
    if (!s->report)
        return sema_expr(s, n->b);
    struct node *rec = n->b;
    n->b = NULL;
    ast_become(n, rec);
    return sema_expr(s, n);
}
