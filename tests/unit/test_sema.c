/* Semantic analysis: annotations, maps, units, and each error class with
 * its exact text and location. */
/* cmocka.h needs these first. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_kernel.h"
/* clang-format on */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sema_run.h"

static struct run *run_pos(const char *text, int npos, char **pos) {
    struct sema_opts opts = {.max_strlen = 64, .npositional = npos, .positional = pos};
    return run_with(text, &opts);
}

static struct run *run(const char *text) {
    return run_pos(text, 0, NULL);
}

static struct run *ok(const char *text) {
    struct run *r = run(text);
    if (r->rc != 0 || r->d.nerrors)
        fail_msg("unexpected errors for %s:\n%s", text, r->err);
    return r;
}

/* Exactly one error: its code, and "LOC: ERROR: MSG" as printed. */
static void err1(const char *text, enum diag_code code, const char *loc, const char *msg) {
    struct run *r = run(text);
    char *want;
    assert_true(asprintf(&want, "%s: ERROR: %s\n", loc, msg) > 0);
    if (r->rc != -1 || r->d.nerrors != 1 || !strstr(r->err, want))
        fail_msg("for %s\nwant %sgot (%d errors) %s", text, want, r->d.nerrors, r->err);
    assert_int_equal(r->d.last_code, code);
    free(want);
    run_free(r);
}

/* As bpftrace: the operator, then each side on its own located line, in
 * the operand's own type (the variable holds an int8 literal). */
static void type_mismatch_names_each_side(void) {
    struct run *r = run("BEGIN { $s = \"a\"; $i = 1; $x = $s + $i; }");
    assert_int_equal(r->rc, -1);
    assert_int_equal(r->d.nerrors, 3);
    assert_non_null(strstr(
        r->err, "stdin:1:32-39: ERROR: Type mismatch for '+': comparing string[2] with int8\n"));
    assert_non_null(strstr(r->err, "stdin:1:32-34: ERROR: left (string[2])\n"));
    assert_non_null(strstr(r->err, "stdin:1:37-39: ERROR: right (int8)\n"));
    run_free(r);
}

/* First node (depth first, source order) of this kind with this str. */
static struct node *find(struct node *n, enum node_kind kind, const char *str) {
    for (; n; n = n->next) {
        if (n->kind == kind && (!str || (n->str && strcmp(n->str, str) == 0)))
            return n;
        struct node *kids[] = {n->a, n->b, n->c, n->d};
        for (int i = 0; i < 4; i++) {
            struct node *f = kids[i] ? find(kids[i], kind, str) : NULL;
            if (f)
                return f;
        }
    }
    return NULL;
}

static const char *tn(const struct type *t) {
    static char bufs[4][128];
    static int i;
    return t ? type_name(t, bufs[i++ % 4], 128) : "(null)";
}

/* ---- annotations ---- */

static void test_builtins_and_calls(void **state) {
    (void)state;
    struct run *r = ok("BEGIN { printf(\"%d %s %s\\n\", pid, comm, probe); $t = nsecs; exit(); }");
    struct node *call = find(r->prog, N_CALL, "printf");
    assert_int_equal(call->sym, F_PRINTF);
    assert_int_equal(call->ty->kind, T_VOID);
    struct node *pid = find(r->prog, N_IDENT, "pid");
    assert_int_equal(pid->sym, B_PID);
    assert_string_equal(tn(pid->ty), "uint32");
    struct node *comm = find(r->prog, N_IDENT, "comm");
    assert_int_equal(comm->sym, B_COMM);
    assert_string_equal(tn(comm->ty), "string[16]");
    assert_int_equal(find(r->prog, N_IDENT, "probe")->ty->kind, T_PROBE);
    assert_string_equal(tn(find(r->prog, N_STRING, NULL)->ty), "string[10]");
    assert_int_equal(find(r->prog, N_CALL, "exit")->sym, F_EXIT);
    struct node *var = find(r->prog, N_VAR, "$t");
    assert_int_equal(var->sym, 0);
    assert_string_equal(tn(var->ty), "uint64");
    run_free(r);
}

