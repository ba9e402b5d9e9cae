/* Parser tests: AST dumps of the whole bpftrace grammar, and syntax errors
 * with their exact text and columns. */
#include "test_util.h"

static void test_probe_with_predicate(void **state) {
    (void)state;
    assert_program("tracepoint:syscalls:sys_enter_openat /pid == 1/ {\n"
                   "  printf(\"%s\\n\", str(args->filename));\n"
                   "}\n",
                   "program\n"
                   " probe\n"
                   "  attach tracepoint:syscalls:sys_enter_openat\n"
                   "  predicate\n"
                   "   binop ==\n"
                   "    ident pid\n"
                   "    int 1\n"
                   "  block\n"
                   "   call printf\n"
                   "    string \"%s\\n\"\n"
                   "    call str\n"
                   "     field filename ->\n"
                   "      ident args\n");
}

static void test_attach_point_forms(void **state) {
    (void)state;
    assert_program("kprobe:vfs_read+4, uprobe:/bin/bash:readline,\n"
                   "usdt:/usr/bin/python3.11:python:function__entry, t:sched:sched_switch,\n"
                   "i:s:1, profile:hz:99, interval:ms:100, uprobe:\"/a b\":\"ns::f\",\n"
                   "uprobe:$1:main, tracepoint:syscalls:sys_enter_*, kprobe:vfs_?ead,\n"
                   "software:page-faults:100, uprobe:./a.out:main, begin, end, END {}\n",
                   "program\n"
                   " probe\n"
                   "  attach kprobe:vfs_read+4\n"
                   "  attach uprobe:/bin/bash:readline\n"
                   "  attach usdt:/usr/bin/python3.11:python:function__entry\n"
                   "  attach t:sched:sched_switch\n"
                   "  attach i:s:1\n"
                   "  attach profile:hz:99\n"
                   "  attach interval:ms:100\n"
                   "  attach uprobe:\"/a b\":\"ns::f\"\n"
                   "  attach uprobe:$1:main\n"
                   "  attach tracepoint:syscalls:sys_enter_*\n"
                   "  attach kprobe:vfs_?ead\n"
                   "  attach software:page-faults:100\n"
                   "  attach uprobe:./a.out:main\n"
                   "  attach begin\n"
                   "  attach end\n"
                   "  attach END\n"
                   "  block\n");
}

/* A "/" right after the attach points starts a predicate, with or without
 * spaces; inside it "/" divides unless "{" follows. */
static void test_predicate_vs_division(void **state) {
    (void)state;
    assert_program("BEGIN/10 / 5/{ @x = 10/2/1 }", "program\n"
                                                   " probe\n"
                                                   "  attach BEGIN\n"
                                                   "  predicate\n"
                                                   "   binop /\n"
                                                   "    int 10\n"
                                                   "    int 5\n"
                                                   "  block\n"
                                                   "   assign =\n"
                                                   "    map @x\n"
                                                   "    binop /\n"
                                                   "     binop /\n"
                                                   "      int 10\n"
                                                   "      int 2\n"
                                                   "     int 1\n");
    assert_program("uprobe:/bin/bash:readline/1/{}", "program\n"
                                                     " probe\n"
                                                     "  attach uprobe:/bin/bash:readline\n"
                                                     "  predicate\n"
                                                     "   int 1\n"
                                                     "  block\n");
}

static void test_several_probes_shebang_config(void **state) {
    (void)state;
    assert_program("#!/usr/bin/env bpftrace\n"
                   "config = { max_map_keys = 10; stack_mode = perf; str_trunc_trailer = \"..\" }\n"
                   "BEGIN { @n = 0; }\n"
                   "// between probes\n"
                   "interval:s:1 { exit(); } END { }\n",
                   "program\n"
                   " config\n"
                   "  assign =\n"
                   "   ident max_map_keys\n"
                   "   int 10\n"
                   "  assign =\n"
                   "   ident stack_mode\n"
                   "   ident perf\n"
                   "  assign =\n"
                   "   ident str_trunc_trailer\n"
                   "   string \"..\"\n"
                   " probe\n"
                   "  attach BEGIN\n"
                   "  block\n"
                   "   assign =\n"
                   "    map @n\n"
                   "    int 0\n"
                   " probe\n"
                   "  attach interval:s:1\n"
                   "  block\n"
                   "   call exit\n"
                   " probe\n"
                   "  attach END\n"
                   "  block\n");
}

