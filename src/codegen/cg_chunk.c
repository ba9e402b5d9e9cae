/* A long probe block as subprograms called in turn. The verifier's
 * liveness and state work grows with the length of one function times
 * its branches: a BEGIN of 5,000 lines took tens of seconds to load as
 * one function. Its top-level statements are split into chunks of about
 * CHUNK_WEIGHT AST nodes; each chunk is a static subprogram (verified
 * once, at its one call) that reaches the program's variables and frame
 * through the caller's stack pointer, as loop callbacks do:
 *
 *   main:  r1 = r10; call chunk1; if (r0 != 0) goto exit;   // exit()/return
 *          r1 = r10; call chunk2; if (r0 != 0) goto exit; ...
 *   chunk: r7 = r1; [r9 = *(r7 + CG_SCRATCH_SPILL)]; statements; r0 = 0; exit
 *          stop: r0 = 1; exit
 *
 * The chunks are generated after the program's exit, before its loop
 * callbacks. Only a program of one block is split (merged blocks keep
 * variables of their own). */
#include <stdlib.h>
#include <string.h>

#include "codegen/cg.h"

/* AST nodes per chunk: about 1,000 instructions. */
#define CHUNK_WEIGHT 300
/* A block this heavy becomes a chain of programs (cg_chain.c), where the
 * call of a part costs nothing that matters: smaller parts there, since
 * 6.18's stack liveness works per function (5,000 lines: 8% less kernel
 * time than with 300). */
#define CHAIN_BLOCK_WEIGHT 4000
#define CHAIN_CHUNK_WEIGHT 100
/* The kernel allows 256 functions per program; callbacks need some. A
 * program that may become a chain (cg_chain.c) has more: each of its
 * programs gets a share. */
#define MAX_CHUNKS 128
#define MAX_CHAIN_CHUNKS 1024

struct cg_chunk {
    struct node *first, *end; /* statements [first, end) */
    int label;
    int frame_top, stack_top; /* what the caller had in use at the call */
};

/* The parts waiting to be generated, in order. */
struct cg_chunks {
    struct cg_chunk part[MAX_CHAIN_CHUNKS];
    int n;
};

static int weight(const struct node *n);

static int list_weight(const struct node *n) {
    int w = 0;
    for (; n; n = n->next)
        w += weight(n);
    return w;
}

static int weight(const struct node *n) {
    return 1 + list_weight(n->a) + list_weight(n->b) + list_weight(n->c) + list_weight(n->d);
}

static bool loop_in_list(const struct node *n);

/* Whether n is or holds a loop the verifier bounds by the values it knows:
 * such a loop stays in the program where its variables got them
 * (cg_chain.c). */
static bool loop_in(const struct node *n) {
    return n->kind == N_WHILE || n->kind == N_FOR_RANGE || loop_in_list(n->a) ||
           loop_in_list(n->b) || loop_in_list(n->c) || loop_in_list(n->d);
}

static bool loop_in_list(const struct node *n) {
    for (; n; n = n->next)
        if (loop_in(n))
            return true;
    return false;
}

void cg_sub_enter(struct cg *cg, int arg_reg) {
    cg->sp = R7;
    emit(&cg->e, MOV64_REG(R7, arg_reg));
    if (cg->scratch) {
        emit(&cg->e, LDX_MEM(BPF_DW, R9, R7, CG_SCRATCH_SPILL));
        cg->fp = R9;
    } else {
        cg->fp = R7;
    }
    for (int r = R0; r <= R10; r++)
        cg->reg_busy[r] = r == R7; /* holds sp for the whole subprogram */
}

void cg_sub_leave(struct cg *cg, const struct cg *saved) {
    /* the caller's view only: what the subprogram added to the program
     * (instructions, maps, events, the frame's high-water mark) stays */
    cg->sp = saved->sp;
    cg->fp = saved->fp;
    memcpy(cg->reg_busy, saved->reg_busy, sizeof(cg->reg_busy));
    cg->frame_top = saved->frame_top;
    cg->stack_top = saved->stack_top;
    cg->loop = saved->loop;
    cg->exit_label = saved->exit_label;
    cg->e.loc = saved->e.loc;
}

