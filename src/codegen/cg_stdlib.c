/* Standard library functions: has_key, strftime, bswap, strerror,
 * syscall_name, ntop and join. Values that user space names (timestamps,
 * addresses, errno and syscall numbers) travel as their numbers or bytes. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/cg.h"
#include "codegen/cg_map.h"
#include "codegen/cg_typed.h"

static struct val in_reg(int reg) {
    return (struct val){.kind = V_REG, .reg = reg};
}

/* has_key(@m, k): whether bpf_map_lookup_elem finds the key. */
static struct val has_key(struct cg *cg, struct node *call) {
    struct node keyed = *call->a;
    keyed.a = call->a->next;
    int mark = cg_frame_mark(cg);
    int key = cg_map_key(cg, &keyed, 0);
    cg_call_lookup(cg, cg_map_index(cg, call->a), key);
    cg_frame_release(cg, mark);
    int reg = cg_reg_alloc(cg, &call->loc);
    emit(&cg->e, MOV64_IMM(reg, 0));
    int done = emit_label(&cg->e);
    emit_jump(&cg->e, JMP_IMM(BPF_JEQ, R0, 0, 0), done);
    emit(&cg->e, MOV64_IMM(reg, 1));
    emit_place(&cg->e, done);
    return in_reg(reg);
}

/* bswap(x) swaps the bytes of the width sema gave the result. */
static struct val bswap(struct cg *cg, struct node *call) {
    struct val v = cg_int(cg, call->a);
    int reg = cg_val_reg(cg, &v, &call->loc);
    int bits = (int)call->ty->size * 8;
    if (bits == 8)
        emit(&cg->e, ALU64_IMM(BPF_AND, reg, 0xff));
    else
        emit(&cg->e, BSWAP_BE(reg, bits)); /* little-endian host: to_be swaps */
    return in_reg(reg);
}

static struct val nsecs(struct cg *cg, struct node *call) {
    static const int helpers[] = {
        [NSECS_BOOT] = BPF_FUNC_ktime_get_boot_ns,
        [NSECS_MONOTONIC] = BPF_FUNC_ktime_get_ns,
        [NSECS_TAI] = BPF_FUNC_ktime_get_tai_ns,
        [NSECS_SW_TAI] = BPF_FUNC_ktime_get_boot_ns,
    };
    emit(&cg->e, CALL_HELPER(helpers[call->aux]));
    int reg = cg_reg_alloc(cg, &call->loc);
    emit(&cg->e, MOV64_REG(reg, R0));
    if (call->aux == NSECS_SW_TAI) {
        emit(&cg->e, LD_IMM64_LO(R1, 0, call->num));
        emit(&cg->e, LD_IMM64_HI(call->num));
        emit(&cg->e, ALU64_REG(BPF_ADD, reg, R1));
    }
    return in_reg(reg);
}

struct val cg_stdlib_int(struct cg *cg, struct node *call) {
    switch ((enum func)call->sym) {
    case F_NSECS:
        return nsecs(cg, call);
    case F_LEN:
        if (call->a->ty && call->a->ty->kind == T_STACK)
            return cg_stack_len(cg, call->a);
        return cg_map_len(cg, call->a);
    case F_STRLEN:
    case F_STRNCMP:
    case F_STRCONTAINS:
    case F_STRSTR:
        return cg_strfunc_int(cg, call);
    case F_MEMCMP:
        return cg_memcmp(cg, call);
    case F_HAS_KEY:
        return has_key(cg, call);
    case F_UADDR:
        return cg_uaddr(cg, call);
    case F_BSWAP:
        return bswap(cg, call);
    case F_STRFTIME:
        return cg_int(cg, call->a->next); /* the ns; user space formats them */
    case F_STRERROR:
    case F_SYSCALL_NAME:
    case F_SIGNAL_NAME:
    case F_CGROUP_PATH:
    case F_KPTR:
    case F_UPTR: /* the pointer itself; only its type changed */
        return cg_int(cg, call->a);
    case F_REG:
    case F_SOCKET_COOKIE:
    case F_SKBOUTPUT:
        return cg_ctxfunc_int(cg, call);
    case F_PERCPU_KADDR:
        return cg_percpu_kaddr(cg, call);
    case F_MACADDR: {
        /* the 6 bytes and 2 zeros travel as one 8-byte value */
        int mark = cg_frame_mark(cg);
        int tmp = cg_frame_alloc(cg, 8);
        cg_macaddr(cg, call, tmp);
        int reg = cg_reg_alloc(cg, &call->loc);
        emit(&cg->e, LDX_MEM(BPF_DW, reg, cg->fp, tmp));
        cg_frame_release(cg, mark);
        return in_reg(reg);
    }
    default:
        cg_error(cg, &call->loc, E_UNSUPPORTED, "%s() has no value here", call->str);
        return (struct val){.kind = V_IMM};
    }
}

/* The address bytes, zeros included: a char array in memory is copied
 * whole, not as a string. */
