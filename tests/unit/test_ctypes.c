/* ctypes without kernel BTF: C definitions parsed into records laid out as
 * gcc lays them out (checked against this very compiler), enums, typedefs,
 * type names, suggestions, errors, and robustness on real and broken text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>

#include "ctypes/ctypes.h"
#include "ctypes/ctypes_impl.h"
#include "parser/parse.h"

/* Definitions compiled here and handed to ctypes as text. */
#define STR(...) #__VA_ARGS__
#define XSTR(...) STR(__VA_ARGS__)
#define LAYOUT_DEFS                                                                                \
    struct l_basic {                                                                               \
        char a;                                                                                    \
        int b;                                                                                     \
        short c;                                                                                   \
        long d;                                                                                    \
        char e[3];                                                                                 \
        unsigned long long f;                                                                      \
        _Bool g;                                                                                   \
    };                                                                                             \
    union l_union {                                                                                \
        char a[5];                                                                                 \
        int b;                                                                                     \
        short c;                                                                                   \
    };                                                                                             \
    struct l_nested {                                                                              \
        char a;                                                                                    \
        struct l_basic in;                                                                         \
        union l_union u;                                                                           \
        struct {                                                                                   \
            short x;                                                                               \
            long y;                                                                                \
        } named;                                                                                   \
        char z;                                                                                    \
    };                                                                                             \
    struct l_ptrs {                                                                                \
        char a;                                                                                    \
        struct l_ptrs *next;                                                                       \
        void (*fn)(int, char *);                                                                   \
        int *arr[3];                                                                               \
        int (*parr)[4];                                                                            \
        char b;                                                                                    \
    };                                                                                             \
    struct __attribute__((packed)) l_packed {                                                      \
        char a;                                                                                    \
        long b;                                                                                    \
        short c;                                                                                   \
    };                                                                                             \
    struct l_memb_packed {                                                                         \
        char a;                                                                                    \
        int b __attribute__((packed));                                                             \
        short c;                                                                                   \
    };                                                                                             \
    struct l_aligned {                                                                             \
        char a;                                                                                    \
        int b __attribute__((aligned(16)));                                                        \
    } __attribute__((aligned(32)));                                                                \
    struct l_flex {                                                                                \
        int n;                                                                                     \
        char c;                                                                                    \
        long data[];                                                                               \
    };                                                                                             \
    struct l_alignas {                                                                             \
        char a;                                                                                    \
        _Alignas(8) char b;                                                                        \
        _Alignas(long long) short c;                                                               \
        int d __attribute__((aligned(sizeof(long) * 2)));                                          \
    };                                                                                             \
    struct l_anon_packed {                                                                         \
        char c;                                                                                    \
        struct __attribute__((packed)) {                                                           \
            char a;                                                                                \
            int b;                                                                                 \
        } odd;                                                                                     \
        char d;                                                                                    \
        struct __attribute__((packed)) {                                                           \
            char a;                                                                                \
            int b;                                                                                 \
            char pad[3];                                                                           \
        } even;                                                                                    \
    };                                                                                             \
    struct l_matrix {                                                                              \
        short m[2][3];                                                                             \
        char names[2][16];                                                                         \
        char t;                                                                                    \
    };
LAYOUT_DEFS

static const char layout_text[] = XSTR(LAYOUT_DEFS);

struct field_check {
    const char *tag, *field;
    size_t offset;
};

