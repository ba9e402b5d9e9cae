/* stdlib/base.bt: builtins callable as functions (comm() is comm), and the
 * functions bpftrace defines as macros of its own language. bpftrace's
 * messages point into its library by line and column; assert's errorf sits
 * where bpftrace's does (line 6, columns 5-37) so that they read the same. */
#include <stddef.h>

#include "stdlib/stdlib.h"

static const char base_bt[] =
    "// trawk standard library: compiled with every script.\n"
    "// assert(cond, msg): stops the whole run, exit code 1, when cond is false\n"
    "macro assert(cond, msg)\n"
    "{\n"
    "  if (!cond) {\n"
    "    errorf(\"assert failed: %s\", msg);\n"
    "    exit(1);\n"
    "  }\n"
    "}\n"
    "\n"
    "// container_of(ptr, typeof(T), field): the T whose field ptr points at\n"
    "macro container_of(ptr, type, field)\n"
    "{\n"
    "  (type *)((uint8 *)ptr - offsetof(type, field))\n"
    "}\n"
    "\n"
    "// is_err(ptr): whether ptr is an ERR_PTR, a kernel error code -4095..-1\n"
    "macro is_err(ptr)\n"
    "{\n"
    "  ((int64)ptr) < 0 && ((int64)ptr) >= (-4095)\n"
    "}\n"
    "\n"
    "// find(@map, key, $var): whether key is in @map; if so $var is its value\n"
    "macro find(@map, key, $var)\n"
    "{\n"
    "  $key = key;\n"
    "  if (has_key(@map, $key)) {\n"
    "    $var = @map[$key];\n"
    "    true\n"
    "  } else {\n"
    "    false\n"
    "  }\n"
    "}\n"
    "\n"
    "// Builtins that may also be called: each body is the builtin itself.\n"
    "macro comm() { __builtin_comm }\n"
    "macro config() { __builtin_config }\n"
    "macro cpu() { __builtin_cpu }\n"
    "macro curtask() { __builtin_curtask }\n"
    "macro elapsed() { __builtin_elapsed }\n"
    "macro func() { __builtin_func }\n"
    "macro gid() { __builtin_gid }\n"
    "macro jiffies() { __builtin_jiffies }\n"
    "macro ncpus() { __builtin_ncpus }\n"
    "macro numaid() { __builtin_numaid }\n"
    "macro probe() { __builtin_probe }\n"
    "macro probetype() { __builtin_probetype }\n"
    "macro rand() { __builtin_rand }\n"
    "macro retval() { __builtin_retval }\n"
    "macro uid() { __builtin_uid }\n"
    "macro usermode() { __builtin_usermode }\n"
    "macro username() { __builtin_username }\n"
    "\n"
    "// Blank lines put cpid()'s warnf on line 208, where bpftrace's is.\n"
    "\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n"
    "\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n"
    "\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n"
    "\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n"
    "\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n"
    "\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n"
    "\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n"
    "// has_cpid(): whether trawk runs a child command (-c), so cpid is its pid\n"
    "// (bpftrace 0.27.1's macro says the opposite of its documentation: see differences.md)\n"
    "macro has_cpid()\n"
    "{\n"
    "  __builtin_cpid != 0\n"
    "}\n"
    "\n"
    "// cpid(): the pid of the child command (-c); without one it is zero and\n"
    "// every evaluation warns, as in bpftrace: check has_cpid first\n"
    "\n"
    "\n"
    "\n"
    "\n"
    "macro cpid()\n"
    "{\n"
    "  let $cpid = __builtin_cpid;\n"
    "  if (__builtin_cpid == 0) {\n"
    "    warnf(\"No child command (`-c`); cpid is zero\");\n"
    "  }\n"
    "  $cpid\n"
    "}\n";

/* static_assert(cond, msg): fails the compilation with msg when the constant
 * cond is false. Its message is located at fail(msg), line 42, columns 5-14,
 * where bpftrace locates its own. */
static const char meta_bt[] =
    "// trawk standard library: compile-time helpers.\n"
    "// Blank lines put static_assert's fail(msg) on line 42, as in bpftrace.\n"
    "\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n"
    "macro static_assert(cond, msg)\n"
    "{\n"
    "  __static_assert(!cond, {\n"
    "    fail(msg);\n"
    "  })\n"
    "}\n";

const struct stdlib_module stdlib_modules[] = {
    {"stdlib/base.bt", base_bt},
    {"stdlib/meta.bt", meta_bt},
    {"stdlib/kfunc.bt", stdlib_kfunc_bt},
    {NULL, NULL},
};
