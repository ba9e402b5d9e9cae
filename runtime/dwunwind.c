/* DWARF unwinding in user space, perf's way: libdw reads the modules of a
 * process once (the first stack it is asked for) and answers, for each pc,
 * the CFA and where the caller's return address and rbp are saved; the
 * words come from the stack the probe copied. Only rsp and rbp are known,
 * which is what compilers' CFI uses to find frames on x86_64. */
#include "dwunwind.h"

#include "sys/dw_lib.h"

#include <dwarf.h>
#include <stdlib.h>
#include <string.h>

#define REG_RBP 6
#define REG_RSP 7
#define EVAL_DEPTH 8

struct dw_proc {
    int pid;
    Dwfl *dwfl; /* NULL: its maps could not be read, not tried again */
};

static struct dw_proc *procs;
static int nprocs, cap_procs;
static int *known_pids;
static int nknown;

static const struct dw_lib *L; /* set by rt_dw_unwind before any use */

void rt_dw_set_pids(const int *pids, int n) {
    free(known_pids);
    known_pids = n > 0 ? malloc((size_t)n * sizeof(int)) : NULL;
    nknown = known_pids ? n : 0;
    if (known_pids)
        memcpy(known_pids, pids, (size_t)n * sizeof(int));
}

bool rt_dw_pid_known(int pid) {
    for (int i = 0; i < nknown; i++)
        if (known_pids[i] == pid)
            return true;
    return false;
}

/* Reads the process's modules again: libraries loaded since (the first
 * stack may be taken in ld.so, before libc is mapped). */
static void refresh(struct dw_proc *p) {
    L->dwfl_report_begin(p->dwfl);
    if (L->dwfl_linux_proc_report(p->dwfl, p->pid) != 0)
        L->dwfl_report_begin_add(p->dwfl); /* gone: keep what was known */
    L->dwfl_report_end(p->dwfl, NULL, NULL);
}

/* The modules of pid; a pc outside them (stale) reads them again. */
static Dwfl *proc_dwfl(int pid, uint64_t pc) {
    for (int i = 0; i < nprocs; i++)
        if (procs[i].pid == pid) {
            if (procs[i].dwfl && !L->dwfl_addrmodule(procs[i].dwfl, pc))
                refresh(&procs[i]);
            return procs[i].dwfl;
        }
    if (nprocs == cap_procs) {
        int cap = cap_procs ? cap_procs * 2 : 8;
        struct dw_proc *p = realloc(procs, (size_t)cap * sizeof(*p));
        if (!p)
            return NULL;
        procs = p;
        cap_procs = cap;
    }
    Dwfl *d = L->dwfl_begin(&L->callbacks);
    if (d && (L->dwfl_linux_proc_report(d, pid) != 0 || L->dwfl_report_end(d, NULL, NULL) != 0)) {
        L->dwfl_end(d);
        d = NULL;
    }
    procs[nprocs++] = (struct dw_proc){.pid = pid, .dwfl = d};
    return d;
}

/* The 8 bytes at addr, from the copy of the stack. */
static bool stack_word(const struct rt_dw_stack *in, uint64_t addr, uint64_t *v) {
    if (addr < in->sp || addr - in->sp > in->len || in->len - (addr - in->sp) < 8)
        return false;
    memcpy(v, in->stack + (addr - in->sp), 8);
    return true;
}

/* The DWARF expressions CFI rules become: bregN, call_frame_cfa,
 * constants, plus and minus. */
static bool eval(const Dwarf_Op *ops, size_t n, const uint64_t *regs, uint64_t cfa, uint64_t *out) {
    uint64_t st[EVAL_DEPTH];
    int sp = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t op = ops[i].atom;
        bool binary = op == DW_OP_plus || op == DW_OP_minus;
        if ((binary && sp < 2) || (op == DW_OP_plus_uconst && sp < 1) ||
            (!binary && op != DW_OP_plus_uconst && sp == EVAL_DEPTH))
            return false;
        /* bregN adds an offset to register N, bregx names it in number */
        uint64_t reg = op == DW_OP_bregx ? ops[i].number : (uint64_t)(op - DW_OP_breg0);
        uint64_t off = op == DW_OP_bregx ? ops[i].number2 : ops[i].number;
        bool breg = op == DW_OP_bregx || (op >= DW_OP_breg0 && op <= DW_OP_breg31);
        if (breg && (reg == REG_RSP || reg == REG_RBP))
            st[sp++] = regs[reg] + off;
        else if (op == DW_OP_call_frame_cfa)
            st[sp++] = cfa;
        else if (op == DW_OP_consts || op == DW_OP_constu)
            st[sp++] = ops[i].number;
        else if (op >= DW_OP_lit0 && op <= DW_OP_lit31)
            st[sp++] = (uint64_t)(op - DW_OP_lit0);
        else if (op == DW_OP_plus_uconst)
            st[sp - 1] += ops[i].number;
        else if (binary) {
            sp--;
            st[sp - 1] = op == DW_OP_plus ? st[sp - 1] + st[sp] : st[sp - 1] - st[sp];
        } else
            return false;
    }
    if (sp == 0)
        return false;
    *out = st[sp - 1];
    return true;
}

