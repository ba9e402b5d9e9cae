/* vmlinux BTF, cached; see kbtf.h. */
#include "sys/kbtf.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <stdbool.h>

const struct btf *kbtf_vmlinux(void) {
    static struct btf *btf;
    static bool tried;
    if (!tried) {
        tried = true;
        btf = btf__load_vmlinux_btf();
        if (libbpf_get_error(btf))
            btf = NULL;
    }
    return btf;
}

int kbtf_id(const char *name, int kind) {
    const struct btf *btf = kbtf_vmlinux();
    int id = btf ? btf__find_by_name_kind(btf, name, (unsigned)kind) : -1;
    return id > 0 ? id : -1;
}