static void test_precedence(void **state) {
    (void)state;
    assert_stmts("1 + 2 * 3", "binop +\n int 1\n binop *\n  int 2\n  int 3\n");
    assert_stmts("(1 + 2) * 3", "binop *\n binop +\n  int 1\n  int 2\n int 3\n");
    assert_stmts("a == b && c", "binop &&\n binop ==\n  ident a\n  ident b\n ident c\n");
    assert_stmts("a || b && c", "binop ||\n ident a\n binop &&\n  ident b\n  ident c\n");
    assert_stmts("a - b - c", "binop -\n binop -\n  ident a\n  ident b\n ident c\n");
    assert_stmts("1 | 2 ^ 3 & 4",
                 "binop |\n int 1\n binop ^\n  int 2\n  binop &\n   int 3\n   int 4\n");
    assert_stmts("a & b == c", "binop &\n ident a\n binop ==\n  ident b\n  ident c\n");
    assert_stmts("a < b == c > d",
                 "binop ==\n binop <\n  ident a\n  ident b\n binop >\n  ident c\n  ident d\n");
    assert_stmts("1 << 2 + 3", "binop <<\n int 1\n binop +\n  int 2\n  int 3\n");
    assert_stmts("a <= b >> c", "binop <=\n ident a\n binop >>\n  ident b\n  ident c\n");
    assert_stmts("a >= b != c % d / e", "binop !=\n binop >=\n  ident a\n  ident b\n"
                                        " binop /\n  binop %\n   ident c\n   ident d\n  ident e\n");
    assert_stmts("-x * 2", "binop *\n unop -\n  ident x\n int 2\n");
    assert_stmts("!~x", "unop !\n unop ~\n  ident x\n");
    assert_stmts("-a.b", "unop -\n field b\n  ident a\n");
    assert_stmts("*$p + &$x", "binop +\n unop *\n  var $p\n unop &\n  var $x\n");
}

static void test_ternary(void **state) {
    (void)state;
    assert_stmts("c ? 1 : 2", "ternary\n ident c\n int 1\n int 2\n");
    assert_stmts("c ?: 3", "ternary ?:\n ident c\n int 3\n");
    assert_stmts("a ? b : c ? d : e",
                 "ternary\n ident a\n ident b\n ternary\n  ident c\n  ident d\n  ident e\n");
    assert_stmts("a || b ? 1 : 2", "ternary\n binop ||\n  ident a\n  ident b\n int 1\n int 2\n");
}

static void test_casts(void **state) {
    (void)state;
    assert_stmts("(uint32)e", "cast\n type uint32\n ident e\n");
    assert_stmts("(struct foo *)arg0", "cast\n type struct foo *\n ident arg0\n");
    assert_stmts("(union u **)arg0", "cast\n type union u **\n ident arg0\n");
    assert_stmts("(int8[4])e", "cast\n type int8[4]\n ident e\n");
    assert_stmts("(uint8)-1", "cast\n type uint8\n unop -\n  int 1\n");
    assert_stmts("(struct task_struct *)curtask->mm->owner",
                 "cast\n type struct task_struct *\n field owner ->\n  field mm ->\n"
                 "   ident curtask\n");
    assert_stmts("(uint64)a + b", "binop +\n cast\n  type uint64\n  ident a\n ident b\n");
}