/* The most parts a block of the unit may have. */
static int max_chunks(const struct cg *cg) {
    return cg->unit->prov->may_nest ? MAX_CHUNKS : MAX_CHAIN_CHUNKS;
}

static struct cg_chunk *add_chunk(struct cg *cg, struct node *first, struct node *end) {
    if (!cg->chunks)
        cg->chunks = calloc(1, sizeof(*cg->chunks));
    if (!cg->chunks || cg->chunks->n == max_chunks(cg)) {
        cg_error(cg, &first->loc, E_LIMIT, "out of memory");
        return NULL;
    }
    struct cg_chunk *ch = &cg->chunks->part[cg->chunks->n++];
    *ch = (struct cg_chunk){.first = first, .end = end, .label = emit_label(&cg->e)};
    ch->frame_top = cg->frame_top;
    ch->stack_top = cg->stack_top;
    return ch;
}

bool cg_chunk_long(const struct node *block) {
    return list_weight(block->a) > 2 * CHUNK_WEIGHT;
}

void cg_chunk_block(struct cg *cg, struct node *block) {
    int total = cg->chunk_ok ? list_weight(block->a) : 0;
    if (total <= 2 * CHUNK_WEIGHT) {
        cg_block(cg, block);
        return;
    }
    int most = max_chunks(cg);
    cg->chain_from = 0;
    int least =
        total > CHAIN_BLOCK_WEIGHT && most == MAX_CHAIN_CHUNKS ? CHAIN_CHUNK_WEIGHT : CHUNK_WEIGHT;
    int per = total / most + 1 > least ? total / most + 1 : least;
    struct node *first = block->a;
    int w = 0;
    for (struct node *s = block->a; s; s = s->next) {
        w += weight(s);
        if (w < per && s->next)
            continue;
        struct cg_chunk *ch = add_chunk(cg, first, s->next);
        if (!ch)
            return;
        for (const struct node *t = first; t != s->next; t = t->next)
            if (loop_in(t))
                cg->chain_from = cg->chunks->n;
        cg->e.loc = first->loc;
        emit(&cg->e, MOV64_REG(R1, cg->sp));
        emit_call_local(&cg->e, ch->label);
        emit_jump(&cg->e, JMP_IMM(BPF_JNE, R0, 0, 0), cg->exit_label);
        first = s->next;
        w = 0;
    }
}

static void gen_chunk(struct cg *cg, const struct cg_chunk *ch) {
    struct cg saved = *cg;
    int stop = emit_label(&cg->e);
    emit_place(&cg->e, ch->label);
    cg->e.loc = ch->first->loc;
    cg_sub_enter(cg, R1);
    cg->frame_top = ch->frame_top;
    if (cg->scratch)
        cg->stack_top = ch->stack_top;
    cg->loop = NULL;
    cg->exit_label = stop;
    for (struct node *s = ch->first; s != ch->end; s = s->next)
        cg_stmt(cg, s);
    emit(&cg->e, MOV64_IMM(R0, 0));
    emit(&cg->e, EXIT_INSN());
    emit_place(&cg->e, stop);
    emit(&cg->e, MOV64_IMM(R0, 1));
    emit(&cg->e, EXIT_INSN());
    cg_sub_leave(cg, &saved);
}

void cg_emit_chunks(struct cg *cg) {
    struct cg_chunks *chunks = cg->chunks;
    cg->chunks = NULL; /* parts never split again */
    cg->nparts = chunks ? chunks->n : 0;
    for (int i = 0; chunks && i < chunks->n; i++)
        gen_chunk(cg, &chunks->part[i]);
    free(chunks);
}

void cg_drop_chunks(struct cg *cg) {
    free(cg->chunks);
    cg->chunks = NULL;
}
