/* The running kernel's BTF, read once per process: vmlinux's for the ids
 * that program loads name (iterators), and vmlinux and every loaded module
 * as a list of functions for the providers that attach to kernel functions
 * (fentry/fexit, rawtracepoint) and their listings. */
#ifndef TRAWK_KBTF_H
#define TRAWK_KBTF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct btf;

struct kbtf_obj {
    char *name;      /* "vmlinux" or the module's name */
    struct btf *btf; /* split on vmlinux's for modules */
    uint32_t first;  /* the first type id of this object's own */
    uint32_t *index; /* ids of its FUNCs and TYPEDEFs sorted by name */
    uint32_t nindex;
};

/* vmlinux's BTF, NULL when the kernel has none. Owned here. */
const struct btf *kbtf_vmlinux(void);
/* The id of a type of the given BTF_KIND_* named name in vmlinux, -1 when absent. */
int kbtf_id(const char *name, int kind);

/* vmlinux first, then the modules in name order. Returns how many (0
 * without kernel BTF). */
int kbtf_objects(const struct kbtf_obj **objs);

/* A BTF function: its object and the id of its FUNC_PROTO. */
struct kbtf_func {
    const struct kbtf_obj *obj;
    const char *name;
    uint32_t proto;
    uint32_t id; /* of the FUNC */
};

/* Calls fn for each FUNC of every object whose name matches mod_glob
 * (fnmatch; NULL for all). Stops when fn returns non-zero and returns that. */
typedef int (*kbtf_func_fn)(const struct kbtf_func *f, void *arg);
int kbtf_foreach_func(const char *mod_glob, kbtf_func_fn fn, void *arg);

/* The function name in module (NULL or "vmlinux": vmlinux). */
bool kbtf_find_func(const char *module, const char *name, struct kbtf_func *out);

/* The BTF id of the typedef name in module (NULL: vmlinux), -1 if none. */
int kbtf_find_typedef(const char *module, const char *name);

/* Prints "    TYPE NAME" for each parameter of f's prototype from index
 * skip, as C declares it (-lv); argn names them arg0, arg1... as kprobes
 * see them (floating-point ones are not in those registers: skipped). */
void kbtf_print_params(const struct kbtf_func *f, int skip, bool argn, FILE *out);
/* Prints "    TYPE retval", or "    void" (when void_line is set) for a
 * function that returns nothing. */
void kbtf_print_retval(const struct kbtf_func *f, bool void_line, FILE *out);

/* Appends a malloc'd "module:name" to *names (*n entries, room for *cap),
 * growing it by doubling. Returns 0, -1 when out of memory. */
int kbtf_push_name(char ***names, int *n, int *cap, const char *module, const char *name);

/* Sorts and removes duplicates from an array of malloc'd strings; frees the
 * duplicates. Returns the new count. */
int kbtf_sort_unique(char **names, int n);

#endif