#define FC(kw, tag, f)                                                                             \
    { #kw " " #tag, #f, offsetof(kw tag, f) }

struct fixture {
    struct type_arena *arena;
    struct ctypes *c;
    char *errors;
    size_t errlen;
    FILE *err;
    struct diag d;
};

static int setup(void **state) {
    struct fixture *f = calloc(1, sizeof(*f));
    f->arena = type_arena_new();
    struct ctypes_opts opts = {.no_btf = true};
    f->c = ctypes_new(f->arena, &opts);
    f->err = open_memstream(&f->errors, &f->errlen);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    struct fixture *f = *state;
    ctypes_free(f->c);
    type_arena_free(f->arena);
    fclose(f->err);
    free(f->errors);
    free(f);
    return 0;
}

/* Parses text as a whole "file"; returns ctypes_parse's result. */
static int parse(struct fixture *f, const char *text) {
    diag_init(&f->d, "stdin", text, f->err);
    int rc = ctypes_parse(f->c, text, 1, &f->d);
    fflush(f->err);
    return rc;
}

static const struct type *lookup(struct fixture *f, const char *name) {
    const struct type *t = ctypes_lookup(f->c, name);
    if (!t)
        fail_msg("%s is unknown", name);
    return t;
}

static const struct type_field *field(const struct type *rec, const char *name) {
    uint32_t off;
    const struct type_field *fl = type_field_find(rec, name, &off);
    if (!fl)
        fail_msg("no field %s", name);
    return fl;
}

static uint32_t field_offset(const struct type *rec, const char *name) {
    uint32_t off = 0;
    if (!type_field_find(rec, name, &off))
        fail_msg("no field %s", name);
    return off;
}

static void test_layout_matches_gcc(void **state) {
    struct fixture *f = *state;
    assert_int_equal(parse(f, layout_text), 0);
    static const struct field_check checks[] = {
        FC(struct, l_basic, a),          FC(struct, l_basic, b),
        FC(struct, l_basic, c),          FC(struct, l_basic, d),
        FC(struct, l_basic, e),          FC(struct, l_basic, f),
        FC(struct, l_basic, g),          FC(union, l_union, a),
        FC(union, l_union, b),           FC(struct, l_nested, in),
        FC(struct, l_nested, u),         FC(struct, l_nested, named),
        FC(struct, l_nested, z),         FC(struct, l_ptrs, next),
        FC(struct, l_ptrs, fn),          FC(struct, l_ptrs, arr),
        FC(struct, l_ptrs, parr),        FC(struct, l_ptrs, b),
        FC(struct, l_packed, b),         FC(struct, l_packed, c),
        FC(struct, l_memb_packed, b),    FC(struct, l_memb_packed, c),
        FC(struct, l_aligned, b),        FC(struct, l_flex, c),
        FC(struct, l_flex, data),        FC(struct, l_alignas, b),
        FC(struct, l_alignas, c),        FC(struct, l_alignas, d),
        FC(struct, l_anon_packed, odd),  FC(struct, l_anon_packed, d),
        FC(struct, l_anon_packed, even), FC(struct, l_matrix, names),
        FC(struct, l_matrix, t),
    };
    for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
        const struct type *t = lookup(f, checks[i].tag);
        if (field_offset(t, checks[i].field) != checks[i].offset)
            fail_msg("%s.%s at %u, gcc says %zu", checks[i].tag, checks[i].field,
                     field_offset(t, checks[i].field), checks[i].offset);
    }
    assert_int_equal(lookup(f, "struct l_basic")->size, sizeof(struct l_basic));
    assert_int_equal(lookup(f, "union l_union")->size, sizeof(union l_union));
    assert_int_equal(lookup(f, "struct l_nested")->size, sizeof(struct l_nested));
    assert_int_equal(lookup(f, "struct l_ptrs")->size, sizeof(struct l_ptrs));
    assert_int_equal(lookup(f, "struct l_packed")->size, sizeof(struct l_packed));
    assert_int_equal(lookup(f, "struct l_memb_packed")->size, sizeof(struct l_memb_packed));
    assert_int_equal(lookup(f, "struct l_aligned")->size, sizeof(struct l_aligned));
    assert_int_equal(lookup(f, "struct l_flex")->size, sizeof(struct l_flex));
    assert_int_equal(lookup(f, "struct l_matrix")->size, sizeof(struct l_matrix));
    assert_int_equal(lookup(f, "struct l_alignas")->size, sizeof(struct l_alignas));
    assert_int_equal(lookup(f, "struct l_anon_packed")->size, sizeof(struct l_anon_packed));
}