static void test_literals_and_operators(void **state) {
    (void)state;
    struct run *r = ok("BEGIN { $a = 1 + pid; $b = nsecs - 1; $c = 1 < 2; $d = !0; "
                       "$e = 18446744073709551615; $f = -1; $g = \"x\" == comm; $h = 1 && 0; "
                       "$i = ~pid; $j = (uint8)300; $k = true; }");
    struct sema_unit *u = &r->out.units[0];
    const char *want[] = {"uint64", "int64", "bool",  "bool",   "uint64", "int64",
                          "bool",   "bool",  "int64", "uint64", "bool"};
    assert_int_equal(u->nvars, 11);
    for (int i = 0; i < 11; i++)
        assert_string_equal(tn(u->vars[i].ty), want[i]);
    struct node *cast = find(r->prog, N_CAST, NULL);
    assert_string_equal(tn(cast->ty), "uint8");
    run_free(r);
}

static void test_tuples_and_ternary(void **state) {
    (void)state;
    struct run *r = ok("BEGIN { $t = (1, \"ab\", pid); $x = $t.1; $y = $t.0; "
                       "$s = pid > 1 ? \"a\" : comm; $n = pid ?: 7; $z = $t[2]; }");
    struct sema_unit *u = &r->out.units[0];
    /* tuple elements keep their natural widths: a literal is int8, pid uint32 */
    assert_string_equal(tn(u->vars[0].ty), "(int8,string[3],uint32)");
    assert_string_equal(tn(u->vars[1].ty), "string[3]");
    assert_string_equal(tn(u->vars[2].ty), "int64");
    assert_string_equal(tn(u->vars[3].ty), "string[16]");
    assert_string_equal(tn(u->vars[4].ty), "int64");
    assert_string_equal(tn(u->vars[5].ty), "uint64");
    struct node *f = find(r->prog, N_FIELD, NULL);
    assert_int_equal(f->sym, 1);
    run_free(r);
}

static void test_variable_strings_grow(void **state) {
    (void)state;
    struct run *r = ok("BEGIN { $s = \"a\"; $s = comm; print($s); }");
    assert_string_equal(tn(r->out.units[0].vars[0].ty), "string[16]");
    /* every use sees the variable's final type */
    assert_string_equal(tn(find(r->prog, N_VAR, "$s")->ty), "string[16]");
    run_free(r);
}

/* ---- maps ---- */

static void test_maps(void **state) {
    (void)state;
    struct run *r =
        ok("BEGIN { @c[comm] = count(); @s = sum(pid); @m[1, \"a\"] = 2; @m[2, comm] = 3;"
           " @h = hist(pid, 2); @l[pid] = lhist(pid, 0, 100, 10); @a = avg(-1);"
           " @n = min(1); @x = max(1); @st = stats(1); @v = @c[\"x\"]; @i++; }");
    struct sema_out *o = &r->out;
    assert_int_equal(o->nmaps, 11);
    assert_string_equal(o->maps[0].name, "@c");
    assert_string_equal(tn(o->maps[0].key_ty), "string[16]");
    assert_string_equal(tn(o->maps[0].val_ty), "count_t");
    assert_null(o->maps[1].key_ty);
    assert_string_equal(tn(o->maps[1].val_ty), "usum_t");
    assert_string_equal(tn(o->maps[2].key_ty), "(int64,string[16])");
    assert_string_equal(tn(o->maps[2].val_ty), "int64");
    assert_string_equal(tn(o->maps[3].val_ty), "hist_t");
    assert_int_equal(o->maps[3].hist_bits, 2);
    assert_string_equal(tn(o->maps[4].key_ty), "uint64");
    assert_int_equal(o->maps[4].lhist_max, 100);
    assert_int_equal(o->maps[4].lhist_step, 10);
    assert_string_equal(tn(o->maps[5].val_ty), "avg_t");
    assert_string_equal(tn(o->maps[8].val_ty), "stats_t");
    assert_string_equal(tn(o->maps[9].val_ty), "uint64"); /* count read as its total */
    assert_string_equal(tn(o->maps[10].val_ty), "int64");
    struct node *m = find(r->prog, N_MAP, "@m");
    assert_int_equal(m->sym, 2);
    struct node *agg = find(r->prog, N_CALL, "count");
    assert_int_equal(agg->sym, F_COUNT);
    assert_int_equal(agg->ty->agg, AGG_COUNT);
    run_free(r);
}