static void test_postfix(void **state) {
    (void)state;
    assert_stmts("args.filename", "field filename\n ident args\n");
    assert_stmts("$kv.0.1", "field 1\n field 0\n  var $kv\n");
    assert_stmts("$a[1][2]", "index\n index\n  var $a\n  int 1\n int 2\n");
    assert_stmts("@m[1].x", "field x\n map @m\n  int 1\n");
    assert_stmts("$s->a.b[3]", "index\n field b\n  field a ->\n   var $s\n int 3\n");
    assert_stmts("f()", "call f\n");
    assert_stmts("f(a, 1 + 2)", "call f\n ident a\n binop +\n  int 1\n  int 2\n");
}

static void test_tuples(void **state) {
    (void)state;
    assert_stmts("(1, \"a\")", "tuple\n int 1\n string \"a\"\n");
    assert_stmts("(1,)", "tuple\n int 1\n");
    assert_stmts("()", "tuple\n");
    assert_stmts("(1, (2, 3), 4)", "tuple\n int 1\n tuple\n  int 2\n  int 3\n int 4\n");
    assert_stmts("(1)", "int 1\n");
}

static void test_maps_vars_builtins(void **state) {
    (void)state;
    assert_stmts("@", "map @\n");
    assert_stmts("@[1]", "map @\n int 1\n");
    assert_stmts("@m[pid, comm]", "map @m\n ident pid\n ident comm\n");
    assert_stmts("@m[(1, 2)]", "map @m\n tuple\n  int 1\n  int 2\n");
    assert_stmts("$x", "var $x\n");
    assert_stmts("$1 + $#", "binop +\n positional $1\n positional_count $#\n");
    assert_stmts("nsecs; arg0; comm; true; false",
                 "ident nsecs\nident arg0\nident comm\nbool true\nbool false\n");
    assert_stmts("sizeof(struct foo); sizeof($x); sizeof(uint8)",
                 "sizeof\n type struct foo\nsizeof\n var $x\nsizeof\n type uint8\n");
    assert_stmts("offsetof(struct foo, a.b)", "offsetof a.b\n type struct foo\n");
}

static void test_literals(void **state) {
    (void)state;
    assert_stmts("0x1F; 0755; 1_000_000; 1e6; 10UL; 5LL; 3u; 0; 00",
                 "int 31\nint 493\nint 1000000\nint 1000000\nint 10\nint 5\nint 3\nint 0\n"
                 "int 0\n");
    assert_stmts("1ns; 2us; 3ms; 4s; 5m; 6h; 7d",
                 "int 1\nint 2000\nint 3000000\nint 4000000000\nint 300000000000\n"
                 "int 21600000000000\nint 604800000000000\n");
    assert_stmts("18446744073709551615", "int 18446744073709551615\n");
    assert_stmts("\"a\\n\\t\\r\\\"\\\\\\101\\x42\\0z\"", "string \"a\\n\\t\\r\\\"\\\\AB\\x00z\"\n");
}

static void test_assignments(void **state) {
    (void)state;
    assert_stmts("@m = 1; @m[k1, k2] = 2; $x = 3; _ = f()",
                 "assign =\n map @m\n int 1\n"
                 "assign =\n map @m\n  ident k1\n  ident k2\n int 2\n"
                 "assign =\n var $x\n int 3\n"
                 "assign =\n ident _\n call f\n");
    assert_stmts("$x += 1; $x -= 1; $x *= 1; $x /= 1; $x %= 1",
                 "assign +=\n var $x\n int 1\nassign -=\n var $x\n int 1\n"
                 "assign *=\n var $x\n int 1\nassign /=\n var $x\n int 1\n"
                 "assign %=\n var $x\n int 1\n");
    assert_stmts("@x &= 1; @x |= 1; @x ^= 1; @x <<= 1; @x >>= 1",
                 "assign &=\n map @x\n int 1\nassign |=\n map @x\n int 1\n"
                 "assign ^=\n map @x\n int 1\nassign <<=\n map @x\n int 1\n"
                 "assign >>=\n map @x\n int 1\n");
    assert_stmts("$x++; $x--; ++$x; --@m[1]; @++",
                 "incdec post++\n var $x\nincdec post--\n var $x\nincdec pre++\n var $x\n"
                 "incdec pre--\n map @m\n  int 1\nincdec post++\n map @\n");
}