static void test_field_types(void **state) {
    struct fixture *f = *state;
    assert_int_equal(parse(f, layout_text), 0);
    const struct type *b = lookup(f, "struct l_basic");
    assert_true(type_equal(field(b, "b")->ty, &type_s32));
    assert_true(type_equal(field(b, "f")->ty, &type_u64));
    assert_int_equal(field(b, "g")->ty->kind, T_BOOL);
    assert_int_equal(field(b, "e")->ty->kind, T_STRING); /* plain char arrays are strings */
    assert_int_equal(field(b, "e")->ty->size, 3);
    const struct type *u = lookup(f, "union l_union");
    assert_true(u->is_union);
    assert_string_equal(u->tag, "union l_union");

    const struct type *p = lookup(f, "struct l_ptrs");
    const struct type *next = field(p, "next")->ty;
    assert_true(next->is_ptr);
    assert_int_equal(next->addr, AS_KERNEL);
    assert_true(next->pointee->incomplete); /* a forward record, completed on demand */
    assert_ptr_equal(ctypes_complete(f->c, next->pointee), p);
    assert_true(field(p, "fn")->ty->is_ptr);
    assert_null(field(p, "fn")->ty->pointee);
    const struct type *arr = field(p, "arr")->ty;
    assert_int_equal(arr->kind, T_ARRAY);
    assert_int_equal(arr->nelems, 3);
    assert_true(arr->elem->is_ptr);
    const struct type *parr = field(p, "parr")->ty;
    assert_true(parr->is_ptr);
    assert_int_equal(parr->pointee->kind, T_ARRAY);
    assert_int_equal(parr->pointee->nelems, 4);

    const struct type *m = lookup(f, "struct l_matrix");
    const struct type *mm = field(m, "m")->ty;
    assert_int_equal(mm->kind, T_ARRAY);
    assert_int_equal(mm->nelems, 2);
    assert_int_equal(mm->elem->nelems, 3);
    const struct type *names = field(m, "names")->ty;
    assert_int_equal(names->kind, T_ARRAY);
    assert_int_equal(names->elem->kind, T_STRING);
    assert_int_equal(names->elem->size, 16);
    const struct type *flex = field(lookup(f, "struct l_flex"), "data")->ty;
    assert_int_equal(flex->kind, T_ARRAY);
    assert_int_equal(flex->nelems, 0);
}

static void test_signed_unsigned_char_arrays(void **state) {
    struct fixture *f = *state;
    assert_int_equal(parse(f, "typedef char ch; struct s { signed char a[4]; unsigned char b[4];"
                              " ch c[4]; char d[4]; };"),
                     0);
    const struct type *s = lookup(f, "struct s");
    /* as bpftrace's C parser: only plain char arrays are strings */
    assert_int_equal(field(s, "a")->ty->kind, T_ARRAY);
    assert_int_equal(field(s, "b")->ty->kind, T_ARRAY);
    assert_int_equal(field(s, "c")->ty->kind, T_ARRAY);
    assert_int_equal(field(s, "d")->ty->kind, T_STRING);
    assert_int_equal(parse(f, "struct flags { bool on; _Bool off; };"), 0);
    assert_int_equal(field(lookup(f, "struct flags"), "on")->ty->kind, T_BOOL);
    assert_int_equal(field(lookup(f, "struct flags"), "off")->ty->kind, T_BOOL);
}

/* Bit positions (offset * 8 + bit_offset) and struct sizes printed by gcc
 * for these definitions (by setting each field to all ones in a zeroed copy). */
static void test_bitfields(void **state) {
    struct fixture *f = *state;
    assert_int_equal(
        parse(f, "struct bf1 { unsigned a:3, b:30; char c; };\n"
                 "struct bf2 { char a; int b:4; int c:28; short d:9; long long e:40;"
                 " long long f:30; };\n"
                 "struct bf3 { char a; unsigned :0; char b; unsigned c:5; unsigned :3;"
                 " unsigned d:1; };\n"
                 "struct __attribute__((packed)) bf4 { char a; unsigned b:31; unsigned c:3;"
                 " int d; };\n"
                 "struct bf5 { unsigned char a:7; unsigned char b:7; unsigned short c:9;"
                 " unsigned long long d:1; };\n"
                 "union bf6 { unsigned a:3; long b:40; char c; };\n"
                 "struct bf7 { char a; struct { int x:5; int y:5; }; short z:2; };\n"),
        0);
    static const struct {
        const char *tag, *field;
        uint32_t bitpos, bits;
    } want[] = {
        {"struct bf1", "a", 0, 3},   {"struct bf1", "b", 32, 30},  {"struct bf1", "c", 64, 0},
        {"struct bf2", "b", 8, 4},   {"struct bf2", "c", 32, 28},  {"struct bf2", "d", 64, 9},
        {"struct bf2", "e", 73, 40}, {"struct bf2", "f", 128, 30}, {"struct bf3", "b", 32, 0},
        {"struct bf3", "c", 40, 5},  {"struct bf3", "d", 48, 1},   {"struct bf4", "b", 8, 31},
        {"struct bf4", "c", 39, 3},  {"struct bf4", "d", 48, 0},   {"struct bf5", "b", 8, 7},
        {"struct bf5", "c", 16, 9},  {"struct bf5", "d", 25, 1},   {"union bf6", "b", 0, 40},
        {"struct bf7", "x", 32, 5},  {"struct bf7", "y", 37, 5},   {"struct bf7", "z", 64, 2},
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        const struct type *t = lookup(f, want[i].tag);
        uint32_t off;
        const struct type_field *fl = type_field_find(t, want[i].field, &off);
        assert_non_null(fl);
        uint32_t pos = off * 8 + fl->bit_offset;
        if (pos != want[i].bitpos || fl->bit_size != want[i].bits)
            fail_msg("%s.%s at bit %u width %u, gcc: %u width %u", want[i].tag, want[i].field, pos,
                     fl->bit_size, want[i].bitpos, want[i].bits);
        /* the containing integer read at offset holds the whole field */
        assert_true(fl->bit_offset + fl->bit_size <= fl->ty->size * 8);
    }
    static const struct {
        const char *tag;
        uint32_t size;
    } sizes[] = {{"struct bf1", 12}, {"struct bf2", 24}, {"struct bf3", 8}, {"struct bf4", 10},
                 {"struct bf5", 8},  {"union bf6", 8},   {"struct bf7", 12}};
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
        assert_int_equal(lookup(f, sizes[i].tag)->size, sizes[i].size);
    /* unnamed bitfields pad but are no fields */
    assert_int_equal(lookup(f, "struct bf3")->nfields, 4);
}

