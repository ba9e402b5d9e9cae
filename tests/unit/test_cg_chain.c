/* A long block becomes a chain of programs joined by tail calls
 * (cg_chain.c); short blocks, and a block whose last loop comes at its
 * end, stay one program. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "cg_compile.h"

#define CALL_TAIL "call 12"

/* A BEGIN of head, n lines, then tail (statements, or ""). */
static char *long_begin(const char *head, int n, const char *tail) {
    size_t cap = (size_t)n * 64 + strlen(head) + strlen(tail) + 64;
    char *s = malloc(cap);
    size_t len = (size_t)snprintf(s, cap, "BEGIN { $x = 0; $s = \"a\"; %s\n", head);
    for (int i = 0; i < n; i++)
        len += (size_t)snprintf(s + len, cap - len, "$x += %d; @b[%d] = sum($x);\n", i, i % 7);
    snprintf(s + len, cap - len, "%s printf(\"%%d %%s\\n\", $x, $s); }", tail);
    return s;
}

/* Compiles long_begin(head, n, tail) into m; returns how many programs it made. */
static int compile_begin(const char *head, int n, const char *tail, struct manifest *m) {
    char *prog = long_begin(head, n, tail);
    struct cg_opts o = {0};
    assert_int_equal(tu_compile(prog, &o, m), 0);
    free(prog);
    return m->nprogs;
}

static int map_named(const struct manifest *m, const char *name) {
    for (int i = 0; i < m->nmaps; i++)
        if (strcmp(m->maps[i].name, name) == 0)
            return i;
    return -1;
}

static void long_begin_is_a_chain(void **state) {
    (void)state;
    struct manifest m;
    assert_true(compile_begin("", 1500, "", &m) >= 2);
    assert_true(m.nprogs <= 34); /* the head and 33 tail calls */
    int chain = map_named(&m, ".chain"), carry = map_named(&m, ".carry");
    assert_true(chain >= 0 && carry >= 0);
    assert_int_equal(m.maps[chain].bpf_type, BPF_MAP_TYPE_PROG_ARRAY);
    assert_int_equal(m.maps[chain].max_entries, m.nprogs - 1);
    assert_int_equal(m.maps[carry].bpf_type, BPF_MAP_TYPE_PERCPU_ARRAY);
    assert_int_equal(m.maps[carry].value_size % 8, 0);
    /* the head attaches; each later program has its slot, in order */
    assert_false(m.progs[0].chained);
    assert_int_equal(m.progs[0].ntargets, 1);
    for (int i = 1; i < m.nprogs; i++) {
        assert_true(m.progs[i].chained);
        assert_int_equal(m.progs[i].ntargets, 0);
        assert_int_equal(m.progs[i].chain_slot, i - 1);
        assert_int_equal(m.progs[i].chain_map, chain);
    }
    for (int i = 0; i < m.nprogs; i++)
        assert_int_equal(tu_count_insns(&m.progs[i], CALL_TAIL), i + 1 < m.nprogs);
    manifest_free(&m);
}

static void short_block_stays_whole(void **state) {
    (void)state;
    struct manifest m;
    assert_int_equal(compile_begin("", 20, "", &m), 1);
    assert_int_equal(map_named(&m, ".chain"), -1);
    assert_int_equal(tu_count_insns(&m.progs[0], CALL_TAIL), 0);
    manifest_free(&m);
}

/* The loop's counter must stay known to the verifier: no program of the
 * chain may start between its assignment and the loop. */
static void loop_at_the_end_keeps_one_program(void **state) {
    (void)state;
    struct manifest m;
    assert_int_equal(compile_begin("", 1500, "$i = 0; while ($i < 4) { $i++; }", &m), 1);
    manifest_free(&m);
}

/* A frame in .scratch: each later program looks its entry up again and
 * spills r9 where the parts reload it. */
static void scratch_frame_is_found_again(void **state) {
    (void)state;
    struct manifest m;
    const char *strings =
        "$a = str(nsecs); $b = str(nsecs); $c = str(nsecs); $d = str(nsecs); $e = str(nsecs); "
        "$f = str(nsecs); $g = str(nsecs); $h = str(nsecs); $i = str(nsecs);";
    assert_true(compile_begin(strings, 1500, "", &m) >= 2);
    int scratch = map_named(&m, ".scratch");
    assert_true(scratch >= 0);
    for (int i = 0; i < m.nprogs; i++)
        assert_int_equal(tu_count_insns(&m.progs[i], "*(u64 *)(r10 -24) = r9"), 1);
    manifest_free(&m);
}

/* Two chains, BEGIN's and END's: a prog array each, each program's own. */
static void each_chain_has_its_prog_array(void **state) {
    (void)state;
    char *begin = long_begin("", 1500, "");
    size_t len = strlen(begin);
    char *prog = malloc(2 * len + 1);
    memcpy(prog, begin, len);
    memcpy(prog + len, begin, len + 1);
    memcpy(prog + len, "END  ", 5); /* the second block: "BEGIN" -> "END  " */
    struct manifest m;
    struct cg_opts o = {0};
    assert_int_equal(tu_compile(prog, &o, &m), 0);
    int chains = 0, heads = 0;
    for (int i = 0; i < m.nmaps; i++)
        chains += strcmp(m.maps[i].name, ".chain") == 0;
    assert_int_equal(chains, 2);
    for (int i = 0; i < m.nprogs; i++) {
        heads += !m.progs[i].chained;
        if (m.progs[i].chained)
            assert_int_equal(m.progs[i].kind, m.progs[i - 1].kind); /* its head's map */
    }
    assert_int_equal(heads, 2);
    assert_int_not_equal(m.progs[1].chain_map, m.progs[m.nprogs - 1].chain_map);
    manifest_free(&m);
    free(prog);
    free(begin);
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(long_begin_is_a_chain),
                                       cmocka_unit_test(short_block_stays_whole),
                                       cmocka_unit_test(loop_at_the_end_keeps_one_program),
                                       cmocka_unit_test(scratch_frame_is_found_again),
                                       cmocka_unit_test(each_chain_has_its_prog_array)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
