/* Internal state of the code generator, shared by its files. */
#ifndef TRAWK_CG_H
#define TRAWK_CG_H

#include <stdbool.h>
#include <stdint.h>

#include "codegen/emit.h"
#include "diag.h"
#include "manifest.h"
#include "parser/ast.h"
#include "sema/sema.h"

/* BPF registers by role. R1-R5 carry helper arguments and die at each call;
 * R6-R9 survive calls and hold expression temporaries. */
enum { R0, R1, R2, R3, R4, R5, R6, R7, R8, R9, R10 };
#define CG_POOL_FIRST R6
#define CG_POOL_LAST R9

#define CG_STACK_SIZE 512
/* Programs the kernel runs for one perf event (BPF_TRACE_MAX_PROGS). */
#define CG_MAX_PROGS_PER_EVENT 64
/* User maps a script may have before its plain scalars are packed into
 * one map: the kernel lets a program use 64, and some are internal. */
#define CG_MAX_MAPS_UNPACKED 48
/* The largest frame .scratch can hold: the kernel's limit on per-CPU values. */
#define CG_SCRATCH_SIZE 32768
/* A bigger frame lives in an array with an entry per CPU (cg_scratch.c);
 * r9 points CG_BIG_FRAME_BIAS bytes before the frame's end so that every
 * slot's offset fits an instruction's signed 16 bits. */
#define CG_BIG_FRAME_BIAS 32768
#define CG_BIG_FRAME_SIZE 65536
/* With a scratch frame, where r9 is kept on the real stack for callbacks. */
#define CG_SCRATCH_SPILL (-24)

/* Where an integer value lives (Lua's expression descriptor idea): constants
 * stay immediates until an instruction needs them in a register. */
enum val_kind { V_IMM, V_REG };
struct val {
    enum val_kind kind;
    int reg;
    int64_t imm;
};

/* Loop labels for break and continue. */
struct cg_loop {
    int brk, cont;
    struct cg_loop *outer;
};

struct cg {
    struct diag *d;
    struct sema_out *sema;
    struct manifest *m;
    struct emit e;
    /* the program being generated */
    const struct sema_unit *unit;
    const struct attach_target
        *target; /* the only target, or NULL when several share the program */
    int exit_label;
    int fp; /* frame pointer: r10, or r9 into .scratch for big frames */
    bool scratch;
    int pool_last;       /* last register of the temporaries' pool (r9, or r8 with scratch) */
    int scratch_map;     /* index of .scratch, -1 until a program needs it */
    int nested_frames;   /* .scratch entries given to programs that may nest */
    int scratch_big_map; /* .scratch_big for big frames that cannot nest, -1 until needed */
    int frame_map;       /* the map holding this program's frame, with scratch */
    int frame_bias;      /* added to every frame offset: CG_BIG_FRAME_BIAS with a big frame */
    bool perf_buffer;    /* events through bpf_perf_event_output, not the ring buffer */
    bool helper_errors;  /* -k: check helper results (cg_helper_check) */
    bool bpf_loop;       /* run-time range bounds loop through bpf_loop (cg_formap.c) */
    bool no_warnings;    /* --no-warnings: no map-full check either */
    int warned_map;      /* .warned: a u32 flag per event id (cg_map_full.c), -1 until needed */
    int map_full_sub;    /* label of the program's map-full subprogram, -1 until called */
    bool task_comm;      /* comm, pid, tid may be loaded from the task_struct (cg_builtin.c) */
    int task_r0;         /* 1 + where r0 became the current task; 0: nowhere yet */
    struct cg_callback *callbacks; /* loop bodies waiting to be generated (cg_formap.c) */
    struct cg_chunks *chunks;      /* parts of a long block waiting to be generated (cg_chunk.c) */
    bool chunk_ok;                 /* the program has one block: a long one may be split */
    bool chain_ok;      /* split into parts that may become a chain of programs (cg_chain.c) */
    int chain_from;     /* the first part a later program of the chain may start with */
    int nparts;         /* parts of the program's block (0: not split) */
    int carry_map;      /* .carry: the stack a chain's programs share, -1 until needed */
    int chain_map;      /* .chain: the prog array of the last chain's later programs */
    int scratch_key;    /* this program's .scratch entry */
    int stack_max;      /* with a scratch frame: the most of the real stack in use */
    bool merge_refused; /* blocks merged into one program need separate ones */
    bool zero_fill;     /* strings are NUL-padded (map keys hash as bytes, string comparison
                           reads whole words); only event records, read up to the NUL, skip it */
    int frame_top;      /* bytes of stack in use (slots are at r10 - offset) */
    int frame_max;
    int stack_reserved; /* bytes of the 512 that subprograms' frames take */
    int ctx_slot;       /* stack offset where r1 (ctx) is saved, 0 when not saved */
    int *var_slot;      /* offset of each scratch variable, 0 = not allocated */
    bool *var_on_stack; /* integers live on the real stack (sp), the rest in the frame (fp) */
    int sp;             /* the real stack: r10, or in a callback the caller's r10 (r7) */
    int stack_top;      /* with a scratch frame: bytes of the real stack in use */
    bool reg_busy[R10 + 1];
    struct cg_loop *loop;
    bool failed;
    /* per-map manifest index (sema map i -> manifest map) */
    int *map_index;
    int state_map;        /* .state: u64 start time for elapsed */
    bool stack_depth;     /* a len() reads stack depths: stack values carry them */
    struct cg_fuse *fuse; /* maps written together, one BPF map (cg_fuse.h) */
};

