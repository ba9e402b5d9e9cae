/* Map declarations through the whole compiler: the declared BPF map type
 * and size reach the manifest, and bad declarations are reported. */
#include <linux/bpf.h>

#include "codegen/codegen.h"
#include "parser/macro.h"
#include "parser/parse.h"
#include "sema/sema.h"
#include "test_util.h"

struct compiled {
    struct manifest m;
    char *errors;
    int rc;
};

static struct compiled compile(const char *text) {
    struct compiled c = {0};
    size_t len = 0;
    FILE *err = open_memstream(&c.errors, &len);
    struct diag d;
    diag_init(&d, "stdin", text, err);
    struct node *ast = parse_program(&d, text);
    c.rc = -1;
    if (ast && macro_expand(ast, &d) == 0) {
        struct sema_opts so = {.max_strlen = 64, .no_btf = true};
        struct sema_out s;
        if (sema_check(ast, &so, &d, &s) == 0)
            c.rc = cg_generate(ast, &s, NULL, &d, &c.m);
        sema_out_free(&s);
    }
    ast_free(ast);
    diag_free(&d);
    fclose(err);
    return c;
}

static void compiled_free(struct compiled *c) {
    manifest_free(&c->m);
    free(c->errors);
}

static const struct map_desc *map_named(const struct manifest *m, const char *name) {
    for (int i = 0; i < m->nmaps; i++)
        if (strcmp(m->maps[i].name, name) == 0)
            return &m->maps[i];
    fail_msg("no map %s", name);
    return NULL;
}

static void assert_map(const char *text, const char *name, enum bpf_map_type type,
                       uint32_t max_entries) {
    struct compiled c = compile(text);
    assert_string_equal(c.errors, "");
    assert_int_equal(c.rc, 0);
    const struct map_desc *md = map_named(&c.m, name);
    assert_int_equal(md->bpf_type, type);
    assert_int_equal(md->max_entries, max_entries);
    compiled_free(&c);
}

static void test_declared_types_and_sizes(void **state) {
    (void)state;
    assert_map("let @a = lruhash(100); BEGIN { @a[1] = 2; }", "@a", BPF_MAP_TYPE_LRU_HASH, 100);
    assert_map("let @a = hash(7); BEGIN { @a[\"x\"] = \"y\"; }", "@a", BPF_MAP_TYPE_HASH, 7);
    assert_map("let @a = percpuhash(9); BEGIN { @a[1] = count(); }", "@a", BPF_MAP_TYPE_PERCPU_HASH,
               9);
    assert_map("let @a = percpulruhash(3); BEGIN { @a[comm] = sum(1); }", "@a",
               BPF_MAP_TYPE_LRU_PERCPU_HASH, 3);
    /* a scalar keeps its shape (hash with key 0), with the declared type */
    assert_map("let @a = lruhash(5); BEGIN { @a = 1; }", "@a", BPF_MAP_TYPE_LRU_HASH, 5);
}

static void test_undeclared_maps_unchanged(void **state) {
    (void)state;
    struct compiled c = compile("let @a = lruhash(4); BEGIN { @a[1] = 1; @b[1] = count(); }");
    assert_int_equal(c.rc, 0);
    assert_int_equal(map_named(&c.m, "@b")->bpf_type, BPF_MAP_TYPE_PERCPU_HASH);
    assert_true(map_named(&c.m, "@b")->max_entries > 4);
    compiled_free(&c);
}

/* The first line of the errors. */
static void assert_first_error(const char *text, const char *line) {
    struct compiled c = compile(text);
    assert_int_not_equal(c.rc, 0);
    assert_memory_equal(c.errors, line, strlen(line));
    compiled_free(&c);
}

static void test_errors(void **state) {
    (void)state;
    assert_first_error("let @a = foo(10); BEGIN { @a[1] = 1; }",
                       "stdin:1:1-18: ERROR: Invalid bpf map type: foo\n");
    assert_first_error("let @a = hash(4); BEGIN { @a[1] = count(); }",
                       "stdin:1:27-29: ERROR: Incompatible map types. Type from declaration: "
                       "hash. Type from value/key type: percpuhash\n");
    assert_first_error("let @a = percpuhash(4); BEGIN { @a[1] = 1; }",
                       "stdin:1:33-35: ERROR: Incompatible map types. Type from declaration: "
                       "percpuhash. Type from value/key type: hash\n");
}

static void test_unused_declaration_warns(void **state) {
    (void)state;
    struct compiled c = compile("let @a = hash(2); BEGIN { @b = 1; }");
    assert_int_equal(c.rc, 0);
    assert_string_equal(c.errors, "stdin:1:1-18: WARNING: Unused map: @a\n"
                                  "let @a = hash(2); BEGIN { @b = 1; }\n"
                                  "~~~~~~~~~~~~~~~~~\n");
    compiled_free(&c);
}

/* A block expression's variables are its own: the same name outside is
 * another variable, of another type. */
static void test_block_expression_scope(void **state) {
    (void)state;
    struct compiled c = compile("BEGIN { $a = { $x = \"s\"; 1 }; $x = 2; @r = $a + $x; }");
    assert_string_equal(c.errors, "");
    assert_int_equal(c.rc, 0);
    compiled_free(&c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_declared_types_and_sizes),
        cmocka_unit_test(test_undeclared_maps_unchanged),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_unused_declaration_warns),
        cmocka_unit_test(test_block_expression_scope),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