static void test_maps_across_probes(void **state) {
    (void)state;
    /* Read in END before the assignment in a later probe: still typed. */
    struct run *r = ok("END { printf(\"%s\\n\", @name); } BEGIN { @name = comm; }");
    assert_string_equal(tn(find(r->prog, N_MAP, "@name")->ty), "string[16]");
    run_free(r);
    r = ok("BEGIN { @x[1] = 1; delete(@x[1]); delete(@x, 2); clear(@x); zero(@x); "
           "print(@x); print(@x, 10); print(@x, 0, 1000); @y = 1; delete(@y); }");
    assert_int_equal(find(r->prog, N_CALL, "delete")->sym, F_DELETE);
    assert_int_equal(find(r->prog, N_CALL, "clear")->sym, F_CLEAR);
    run_free(r);
}

/* ---- units ---- */

static void test_units_special(void **state) {
    (void)state;
    struct run *r =
        ok("BEGIN { $a = 1; } END { $b = \"x\"; $c = 2; } interval:ms:100, profile:hz:99 {}");
    struct sema_out *o = &r->out;
    assert_int_equal(o->nunits, 4);
    assert_int_equal(o->units[0].prov->kind, PK_BEGIN);
    assert_int_equal(o->units[0].ntargets, 1);
    assert_string_equal(o->units[0].targets[0].name, "begin");
    assert_int_equal(o->units[0].nvars, 1);
    assert_int_equal(o->units[1].nvars, 2);
    assert_string_equal(o->units[1].vars[1].name, "$c");
    assert_string_equal(o->units[2].targets[0].name, "interval:ms:100");
    assert_string_equal(o->units[3].targets[0].name, "profile:hz:99");
    assert_ptr_equal(o->units[2].probe, o->units[3].probe);
    assert_false(o->units[2].per_target);
    assert_int_equal(o->max_strlen, 64);
    run_free(r);
}

static void test_units_tracepoint(void **state) {
    (void)state;
    if (!have_tracefs())
        skip();
    struct run *r = ok("tracepoint:syscalls:sys_enter_openat, t:syscalls:sys_enter_openat2 "
                       "/args.dfd == 1/ { printf(\"%s\\n\", str(args.filename)); }"
                       " t:syscalls:sys_enter_open* { @[probe] = count(); }");
    struct sema_out *o = &r->out;
    assert_int_equal(o->nunits, 2);
    assert_int_equal(o->units[0].ntargets, 2);
    assert_true(o->units[0].per_target);
    assert_string_equal(o->units[0].targets[1].spec.event, "sys_enter_openat2");
    assert_true(o->units[1].ntargets >= 3);
    assert_false(o->units[1].per_target);
    struct node *f = find(r->prog, N_FIELD, "filename");
    assert_true(f->ty->is_ptr);
    assert_int_equal(f->a->sym, B_ARGS);
    assert_string_equal(tn(find(r->prog, N_FIELD, "dfd")->ty), "int32");
    assert_string_equal(tn(find(r->prog, N_CALL, "str")->ty), "string[64]");
    run_free(r);

    r = ok("tracepoint:sched:sched_switch { @[args->prev_comm] = count(); }"
           " tracepoint:sched:sched_process_exec { printf(\"%s\\n\", args.filename); }");
    assert_string_equal(tn(find(r->prog, N_FIELD, "prev_comm")->ty), "string[16]");
    assert_string_equal(tn(find(r->prog, N_FIELD, "filename")->ty), "string[64]");
    run_free(r);
}

/* ---- positional parameters and config ---- */

static void test_positional(void **state) {
    (void)state;
    char *pos[] = {"42", "hello", "-3"};
    struct run *r = run_pos("BEGIN { $a = $1; $b = $2; $c = $4; $d = $#; $e = $3; "
                            "printf(\"%s\\n\", str($2)); }",
                            3, pos);
    assert_int_equal(r->rc, 0);
    struct node *blk = r->prog->a->c;
    struct node *a1 = blk->a->b, *a2 = blk->a->next->b, *a4 = blk->a->next->next->b;
    struct node *cnt = blk->a->next->next->next->b, *neg = blk->a->next->next->next->next->b;
    assert_int_equal(a1->kind, N_INT);
    assert_int_equal(a1->num, 42);
    assert_int_equal(a2->kind, N_STRING);
    assert_string_equal(a2->str, "hello");
    assert_int_equal(a2->len, 5);
    assert_int_equal(a4->kind, N_INT);
    assert_int_equal(a4->num, 0);
    assert_int_equal(cnt->kind, N_INT);
    assert_int_equal(cnt->num, 3);
    assert_int_equal(neg->kind, N_UNOP);
    assert_string_equal(tn(neg->ty), "int64");
    run_free(r);
}