/* Where a program's frame lives: the stack, .scratch, or a big frame. */
enum cg_frame_kind { CG_FRAME_STACK, CG_FRAME_SCRATCH, CG_FRAME_BIG };

/* cg_scratch.c: points r9 at the program's frame in a map; returns the
 * instruction that cg_scratch_size patches with the frame's size. */
int cg_scratch_prologue(struct cg *cg, bool big);
void cg_scratch_size(struct cg *cg, int add_insn);

/* The base register of scratch variable i. */
int cg_var_base(const struct cg *cg, int i);

/* frame.c: frame slots. Offsets are negative from the frame pointer cg->fp. */
int cg_frame_alloc(struct cg *cg, int size);
/* A slot on the real stack (r10), for integers whose value the verifier must
 * track exactly, such as loop counters; the frame's own slot without scratch. */
int cg_stack_alloc(struct cg *cg, int size);
int cg_frame_mark(struct cg *cg);
void cg_frame_release(struct cg *cg, int mark);
/* The widest access keeping offsets a and b aligned, at most remaining bytes. */
int cg_access_width(int a, int b, int remaining);
int cg_size_code(int width);
bool cg_valid_width(int width); /* 1, 2, 4 or 8 bytes */
/* reg = frame pointer + off: the address of a slot, for helpers. */
void cg_stack_ptr(struct cg *cg, int reg, int off);
/* Loads an integer of type ty from base + off into reg, widened to 64 bits. */
void cg_load(struct cg *cg, int reg, int base, int off, const struct type *ty);
/* Stores zeros over [off, off + size). */
void cg_zero(struct cg *cg, int off, int size);

/* regs.c */
int cg_reg_alloc(struct cg *cg, const struct loc *loc);
void cg_reg_free(struct cg *cg, int reg);
void cg_val_free(struct cg *cg, struct val *v);
/* Puts a value into a pool register (allocating one for immediates). */
int cg_val_reg(struct cg *cg, struct val *v, const struct loc *loc);
/* Moves a value into a fixed register (e.g. a helper argument). */
void cg_val_to(struct cg *cg, const struct val *v, int reg);

/* cg_expr.c: integer and boolean expressions. */
struct val cg_int(struct cg *cg, struct node *n);
/* Jumps to label when the condition is false, falls through when true. */
void cg_cond(struct cg *cg, struct node *n, int false_label);
/* The BPF ALU operation of a binary operator; *off = 1 selects signed division. */
int cg_alu_op(enum op op, bool sign, int *off);
/* dst = dst OP src for an operation from cg_alu_op; signed division and
 * modulo are spelled with unsigned ones (kernels before 6.6 lack ISA v4),
 * which overwrites src. */
void cg_alu_reg(struct cg *cg, int op, int off, int dst, int src);
/* Sign- or zero-extends reg in place from the type's size to 64 bits. */
void cg_extend(struct cg *cg, int reg, const struct type *ty);

/* cg_mem.c: values that live in memory (strings, tuples) and storing any value. */
bool cg_is_mem_type(const struct type *ty);
/* Writes the value of n, converted to type ty, at r10 + off. */
void cg_store_value(struct cg *cg, struct node *n, const struct type *ty, int off);
/* Evaluates a memory value into a fresh slot and returns its offset. */
int cg_mem_value(struct cg *cg, struct node *n);
void cg_copy_stack(struct cg *cg, int dst, int src, int size);
/* String equality: jumps to label when the strings are equal (jump_if_equal)
 * or when they differ (!jump_if_equal); falls through otherwise. */
void cg_str_cond(struct cg *cg, struct node *a, struct node *b, bool jump_if_equal, int label);

/* cg_builtin.c */
struct val cg_builtin_int(struct cg *cg, struct node *n);
void cg_builtin_mem(struct cg *cg, struct node *n, int off, int size);
/* r0 = current task (bpf_get_current_task_btf), or nothing when r0 holds
 * it still: nothing since the last such call wrote r0 or is a jump target
 * (a key (tid, comm) makes one call, not two). */