static void addr_bytes(struct cg *cg, struct node *addr, int off) {
    if (!cg_is_typed_ref(addr)) {
        cg_store_value(cg, addr, addr->ty, off);
        return;
    }
    const struct type *raw = type_array(cg->sema->types, &type_u8, addr->ty->size);
    int mark = cg_frame_mark(cg);
    struct mref r;
    cg_mref(cg, addr, &r);
    cg_mref_copy(cg, &r, raw, off, (int)addr->ty->size);
    cg_mref_release(cg, &r);
    cg_frame_release(cg, mark);
}

/* ntop([af,] addr) writes a struct text_inet at fp + off: the family, then
 * the address bytes as they are in memory (an integer's low bytes first). */
void cg_ntop(struct cg *cg, struct node *call, int off) {
    struct node *addr = call->a->next ? call->a->next : call->a;
    int addr_off = off + (int)offsetof(struct text_inet, addr);
    if (call->a->next) {
        cg_store_value(cg, call->a, &type_u64, off);
    } else {
        int af = addr->ty->size == 16 ? 10 : 2; /* AF_INET6, AF_INET */
        emit(&cg->e, ST_MEM(BPF_DW, cg->fp, off, af));
    }
    if (addr->ty->kind == T_ARRAY || addr->ty->kind == T_STRING) {
        addr_bytes(cg, addr, addr_off);
        if (addr->ty->size < 16)
            cg_zero(cg, addr_off + (int)addr->ty->size, 16 - (int)addr->ty->size);
    } else {
        cg_store_value(cg, addr, &type_u64, addr_off);
        cg_zero(cg, addr_off + 8, 8);
    }
}

/* macaddr(a): a's first 6 bytes, then zeros. */
void cg_macaddr(struct cg *cg, struct node *call, int off) {
    if (call->a->ty->kind == T_INT) { /* an address: the six bytes there */
        struct mref r;
        cg_mref_through(cg, call->a, &r);
        cg_mref_copy(cg, &r, type_array(cg->sema->types, &type_u8, 6), off, 8);
        cg_mref_release(cg, &r);
        return;
    }
    int mark = cg_frame_mark(cg);
    int tmp = cg_frame_alloc(cg, (int)call->a->ty->size);
    addr_bytes(cg, call->a, tmp);
    cg_copy_stack(cg, off, tmp, 6);
    cg_zero(cg, off + 6, 2);
    cg_frame_release(cg, mark);
}

/* pton("addr"): the address's bytes, parsed by sema already. */
void cg_pton(struct cg *cg, struct node *call, int off) {
    uint8_t buf[16] = {0};
    int n = (int)call->ty->size;
    inet_pton(n == 16 ? AF_INET6 : AF_INET, call->a->str, buf);
    for (int i = 0; i < n; i += 4) {
        int32_t word;
        memcpy(&word, buf + i, 4);
        emit(&cg->e, ST_MEM(BPF_W, cg->fp, off + i, word));
    }
}

/* join(argv[, sep]): reads up to JOIN_ARGNUM pointers from argv and the
 * strings they point at into one record. A failed read leaves zeros, so
 * the list ends at argv's NULL. */
void cg_join(struct cg *cg, struct node *call) {
    int id;
    struct event_desc *ev = cg_event_new(cg, EV_JOIN, &id);
    if (!ev)
        return;
    struct node *sep = call->a->next;
    ev->fmt = strdup(sep ? sep->str : " ");
    ev->size = (uint32_t)sizeof(struct event_header) + JOIN_ARGNUM * JOIN_ARGSIZE;
    const struct type *t = call->a->ty;
    bool user = t && t->is_ptr && t->addr == AS_USER;
    int read = user ? BPF_FUNC_probe_read_user : BPF_FUNC_probe_read_kernel;
    int read_str = user ? BPF_FUNC_probe_read_user_str : BPF_FUNC_probe_read_kernel_str;

    /* ev may move once the argument's code adds events: keep its size */
    int size = (int)ev->size;
    int mark = cg_frame_mark(cg);
    int rec = cg_frame_alloc(cg, size);
    int slot = cg_frame_alloc(cg, 8);
    emit(&cg->e, ST_MEM(BPF_W, cg->fp, rec, id));
    emit(&cg->e, ST_MEM(BPF_W, cg->fp, rec + 4, 0));
    struct val argv = cg_int(cg, call->a);
    int preg = cg_val_reg(cg, &argv, &call->loc);
    for (int i = 0; i < JOIN_ARGNUM; i++) {
        /* slot = argv[i]; then the string it points at */
        cg_stack_ptr(cg, R1, slot);
        emit(&cg->e, MOV64_IMM(R2, 8));
        emit(&cg->e, MOV64_REG(R3, preg));
        emit(&cg->e, ALU64_IMM(BPF_ADD, R3, i * 8));
        emit(&cg->e, CALL_HELPER(read));
        cg_stack_ptr(cg, R1, rec + (int)sizeof(struct event_header) + i * JOIN_ARGSIZE);
        emit(&cg->e, MOV64_IMM(R2, JOIN_ARGSIZE));
        emit(&cg->e, LDX_MEM(BPF_DW, R3, cg->fp, slot));
        emit(&cg->e, CALL_HELPER(read_str));
    }
    cg_val_free(cg, &argv);
    cg_note_stream(cg);
    cg_ringbuf_output(cg, rec, size);
    cg_frame_release(cg, mark);
}