static void test_positional_in_attach_point(void **state) {
    (void)state;
    char *pos[] = {"250"};
    struct run *r = run_pos("interval:ms:$1 { exit(); }", 1, pos);
    assert_int_equal(r->rc, 0);
    assert_string_equal(r->out.units[0].targets[0].name, "interval:ms:250");
    run_free(r);
}

static void test_config(void **state) {
    (void)state;
    struct run *r = ok("config = { max_strlen = 32; BPFTRACE_LAZY_SYMBOLICATION = 1 } "
                       "BEGIN { $s = str(nsecs); $t = str(nsecs, 5); $u = str(nsecs, 100); }");
    assert_int_equal(r->out.max_strlen, 32);
    assert_string_equal(tn(r->out.units[0].vars[0].ty), "string[32]");
    assert_string_equal(tn(r->out.units[0].vars[1].ty), "string[6]");
    assert_string_equal(tn(r->out.units[0].vars[2].ty), "string[32]");
    run_free(r);
    err1("config = { foo = 1 } BEGIN {}", E_UNKNOWN_IDENT, "stdin:1:12-19",
         "foo: not a known configuration option");
}

/* ---- error classes ---- */

static void test_err_unknown(void **state) {
    (void)state;
    err1("BEGIN { foo(); }", E_UNKNOWN_FUNC, "stdin:1:9-14", "Unknown function: 'foo'");
    err1("BEGIN { print(foo); }", E_UNKNOWN_IDENT, "stdin:1:15-18", "Unknown identifier: 'foo'");
    /* a function is called with parentheses; kstack and ustack are builtins too */
    err1("BEGIN { exit; }", E_UNKNOWN_IDENT, "stdin:1:9-13", "Unknown identifier: 'exit'");
    err1("foo:bar { }", E_UNKNOWN_PROBE, "stdin:1:1-8", "Invalid probe type: foo");
    err1("interval:xs:1 { }", E_UNKNOWN_PROBE, "stdin:1:1-14",
         "xs is not an accepted unit of time");
}

static void test_err_probe_tracefs(void **state) {
    (void)state;
    if (!have_tracefs())
        skip();
    err1("tracepoint:nope:nope { }", E_UNKNOWN_PROBE, "stdin:1:1-21",
         "No matches for tracepoint nope:nope.");
    err1("tracepoint:syscalls:sys_enter_openat { print(args.nope); }", E_UNKNOWN_FIELD,
         "stdin:1:46-55",
         "Struct/union of type 'struct tracepoint:syscalls:sys_enter_openat_args' does not contain "
         "a "
         "field named 'nope'");
    err1("tracepoint:syscalls:sys_enter_openat { print(args.common_pid); }", E_UNKNOWN_FIELD,
         "stdin:1:46-61",
         "Struct/union of type 'struct tracepoint:syscalls:sys_enter_openat_args' does not contain "
         "a "
         "field named 'common_pid'");
    err1("tracepoint:raw_syscalls:sys_enter { print(args.args[6]); }", E_TYPE, "stdin:1:43-55",
         "the index 6 is out of bounds for array of size 6");
    err1("tracepoint:raw_syscalls:sys_enter { print(args.id.x); }", E_TYPE, "stdin:1:43-52",
         "Can not access field 'x' on expression of type 'int64'");
    err1("tracepoint:syscalls:sys_enter_openat { print(arg0); }", E_CONTEXT, "stdin:1:46-50",
         "The arg0 builtin can only be used with 'kprobes', 'uprobes' and 'usdt' probes");
    err1("tracepoint:syscalls:sys_enter_openat { print(retval); }", E_CONTEXT, "stdin:1:46-52",
         "The retval builtin can only be used with 'kretprobe' and 'uretprobe' and 'fentry' "
         "probes (try to use args.ret instead)");
    err1("tracepoint:syscalls:sys_enter_openat { printf(\"%s\", args.filename); @x = 1; @x = 1 < "
         "2; }",
         E_TYPE, "stdin:1:77-87",
         "Type mismatch for @x: trying to assign value of type 'bool' when map already has a "
         "type 'int8'");
}

