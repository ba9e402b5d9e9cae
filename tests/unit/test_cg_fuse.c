/* Fused maps (src/codegen/fuse_plan.c, cg_fuse.c): which scripts fuse
 * their aggregations into one BPF map, and which keep separate maps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "cg_compile.h"

/* The manifest map fused map `name` lives in, -1 when it is a map of its
 * own; fails the test when there is no such map. */
static int fused_into(const struct manifest *m, const char *name) {
    for (int i = 0; i < m->nmaps; i++)
        if (strcmp(m->maps[i].name, name) == 0)
            return m->maps[i].fused ? m->maps[i].fuse : -1;
    fail_msg("no map %s", name);
    return -1;
}

static void compile_ok(const char *prog, struct manifest *m) {
    struct cg_opts o = {0};
    assert_int_equal(tu_compile(prog, &o, m), 0);
}

/* Every named map of the script is a map of its own. */
static void assert_unfused(const char *prog, const char *a, const char *b) {
    struct manifest m;
    compile_ok(prog, &m);
    assert_int_equal(fused_into(&m, a), -1);
    assert_int_equal(fused_into(&m, b), -1);
    manifest_free(&m);
}

static void two_maps_one_lookup(void **state) {
    (void)state;
    struct manifest m;
    compile_ok("interval:s:1 { @s[pid] = sum(1); @m[pid] = max(nsecs); }", &m);
    int f = fused_into(&m, "@s");
    assert_true(f >= 0);
    assert_int_equal(fused_into(&m, "@m"), f);
    const struct map_desc *fd = &m.maps[f];
    assert_int_equal(fd->bpf_type, BPF_MAP_TYPE_PERCPU_HASH);
    assert_int_equal(fd->key_size, 8);
    assert_int_equal(fd->value_size, 32); /* 8 + 16, to a power of two */
    assert_false(fd->is_user);
    for (int i = 0; i < m.nmaps; i++) {
        if (!m.maps[i].fused)
            continue;
        assert_true(m.maps[i].is_user); /* printed as before */
        assert_int_equal(m.maps[i].fuse_size, 32);
        assert_int_equal(m.maps[i].fuse_off, strcmp(m.maps[i].name, "@s") == 0 ? 0 : 8);
        assert_int_equal(m.maps[i].value_size, strcmp(m.maps[i].name, "@s") == 0 ? 8 : 16);
    }
    /* one lookup on the hot path, one more after the one insert */
    assert_int_equal(tu_count_insns(&m.progs[0], "call 1"), 2);
    assert_int_equal(tu_count_insns(&m.progs[0], "call 2"), 1);
    manifest_free(&m);
}

static void several_members_and_groups(void **state) {
    (void)state;
    struct manifest m;
    compile_ok("interval:s:1 { @a[comm] = avg(5); $x = 3; @n[comm] = min($x); @c[comm] = count(); "
               "@t[pid, comm] = stats(2); @u[pid, comm] = sum(4); }",
               &m);
    int f = fused_into(&m, "@a"), g = fused_into(&m, "@t");
    assert_true(f >= 0 && g >= 0 && f != g);
    assert_int_equal(fused_into(&m, "@n"), f);
    assert_int_equal(fused_into(&m, "@c"), f);
    assert_int_equal(fused_into(&m, "@u"), g);
    assert_int_equal(m.maps[f].value_size, 64); /* 16 + 16 + 8 */
    assert_int_equal(m.maps[f].key_size, 16);
    manifest_free(&m);
}

static void other_uses_keep_maps_apart(void **state) {
    (void)state;
    const char *blk = "interval:s:1 { @s[pid] = sum(1); @m[pid] = max(nsecs); }";
    char prog[512];
    static const char *const elsewhere[] = {
        "interval:s:2 { print(@s); }",
        "interval:s:2 { clear(@m); }",
        "interval:s:2 { zero(@s); }",
        "interval:s:2 { delete(@s, 1); }",
        "END { printf(\"%d\", len(@m)); }",
        "END { for ($kv : @s) { } }",
        "END { $x = @s[1]; }",
        "END { @m[2] = max(1); }",
        "interval:s:2 { @s[pid] = sum(3); }",
    };
    for (size_t i = 0; i < sizeof(elsewhere) / sizeof(*elsewhere); i++) {
        snprintf(prog, sizeof(prog), "%s %s", blk, elsewhere[i]);
        assert_unfused(prog, "@s", "@m");
    }
    assert_unfused("let @s = percpuhash(10); interval:s:1 { @s[pid] = sum(1); @m[pid] = max(1); }",
                   "@s", "@m");
}

static void shapes_that_do_not_fuse(void **state) {
    (void)state;
    /* nested, different keys, keys that change within a run, an early end */
    assert_unfused("interval:s:1 { if (pid > 1) { @s[pid] = sum(1); } @m[pid] = max(1); }", "@s",
                   "@m");
    assert_unfused("interval:s:1 { @s[pid] = sum(1); @m[tid] = max(1); }", "@s", "@m");
    assert_unfused("interval:s:1 { @s[nsecs] = sum(1); @m[nsecs] = max(1); }", "@s", "@m");
    assert_unfused("interval:s:1 { $k = 1; @s[$k] = sum(1); @m[$k] = max(1); }", "@s", "@m");
    assert_unfused("interval:s:1 { @s[pid] = sum(1); exit(); @m[pid] = max(1); }", "@s", "@m");
    assert_unfused("interval:s:1 { @s[pid] = sum(1); if (pid == 2) { return; } @m[pid] = max(1); }",
                   "@s", "@m");
    /* other aggregations, scalars, one write each */
    assert_unfused("interval:s:1 { @s[pid] = hist(1); @m[pid] = max(1); }", "@s", "@m");
    assert_unfused("interval:s:1 { @s = count(); @m = sum(1); }", "@s", "@m");
    assert_unfused("interval:s:1 { @s[pid] = sum(1); @m[pid] = max(1); @s[pid] = sum(2); }", "@s",
                   "@m");
    assert_unfused("interval:s:1 { @s[pid] = sum(1); } interval:s:2 { @m[pid] = max(1); }", "@s",
                   "@m");
    /* an exit after the last member is fine */
    struct manifest m;
    compile_ok("interval:s:1 { @s[1, comm] = sum(1); @m[1, comm] = max(1); exit(); }", &m);
    assert_true(fused_into(&m, "@s") >= 0);
    manifest_free(&m);
}

/* A block long enough to be split into subprograms keeps its maps apart. */
static void long_block_does_not_fuse(void **state) {
    (void)state;
    size_t cap = 64 * 700;
    char *prog = malloc(cap);
    size_t len = (size_t)snprintf(prog, cap, "BEGIN { $x = 0; @s[pid] = sum(1);");
    for (int i = 0; i < 300; i++)
        len += (size_t)snprintf(prog + len, cap - len, " $x += %d;", i);
    snprintf(prog + len, cap - len, " @m[pid] = max($x); }");
    assert_unfused(prog, "@s", "@m");
    free(prog);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(two_maps_one_lookup),        cmocka_unit_test(several_members_and_groups),
        cmocka_unit_test(other_uses_keep_maps_apart), cmocka_unit_test(shapes_that_do_not_fuse),
        cmocka_unit_test(long_block_does_not_fuse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
