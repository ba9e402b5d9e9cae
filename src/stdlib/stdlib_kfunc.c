/* stdlib/kfunc.bt: kfunc_exist() and kfunc_allowed(), on the lines of
 * bpftrace's own module (each macro on line 5 and 19), so that messages
 * about a call name the same place. bpftrace's bodies check the argument
 * with `if comptime (is_literal(x) && is_str(x))` and fail(); here the
 * builtin checks it (src/sema/sema_kfunc.c). */
#include "stdlib/stdlib.h"

const char stdlib_kfunc_bt[] =
    "// kfunc_exist(name): whether the kernel's BTF has the function name.\n"
    "// A constant; name must be a string literal.\n"
    "//\n"
    "// The builtin reports an argument that is no string literal.\n"
    "macro kfunc_exist(kfunc)\n"
    "{\n"
    "  // line and column of bpftrace's call, which sits in its `if comptime`\n"
    "    __builtin_kfunc_exist(kfunc)\n"
    "}\n"
    "\n"
    "\n"
    "\n"
    "\n"
    "\n"
    "// kfunc_allowed(name): whether the probe's program type may call the kfunc\n"
    "// name, as the kernel answers a program that calls it. A constant; name\n"
    "// must be a string literal.\n"
    "//\n"
    "macro kfunc_allowed(kfunc)\n"
    "{\n"
    "  // line and column of bpftrace's call, as above\n"
    "    __builtin_kfunc_allowed(kfunc)\n"
    "}\n";
