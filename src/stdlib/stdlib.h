/* trawk's standard library: macros written in trawk's own language,
 * compiled with every script (src/parser/macro_expand.c loads them).
 * Messages located in it name the module, e.g. "stdlib/base.bt:6:5-37". */
#ifndef TRAWK_STDLIB_H
#define TRAWK_STDLIB_H

struct stdlib_module {
    const char *name; /* as messages and imports name it */
    const char *text;
};

/* The modules compiled with every script, ended by a NULL name. */
extern const struct stdlib_module stdlib_modules[];
/* stdlib/kfunc.bt's text, one of stdlib_modules (stdlib_kfunc.c). */
extern const char stdlib_kfunc_bt[];
/* The modules compiled only when a script imports them by name. */
extern const struct stdlib_module stdlib_imports[];

#endif