static void test_err_context(void **state) {
    (void)state;
    err1("BEGIN { print(args.x); }", E_CONTEXT, "stdin:1:15-19",
         "The args builtin can only be used with tracepoint, rawtracepoint, fentry/fexit, and "
         "uprobe probes (begin used here)");
    err1("interval:s:1 { print(arg1); }", E_CONTEXT, "stdin:1:22-26",
         "The arg1 builtin can only be used with 'kprobes', 'uprobes' and 'usdt' probes");
    err1("BEGIN { $x = count(); }", E_CONTEXT, "stdin:1:14-21",
         "count() must be assigned directly to a map");
    err1("BEGIN { @x = 1 + count(); }", E_CONTEXT, "stdin:1:18-25",
         "count() must be assigned directly to a map");
    err1("BEGIN { break; }", E_CONTEXT, "stdin:1:9-14", "break used outside of a loop");
}

static void test_err_types(void **state) {
    (void)state;
    err1("BEGIN { $x = 1; $x = \"s\"; }", E_TYPE, "stdin:1:17-25",
         "Type mismatch for $x: trying to assign value of type 'string[2]' when variable already "
         "has a type 'int8'");
    err1("BEGIN { @m = 1; @m = \"a\"; }", E_TYPE, "stdin:1:17-25",
         "Type mismatch for @m: trying to assign value of type 'string[2]' when map already has a "
         "type 'int8'");
    /* an aggregation is reported at the call, ++ as the uint64 it adds */
    err1("BEGIN { @m = 1; @m = count(); }", E_TYPE, "stdin:1:22-29",
         "Type mismatch for @m: trying to assign value of type 'count_t' when map already has a "
         "type 'int8'");
    err1("BEGIN { @m = \"a\"; @m++; }", E_TYPE, "stdin:1:19-23",
         "Type mismatch for @m: trying to assign value of type 'uint64' when map already has a "
         "type 'string[2]'");
    /* a read of a map nobody assigns still fixes its key shape */
    err1("BEGIN { print(@a[1]); print(@a[1, 2]); }", E_TYPE, "stdin:1:29-37",
         "Argument mismatch for @a: trying to access with arguments: '(int8,int8)' when map "
         "expects arguments: 'int8'");
    err1("BEGIN { $x = @a[1]; @a = 2; }", E_TYPE, "stdin:1:21-23",
         "@a used as a map without an explicit key (scalar map), previously used with an explicit "
         "key (non-scalar map)");
    err1("BEGIN { @m = count(); @m = sum(1); }", E_TYPE, "stdin:1:28-34",
         "Type mismatch for @m: trying to assign value of type 'sum_t' when map already has a "
         "type 'count_t'");
    err1("BEGIN { @m[1] = 1; @m[\"a\"] = 2; }", E_TYPE, "stdin:1:20-27",
         "Argument mismatch for @m: trying to access with arguments: 'string[2]' when map "
         "expects arguments: 'int8'");
    err1("BEGIN { @x[1] = 1; @x = 2; }", E_TYPE, "stdin:1:20-22",
         "@x used as a map without an explicit key (scalar map), previously used with an "
         "explicit key (non-scalar map)");
    err1("BEGIN { @x = 1; @x[1] = 2; }", E_TYPE, "stdin:1:17-22",
         "@x used as a map with an explicit key (non-scalar map), previously used without an "
         "explicit key (scalar map)");
    err1("BEGIN { @x = 1; delete(@x, 1); }", E_ARGS, "stdin:1:17-30",
         "call to delete() with two arguments expects a map with explicit keys (non-scalar map)");
    err1("BEGIN { @h[1] = hist(1); print(@h[1]); }", E_TYPE, "stdin:1:32-37",
         "Map type hist_t cannot print the value of individual keys. You must print the whole "
         "map.");
    type_mismatch_names_each_side();
    err1("BEGIN { $s = \"a\"; if ($s < \"b\") {} }", E_TYPE, "stdin:1:23-31",
         "The < operator can not be used on expressions of types string[2], string[2]");
    err1("BEGIN { $x = -\"a\"; }", E_TYPE, "stdin:1:14-18",
         "The - operator can not be used on expressions of type 'string[2]'");
    err1("BEGIN { $c = 1; $x = $c ? 2 : \"a\"; }", E_TYPE, "stdin:1:22-34",
         "Branches must return the same type or compatible types: have 'int8' and 'string[2]'");
    err1("BEGIN { $x = (1, 2); $y = $x.2; }", E_TYPE, "stdin:1:27-31",
         "Invalid tuple index: 2. Found 2 elements in tuple.");
    err1("BEGIN { $x = (uint16)\"a\"; }", E_TYPE, "stdin:1:14-22",
         "Cannot cast from \"string[2]\" to \"uint16\"");
    run_free(ok("BEGIN { if (\"a\") {} }")); /* a literal string folds to true */
    err1("BEGIN { $s = \"a\"; if ($s) {} }", E_TYPE, "stdin:1:19-29", "Invalid condition: string");
    err1("BEGIN /comm/ { }", E_TYPE, "stdin:1:8-12", "Invalid type for predicate: string[16]");
    err1("BEGIN { $x = printf(\"a\"); }", E_TYPE, "stdin:1:9-25",
         "Value 'void' cannot be assigned to a scratch variable.");
}

