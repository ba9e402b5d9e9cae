/* Value types: shared instances, the compile-time arena, layout and names. */
#include "types.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INT_TYPE(sz, sg)                                                                           \
    { .kind = T_INT, .size = (sz), .is_signed = (sg) }

const struct type type_void = {.kind = T_VOID};
const struct type type_bool = {.kind = T_BOOL, .size = 1};
const struct type type_u8 = INT_TYPE(1, false), type_u16 = INT_TYPE(2, false),
                  type_u32 = INT_TYPE(4, false), type_u64 = INT_TYPE(8, false);
const struct type type_s8 = INT_TYPE(1, true), type_s16 = INT_TYPE(2, true),
                  type_s32 = INT_TYPE(4, true), type_s64 = INT_TYPE(8, true);
const struct type type_probe = {.kind = T_PROBE, .size = 8};
const struct type type_ksym = {.kind = T_KSYM, .size = 8};
const struct type type_usym = {.kind = T_USYM, .size = 16};

const struct type *type_float(uint32_t size) {
    static const struct type f32 = {.kind = T_INT, .size = 4, .is_signed = true, .is_float = true},
                             f64 = {.kind = T_INT, .size = 8, .is_signed = true, .is_float = true};
    return size == 4 ? &f32 : &f64;
}

const struct type *type_int(uint32_t size, bool is_signed) {
    switch (size) {
    case 1:
        return is_signed ? &type_s8 : &type_u8;
    case 2:
        return is_signed ? &type_s16 : &type_u16;
    case 4:
        return is_signed ? &type_s32 : &type_u32;
    default:
        return is_signed ? &type_s64 : &type_u64;
    }
}

/* Each allocation is one chunk on a singly linked list, so freeing the arena
 * frees every type (and tuple field array) built from it. */
struct arena_chunk {
    struct arena_chunk *next;
    _Alignas(max_align_t) unsigned char data[];
};

struct type_arena {
    struct arena_chunk *chunks;
};

struct type_arena *type_arena_new(void) {
    return calloc(1, sizeof(struct type_arena));
}