/* The CFI row of pc: .eh_frame first, .debug_frame where it has none.
 * The caller frees it. */
static Dwarf_Frame *frame_at(Dwfl *dwfl, uint64_t pc) {
    Dwfl_Module *mod = L->dwfl_addrmodule(dwfl, pc);
    Dwarf_Addr bias;
    Dwarf_Frame *frame = NULL;
    Dwarf_CFI *cfi = mod ? L->dwfl_module_eh_cfi(mod, &bias) : NULL;
    if (cfi && L->dwarf_cfi_addrframe(cfi, pc - bias, &frame) == 0)
        return frame;
    cfi = mod ? L->dwfl_module_dwarf_cfi(mod, &bias) : NULL;
    if (cfi && L->dwarf_cfi_addrframe(cfi, pc - bias, &frame) == 0)
        return frame;
    return NULL;
}

/* Restores the caller's value of register reg; false when CFI says it is
 * lost (the return address of the outermost frame). */
static bool restore(Dwarf_Frame *frame, int reg, const struct rt_dw_stack *in, const uint64_t *regs,
                    uint64_t cfa, uint64_t *out) {
    Dwarf_Op mem[3], *ops;
    size_t nops;
    int kind = L->dwarf_frame_register(frame, reg, mem, &ops, &nops);
    if (kind < 0 || (kind == 1 && nops == 0)) /* undefined */
        return false;
    if (nops == 0) { /* same value */
        *out = regs[reg];
        return reg <= REG_RSP;
    }
    uint64_t v;
    if (!eval(ops, nops, regs, cfa, &v))
        return false;
    if (kind == 1) { /* a value, not a location */
        *out = v;
        return true;
    }
    return stack_word(in, v, out);
}

/* One frame up from pc: the caller's pc, rsp and rbp. */
static bool step(Dwfl *dwfl, const struct rt_dw_stack *in, uint64_t *regs, uint64_t *pc,
                 bool first) {
    /* a return address may be past a call that ends its function */
    Dwarf_Frame *frame = frame_at(dwfl, first ? *pc : *pc - 1);
    if (!frame)
        return false;
    int ra = L->dwarf_frame_info(frame, NULL, NULL, NULL);
    Dwarf_Op *ops;
    size_t nops;
    uint64_t cfa = 0, rbp = regs[REG_RBP]; /* cfa stays 0 when the frame has none */
    bool ok = L->dwarf_frame_cfa(frame, &ops, &nops) == 0 && eval(ops, nops, regs, 0, &cfa) &&
              ra >= 0 && restore(frame, ra, in, regs, cfa, pc);
    if (ok && !restore(frame, REG_RBP, in, regs, cfa, &rbp))
        rbp = 0;
    free(frame);
    regs[REG_RBP] = rbp;
    regs[REG_RSP] = cfa;
    return ok;
}

int rt_dw_unwind(const struct rt_dw_stack *in, uint64_t *ips, int max) {
    if (!L && !(L = dw_lib_get("dw_ustack"))) {
        if (max < 1 || !in->ip)
            return 0;
        ips[0] = in->ip; /* without libdw, only the probe's own frame */
        return 1;
    }
    Dwfl *dwfl = proc_dwfl(in->pid, in->ip);
    uint64_t regs[REG_RSP + 1] = {0}, pc = in->ip;
    regs[REG_RSP] = in->sp;
    regs[REG_RBP] = in->bp;
    int n = 0;
    while (n < max && pc) {
        /* callers at their call instruction (return address - 1), as
         * bpftrace prints dw_ustack frames */
        ips[n] = n == 0 ? pc : pc - 1;
        n++;
        if (!dwfl || !step(dwfl, in, regs, &pc, n == 1))
            break;
    }
    return n;
}

void rt_dw_free(void) {
    for (int i = 0; i < nprocs; i++)
        if (procs[i].dwfl)
            L->dwfl_end(procs[i].dwfl);
    free(procs);
    procs = NULL;
    nprocs = cap_procs = 0;
    rt_dw_set_pids(NULL, 0);
}