static void test_err_args(void **state) {
    (void)state;
    err1("BEGIN { exit(1, 2); }", E_ARGS, "stdin:1:9-19",
         "exit() takes up to one argument (2 provided)");
    err1("BEGIN { @x = sum(); }", E_ARGS, "stdin:1:14-19",
         "sum() requires one argument (0 provided)");
    err1("BEGIN { @x = count(1); }", E_ARGS, "stdin:1:14-22",
         "count() requires no arguments (1 provided)");
    err1("BEGIN { @x = lhist(1, 0, 10); }", E_ARGS, "stdin:1:14-29",
         "lhist() requires 4 arguments (3 provided)");
    err1("BEGIN { @x = sum(\"a\"); }", E_ARGS, "stdin:1:14-22",
         "sum() only supports integer arguments (string[2] provided)");
    err1("BEGIN { @x = lhist(1, 0, 10, 0); }", E_ARGS, "stdin:1:14-32",
         "lhist() step must be >= 1 (0 provided)");
    err1("BEGIN { @x = lhist(1, 10, 0, 1); }", E_ARGS, "stdin:1:14-32",
         "lhist() min must be less than max (provided min 10 and max 0)");
    err1("BEGIN { @x = lhist(1, 0, 10, 1); @x = lhist(1, 0, 20, 1); }", E_ARGS, "stdin:1:39-57",
         "Different lhist bounds in a single map unsupported");
    err1("BEGIN { @x = hist(1, 9); }", E_ARGS, "stdin:1:22-23",
         "hist() bits must be between 0 and 5 (9 provided)");
    err1("BEGIN { @x = 1; clear(@x[1]); }", E_ARGS, "stdin:1:23-28",
         "The map passed to clear() should not be indexed by a key");
    err1("BEGIN { clear(1); }", E_ARGS, "stdin:1:9-17", "clear() expects a map to be provided");
    err1("BEGIN { @x[1] = 1; print(@x, \"a\"); }", E_ARGS, "stdin:1:20-34",
         "print() expects an integer literal (string provided)");
    err1("BEGIN { print(1, 2); }", E_ARGS, "stdin:1:9-20",
         "Non-map print() only takes 1 argument, 2 found");
    err1("BEGIN { time(1); }", E_ARGS, "stdin:1:9-16",
         "time() expects a string literal (integer provided)");
    err1("BEGIN { printf(1); }", E_ARGS, "stdin:1:9-18",
         "printf() expects a string literal (integer provided)");
    err1("BEGIN { $x = str(\"a\", \"b\"); }", E_ARGS, "stdin:1:14-27",
         "str() only supports int arguments (string provided)");
    err1("BEGIN { $x = str((1, 2)); }", E_ARGS, "stdin:1:14-25",
         "str() expects an integer or a pointer type as first argument ((int8,int8) provided)");
}

static void test_err_printf(void **state) {
    (void)state;
    err1("BEGIN { printf(\"%d\\n\"); }", E_PRINTF, "stdin:1:9-23",
         "not enough arguments for format string (0 supplied, 1 expected)");
    err1("BEGIN { printf(\"%d\\n\", 1, 2); }", E_PRINTF, "stdin:1:9-29",
         "too many arguments for format string (2 supplied, 1 expected)");
    err1("BEGIN { printf(\"%d\\n\", \"s\"); }", E_PRINTF, "stdin:1:9-28",
         "unsupported format specifier for type 'string[2]': d");
    err1("BEGIN { printf(\"%f\\n\", 1); }", E_PRINTF, "stdin:1:9-26",
         "unsupported format specifier: f");
    struct run *r = ok("BEGIN { printf(\"%c %5.2lu %-08llx %p %% %u %i %X %o %s %hhd\\n\","
                       " 65, 1, 2, 3, true, -1, 255, 8, probe, 1); }");
    run_free(r);
}