void type_arena_free(struct type_arena *a) {
    if (!a)
        return;
    struct arena_chunk *c = a->chunks;
    while (c) {
        struct arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    free(a);
}

void *type_arena_alloc(struct type_arena *a, size_t size) {
    struct arena_chunk *c = calloc(1, sizeof(*c) + size);
    if (!c) {
        perror("trawk: out of memory");
        abort();
    }
    c->next = a->chunks;
    a->chunks = c;
    return c->data;
}

static struct type *arena_type(struct type_arena *a, enum type_kind kind, uint32_t size) {
    struct type *t = type_arena_alloc(a, sizeof(*t));
    t->kind = kind;
    t->size = size;
    return t;
}

const struct type *type_string(struct type_arena *a, uint32_t size) {
    return arena_type(a, T_STRING, size);
}

const struct type *type_ptr(struct type_arena *a, uint32_t size) {
    struct type *t = arena_type(a, T_INT, size ? size : 8);
    t->is_ptr = true;
    return t;
}

const struct type *type_ptr_to(struct type_arena *a, const struct type *pointee,
                               enum addr_space addr) {
    struct type *t = arena_type(a, T_INT, 8);
    t->is_ptr = true;
    t->pointee = pointee;
    t->addr = addr;
    return t;
}

const struct type *type_array(struct type_arena *a, const struct type *elem, uint32_t nelems) {
    struct type *t = arena_type(a, T_ARRAY, elem->size * nelems);
    t->elem = elem;
    t->nelems = nelems;
    return t;
}

const struct type *type_enum(struct type_arena *a, uint32_t size, bool is_signed,
                             const struct enum_def *def) {
    struct type *t = arena_type(a, T_INT, size);
    t->is_signed = is_signed;
    t->enum_def = def;
    return t;
}

const struct type *type_text(struct type_arena *a, enum text_kind text, const char *fmt) {
    struct type *t =
        arena_type(a, T_TEXT, text == TEXT_INET ? (uint32_t)sizeof(struct text_inet) : 8);
    t->text = text;
    t->tag = type_strdup(a, fmt);
    return t;
}

const char *type_strdup(struct type_arena *a, const char *s) {
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = type_arena_alloc(a, n);
    memcpy(d, s, n);
    return d;
}

const struct type *type_record(struct type_arena *a, const char *tag, bool is_union, uint32_t size,
                               int n, const struct type_field *fields) {
    struct type_field *f = type_arena_alloc(a, sizeof(*f) * (n ? n : 1));
    if (n)
        memcpy(f, fields, sizeof(*f) * n);
    struct type *t = arena_type(a, T_RECORD, size);
    t->tag = type_strdup(a, tag);
    t->is_union = is_union;
    t->nfields = n;
    t->fields = f;
    return t;
}

const struct type *type_record_forward(struct type_arena *a, const char *tag) {
    struct type *t = arena_type(a, T_RECORD, 0);
    t->tag = type_strdup(a, tag);
    t->incomplete = true;
    return t;
}

const struct type_field *type_field_find(const struct type *record, const char *name,
                                         uint32_t *offset) {
    if (!record || record->kind != T_RECORD)
        return NULL;
    for (int i = 0; i < record->nfields; i++) {
        const struct type_field *f = &record->fields[i];
        if (f->name && strcmp(f->name, name) == 0) {
            *offset = f->offset;
            return f;
        }
        if (!f->name && f->ty && f->ty->kind == T_RECORD) {
            uint32_t inner;
            const struct type_field *g = type_field_find(f->ty, name, &inner);
            if (g) {
                *offset = f->offset + inner;
                return g;
            }
        }
    }
    return NULL;
}

const struct type *type_agg(struct type_arena *a, enum agg_kind agg, bool is_signed) {
    static const uint32_t sizes[] = {
        [AGG_COUNT] = 8,
        [AGG_SUM] = 8,
        [AGG_MIN] = sizeof(struct agg_minmax),
        [AGG_MAX] = sizeof(struct agg_minmax),
        [AGG_AVG] = sizeof(struct agg_avg),
        [AGG_STATS] = sizeof(struct agg_avg),
        [AGG_HIST] = 8,
        [AGG_LHIST] = 8,
        [AGG_TSERIES] = sizeof(struct agg_tseries),
    };
    struct type *t = arena_type(a, T_AGG, sizes[agg]);
    t->agg = agg;
    t->agg_signed = is_signed;
    return t;
}

const struct type *type_buf(struct type_arena *a, uint32_t n) {
    return arena_type(a, T_BUF, 4 + n);
}

bool type_agg_bucketed(const struct type *t) {
    return t && t->kind == T_AGG &&
           (t->agg == AGG_HIST || t->agg == AGG_LHIST || t->agg == AGG_TSERIES);
}

const struct type *type_stack(struct type_arena *a, bool user, enum stack_mode mode,
                              uint16_t limit) {
    struct type *t = arena_type(a, T_STACK, user ? 16 : 8);
    t->stack_user = user;
    t->stack_mode = mode;
    t->stack_limit = limit;
    return t;
}

const struct type *type_stack_dwarf(struct type_arena *a, enum stack_mode mode, uint16_t limit) {
    struct type *t = arena_type(a, T_STACK, TYPE_DW_STACK_HEADER + TYPE_DW_STACK_BYTES);
    t->stack_user = true;
    t->stack_dwarf = true;
    t->stack_mode = mode;
    t->stack_limit = limit;
    return t;
}

const char *type_stack_mode_name(enum stack_mode mode) {
    static const char *const names[] = {
        [STACK_BPFTRACE] = "bpftrace",
        [STACK_PERF] = "perf",
        [STACK_RAW] = "raw",
        [STACK_BUILD_ID] = "build_id",
    };
    return (unsigned)mode < sizeof(names) / sizeof(names[0]) ? names[mode] : "raw";
}

uint32_t type_alignment(const struct type *t) {
    if (t->kind == T_INT)
        return t->size ? t->size : 1;
    if (t->kind == T_PROBE || t->kind == T_AGG || t->kind == T_STACK || t->kind == T_KSYM ||
        t->kind == T_USYM || t->kind == T_TEXT)
        return 8;
    if (t->kind == T_ARRAY)
        return t->elem ? type_alignment(t->elem) : 1;
    if (t->kind == T_RECORD || t->kind == T_TUPLE) {
        uint32_t a = 1;
        for (int i = 0; i < t->nfields; i++) {
            uint32_t f = t->fields[i].ty ? type_alignment(t->fields[i].ty) : 1;
            a = f > a ? f : a;
        }
        return a;
    }
    if (t->kind == T_BUF)
        return 4; /* its u32 length */
    return 1;     /* bool, strings: byte arrays */
}

static uint32_t align_up(uint32_t v, uint32_t a) {
    return (v + a - 1) / a * a;
}

const struct type *type_named_tuple(struct type_arena *a, int n, const struct type *const *elems,
                                    const char *const *names) {
    const struct type *tup = type_tuple(a, n, elems);
    struct type *t = (struct type *)tup;
    struct type_field *f = (struct type_field *)t->fields;
    for (int i = 0; i < n; i++)
        f[i].name = type_strdup(a, names[i]);
    t->kind = T_RECORD;
    return t;
}

const struct type *type_tuple(struct type_arena *a, int n, const struct type *const *elems) {
    struct type_field *fields = type_arena_alloc(a, sizeof(*fields) * (n ? n : 1));
    uint32_t off = 0, align = 1;
    for (int i = 0; i < n; i++) {
        uint32_t ea = type_alignment(elems[i]);
        off = align_up(off, ea);
        fields[i].ty = elems[i];
        fields[i].offset = off;
        off += elems[i]->size;
        align = ea > align ? ea : align;
    }
    /* Rounded to its widest element's alignment, as C and bpftrace do. */
    struct type *t = arena_type(a, T_TUPLE, align_up(off, align));
    t->nfields = n;
    t->fields = fields;
    return t;
}

bool type_equal(const struct type *a, const struct type *b) {
    if (a == b)
        return true;
    if (!a || !b || a->kind != b->kind || a->size != b->size)
        return false;
    switch (a->kind) {
    case T_INT:
        return a->is_signed == b->is_signed && a->is_ptr == b->is_ptr &&
               a->enum_def == b->enum_def &&
               (!a->is_ptr || (a->addr == b->addr && type_equal(a->pointee, b->pointee)));
    case T_ARRAY:
        return a->nelems == b->nelems && type_equal(a->elem, b->elem);
    case T_RECORD:
        if (a->tag || b->tag)
            return a->tag && b->tag && strcmp(a->tag, b->tag) == 0;
        if (a->nfields != b->nfields)
            return false;
        for (int i = 0; i < a->nfields; i++)
            if (!type_equal(a->fields[i].ty, b->fields[i].ty) ||
                strcmp(a->fields[i].name ? a->fields[i].name : "",
                       b->fields[i].name ? b->fields[i].name : "") != 0)
                return false;
        return true;
    case T_AGG:
        return a->agg == b->agg && a->agg_signed == b->agg_signed;
    case T_STACK:
        return a->stack_user == b->stack_user && a->stack_mode == b->stack_mode &&
               a->stack_limit == b->stack_limit && a->stack_dwarf == b->stack_dwarf;
    case T_TEXT:
        return a->text == b->text && strcmp(a->tag ? a->tag : "", b->tag ? b->tag : "") == 0;
    case T_TUPLE:
        if (a->nfields != b->nfields)
            return false;
        for (int i = 0; i < a->nfields; i++)
            if (!type_equal(a->fields[i].ty, b->fields[i].ty))
                return false;
        return true;
    default:
        return true;
    }
}

static const char *agg_base_name(enum agg_kind agg) {
    static const char *const names[] = {
        [AGG_NONE] = "none",         [AGG_COUNT] = "count_t", [AGG_SUM] = "sum_t",
        [AGG_MIN] = "min_t",         [AGG_MAX] = "max_t",     [AGG_AVG] = "avg_t",
        [AGG_STATS] = "stats_t",     [AGG_HIST] = "hist_t",   [AGG_LHIST] = "lhist_t",
        [AGG_TSERIES] = "tseries_t",
    };
    return names[agg];
}

/* Appends to buf at *pos without overflowing; output is truncated when full. */
static void put(char *buf, int size, int *pos, const char *fmt, const char *s, unsigned n) {
    if (*pos >= size - 1)
        return;
    int w = snprintf(buf + *pos, size - *pos, fmt, s, n);
    if (w > 0)
        *pos = *pos + w < size ? *pos + w : size - 1;
}

static void name_into(const struct type *t, char *buf, int size, int *pos) {
    if (!t) {
        put(buf, size, pos, "%s", "none", 0);
        return;
    }
    switch (t->kind) {
    case T_NONE:
        put(buf, size, pos, "%s", "none", 0);
        break;
    case T_VOID:
        put(buf, size, pos, "%s", "void", 0);
        break;
    case T_BOOL:
        put(buf, size, pos, "%s", "bool", 0);
        break;
    case T_INT:
        if (t->is_ptr) {
            if (t->pointee)
                name_into(t->pointee, buf, size, pos);
            else
                put(buf, size, pos, "%s", "void", 0);
            put(buf, size, pos, "%s", " *", 0);
        } else if (t->enum_def && t->enum_def->name)
            put(buf, size, pos, "%s", t->enum_def->name, 0);
        else
            put(buf, size, pos, "%sint%u", t->is_signed ? "" : "u", t->size * 8);
        break;
    case T_STRING:
        put(buf, size, pos, "%s[%u]", "string", t->size);
        break;
    case T_BUF:
        put(buf, size, pos, "%s[%u]", "buffer", t->size);
        break;
    case T_PROBE:
        put(buf, size, pos, "%s", "probe", 0);
        break;
    case T_TEXT: {
        static const char *const names[] = {
            [TEXT_STRFTIME] = "timestamp", [TEXT_INET] = "inet",
            [TEXT_STRERROR] = "string",    [TEXT_SYSCALL] = "string",
            [TEXT_USERNAME] = "username",  [TEXT_SIGNAL] = "string",
            [TEXT_MACADDR] = "macaddr_t",  [TEXT_CGPATH] = "cgroup_path_t"};
        put(buf, size, pos, "%s", names[t->text], 0);
        break;
    }
    case T_AGG: {
        /* bpftrace marks unsigned sum/min/max/avg/stats with a "u" prefix. */
        bool has_sign = t->agg != AGG_COUNT && !type_agg_bucketed(t);
        put(buf, size, pos, "%s", has_sign && !t->agg_signed ? "u" : "", 0);
        put(buf, size, pos, "%s", agg_base_name(t->agg), 0);
        break;
    }
    case T_KSYM:
    case T_USYM:
        put(buf, size, pos, "%ssym_t", t->kind == T_USYM ? "u" : "k", 0);
        break;
    case T_STACK:
        put(buf, size, pos, "%sstack_", t->stack_user ? "u" : "k", 0);
        put(buf, size, pos, "%s_%u", type_stack_mode_name(t->stack_mode), t->stack_limit);
        break;
    case T_ARRAY:
        name_into(t->elem, buf, size, pos);
        put(buf, size, pos, "[%s%u]", "", t->nelems);
        break;
    case T_RECORD:
        if (t->tag) {
            put(buf, size, pos, "%s", t->tag, 0);
            break;
        }
        /* a named tuple: (a=int64,b=string[2]) */
        put(buf, size, pos, "%s", "record(", 0);
        for (int i = 0; i < t->nfields; i++) {
            put(buf, size, pos, "%s", i ? "," : "", 0);
            put(buf, size, pos, "%s=", t->fields[i].name ? t->fields[i].name : "", 0);
            name_into(t->fields[i].ty, buf, size, pos);
        }
        put(buf, size, pos, "%s", ")", 0);
        break;
    case T_TUPLE:
        put(buf, size, pos, "%s", "(", 0);
        for (int i = 0; i < t->nfields; i++) {
            if (i)
                put(buf, size, pos, "%s", ",", 0);
            name_into(t->fields[i].ty, buf, size, pos);
        }
        put(buf, size, pos, "%s", ")", 0);
        break;
    }
}

const char *type_name(const struct type *t, char *buf, int size) {
    int pos = 0;
    if (size <= 0)
        return buf;
    buf[0] = '\0';
    name_into(t, buf, size, &pos);
    return buf;
}
