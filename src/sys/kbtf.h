/* The kernel image's BTF through libbpf, loaded once per process: the ids
 * that program loads name (fentry targets, iterators) and the names the
 * listings walk. */
#ifndef TRAWK_KBTF_H
#define TRAWK_KBTF_H

struct btf;

/* vmlinux's BTF, NULL when the kernel has none. Owned here. */
const struct btf *kbtf_vmlinux(void);
/* The id of a type of the given BTF_KIND_* named name in vmlinux, -1 when absent. */
int kbtf_id(const char *name, int kind);

#endif
