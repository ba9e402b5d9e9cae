/* kstack, ustack, ksym and usym: their types, the errors of their
 * arguments, the code that takes a stack, and the text of each stack mode. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/codegen.h"
#include "codegen/disasm.h"
#include "output/stack.h"
#include "output/value.h"
#include "parser/parse.h"
#include "sema/sema.h"

/* ---- compiling a script: its errors, its manifest ---- */

struct build {
    struct manifest m;
    char errors[4096];
    int rc;
};

static void build(const char *text, struct build *b) {
    memset(b, 0, sizeof(*b));
    FILE *err = fmemopen(b->errors, sizeof(b->errors) - 1, "w");
    struct diag d;
    diag_init(&d, "stdin", text, err);
    struct node *ast = parse_program(&d, text);
    struct sema_opts so = {.max_strlen = 64, .no_btf = true};
    struct sema_out s;
    b->rc = -1;
    if (ast && sema_check(ast, &so, &d, &s) == 0)
        b->rc = cg_generate(ast, &s, NULL, &d, &b->m);
    if (ast)
        sema_out_free(&s);
    ast_free(ast);
    fclose(err);
}

static const struct map_desc *map_named(const struct manifest *m, const char *name) {
    for (int i = 0; i < m->nmaps; i++)
        if (strcmp(m->maps[i].name, name) == 0)
            return &m->maps[i];
    return NULL;
}

/* The first error of text, which must fail, contains msg. */
static void fails_with(const char *text, const char *msg) {
    struct build b;
    build(text, &b);
    if (b.rc == 0 || !strstr(b.errors, msg))
        fail_msg("%s: expected \"%s\", got:\n%s", text, msg, b.errors);
    manifest_free(&b.m);
}

/* ---- types ---- */

static void stack_types_are_named_and_compared_like_bpftrace(void **state) {
    struct type_arena *a = type_arena_new();
    const struct type *k = type_stack(a, false, STACK_BPFTRACE, 127);
    const struct type *u = type_stack(a, true, STACK_PERF, 3);
    char buf[64];
    assert_string_equal(type_name(k, buf, sizeof(buf)), "kstack_bpftrace_127");
    assert_string_equal(type_name(u, buf, sizeof(buf)), "ustack_perf_3");
    assert_int_equal(k->size, 8);
    assert_int_equal(u->size, 16); /* the stack id, then the pid */
    assert_int_equal(type_alignment(u), 8);
    assert_true(type_equal(k, type_stack(a, false, STACK_BPFTRACE, 127)));
    assert_false(type_equal(k, type_stack(a, false, STACK_BPFTRACE, 3)));
    assert_false(type_equal(k, type_stack(a, false, STACK_RAW, 127)));
    assert_false(type_equal(k, type_stack(a, true, STACK_BPFTRACE, 127)));
    assert_string_equal(type_name(&type_ksym, buf, sizeof(buf)), "ksym_t");
    assert_string_equal(type_name(&type_usym, buf, sizeof(buf)), "usym_t");
    type_arena_free(a);
}

/* ---- analysis ---- */

static void arguments_are_checked_as_bpftrace_checks_them(void **state) {
    fails_with("BEGIN { @a = kstack(foo); }",
               "stdin:1:21-24: ERROR: Error parsing stack mode: kstack: Invalid value for "
               "stack_mode: valid values are bpftrace, raw, perf, and build_id.");
    fails_with("BEGIN { @a = kstack(2000); }",
               "ERROR: kstack([int limit]): limit shouldn't exceed 1024, 2000 given");
    fails_with("BEGIN { $x = 3; @a = ustack($x); }", "ERROR: ustack: invalid limit value");
    fails_with("BEGIN { @a = kstack(3, perf); }", "ERROR: Expected stack mode as first argument");
    fails_with("BEGIN { @a = kstack(1, 2, 3); }", "kstack() takes up to 2 arguments (3 provided)");
    fails_with("BEGIN { @a = kstack(build_id); }",
               "ERROR: 'build_id' stack mode can only be used for ustack");
    fails_with("BEGIN { @a = kstack; @a = ustack(perf, 3); }",
               "trying to assign value of type 'ustack_perf_3' when map already has a type "
               "'kstack_bpftrace_127'");
    fails_with("config = { stack_mode = foo } BEGIN { @a = kstack; }",
               "stdin:1:12-28: ERROR: stack_mode: Invalid value for stack_mode");
}

static void config_stack_mode_is_the_default_mode(void **state) {
    /* a map has one type: the bare kstack takes the configured mode */
    struct build b;
    build("config = { stack_mode = perf } BEGIN { @a = kstack(perf, 127); @a = kstack; }", &b);
    assert_int_equal(b.rc, 0);
    manifest_free(&b.m);
    fails_with("config = { stack_mode = raw } BEGIN { @a = kstack(perf); @a = kstack; }",
               "'kstack_raw_127' when map already has a type 'kstack_perf_127'");
}

/* ---- code ---- */

static bool has_line(const struct prog_desc *p, const char *want) {
    char line[128];
    for (int i = 0; i < p->ninsns;) {
        i += disasm_insn(&p->insns[i], line, sizeof(line));
        if (strstr(line, want))
            return true;
    }
    return false;
}