static void test_anonymous_members(void **state) {
    struct fixture *f = *state;
    assert_int_equal(parse(f, "struct a { int x; union { long l; struct { short s1, s2; }; };"
                              " char tail; };"),
                     0);
    const struct type *a = lookup(f, "struct a");
    assert_int_equal(a->nfields, 3);
    assert_null(a->fields[1].name);
    assert_true(a->fields[1].ty->is_union);
    assert_null(a->fields[1].ty->tag);
    assert_int_equal(field_offset(a, "l"), 8);
    assert_int_equal(field_offset(a, "s2"), 10);
    assert_int_equal(field_offset(a, "tail"), 16);
    assert_int_equal(a->size, 24);
}

static void test_enums(void **state) {
    struct fixture *f = *state;
    assert_int_equal(parse(f,
                           "enum e { A, B = 5, C, D = B << 2 | 1, E = 'x', F = (int)(~0U >> 1) };\n"
                           "enum neg { N = -3, M };\n"
                           "enum big { HUGE = 0x100000000 };\n"
                           "enum { ANON = sizeof(long) * 2 };\n"),
                     0);
    static const struct {
        const char *name;
        int64_t value;
    } want[] = {{"A", 0},          {"B", 5},  {"C", 6},  {"D", 21},    {"E", 'x'},
                {"F", 0x7fffffff}, {"N", -3}, {"M", -2}, {"ANON", 16}, {"HUGE", 0x100000000LL}};
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        int64_t v;
        const struct type *ty;
        if (!ctypes_enum_value(f->c, want[i].name, &v, &ty))
            fail_msg("%s unknown", want[i].name);
        if (v != want[i].value)
            fail_msg("%s = %lld, want %lld", want[i].name, (long long)v, (long long)want[i].value);
        assert_non_null(ty->enum_def);
    }
    const struct type *e = lookup(f, "enum e");
    assert_int_equal(e->kind, T_INT);
    assert_int_equal(e->size, 4);
    assert_string_equal(e->enum_def->name, "enum e");
    assert_int_equal(e->enum_def->n, 6);
    assert_string_equal(e->enum_def->names[3], "D");
    assert_true(lookup(f, "enum neg")->is_signed);
    assert_false(e->is_signed);
    assert_int_equal(lookup(f, "enum big")->size, 8);
    int64_t v;
    assert_false(ctypes_enum_value(f->c, "NOPE", &v, NULL));
}

static void test_typedef_chains(void **state) {
    struct fixture *f = *state;
    assert_int_equal(parse(f, "typedef unsigned int a_t; typedef a_t b_t, *b_ptr;\n"
                              "typedef b_t c_t[4]; typedef struct pt { int x, y; } pt_t, *pt_p;\n"
                              "typedef int (*handler_t)(int); typedef const volatile char cv_t;"),
                     0);
    assert_true(type_equal(lookup(f, "b_t"), &type_u32));
    assert_true(lookup(f, "b_ptr")->is_ptr);
    assert_true(type_equal(lookup(f, "b_ptr")->pointee, &type_u32));
    assert_int_equal(lookup(f, "c_t")->kind, T_ARRAY);
    assert_int_equal(lookup(f, "c_t")->size, 16);
    assert_ptr_equal(lookup(f, "pt_t"), lookup(f, "struct pt"));
    assert_string_equal(lookup(f, "pt_p")->pointee->tag, "struct pt");
    assert_true(lookup(f, "handler_t")->is_ptr);
    assert_null(lookup(f, "handler_t")->pointee);
    assert_true(type_equal(lookup(f, "cv_t"), &type_s8));
    assert_int_equal(parse(f, "typedef void fn_t(int); struct cb { fn_t *f; };"), 0);
    assert_null(ctypes_lookup(f->c, "fn_t"));
    assert_true(field(lookup(f, "struct cb"), "f")->ty->is_ptr);
    assert_null(field(lookup(f, "struct cb"), "f")->ty->pointee);
}