void cg_current_task(struct cg *cg);
/* Loads the saved context pointer into reg. */
void cg_ctx(struct cg *cg, int reg);

/* cg_prog.c: a map added to the manifest (its index, -1 when out of memory),
 * and the max_entries of maps the script fills (config max_map_keys). */
int cg_add_map(struct cg *cg, const char *name, enum bpf_map_type type, uint32_t key_size,
               uint32_t value_size, uint32_t max_entries);
uint32_t cg_max_keys(const struct cg *cg);

/* cg_stack.c: the maps that the program's stacks need; kstack/ustack/ksym/usym
 * written at fp + off (size bytes). */
int cg_stack_maps(struct cg *cg);
void cg_stack_store(struct cg *cg, struct node *call, int off, int size);
/* len(stack): its frame count, kept in the value when a len() needs it. */
struct val cg_stack_len(struct cg *cg, struct node *stack);
/* cg_dwstack.c: a dw_ustack value at fp + off (event records only). */
void cg_dw_stack_store(struct cg *cg, struct node *call, int off);

/* cg_map.c */
const struct map_desc *cg_map(struct cg *cg, const struct node *map);
/* Builds the key of a map access at a fresh slot; extra bytes follow the key (hist bucket). */
int cg_map_key(struct cg *cg, struct node *map, int extra);
struct val cg_map_read_int(struct cg *cg, struct node *map);
void cg_map_read_mem(struct cg *cg, struct node *map, int off, int size);
void cg_map_assign(struct cg *cg, struct node *assign);
void cg_map_incdec(struct cg *cg, struct node *n, struct val *out);
void cg_map_delete(struct cg *cg, struct node *map);

/* cg_call.c */
/* A new entry of the event table; *id is its index. NULL when out of memory. */
struct event_desc *cg_event_new(struct cg *cg, enum event_kind kind, int *id);
/* Forgets the events added after the first n (a program generated again). */
void cg_events_truncate(struct manifest *m, int n);
struct val cg_call_int(struct cg *cg, struct node *call);
void cg_call_stmt(struct cg *cg, struct node *call);
void cg_str_call(struct cg *cg, struct node *call, int off, int size);
/* buf(): cg_buf.c */
void cg_buf_store(struct cg *cg, struct node *call, int off, int size);
/* The probe_read helper for memory a value of type t points into. */
int cg_read_helper(const struct type *t);
/* Sends [off, off + size) to the ring buffer, counting a lost event on failure. */
void cg_ringbuf_output(struct cg *cg, int off, int size);
/* The program may send records at an event's rate (printf in a tracepoint,
 * not exit() or BEGIN): the runtime gives the buffer room to queue them. */
void cg_note_stream(struct cg *cg);
/* cg_helper_err.c: after a call of helper, with -k, sends an EV_HELPER_ERROR
 * record when r0 is negative. Clobbers r0-r5. */
void cg_helper_check(struct cg *cg, int helper);
/* r0 = (s64)(s32)r0: a helper's int result as the kernel of any version returns it. */
void cg_helper_result_sext(struct cg *cg);
/* The same after bpf_map_lookup_elem of the value at loc: NULL is the failure. */
void cg_helper_check_lookup(struct cg *cg, const struct loc *loc);
/* cg_pidns.c: pid or tid (n) numbered in trawk's PID namespace, when that
 * is not the initial one and n is not pid(init)/tid(init); false otherwise. */
bool cg_pidns_value(struct cg *cg, const struct node *n, struct val *out);
/* A new EV_HELPER_ERROR event naming helper at loc: its id, -1 when out of
 * memory; and the code that sends it with r0 as the return code. */
int cg_helper_event(struct cg *cg, int helper, const struct loc *loc);
void cg_helper_send(struct cg *cg, int id);
/* cg_map_full.c: after bpf_map_update_elem of user_map (a manifest index),
 * warns once per call site when it failed (a full map), unless --no-warnings. */
void cg_map_full_check(struct cg *cg, int user_map);
/* The shared subprogram those checks call, after the program and its
 * callbacks; the stack it takes from the program's 512 bytes. */
void cg_map_full_emit(struct cg *cg);
#define CG_MAP_FULL_STACK 32
/* Builds and sends a record of the given arguments; fills ev's args. */
void cg_send_record(struct cg *cg, struct event_desc *ev, int id, struct node *args);
/* errorf, warnf, system, cat (cg_diagf.c) */
void cg_diagf(struct cg *cg, struct node *call);
void cg_user_action(struct cg *cg, struct node *call);
void cg_debugf(struct cg *cg, struct node *call);
/* printf in a pinned iterator: into its seq_file. */
void cg_seq_printf(struct cg *cg, struct node *call);
void cg_runtime_warning(struct cg *cg, const struct loc *loc, const char *msg);