static void test_let(void **state) {
    (void)state;
    assert_stmts("let $a; let $b: uint8 = 1; let $c = 2; let $d: struct foo *; "
                 "let $e: string[16]",
                 "let\n var $a\nlet\n var $b\n type uint8\n int 1\nlet\n var $c\n int 2\n"
                 "let\n var $d\n type struct foo *\nlet\n var $e\n type string[16]\n");
}

static void test_control_flow(void **state) {
    (void)state;
    assert_stmts("if (a) { x(); } else if (b) { y(); } else { z() }",
                 "if\n ident a\n block\n  call x\n if\n  ident b\n  block\n   call y\n"
                 "  block\n   call z\n");
    assert_stmts("if (a) { } @x = 1", "if\n ident a\n block\nassign =\n map @x\n int 1\n");
    assert_stmts("while ($i < 10) { $i++; break; }",
                 "while\n binop <\n  var $i\n  int 10\n block\n  incdec post++\n   var $i\n"
                 "  break\n");
    assert_stmts("unroll (5) { continue }", "unroll\n int 5\n block\n  continue\n");
    assert_stmts("for ($kv : @m) { print($kv.0); }",
                 "for\n var $kv\n map @m\n block\n  call print\n   field 0\n    var $kv\n");
    assert_stmts("for ($i : 0..$n + 1) { }",
                 "for_range\n var $i\n int 0\n binop +\n  var $n\n  int 1\n block\n");
    assert_stmts("return; return 1", "return\nreturn\n int 1\n");
}

static void test_empty_statements(void **state) {
    (void)state;
    /* bpftrace has no empty statement: a ";" must end one */
    assert_stmts("@x = 1; f() ;", "assign =\n map @x\n int 1\ncall f\n");
    assert_parse_error("BEGIN { @x = 1;; }", E_SYNTAX,
                       "stdin:1:16-17: ERROR: syntax: expected expression\n"
                       "BEGIN { @x = 1;; }\n"
                       "               ~\n");
    assert_stmts("", "");
    assert_program("BEGIN{}", "program\n probe\n  attach BEGIN\n  block\n");
}

static void test_locations(void **state) {
    (void)state;
    const char *text = "BEGIN {\n  @x[1] = a + b * 2;\n}";
    struct diag d;
    FILE *null = fopen("/dev/null", "w");
    diag_init(&d, "stdin", text, null);
    struct node *p = parse_program(&d, text);
    assert_non_null(p);
    struct node *probe = p->a;
    assert_int_equal(probe->a->loc.first_column, 1);
    assert_int_equal(probe->a->loc.last_column, 6);
    struct node *assign = probe->c->a;
    assert_int_equal(assign->kind, N_ASSIGN);
    assert_int_equal(assign->loc.first_line, 2);
    assert_int_equal(assign->loc.first_column, 3);
    assert_int_equal(assign->loc.last_column, 20);
    struct node *map = assign->a, *sum = assign->b;
    assert_int_equal(map->loc.first_column, 3);
    assert_int_equal(map->loc.last_column, 8);
    assert_int_equal(sum->loc.first_column, 11);
    assert_int_equal(sum->loc.last_column, 20);
    assert_int_equal(sum->b->loc.first_column, 15);
    assert_int_equal(p->loc.first_line, 1);
    assert_int_equal(p->loc.last_line, 3);
    ast_free(p);
    fclose(null);
}

/* C definitions before the config and the probes become one node each,
 * text as written (with attributes and ";" after the closing brace). */