/* A let nothing assigns warns at the probe's end, after the reads' warnings;
 * sema prints its errors first, as bpftrace prints a pass's errors first. */
static void test_never_assigned_order(void **state) {
    (void)state;
    struct run *r = run("BEGIN { let $b; let $a: int8; print($a); printf(\"%d\\n\", 1, 2); }");
    assert_int_equal(r->rc, -1);
    const char *err = strstr(r->err, "ERROR: too many arguments");
    const char *used = strstr(r->err, "WARNING: Variable used before it was assigned: $a");
    const char *a = strstr(r->err, "stdin:1:17-23: WARNING: Variable $a was never assigned to.");
    const char *b = strstr(r->err, "stdin:1:9-15: WARNING: Variable $b was never assigned to.");
    if (!err || !used || !a || !b || !(err < used && used < a && a < b))
        fail_msg("order: %s", r->err);
    run_free(r);
    run_free(ok("BEGIN { let $x: int8; $p = &$x; let $y; $y = 1; }"));
}

static void test_err_undefined(void **state) {
    (void)state;
    err1("BEGIN { print($y); }", E_UNDEFINED, "stdin:1:15-17",
         "Undefined or undeclared variable: $y");
    err1("BEGIN { $y++; }", E_UNDEFINED, "stdin:1:9-11", "Undefined or undeclared variable: $y");
    err1("BEGIN { $y += 1; }", E_UNDEFINED, "stdin:1:9-11", "Undefined or undeclared variable: $y");
    err1("BEGIN { print(@y); }", E_UNDEFINED, "stdin:1:15-17", "Undefined map: @y");
    /* block scoping, as bpftrace 0.22+ */
    err1("BEGIN { if (1) { $x = 1; } print($x); }", E_UNDEFINED, "stdin:1:34-36",
         "Undefined or undeclared variable: $x");
    err1("BEGIN { @m[0] = 1; for ($kv : @m) { $x = 2; } print($x); }", E_UNDEFINED, "stdin:1:53-55",
         "Undefined or undeclared variable: $x");
    err1("BEGIN { let $x = 1; if (1) { let $x = 2; } }", E_TYPE, "stdin:1:30-40",
         "Variable $x was already declared. Variable shadowing is not allowed.");
    /* sibling blocks declare different variables; let without a value reads 0
     * (typed by a later assignment), and never typed it is an error */
    run_free(ok("BEGIN { if (1) { $a = 1; } else { $a = \"s\"; } let $z; print($z); $z = 2; }"));
    err1("BEGIN { let $z; print($z); }", E_TYPE, "stdin:1:23-25",
         "Could not resolve the type of this variable");
    /* Variables belong to their probe block. */
    err1("BEGIN { $x = 1; } END { print($x); }", E_UNDEFINED, "stdin:1:31-33",
         "Undefined or undeclared variable: $x");
}

