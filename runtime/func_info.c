/* BTF function information for programs with callbacks. The verifier
 * accepts a callback (a subprogram passed to bpf_for_each_map_elem) only
 * when the program carries BTF func_info naming it a static function; the
 * main program and each callback get a function type "int f(void)", as
 * does a subprogram the program calls (the verifier wants every function
 * described once any is). */
#include <bpf/btf.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "rt_internal.h"

static bool is_func_ref(const struct bpf_insn *in) {
    return in->code == (BPF_LD | BPF_DW | BPF_IMM) && in->src_reg == BPF_PSEUDO_FUNC;
}

/* A bpf-to-bpf call (the map-full subprogram): a function to describe too. */
static bool is_local_call(const struct bpf_insn *in) {
    return in->code == (BPF_JMP | BPF_CALL) && in->src_reg == BPF_PSEUDO_CALL;
}

static int cmp_info(const void *a, const void *b) {
    const struct bpf_func_info *x = a, *y = b;
    return (x->insn_off > y->insn_off) - (x->insn_off < y->insn_off);
}

/* Adds a callback start unless it is already listed. */
static void add_start(struct rt_func_info *fi, uint32_t off) {
    for (int i = 0; i < fi->n; i++)
        if (fi->info[i].insn_off == off)
            return;
    fi->info[fi->n++].insn_off = off;
}

int rt_func_info_build(const struct bpf_insn *insns, int n, struct rt_func_info *fi) {
    *fi = (struct rt_func_info){.btf_fd = -1};
    int nrefs = 0, ncalls = 0;
    for (int i = 0; i < n; i++) {
        nrefs += is_func_ref(&insns[i]);
        ncalls += is_local_call(&insns[i]);
    }
    if (!nrefs) /* subprograms only called need no BTF */
        return 0;
    fi->info = calloc((size_t)(nrefs + ncalls) + 1, sizeof(*fi->info));
    struct btf *btf = btf__new_empty();
    if (!fi->info || !btf)
        goto fail;
    add_start(fi, 0);
    for (int i = 0; i < n; i++)
        if (is_func_ref(&insns[i]) || is_local_call(&insns[i]))
            add_start(fi, (uint32_t)(i + 1 + insns[i].imm));
    qsort(fi->info, (size_t)fi->n, sizeof(*fi->info), cmp_info);
    int int_id = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
    int proto = btf__add_func_proto(btf, int_id);
    for (int i = 0; i < fi->n; i++) {
        char name[32];
        snprintf(name, sizeof(name), i == 0 ? "main" : "callback_%d", i);
        int id = btf__add_func(btf, name, BTF_FUNC_STATIC, proto);
        if (id < 0)
            goto fail;
        fi->info[i].type_id = (uint32_t)id;
    }
    if (int_id < 0 || proto < 0 || btf__load_into_kernel(btf) < 0)
        goto fail;
    fi->btf_fd = dup(btf__fd(btf));
    btf__free(btf);
    return fi->btf_fd < 0 ? -1 : 0;
fail:
    btf__free(btf);
    rt_func_info_free(fi);
    return -1;
}

void rt_func_info_free(struct rt_func_info *fi) {
    free(fi->info);
    if (fi->btf_fd >= 0)
        close(fi->btf_fd);
    *fi = (struct rt_func_info){.btf_fd = -1};
}