static void test_forward_declarations(void **state) {
    struct fixture *f = *state;
    assert_int_equal(parse(f, "struct later; typedef struct later later_t;\n"
                              "struct holder { struct later *p; later_t *q; };"),
                     0);
    const struct type *h = lookup(f, "struct holder");
    const struct type *fwd = field(h, "p")->ty->pointee;
    assert_true(fwd->incomplete);
    assert_string_equal(fwd->tag, "struct later");
    assert_null(ctypes_complete(f->c, fwd)); /* not defined yet, and no BTF */
    assert_int_equal(parse(f, "struct later { long a, b; };"), 0);
    const struct type *full = ctypes_complete(f->c, fwd);
    assert_non_null(full);
    assert_int_equal(full->size, 16);
    assert_ptr_equal(ctypes_complete(f->c, field(h, "q")->ty->pointee), full);
    assert_ptr_equal(lookup(f, "later_t"), full); /* typedefs complete on lookup */
    assert_ptr_equal(ctypes_complete(f->c, full), full);
}

static void test_redefinition_replaces(void **state) {
    struct fixture *f = *state;
    assert_int_equal(parse(f, "struct r { int x; }; typedef int r_t;"), 0);
    assert_int_equal(parse(f, "struct r { long y; char z; }; typedef char r_t;"), 0);
    assert_int_equal(lookup(f, "struct r")->size, 16);
    assert_non_null(type_field_find(lookup(f, "struct r"), "z", &(uint32_t){0}));
    assert_true(type_equal(lookup(f, "r_t"), &type_s8));
}

/* Everything but struct/union/enum/typedef definitions is skipped. */
static void test_skips_other_c(void **state) {
    struct fixture *f = *state;
    const char *text = "# 1 \"/usr/include/x.h\" 3 4\n"
                       "extern int printf (const char *__restrict __format, ...) __attribute__ "
                       "((__nonnull__ (1)));\n"
                       "static inline int add(int a, int b) { struct inner { int q; } v = {a}; if "
                       "(a) { return b; }"
                       " return v.q + b; }\n"
                       "extern char *environ[] __asm__ (\"\" \"environ\");\n"
                       "int counter = 3, *cp = &counter;\n"
                       "__extension__ typedef long long int ll_t;\n"
                       "_Static_assert(sizeof(int) == 4, \"int\");\n"
                       "int knr(a, b) int a; char *b; { return a; }\n"
                       "extern void (*signal_fn(int sig, void (*h)(int)))(int);\n"
                       "static const struct kept { int a; } kept_default = { 1 };\n"
                       "enum { ONE = 1 } one_var;\n"
                       "struct after { ll_t x; } __attribute__((aligned(8)));\n";
    assert_int_equal(parse(f, text), 0);
    assert_string_equal(f->errors ? f->errors : "", "");
    assert_int_equal(lookup(f, "struct after")->size, 8);
    assert_int_equal(lookup(f, "struct kept")->size, 4);
    assert_true(type_equal(lookup(f, "ll_t"), &type_s64));
    int64_t v;
    assert_true(ctypes_enum_value(f->c, "ONE", &v, NULL));
    /* a struct defined inside a function body is local to it */
    assert_null(ctypes_lookup(f->c, "struct inner"));
}

static void test_base_types(void **state) {
    struct fixture *f = *state;
    static const struct {
        const char *name;
        uint32_t size;
        bool is_signed;
    } ints[] = {{"int", 4, true},
                {"unsigned int", 4, false},
                {"unsigned", 4, false},
                {"unsigned long", 8, false},
                {"long", 8, true},
                {"long long", 8, true},
                {"short int", 2, true},
                {"unsigned char", 1, false},
                {"char", 1, true},
                {"signed char", 1, true},
                {"long unsigned int", 8, false}};
    for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
        const struct type *t = lookup(f, ints[i].name);
        assert_int_equal(t->kind, T_INT);
        assert_int_equal(t->size, ints[i].size);
        assert_int_equal(t->is_signed, ints[i].is_signed);
    }
    assert_int_equal(lookup(f, "_Bool")->kind, T_BOOL);
    assert_int_equal(lookup(f, "bool")->kind, T_BOOL);
    assert_int_equal(lookup(f, "void")->kind, T_VOID);
    assert_null(ctypes_lookup(f->c, "struct unknown"));
    assert_null(ctypes_lookup(f->c, "no_such_t"));
    assert_null(ctypes_lookup(f->c, "int *")); /* a type name, not a name */
}