static void test_c_definitions(void **state) {
    (void)state;
    assert_program("struct Foo { int a; char b[10]; }\n"
                   "union U { int x; /* } */ long y; };\n"
                   "enum E { A, B = 5 } ;\n"
                   "typedef struct { int q; char s[2]; } pair_t;\n"
                   "struct __attribute__((packed)) P { char c; } __attribute__((aligned(8)))\n"
                   "enum { ANON }\n"
                   "config = { max_map_keys = 2 }\n"
                   "BEGIN {}\n",
                   "program\n"
                   " config\n"
                   "  assign =\n"
                   "   ident max_map_keys\n"
                   "   int 2\n"
                   " c_definition \"struct Foo { int a; char b[10]; }\"\n"
                   " c_definition \"union U { int x; /* } */ long y; };\"\n"
                   " c_definition \"enum E { A, B = 5 } ;\"\n"
                   " c_definition \"typedef struct { int q; char s[2]; } pair_t;\"\n"
                   " c_definition \"struct __attribute__((packed)) P { char c; } "
                   "__attribute__((aligned(8)))\"\n"
                   " c_definition \"enum { ANON }\"\n"
                   " probe\n"
                   "  attach BEGIN\n"
                   "  block\n");
    /* struct in a probe is still a cast's type; struct:x is an attach point */
    assert_program("struct S {\n  int a;\n}\nBEGIN { $x = (struct S *)0; } struct:x {}",
                   "program\n"
                   " c_definition \"struct S {\\n  int a;\\n}\"\n"
                   " probe\n"
                   "  attach BEGIN\n"
                   "  block\n"
                   "   assign =\n"
                   "    var $x\n"
                   "    cast\n"
                   "     type struct S *\n"
                   "     int 0\n"
                   " probe\n"
                   "  attach struct:x\n"
                   "  block\n");
}

/* A definition's location runs to its ";", or over the layout after it. */
static void test_c_definition_locations(void **state) {
    (void)state;
    const char *text = "  struct Foo {\n  int a;\n} ; struct Bar { int b; }\n\nBEGIN {}";
    struct diag d;
    FILE *null = fopen("/dev/null", "w");
    diag_init(&d, "stdin", text, null);
    struct node *p = parse_program(&d, text);
    assert_non_null(p);
    struct node *def = p->c;
    assert_int_equal(def->kind, N_C_DEFINITION);
    assert_string_equal(def->str, "struct Foo {\n  int a;\n} ;");
    assert_int_equal(def->loc.first_line, 1);
    assert_int_equal(def->loc.first_column, 3);
    assert_int_equal(def->loc.last_line, 3);
    assert_int_equal(def->loc.last_column, 4);
    def = def->next;
    assert_string_equal(def->str, "struct Bar { int b; }");
    assert_int_equal(def->loc.first_line, 3);
    assert_int_equal(def->loc.first_column, 5);
    assert_int_equal(def->loc.last_line, 5);
    assert_int_equal(def->loc.last_column, 1);
    assert_null(def->next);
    assert_int_equal(ast_list_len(p->a), 1);
    ast_free(p);
    fclose(null);
}

/* Errors as bpftrace words and places them. */
static void test_c_definition_errors(void **state) {
    (void)state;
    assert_parse_error("BEGIN { exit() } struct Foo { int a; } END {}", E_SYNTAX,
                       "stdin:1:18-40: ERROR: syntax: C definitions must appear before probes "
                       "and functions\n"
                       "BEGIN { exit() } struct Foo { int a; } END {}\n"
                       "                 ~~~~~~~~~~~~~~~~~~~~~~\n");
    assert_parse_error("config = { max_map_keys = 2 } struct Foo { int a; } BEGIN { exit() }",
                       E_SYNTAX,
                       "stdin:1:31-53: ERROR: syntax: C definitions must appear before probes "
                       "and functions\n"
                       "config = { max_map_keys = 2 } struct Foo { int a; } BEGIN { exit() }\n"
                       "                              ~~~~~~~~~~~~~~~~~~~~~~\n");
    assert_parse_error("struct Foo { int a; }   ;  // c\n"
                       " BEGIN { exit() } struct Bar { int b; }  \n"
                       " END {}",
                       E_SYNTAX,
                       "stdin:2-3: ERROR: syntax: C definitions must appear before probes and "
                       "functions\n"
                       " BEGIN { exit() } struct Bar { int b; }  \n"
                       " END {}\n");
    assert_parse_error("struct Foo { int a;", E_SYNTAX,
                       "stdin:1:1-20: ERROR: end of file in C definition\n"
                       "struct Foo { int a;\n"
                       "~~~~~~~~~~~~~~~~~~~\n");
    assert_parse_error("struct Foo { int a; }", E_SYNTAX,
                       "ERROR: No probes found in the program\n");
}