/* cg_stdlib.c: has_key, strftime, bswap, strerror, syscall_name (integers), ntop
 * (a struct text_inet written at fp + off) and join (an event). */
struct val cg_stdlib_int(struct cg *cg, struct node *call);
/* cg_ctxfuncs.c: reg(), socket_cookie(); path() into fp + off */
struct val cg_ctxfunc_int(struct cg *cg, struct node *call);
/* percpu_kaddr(): the variable's address on this CPU or the given one. */
struct val cg_percpu_kaddr(struct cg *cg, struct node *call);
/* signal() and signal_thread(), override(): statements */
void cg_signal(struct cg *cg, struct node *call);
void cg_override(struct cg *cg, struct node *call);
/* cg_write_user.c: write_user(), a statement */
void cg_write_user(struct cg *cg, struct node *call);
/* Before generation: the maps these functions need. Returns 0 or -1. */
int cg_ctx_maps(struct cg *cg);
void cg_path_store(struct cg *cg, struct node *call, int off, int size);
void cg_ntop(struct cg *cg, struct node *call, int off);
void cg_pton(struct cg *cg, struct node *call, int off);
void cg_macaddr(struct cg *cg, struct node *call, int off);
void cg_join(struct cg *cg, struct node *call);
/* uaddr() in a PIE or library: the ELF address plus the file's load address (cg_uaddr.c) */
struct val cg_uaddr(struct cg *cg, struct node *call);
/* strlen, strncmp, strcontains (cg_strfuncs.c) */
struct val cg_strfunc_int(struct cg *cg, struct node *call);
/* A memory value evaluated into the frame, NUL-padded past its end. */
int cg_string_in_frame(struct cg *cg, struct node *n);
/* reg = the needle's index in the haystack (both in the frame): jumps to
 * found or missing (cg_strstr_loop.c). */
void cg_strstr_loop(struct cg *cg, int ho, int hcap, int no, int ncap, int reg, int found,
                    int missing);
/* memcmp(left, right, count) (cg_memcmp.c) */
struct val cg_memcmp(struct cg *cg, struct node *call);
/* str_concat(a, b) written at fp + off (cg_strconcat.c) */
void cg_str_concat(struct cg *cg, struct node *call, int off, int size);

/* cg_formap.c */
void cg_for_map(struct cg *cg, struct node *loop);
/* for ($i : a..b) through bpf_loop, for bounds known only at run time. */
void cg_for_range_loop(struct cg *cg, struct node *loop);
struct val cg_map_len(struct cg *cg, struct node *map);
/* Generates the queued loop bodies after the program's exit. */
void cg_emit_callbacks(struct cg *cg);
/* A callback of a helper (bpf_find_vma, ...) that gen writes, with arg,
 * at label after the program's exit, where subprograms go. */
typedef void (*cg_callback_fn)(struct cg *cg, int64_t arg);
void cg_queue_callback(struct cg *cg, int label, cg_callback_fn gen, int64_t arg);
void cg_drop_callbacks(struct cg *cg);

/* cg_stmt.c */
void cg_block(struct cg *cg, struct node *block);
void cg_stmt(struct cg *cg, struct node *n);

/* cg_chunk.c: the statements of a probe block, a long one as subprograms
 * called in turn, generated by cg_emit_chunks after the program's exit. */
void cg_chunk_block(struct cg *cg, struct node *block);
/* Whether the block is long enough to be split (when it is a program's only one). */
bool cg_chunk_long(const struct node *block);
void cg_emit_chunks(struct cg *cg);
void cg_drop_chunks(struct cg *cg);
/* A subprogram that reaches the program's stack through arg_reg (kept in
 * r7, cg->sp): its prologue; and the caller's view (stack and frame
 * pointers, registers, slots in use, loop, exit) restored after it. */
void cg_sub_enter(struct cg *cg, int arg_reg);
void cg_sub_leave(struct cg *cg, const struct cg *saved);
/* cg_chain.c: a finished program of many parts as a chain of programs
 * joined by tail calls. Returns how many (the first is the head, the
 * others have .slot in .chain), 0 when it stays whole, -1 on failure. */
struct cg_part {
    struct bpf_insn *insns;
    struct loc *locs;
    int n;
    int slot; /* index in .chain; -1 for the head */
};
int cg_chain_split(struct cg *cg, struct cg_part **parts);
void cg_parts_free(struct cg_part *parts, int n);

/* Reports an error and makes the whole generation fail. */
void cg_error(struct cg *cg, const struct loc *loc, enum diag_code code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