static void test_typenames(void **state) {
    struct fixture *f = *state;
    assert_int_equal(parse(f, "typedef unsigned char u8; typedef unsigned int __u32;\n"
                              "struct sk_buff { int len; };"),
                     0);
    static const struct {
        const char *text, *name;
    } ok[] = {
        {"const char *", "int8 *"},
        {"unsigned long[6]", "uint64[6]"},
        {"u8 *", "uint8 *"},
        {"char[16]", "string[16]"},
        {"__u32", "uint32"},
        {"struct sk_buff", "struct sk_buff"},
        {"unsigned long args[6]", "uint64[6]"},
        {"void *", "void *"},
        {"int (*)(void)", "void *"},
        {"volatile unsigned short", "uint16"},
        {"void __seg_gs * ptr", "void *"},
    };
    char err[128], buf[128];
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        const struct type *t = ctypes_parse_typename(f->c, ok[i].text, err, sizeof(err));
        if (!t)
            fail_msg("%s: %s", ok[i].text, err);
        assert_string_equal(type_name(t, buf, sizeof(buf)), ok[i].name);
    }
    const struct type *pp = ctypes_parse_typename(f->c, "struct sk_buff **", err, sizeof(err));
    assert_non_null(pp);
    assert_true(pp->pointee->is_ptr);
    assert_string_equal(pp->pointee->pointee->tag, "struct sk_buff");
    assert_null(ctypes_parse_typename(f->c, "struct nope *", err, sizeof(err)));
    assert_non_null(strstr(err, "struct nope"));
    assert_null(ctypes_parse_typename(f->c, "no_such_t", err, sizeof(err)));
    assert_non_null(strstr(err, "no_such_t"));
    assert_null(ctypes_parse_typename(f->c, "int[", err, sizeof(err)));
    assert_null(ctypes_parse_typename(f->c, "int x y", err, sizeof(err)));
    assert_null(ctypes_parse_typename(f->c, "", err, sizeof(err)));
    assert_true(err[0] != '\0');
}

static void test_suggestions(void **state) {
    struct fixture *f = *state;
    assert_int_equal(parse(f, "struct sk_buff { int len; union { int data_len; }; };\n"
                              "typedef int pid_t; enum pid_type { PIDTYPE_PID };"),
                     0);
    assert_string_equal(ctypes_suggest(f->c, "struct sk_buf"), "struct sk_buff");
    assert_string_equal(ctypes_suggest(f->c, "pidt"), "pid_t");
    assert_string_equal(ctypes_suggest(f->c, "enum pid_typ"), "enum pid_type");
    assert_null(ctypes_suggest(f->c, "struct completely_different"));
    const struct type *skb = lookup(f, "struct sk_buff");
    assert_string_equal(ctypes_suggest_field(skb, "lenn"), "len");
    assert_string_equal(ctypes_suggest_field(skb, "data_ln"), "data_len");
    assert_null(ctypes_suggest_field(skb, "xyzzyq"));
    /* the distance stops past its bound: exact below it, bound + 1 beyond */
    assert_int_equal(ct_distance("sk_buf", "sk_buff", 2), 1);
    assert_int_equal(ct_distance("kitten", "sitting", 3), 3);
    assert_int_equal(ct_distance("kitten", "sitting", 1), 2);
    assert_int_equal(ct_distance("aaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbb", 3), 4);
}

static void test_errors_have_locations(void **state) {
    struct fixture *f = *state;
    const char *script = "// a script\n"
                         "BEGIN {}\n"
                         "struct bad {\n"
                         "  int a;\n"
                         "  int b c;\n"
                         "}\n";
    diag_init(&f->d, "script.bt", script, f->err);
    /* the definition's text starts on the script's line 3 */
    assert_int_equal(ctypes_parse(f->c, script + strlen("// a script\nBEGIN {}\n"), 3, &f->d), -1);
    fflush(f->err);
    assert_string_equal(f->errors, "script.bt:5:9-10: ERROR: expected ';'\n"
                                   "  int b c;\n"
                                   "        ~\n");
    assert_null(ctypes_lookup(f->c, "struct bad"));
}