static void test_syntax_errors(void **state) {
    (void)state;
    /* bpftrace 0.27.1's wording and columns: the token where it stopped. */
    assert_parse_error("BEGIN { @x = 1 +; }", E_SYNTAX,
                       "stdin:1:17-18: ERROR: syntax: expected expression\n"
                       "BEGIN { @x = 1 +; }\n"
                       "                ~\n");
    assert_parse_error("BEGIN {\n  @x = 1 + ;\n}", E_SYNTAX,
                       "stdin:2:12-13: ERROR: syntax: expected expression\n"
                       "  @x = 1 + ;\n"
                       "           ~\n");
    assert_parse_error("BEGIN { @x = 1+ 2 3; }", E_SYNTAX,
                       "stdin:1:19-20: ERROR: syntax: expected ';'\n"
                       "BEGIN { @x = 1+ 2 3; }\n"
                       "                  ~\n");
    assert_parse_error("BEGIN { @x = 1 ,; }", E_SYNTAX,
                       "stdin:1:16-17: ERROR: syntax: expected ';'\n"
                       "BEGIN { @x = 1 ,; }\n"
                       "               ~\n");
    assert_parse_error("BEGIN { @x = 1 ", E_SYNTAX,
                       "stdin:1:16-16: ERROR: syntax: expected ';'\n"
                       "BEGIN { @x = 1 \n"
                       "               \n");
    /* each construct left open reports its own closing token */
    assert_parse_errors("BEGIN / 1", E_SYNTAX, 2,
                        "stdin:1:10-10: ERROR: syntax: expected '/' to close predicate\n"
                        "BEGIN / 1\n"
                        "         \n"
                        "stdin:1:10-10: ERROR: syntax: expected '{'\n"
                        "BEGIN / 1\n"
                        "         \n");
    assert_parse_errors("BEGIN { f(g(1 2)); }", E_SYNTAX, 3,
                        "stdin:1:15-16: ERROR: syntax: expected ')'\n"
                        "BEGIN { f(g(1 2)); }\n"
                        "              ~\n"
                        "stdin:1:15-16: ERROR: syntax: expected ')'\n"
                        "BEGIN { f(g(1 2)); }\n"
                        "              ~\n"
                        "stdin:1:15-16: ERROR: syntax: expected ';'\n"
                        "BEGIN { f(g(1 2)); }\n"
                        "              ~\n");
    assert_parse_error("BEGIN { } }", E_SYNTAX,
                       "stdin:1:12-12: ERROR: syntax: expected '{'\n"
                       "BEGIN { } }\n"
                       "           \n");
}

static void test_no_probes(void **state) {
    (void)state;
    assert_parse_error("", E_SYNTAX, "ERROR: No probes found in the program\n");
    assert_parse_error("// only a comment\n/* and another */\n", E_SYNTAX,
                       "ERROR: No probes found in the program\n");
    assert_parse_error("config = { a = 1 }", E_SYNTAX, "ERROR: No probes found in the program\n");
}