static void test_err_unsupported(void **state) {
    (void)state;
    err1("BEGIN { @m = count(); for ($kv : @m) { } }", E_TYPE, "stdin:1:34-36",
         "for loops need a map with keys (@m has none)");
    err1("BEGIN { @m[1] = hist(1); for ($kv : @m) { } }", E_TYPE, "stdin:1:37-39",
         "Map type hist_t cannot print the value of individual keys. You must print the whole "
         "map.");
    /* each for loop declares its own variable */
    run_free(ok("BEGIN { @a[1] = 1; @b[\"x\"] = \"y\"; for ($kv : @a) { } for ($kv : @b) { } "
                "$i = \"s\"; for ($i : 0..2) { } }"));
    err1("BEGIN { for ($i : 0..2) { } print($i); }", E_UNDEFINED, "stdin:1:35-37",
         "Undefined or undeclared variable: $i");
    err1("BEGIN { unroll(101) { } }", E_ARGS, "stdin:1:9-24", "unroll maximum value is 100");
    err1("BEGIN { unroll(0) { } }", E_ARGS, "stdin:1:9-22", "unroll minimum value is 1");
    err1("BEGIN { while (\"s\") { } }", E_TYPE, "stdin:1:16-19",
         "Invalid condition in while(): string[2]");
    err1("BEGIN { while (1) { continue; } break; }", E_CONTEXT, "stdin:1:33-38",
         "break used outside of a loop");
    err1("BEGIN { $x = *\"a\"; }", E_TYPE, "stdin:1:14-18",
         "The * operator can not be used on expressions of type 'string[2]'");
    run_free(ok("BEGIN { $x = *1; }")); /* an integer address: a uint64 read */
    run_free(ok("BEGIN { $x = 1; $y = &$x; }"));
    err1("BEGIN { $y = &pid; }", E_SYNTAX, "stdin:1:14-18",
         "syntax: address-of operator (&) can only be used on a map or variable");
    err1("BEGIN { print((struct nope *)0); }", E_UNKNOWN_IDENT, "stdin:1:16-29",
         "Cannot resolve unknown type \"struct nope\"");
    err1("BEGIN { $x = offsetof(struct foo, bar); }", E_UNKNOWN_IDENT, "stdin:1:23-33",
         "Cannot resolve unknown type \"struct foo\"");
    err1("BEGIN { skboutput(1); }", E_ARGS, "stdin:1:9-21",
         "skboutput() requires 4 arguments (1 provided)");
    err1("BEGIN { print(kstack(build_id)); }", E_ARGS, "stdin:1:15-31",
         "'build_id' stack mode can only be used for ustack");
    err1("BEGIN { let $x: string = \"a\"; }", E_UNSUPPORTED, "stdin:1:17-23",
         "variables declared with type 'string' are not supported yet");
    run_free(ok("BEGIN { let $x: uint8 = 255; $x = 5; let $y: int16; }"));
    err1("BEGIN { $x = comm.foo; }", E_TYPE, "stdin:1:14-22",
         "Can not access field 'foo' on expression of type 'string[16]'");
    err1("BEGIN { $x = comm[16]; }", E_TYPE, "stdin:1:14-22",
         "the index 16 is out of bounds for array of size 16");
}

static void test_reports_every_error(void **state) {
    (void)state;
    struct run *r = run("BEGIN { foo(); $x = bar; printf(\"%d\\n\"); } kprobe:f { } END { @y[1] = "
                        "1; @y[\"a\"] = 1; }");
    assert_int_equal(r->rc, -1);
    assert_int_equal(r->d.nerrors, 5);
    run_free(r);
    /* A probe that failed to expand gets no follow-up context errors. */
    r = run("kprobe:f { @start[arg0] = nsecs; } kretprobe:f { @x = @start[arg0]; print(retval); }");
    assert_int_equal(r->d.nerrors, 2);
    run_free(r);
}

static void test_misc_ok(void **state) {
    (void)state;
    struct run *r =
        ok("BEGIN { _ = 1; exit(); } BEGIN { time(); time(\"%H\\n\"); $p = pid(); "
           "@c = count(); if (@c > 1) { exit(2); } else if (1) { print(@c); } else { } "
           "@t[pid, comm] = 1; delete(@t, (1, \"x\")); @d += 5; @d--; $i = 1; $i *= 2; }");
    assert_int_equal(find(r->prog, N_CALL, "exit")->sym, F_EXIT);
    assert_int_equal(find(r->prog, N_IDENT, "pid")->sym, B_PID); /* pid() became pid */
    run_free(r);
    assert_string_equal(builtin_name(B_COMM), "comm");
    assert_string_equal(builtin_name(B_ARG0 + 2), "argN");
    assert_string_equal(func_name(F_LHIST), "lhist");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builtins_and_calls),
        cmocka_unit_test(test_literals_and_operators),
        cmocka_unit_test(test_tuples_and_ternary),
        cmocka_unit_test(test_variable_strings_grow),
        cmocka_unit_test(test_maps),
        cmocka_unit_test(test_maps_across_probes),
        cmocka_unit_test(test_units_special),
        cmocka_unit_test(test_units_tracepoint),
        cmocka_unit_test(test_positional),
        cmocka_unit_test(test_positional_in_attach_point),
        cmocka_unit_test(test_config),
        cmocka_unit_test(test_err_unknown),
        cmocka_unit_test(test_err_probe_tracefs),
        cmocka_unit_test(test_err_context),
        cmocka_unit_test(test_err_types),
        cmocka_unit_test(test_err_args),
        cmocka_unit_test(test_err_printf),
        cmocka_unit_test(test_err_undefined),
        cmocka_unit_test(test_never_assigned_order),
        cmocka_unit_test(test_err_unsupported),
        cmocka_unit_test(test_reports_every_error),
        cmocka_unit_test(test_misc_ok),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