/* The parser's N_C_DEFINITION nodes fed to ctypes at their locations, as
 * semantic analysis does: errors point into the script. */
static void test_script_definitions(void **state) {
    struct fixture *f = *state;
    const char *script = "struct A { int a; }  struct B { int x y; }\n"
                         "union C { struct A a; long l; };\n"
                         "BEGIN {}\n";
    diag_init(&f->d, "script.bt", script, f->err);
    struct node *prog = parse_program(&f->d, script);
    assert_non_null(prog);
    int failed = 0;
    for (struct node *def = prog->c; def; def = def->next)
        failed += ctypes_parse_at(f->c, def->str, &def->loc, &f->d) != 0;
    ast_free(prog);
    fflush(f->err);
    assert_int_equal(failed, 1);
    assert_string_equal(f->errors, "script.bt:1:39-40: ERROR: expected ';'\n"
                                   "struct A { int a; }  struct B { int x y; }\n"
                                   "                                      ~\n");
    assert_int_equal(lookup(f, "union C")->size, 8);
    assert_null(ctypes_lookup(f->c, "struct B"));
}

static void test_error_kinds(void **state) {
    struct fixture *f = *state;
    assert_int_equal(parse(f, "struct a { struct undefined u; };"), -1);
    assert_non_null(strstr(f->errors, "incomplete type 'struct undefined'"));
    assert_int_equal(parse(f, "struct b { unknown_t x; };"), -1);
    assert_non_null(strstr(f->errors, "unknown type name 'unknown_t'"));
    assert_int_equal(parse(f, "enum c { X = NOPE + 1 };"), -1);
    assert_non_null(strstr(f->errors, "unknown constant 'NOPE'"));
    assert_int_equal(parse(f, "struct d { int x[1/0]; };"), -1);
    assert_int_equal(parse(f, "struct e { int x;"), -1);
    /* an error does not stop later definitions */
    assert_int_equal(parse(f, "struct f { int x y; }; struct g { int ok; };"), -1);
    assert_int_equal(lookup(f, "struct g")->size, 4);
    /* outside a body, what does not parse is skipped silently */
    assert_int_equal(parse(f, "int x = ; ) garbage ( int y[;"), 0);
}

/* Preprocessed system headers, as they will be fed to ctypes_parse. */
static char *preprocess(const char *includes) {
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "printf '%s' | gcc -E -D_GNU_SOURCE -x c - 2>/dev/null", includes);
    FILE *p = popen(cmd, "r");
    if (!p)
        return NULL;
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
        fwrite(buf, 1, n, out);
    fclose(out);
    if (pclose(p) != 0 || len == 0) {
        free(text);
        return NULL;
    }
    return text;
}

static void test_glibc_headers(void **state) {
    struct fixture *f = *state;
    char *text = preprocess("#include <sys/socket.h>\\n#include <netinet/in.h>\\n"
                            "#include <sched.h>\\n#include <sys/stat.h>\\n#include <stdio.h>\\n"
                            "#include <pthread.h>\\n#include <signal.h>\\n#include <time.h>\\n");
    if (!text) {
        print_message("skipped: gcc -E is not available\n");
        skip();
    }
    assert_int_equal(parse(f, text), 0);
    free(text);
    assert_int_equal(lookup(f, "struct sockaddr")->size, sizeof(struct sockaddr));
    assert_int_equal(lookup(f, "struct in_addr")->size, sizeof(struct in_addr));
    assert_int_equal(lookup(f, "struct sockaddr_in6")->size, sizeof(struct sockaddr_in6));
    assert_int_equal(lookup(f, "struct msghdr")->size, sizeof(struct msghdr));
    assert_int_equal(lookup(f, "struct stat")->size, sizeof(struct stat));
    assert_int_equal(lookup(f, "pthread_mutex_t")->size, sizeof(pthread_mutex_t));
    assert_int_equal(lookup(f, "struct timespec")->size, sizeof(struct timespec));
    assert_int_equal(field_offset(lookup(f, "struct stat"), "st_mtim"),
                     offsetof(struct stat, st_mtim));
    assert_int_equal(field_offset(lookup(f, "struct msghdr"), "msg_controllen"),
                     offsetof(struct msghdr, msg_controllen));
    assert_int_equal(lookup(f, "struct sched_param")->size, sizeof(struct sched_param));
    int64_t v;
    assert_true(ctypes_enum_value(f->c, "SOCK_DGRAM", &v, NULL));
    assert_int_equal(v, SOCK_DGRAM);
    assert_string_equal(lookup(f, "enum __socket_type")->enum_def->name, "enum __socket_type");
}