static void test_lex_errors_stop_parsing(void **state) {
    (void)state;
    assert_parse_error("BEGIN { printf(\"\\q\"); }", E_LEX,
                       "stdin:1:18-19: ERROR: syntax: invalid escape character '\\q'\n"
                       "BEGIN { printf(\"\\q\"); }\n"
                       "                 ~\n");
    /* reported at the next token, end of file here, as bpftrace does */
    assert_parse_errors("BEGIN { @x = \"abc", E_SYNTAX, 2,
                        "stdin:1:18-18: ERROR: syntax: unterminated string\n"
                        "BEGIN { @x = \"abc\n"
                        "                 \n"
                        "stdin:1:18-18: ERROR: syntax: expected ';'\n"
                        "BEGIN { @x = \"abc\n"
                        "                 \n");
    /* an unterminated comment runs to the end of the program */
    assert_parse_error("BEGIN { /* abc", E_SYNTAX,
                       "stdin:1:15-15: ERROR: syntax: expected '}'\n"
                       "BEGIN { /* abc\n"
                       "              \n");
    assert_parse_error("#include <x.h>\nBEGIN { }", E_UNSUPPORTED,
                       "stdin:1:1-15: ERROR: C preprocessor directives are not supported\n"
                       "#include <x.h>\n"
                       "~~~~~~~~~~~~~~\n");
}

/* Whatever the input, the parser returns (a tree or NULL) without crashing;
 * ASan and UBSan builds check the rest. */
static void test_garbage_never_crashes(void **state) {
    (void)state;
    static const char *const inputs[] = {
        "}",
        "{",
        "/",
        "//",
        "/*",
        "*/",
        "\"",
        "BEGIN {",
        "BEGIN { \"\\",
        "BEGIN { \"\\x",
        "BEGIN /",
        "BEGIN //",
        "@",
        "$",
        "$#",
        "BEGIN { $ }",
        "BEGIN { @x[ }",
        "BEGIN { ( }",
        "config",
        "config =",
        "config = {",
        "config = { a = }",
        ",",
        ",,BEGIN{}",
        "BEGIN,{}",
        "BEGIN { if }",
        "BEGIN { for ($i : ) {} }",
        "BEGIN { let }",
        "BEGIN { 1 ? }",
        "BEGIN { (struct) x }",
        "BEGIN { sizeof() }",
        "BEGIN { offsetof(x) }",
        "\x01\x02\xff",
        "BEGIN { \xc3\xa9 }",
        "BEGIN { \"\n\" }",
        "BEGIN\t{\t}\t}",
        "BEGIN { 0x }",
        "BEGIN { 1e }",
        "BEGIN { $99999999999999999999999 }",
        "BEGIN { 99999999999999999999999 }",
        "BEGIN { 0e99999999999999999999 }",
        "#!",
        "#!x\n",
        "\n\n\n",
        "BEGIN { } #!x",
        "BEGIN { .. }",
        "BEGIN { -> }",
    };
    for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
        struct tu_result r = tu_parse(inputs[i]);
        assert_true(r.nerrors > 0 || r.dump[0] != '\0');
        tu_free(&r);
    }
}

static char *repeat(const char *head, const char *unit, size_t n, const char *tail) {
    size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
    char *s = malloc(hl + ul * n + tl + 1);
    memcpy(s, head, hl);
    for (size_t i = 0; i < n; i++)
        memcpy(s + hl + i * ul, unit, ul);
    memcpy(s + hl + ul * n, tail, tl + 1);
    return s;
}

static void test_deep_and_long_inputs(void **state) {
    (void)state;
    /* Nesting beyond bison's stack limit is an error, not a crash. */
    char *open = repeat("BEGIN { $x = ", "(", 20000, "1 }");
    struct tu_result r = tu_parse(open);
    assert_int_equal(r.code, E_LIMIT);
    tu_free(&r);
    free(open);
    /* A long left-leaning sum is refused past AST_MAX_DEPTH (the passes
     * after the parser recurse) and freed without recursion. */
    char *sum = repeat("BEGIN { $x = 1", " + 1", 100000, " }");
    r = tu_parse(sum);
    assert_int_equal(r.code, E_LIMIT);
    tu_free(&r);
    free(sum);
    sum = repeat("BEGIN { $x = 1", " + 1", 900, " }");
    r = tu_parse(sum);
    assert_string_equal(r.errors, "");
    size_t lines = 0;
    for (const char *c = r.dump; *c; c++)
        lines += *c == '\n';
    assert_int_equal(lines, 6 + 900 + 901); /* program..var, binops, ints */
    tu_free(&r);
    free(sum);
    char *stmts = repeat("BEGIN { ", "$x = 1; ", 50000, "}");
    r = tu_parse(stmts);
    assert_string_equal(r.errors, "");
    tu_free(&r);
    free(stmts);
}