static void a_stack_is_an_id_from_a_stack_trace_map(void **state) {
    struct build b;
    build("BEGIN { @k[kstack(5)] = count(); @u[ustack] = count(); @v = kstack(5); }", &b);
    assert_int_equal(b.rc, 0);
    const struct map_desc *k = map_named(&b.m, ".kstack_5"), *u = map_named(&b.m, ".ustack_127");
    assert_non_null(k);
    assert_non_null(u);
    assert_int_equal(k->bpf_type, BPF_MAP_TYPE_STACK_TRACE);
    assert_int_equal(k->key_size, 4);
    assert_int_equal(k->value_size, 5 * 8);
    assert_int_equal(map_named(&b.m, "@k")->key_size, 8);
    assert_int_equal(map_named(&b.m, "@u")->key_size, 16);
    /* kstack(5) twice shares one map */
    int n5 = 0;
    for (int i = 0; i < b.m.nmaps; i++)
        n5 += strcmp(b.m.maps[i].name, ".kstack_5") == 0;
    assert_int_equal(n5, 1);
    const struct prog_desc *p = &b.m.progs[0];
    assert_true(has_line(p, "call 27"));   /* bpf_get_stackid */
    assert_true(has_line(p, "r3 = 256"));  /* BPF_F_USER_STACK for ustack */
    assert_true(has_line(p, "r0 >>= 32")); /* ustack's pid */
    manifest_free(&b.m);
}

static void ksym_and_usym_keep_the_address(void **state) {
    fails_with("BEGIN { @a = ksym(\"a\"); }",
               "ERROR: ksym() expects an integer or pointer argument");
    fails_with("BEGIN { @a = ksym(1); @a = usym(1); }",
               "trying to assign value of type 'usym_t' when map already has a type 'ksym_t'");
    fails_with("BEGIN { printf(\"%d\", ksym(1)); }",
               "unsupported format specifier for type 'ksym_t': d");
    struct build b;
    build("BEGIN { @k[ksym(1)] = count(); @u[usym(2)] = count(); }", &b);
    assert_int_equal(b.rc, 0);
    assert_int_equal(map_named(&b.m, "@k")->key_size, 8);
    assert_int_equal(map_named(&b.m, "@u")->key_size, 16);
    /* a usym's process is announced like a ustack's */
    assert_non_null(map_named(&b.m, ".ustack_pids"));
    bool announced = false;
    for (int i = 0; i < b.m.nevents; i++)
        announced |= b.m.events[i].kind == EV_USTACK && b.m.events[i].args[0].ty->kind == T_USYM;
    assert_true(announced);
    manifest_free(&b.m);
}

/* ---- text ---- */

/* A symbol table of two functions: kfunc at 0x1000 (64 bytes, in "mod")
 * and nothing else. */
static int fake_syms(void *ctx, uint64_t addr, struct rt_sym *sym) {
    (void)ctx;
    if (addr < 0x1000 || addr >= 0x1040)
        return -1;
    snprintf(sym->name, sizeof(sym->name), "kfunc");
    sym->offset = addr - 0x1000;
    sym->module = "/usr/lib/mod.so";
    return 0;
}

static void text_of(enum stack_mode mode, bool user, char *out, size_t size) {
    static const uint64_t ips[] = {0x1010, 0x1000, 0xdead0};
    struct out_str s;
    out_str_init(&s);
    out_stack_text(&s, mode, user, ips, 3, fake_syms, NULL);
    snprintf(out, size, "%s", s.p);
    out_str_free(&s);
}

static void each_mode_prints_as_bpftrace_prints_it(void **state) {
    char t[512];
    text_of(STACK_BPFTRACE, false, t, sizeof(t));
    assert_string_equal(t, "\n        kfunc+16\n        kfunc+0\n        0xdead0\n");
    text_of(STACK_PERF, false, t, sizeof(t));
    assert_string_equal(t, "\n\t1010 kfunc+16\n\t1000 kfunc+0\n\tdead0 0xdead0\n");
    text_of(STACK_PERF, true, t, sizeof(t));
    assert_string_equal(t, "\n\t1010 kfunc+16 (/usr/lib/mod.so)\n\t1000 kfunc+0 (/usr/lib/mod.so)\n"
                           "\tdead0 0xdead0 ([unknown])\n");
    text_of(STACK_RAW, true, t, sizeof(t));
    assert_string_equal(t, "\n1010\n1000\ndead0\n");
}

static void an_empty_stack_is_a_newline(void **state) {
    struct out_str s;
    out_str_init(&s);
    out_stack_text(&s, STACK_BPFTRACE, false, NULL, 0, fake_syms, NULL);
    assert_string_equal(s.p, "\n");
    out_str_free(&s);
}

/* A stack whose map is not in the manifest (or whose id is an error)
 * prints as bpftrace prints a stack without frames. */
static void a_stack_without_frames_prints_a_newline(void **state) {
    struct type_arena *a = type_arena_new();
    struct manifest m = {0};
    int64_t failed[2] = {-14, 1234}; /* -EFAULT from bpf_get_stackid, pid */
    struct out_str s;
    out_str_init(&s);
    out_fmt_value(&s, &m, type_stack(a, true, STACK_PERF, 127), failed);
    out_fmt_value(&s, &m, type_stack(a, false, STACK_BPFTRACE, 5), failed);
    assert_string_equal(s.p, "\n\n");
    out_str_free(&s);
    type_arena_free(a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stack_types_are_named_and_compared_like_bpftrace),
        cmocka_unit_test(arguments_are_checked_as_bpftrace_checks_them),
        cmocka_unit_test(config_stack_mode_is_the_default_mode),
        cmocka_unit_test(a_stack_is_an_id_from_a_stack_trace_map),
        cmocka_unit_test(ksym_and_usym_keep_the_address),
        cmocka_unit_test(each_mode_prints_as_bpftrace_prints_it),
        cmocka_unit_test(an_empty_stack_is_a_newline),
        cmocka_unit_test(a_stack_without_frames_prints_a_newline),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