static void test_linux_uapi_headers(void **state) {
    struct fixture *f = *state;
    /* sizes printed by gcc for these headers on x86_64 */
    char *text = preprocess("#include <linux/in.h>\\n#include <linux/sched.h>\\n"
                            "#include <linux/bpf.h>\\n#include <linux/perf_event.h>\\n");
    if (!text) {
        print_message("skipped: gcc -E or the linux uapi headers are not available\n");
        skip();
    }
    assert_int_equal(parse(f, text), 0);
    free(text);
    assert_int_equal(lookup(f, "struct sockaddr_in")->size, 16);
    assert_int_equal(lookup(f, "struct ip_mreqn")->size, 12);
    assert_int_equal(lookup(f, "struct clone_args")->size, 88);
    assert_true(lookup(f, "union bpf_attr")->is_union);
    assert_int_equal(lookup(f, "struct perf_event_attr")->size, 128);
    int64_t v;
    assert_true(ctypes_enum_value(f->c, "BPF_PROG_TYPE_KPROBE", &v, NULL));
    assert_int_equal(v, 2);
}

/* Random token soup and truncated C must give errors, never a crash. */
static void test_garbage(void **state) {
    struct fixture *f = *state;
    static const char *const frag[] = {"struct",
                                       "union",
                                       "enum",
                                       "typedef",
                                       "{",
                                       "}",
                                       "(",
                                       ")",
                                       "[",
                                       "]",
                                       ";",
                                       ",",
                                       "*",
                                       "x",
                                       "int",
                                       "char",
                                       ":",
                                       "=",
                                       "1",
                                       "__attribute__",
                                       "((",
                                       "))",
                                       "sizeof",
                                       "-",
                                       "<<",
                                       "'",
                                       "\"",
                                       "/*",
                                       "unsigned",
                                       "long",
                                       "?",
                                       "0x",
                                       "_Static_assert",
                                       "...",
                                       "#",
                                       "\n"};
    static const char valid[] = "struct t { int a; char b[4]; union { long c; } u; } ;"
                                "enum q { Q1 = 1 << 2, Q2 }; typedef struct t t_t;";
    unsigned seed = 12345;
    char text[2048];
    for (int it = 0; it < 300; it++) {
        text[0] = '\0';
        if (it % 2) {
            size_t n = (size_t)(it * 7) % sizeof(valid);
            memcpy(text, valid, n);
            text[n] = '\0';
        } else {
            for (int k = 0; k < 100; k++) {
                seed = seed * 1103515245 + 12345;
                strcat(text, frag[(seed >> 16) % (sizeof(frag) / sizeof(frag[0]))]);
                strcat(text, " ");
            }
        }
        struct diag d;
        FILE *null = fopen("/dev/null", "w");
        diag_init(&d, "x", text, null);
        int rc = ctypes_parse(f->c, text, 1, &d);
        assert_true(rc == 0 || rc == -1);
        char err[64];
        ctypes_parse_typename(f->c, text, err, sizeof(err));
        fclose(null);
    }
    /* nesting beyond any real header is refused, not recursed into */
    size_t n = 20000 * 10;
    char *deep = calloc(1, n + 1);
    for (size_t i = 0; i + 10 <= n; i += 10)
        memcpy(deep + i, "struct a{ ", 10);
    assert_int_equal(parse(f, deep), -1);
    free(deep);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_layout_matches_gcc, setup, teardown),
        cmocka_unit_test_setup_teardown(test_field_types, setup, teardown),
        cmocka_unit_test_setup_teardown(test_signed_unsigned_char_arrays, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bitfields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_anonymous_members, setup, teardown),
        cmocka_unit_test_setup_teardown(test_enums, setup, teardown),
        cmocka_unit_test_setup_teardown(test_typedef_chains, setup, teardown),
        cmocka_unit_test_setup_teardown(test_forward_declarations, setup, teardown),
        cmocka_unit_test_setup_teardown(test_redefinition_replaces, setup, teardown),
        cmocka_unit_test_setup_teardown(test_skips_other_c, setup, teardown),
        cmocka_unit_test_setup_teardown(test_base_types, setup, teardown),
        cmocka_unit_test_setup_teardown(test_typenames, setup, teardown),
        cmocka_unit_test_setup_teardown(test_suggestions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors_have_locations, setup, teardown),
        cmocka_unit_test_setup_teardown(test_script_definitions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_error_kinds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_glibc_headers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_linux_uapi_headers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_garbage, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