/* Macros and map declarations are top-level items among probes; the
 * program dump lists them after the C definitions. */
static void test_macros_and_map_decls(void **state) {
    (void)state;
    assert_program("macro one() { 1 }\n"
                   "let @a = lruhash(100)\n"
                   "macro add($a, @b, x) { $a += x; @b }\n"
                   "BEGIN { print(one); }\n",
                   "program\n"
                   " macro one\n"
                   "  block_expr\n"
                   "   int 1\n"
                   " map_decl lruhash 100\n"
                   "  map @a\n"
                   " macro add\n"
                   "  var $a\n"
                   "  map @b\n"
                   "  ident x\n"
                   "  block_expr\n"
                   "   assign +=\n"
                   "    var $a\n"
                   "    ident x\n"
                   "   map @b\n"
                   " probe\n"
                   "  attach BEGIN\n"
                   "  block\n"
                   "   call print\n"
                   "    ident one\n");
}

/* A block's last expression without ";" is its value; with ";" it has none. */
static void test_block_expressions(void **state) {
    (void)state;
    assert_stmts("$a = { let $b = 1; $b }; { printf(\"x\"); }", "assign =\n"
                                                                " var $a\n"
                                                                " block_expr\n"
                                                                "  let\n"
                                                                "   var $b\n"
                                                                "   int 1\n"
                                                                "  var $b\n"
                                                                "block_expr\n"
                                                                " call printf\n"
                                                                "  string \"x\"\n");
}

static void test_for_without_parentheses(void **state) {
    (void)state;
    assert_stmts("for $i : 0..2 { }", "for_range\n"
                                      " var $i\n"
                                      " int 0\n"
                                      " int 2\n"
                                      " block\n");
}

static void test_map_decl_errors(void **state) {
    (void)state;
    assert_parse_error("let @a = hash(); BEGIN {}", E_SYNTAX,
                       "stdin:1:15-16: ERROR: syntax: expected positive integer for map "
                       "declaration max entries\n"
                       "let @a = hash(); BEGIN {}\n"
                       "              ~\n");
    assert_parse_error("let @a = hash(\"x\"); BEGIN {}", E_SYNTAX,
                       "stdin:1:15-18: ERROR: syntax: expected positive integer for map "
                       "declaration max entries\n"
                       "let @a = hash(\"x\"); BEGIN {}\n"
                       "              ~~~\n");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_probe_with_predicate),
        cmocka_unit_test(test_attach_point_forms),
        cmocka_unit_test(test_predicate_vs_division),
        cmocka_unit_test(test_several_probes_shebang_config),
        cmocka_unit_test(test_precedence),
        cmocka_unit_test(test_ternary),
        cmocka_unit_test(test_casts),
        cmocka_unit_test(test_postfix),
        cmocka_unit_test(test_tuples),
        cmocka_unit_test(test_maps_vars_builtins),
        cmocka_unit_test(test_literals),
        cmocka_unit_test(test_assignments),
        cmocka_unit_test(test_let),
        cmocka_unit_test(test_control_flow),
        cmocka_unit_test(test_empty_statements),
        cmocka_unit_test(test_locations),
        cmocka_unit_test(test_c_definitions),
        cmocka_unit_test(test_c_definition_locations),
        cmocka_unit_test(test_c_definition_errors),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_no_probes),
        cmocka_unit_test(test_lex_errors_stop_parsing),
        cmocka_unit_test(test_garbage_never_crashes),
        cmocka_unit_test(test_deep_and_long_inputs),
        cmocka_unit_test(test_macros_and_map_decls),
        cmocka_unit_test(test_block_expressions),
        cmocka_unit_test(test_for_without_parentheses),
        cmocka_unit_test(test_map_decl_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
