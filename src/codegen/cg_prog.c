/* The driver: lays out the maps, then generates one program per unit (or
 * per target, when the block reads args) and collects them in the manifest. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/cg.h"
#include "codegen/cg_fuse.h"
#include "codegen/codegen.h"
#include "str_hash.h"

#define DEFAULT_MAX_KEYS 4096
#define MAX_BUCKET_ARRAY 4096
/* a bucket array's count, then the flag zero() leaves (runtime/output/map_ops.c) */
#define BUCKET_ARRAY_VALUE 16
/* the runtime sizes the ring buffer (runtime/buffer_pages.c); a placeholder */
#define RINGBUF_BYTES (1u << 20)

void cg_error(struct cg *cg, const struct loc *loc, enum diag_code code, const char *fmt, ...) {
    if (!cg->failed || code != E_LIMIT) {
        va_list ap;
        va_start(ap, fmt);
        diag_verror(cg->d, loc, code, fmt, ap);
        va_end(ap);
    }
    cg->failed = true;
}

static int add_map(struct manifest *m, const char *name, enum bpf_map_type type, uint32_t key_size,
                   uint32_t value_size, uint32_t max_entries) {
    struct map_desc *maps = realloc(m->maps, (size_t)(m->nmaps + 1) * sizeof(*maps));
    if (!maps)
        return -1;
    m->maps = maps;
    struct map_desc *md = &maps[m->nmaps];
    memset(md, 0, sizeof(*md));
    md->name = strdup(name);
    md->bpf_type = type;
    md->key_size = key_size;
    md->value_size = value_size;
    md->max_entries = max_entries;
    md->fd = -1;
    return m->nmaps++;
}

int cg_add_map(struct cg *cg, const char *name, enum bpf_map_type type, uint32_t key_size,
               uint32_t value_size, uint32_t max_entries) {
    return add_map(cg->m, name, type, key_size, value_size, max_entries);
}

uint32_t cg_max_keys(const struct cg *cg) {
    return cg->sema->max_map_keys > 0 ? (uint32_t)cg->sema->max_map_keys : DEFAULT_MAX_KEYS;
}

static uint32_t agg_value_size(enum agg_kind agg) {
    return (agg == AGG_MIN || agg == AGG_MAX)     ? sizeof(struct agg_minmax)
           : (agg == AGG_AVG || agg == AGG_STATS) ? sizeof(struct agg_avg)
           : agg == AGG_TSERIES                   ? sizeof(struct agg_tseries)
                                                  : 8;
}

/* The BPF type of a declared map; scalar aggregations stay one-entry arrays. */
static enum bpf_map_type declared_type(const struct sema_map *sm, enum bpf_map_type dflt) {
    static const enum bpf_map_type types[] = {
        [MAP_DECL_HASH] = BPF_MAP_TYPE_HASH,
        [MAP_DECL_LRUHASH] = BPF_MAP_TYPE_LRU_HASH,
        [MAP_DECL_PERCPUHASH] = BPF_MAP_TYPE_PERCPU_HASH,
        [MAP_DECL_PERCPULRUHASH] = BPF_MAP_TYPE_LRU_PERCPU_HASH,
    };
    return sm->decl == MAP_DECL_NONE || dflt == BPF_MAP_TYPE_PERCPU_ARRAY ? dflt : types[sm->decl];
}

/* The buckets of a keyless hist or lhist when few enough to be the
 * entries of an array (the lookup is inlined, nothing is ever inserted);
 * 0 when it stays a hash keyed by bucket. See cg_agg.c for the numbering.
 * Past max_keys buckets the hash fills up and warns, as bpftrace's. */
static uint32_t bucket_array_entries(const struct sema_map *sm, uint32_t max_keys) {
    const struct type *vt = sm->val_ty;
    if (sm->key_ty || sm->decl != MAP_DECL_NONE || vt->kind != T_AGG)
        return 0;
    int64_t n = -1;
    if (vt->agg == AGG_HIST) /* v < 0: 0; the top bucket holds 2^62 and up */
        n = ((int64_t)(64 - sm->hist_bits) << sm->hist_bits) + 1;
    else if (vt->agg == AGG_LHIST && sm->lhist_step >= 1)
        n = (sm->lhist_max - sm->lhist_min) / sm->lhist_step + 2;
    return n >= 2 && n <= MAX_BUCKET_ARRAY && n <= max_keys ? (uint32_t)n : 0;
}

/* Chooses the BPF map for a script map; see docs/architecture.md. */
static int add_user_map(struct cg *cg, const struct sema_map *sm) {
    const struct type *vt = sm->val_ty;
    if (!vt) {
        diag_error(cg->d, &sm->loc, E_UNDEFINED, "%s is used but never assigned a value", sm->name);
        return -1;
    }
    bool agg = vt->kind == T_AGG;
    bool bucketed = type_agg_bucketed(vt);
    /* the bucket index of a histogram follows the user key at an aligned offset */
    uint32_t user_key = sm->key_ty ? (sm->key_ty->size + 7) & ~7u : 0;
    int idx;
    uint32_t max_keys = sm->decl_max_entries         ? sm->decl_max_entries
                        : cg->sema->max_map_keys > 0 ? (uint32_t)cg->sema->max_map_keys
                                                     : DEFAULT_MAX_KEYS;
    uint32_t buckets = bucket_array_entries(sm, max_keys);
    if (agg && !bucketed && !sm->key_ty)
        idx = add_map(cg->m, sm->name, BPF_MAP_TYPE_PERCPU_ARRAY, 4, agg_value_size(vt->agg), 1);
    else if (buckets)
        idx = add_map(cg->m, sm->name, BPF_MAP_TYPE_PERCPU_ARRAY, 4, BUCKET_ARRAY_VALUE, buckets);
    else if (agg)
        idx = add_map(cg->m, sm->name, declared_type(sm, BPF_MAP_TYPE_PERCPU_HASH),
                      user_key + (bucketed ? 8 : 0), agg_value_size(vt->agg), max_keys);
    else
        idx = add_map(cg->m, sm->name, declared_type(sm, BPF_MAP_TYPE_HASH),
                      sm->key_ty ? user_key : 8, vt->size, max_keys);
    if (idx < 0)
        return -1;
    struct map_desc *md = &cg->m->maps[idx];
    md->key_ty = sm->key_ty;
    md->val_ty = vt;
    md->is_user = true;
    md->is_scalar = !sm->key_ty;
    md->hist_bits = sm->hist_bits;
    md->bucket_array = buckets > 0;
    md->lhist_min = sm->lhist_min;
    md->lhist_max = sm->lhist_max;
    md->lhist_step = sm->lhist_step ? sm->lhist_step : 1;
    md->ts_interval_ns = sm->ts_interval_ns;
    md->ts_num = sm->ts_num;
    md->ts_fn = sm->ts_fn;
    md->ts_signed = vt->agg_signed;
    return idx;
}

/* A plain scalar (@x = v, no key, no aggregation, no declaration) can
 * share one array map with the others. */
static bool packable(const struct map_desc *md) {
    return md->is_user && md->is_scalar && md->bpf_type == BPF_MAP_TYPE_HASH && md->val_ty &&
           md->val_ty->kind != T_AGG && md->value_size <= 4096;
}

/* Beyond what one program may use (64 maps, with room for the internal
 * ones), the plain scalars go into one array map, ".scalars", each as a
 * u64 "set" flag and its value; they still print as maps of their own. */
static int pack_scalars(struct cg *cg) {
    struct manifest *m = cg->m;
    if (m->nmaps <= CG_MAX_MAPS_UNPACKED)
        return 0;
    uint32_t size = 0;
    for (int i = 0; i < m->nmaps; i++)
        if (packable(&m->maps[i]))
            size += 8 + ((m->maps[i].value_size + 7) & ~7u);
    if (size == 0)
        return 0;
    int pack = add_map(m, ".scalars", BPF_MAP_TYPE_ARRAY, 4, size, 1);
    if (pack < 0)
        return -1;
    uint32_t off = 0;
    for (int i = 0; i < m->nmaps; i++) {
        struct map_desc *md = &m->maps[i];
        if (!packable(md))
            continue;
        md->packed = true;
        md->pack = pack;
        md->pack_off = off;
        md->pack_size = size;
        off += 8 + ((md->value_size + 7) & ~7u);
    }
    return 0;
}

static int layout_maps(struct cg *cg) {
    struct manifest *m = cg->m;
    cg->map_index = calloc((size_t)cg->sema->nmaps + 1, sizeof(int));
    if (!cg->map_index)
        return -1;
    int rc = 0;
    for (int i = 0; i < cg->sema->nmaps; i++) {
        if (cg->sema->maps[i].unassigned) {
            cg->map_index[i] = -1; /* its reads became constants */
            continue;
        }
        cg->map_index[i] = add_user_map(cg, &cg->sema->maps[i]);
        if (cg->map_index[i] < 0)
            rc = -1;
    }
    if (rc == 0 && (cg_fuse_layout(cg) < 0 || pack_scalars(cg) < 0))
        rc = -1;
    /* a perf event array gets one slot per CPU from the runtime (max_entries 0) */
    m->ringbuf_map = cg->perf_buffer
                         ? add_map(m, ".events", BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, 0)
                         : add_map(m, ".events", BPF_MAP_TYPE_RINGBUF, 0, 0, RINGBUF_BYTES);
    m->lost_map = add_map(m, ".lost", BPF_MAP_TYPE_ARRAY, 4, 8, 1);
    cg->state_map = add_map(m, ".state", BPF_MAP_TYPE_ARRAY, 4, 8, 1);
    return (rc || m->ringbuf_map < 0 || m->lost_map < 0 || cg->state_map < 0) ? -1 : 0;
}

/* Whether the program or one of its callbacks (which reach the stack
 * through r7) loads the stack slot at off. */
static bool reads_slot(const struct emit *e, int off) {
    for (int i = 0; i < e->n; i++)
        if (BPF_CLASS(e->insns[i].code) == BPF_LDX &&
            (e->insns[i].src_reg == R10 || e->insns[i].src_reg == R7) && e->insns[i].off == off)
            return true;
    return false;
}

/* One probe block: its variables, its predicate, its statements. Its
 * exit label ends the block only, so that exit() and return in a block
 * merged with others go on to the next one, as separate programs would. */
static void emit_block(struct cg *cg, const struct sema_unit *u, int frame_base, int stack_base) {
    struct node *probe = u->probe;
    cg->unit = u;
    cg->frame_top = frame_base;
    cg->stack_top = stack_base;
    cg->loop = NULL;
    cg->zero_fill = true;
    cg->exit_label = emit_label(&cg->e);
    cg->e.loc = probe->loc;
    cg->var_slot = calloc((size_t)u->nvars + 1, sizeof(int));
    cg->var_on_stack = calloc((size_t)u->nvars + 1, sizeof(bool));
    for (int i = 0; i < u->nvars; i++) {
        const struct type *ty = u->vars[i].ty;
        if (!cg_is_mem_type(ty)) {
            /* integers on the real stack, where the verifier tracks their values */
            cg->var_slot[i] = cg_stack_alloc(cg, 8);
            cg->var_on_stack[i] = true;
            emit(&cg->e, ST_MEM(BPF_DW, cg->sp, cg->var_slot[i], 0));
            continue;
        }
        cg->var_slot[i] = cg_frame_alloc(cg, (int)ty->size);
        cg_zero(cg, cg->var_slot[i], (int)ty->size);
    }
    cg_fuse_block(cg, probe);
    if (probe->b)
        cg_cond(cg, probe->b, cg->exit_label);
    cg_chunk_block(cg, probe->c);
    emit_place(&cg->e, cg->exit_label);
}

/* Emits the whole program, for one block or several on one target run
 * in source order, with its frame on the stack or in .scratch. */
static void emit_body(struct cg *cg, const struct sema_unit *const *units, int nunits,
                      enum cg_frame_kind kind) {
    bool scratch = kind != CG_FRAME_STACK;
    cg->scratch = scratch;
    cg->frame_bias = kind == CG_FRAME_BIG ? CG_BIG_FRAME_BIAS : 0;
    cg->fp = scratch ? R9 : R10;
    cg->sp = R10;
    cg->pool_last = scratch ? R8 : R9;
    cg->frame_top = cg->frame_max = cg->stack_reserved = 0;
    cg->stack_top = cg->stack_max = 24; /* with scratch: lookup key -4, context -16, r9 spill -24 */
    cg_drop_callbacks(cg);
    cg_drop_chunks(cg);
    cg->chunk_ok = nunits == 1;
    cg->map_full_sub = -1;
    cg->task_r0 = 0; /* a new program: r0 holds no task yet */
    memset(cg->reg_busy, 0, sizeof(cg->reg_busy));
    emit_free(&cg->e);
    emit_init(&cg->e);
    cg->unit = units[0];
    int prog_exit = cg->exit_label = emit_label(&cg->e); /* for the prologue's lookup */
    cg->e.loc = units[0]->probe->loc;
    int add_insn = scratch ? cg_scratch_prologue(cg, kind == CG_FRAME_BIG) : 0;
    /* the context pointer is kept on the real stack (helpers clobber r1; the
     * verifier forgets pointers stored in map values) */
    cg->ctx_slot = scratch ? -16 : cg_frame_alloc(cg, 8);
    int ctx_save = cg->e.n;
    emit(&cg->e, STX_MEM(BPF_DW, R10, scratch ? R6 : R1, cg->ctx_slot));
    int frame_base = cg->frame_top, stack_base = cg->stack_top;
    for (int i = 0; i < nunits; i++) {
        emit_block(cg, units[i], frame_base, stack_base);
        if (nunits > 1 && cg->callbacks) {
            /* loop bodies go after the program's exit, where another
             * block's variables would be the wrong ones */
            cg->failed = true;
            cg->merge_refused = true;
        }
        if (i + 1 < nunits) {
            free(cg->var_slot);
            free(cg->var_on_stack);
        }
    }
    emit_place(&cg->e, prog_exit);
    emit(&cg->e, MOV64_IMM(R0, 0));
    emit(&cg->e, EXIT_INSN());
    /* chunks and callbacks reach the frame through r7, and r9 through its spill */
    bool callbacks = cg->callbacks != NULL || cg->chunks != NULL;
    /* a chain's programs run on one CPU, their carried stack per CPU */
    cg->chain_ok = cg->chunks != NULL && !cg->unit->prov->may_nest && kind != CG_FRAME_BIG;
    cg_emit_chunks(cg);
    cg_emit_callbacks(cg);
    cg_map_full_emit(cg);
    /* the verifier adds the frames of a call chain: a chunk's or a
     * callback's (no stack of their own), the map-full subprogram's */
    if (cg->map_full_sub >= 0)
        cg->stack_reserved = CG_MAP_FULL_STACK * (callbacks ? 2 : 1);
    if (scratch && !callbacks && !cg->e.failed)
        cg->e.insns[add_insn + 1] = JA(0); /* r9's spill: only callbacks reload it */
    free(cg->var_slot);
    free(cg->var_on_stack);
    cg->var_slot = NULL;
    cg->var_on_stack = NULL;
    if (scratch)
        cg_scratch_size(cg, add_insn);
    /* a context never read needs no saving: no-op jumps are pruned */
    if (!cg->e.failed && !cg->chain_ok && !reads_slot(&cg->e, cg->ctx_slot)) {
        cg->e.insns[ctx_save] = JA(0);
        if (scratch)
            cg->e.insns[0] = JA(0);
    }
}

/* The provider's prog_type, and whatever else it needs at load time. */
static void set_load_attrs(struct prog_desc *p, const struct provider *prov,
                           const struct attach_target *t) {
    p->attrs = (struct prog_attrs){.prog_type = prov->prog_type};
    if (prov->load_attrs)
        prov->load_attrs(t, &p->attrs);
}

/* The program's own copy of its targets (sema keeps the originals). */
static int copy_targets(struct prog_desc *p, const struct attach_target *targets, int n) {
    p->targets = calloc((size_t)n, sizeof(*p->targets));
    if (!p->targets)
        return -1;
    for (; p->ntargets < n; p->ntargets++)
        if (attach_target_copy(&p->targets[p->ntargets], &targets[p->ntargets]) < 0)
            return -1;
    return 0;
}

/* Adds a program with part's instructions (taken over) for the n targets;
 * a chain's later programs (part->slot set) attach to none. */
static int add_prog(struct cg *cg, const struct sema_unit *u, int nunits,
                    struct attach_target *targets, int n, struct cg_part *part) {
    struct manifest *m = cg->m;
    struct prog_desc *progs = realloc(m->progs, (size_t)(m->nprogs + 1) * sizeof(*progs));
    if (!progs) {
        free(part->insns);
        free(part->locs);
        part->insns = NULL;
        part->locs = NULL;
        return -1;
    }
    m->progs = progs;
    struct prog_desc *p = &progs[m->nprogs++];
    memset(p, 0, sizeof(*p));
    p->name = strdup(n == 1 ? targets[0].name : u->probe->a->str);
    p->kind = u->prov->kind;
    p->nblocks = nunits;
    set_load_attrs(p, u->prov, &targets[0]);
    p->insns = part->insns;
    p->insn_loc = part->locs;
    p->ninsns = part->n;
    p->loc = u->probe->a->loc;
    p->chained = part->slot >= 0;
    p->chain_map = cg->chain_map;
    p->chain_slot = part->slot;
    part->insns = NULL;
    part->locs = NULL;
    return p->chained ? 0 : copy_targets(p, targets, n);
}

/* Generates one program for the given targets of the units (several
 * units: blocks merged on their one shared target). */
static int gen_prog(struct cg *cg, const struct sema_unit *const *units, int nunits,
                    struct attach_target *targets, int n) {
    const struct sema_unit *u = units[0];
    struct node *probe = u->probe;
    struct manifest *m = cg->m;
    int nevents = m->nevents;
    cg->target = n == 1 ? &targets[0] : NULL;
    emit_init(&cg->e);
    emit_body(cg, units, nunits, CG_FRAME_STACK);
    if (!cg->failed && cg->frame_max > CG_STACK_SIZE - cg->stack_reserved) {
        /* again with the frame in .scratch; drop the first attempt's events */
        bool big = cg->frame_max > CG_SCRATCH_SIZE;
        cg_events_truncate(m, nevents);
        emit_body(cg, units, nunits, big ? CG_FRAME_BIG : CG_FRAME_SCRATCH);
    }
    if (emit_finish(&cg->e) < 0 && !cg->failed)
        cg_error(cg, &probe->loc, E_LIMIT, "program too large");
    if (cg->failed) {
        emit_free(&cg->e);
        return -1;
    }
    struct cg_part *parts;
    int nparts = cg_chain_split(cg, &parts);
    int rc = nparts < 0 ? -1 : 0;
    if (nparts == 0) {
        struct cg_part whole = {cg->e.insns, cg->e.locs, cg->e.n, -1};
        cg->e.insns = NULL;
        cg->e.locs = NULL;
        rc = add_prog(cg, u, nunits, targets, n, &whole);
    }
    for (int k = 0; k < nparts && rc == 0; k++)
        rc = add_prog(cg, u, nunits, targets, n, &parts[k]);
    cg_parts_free(parts, nparts);
    emit_free(&cg->e);
    return rc;
}

/* Whether unit b can join unit a's program: one tracepoint each, the same. */
static bool same_target(const struct sema_unit *a, const struct sema_unit *b) {
    return a->prov->kind == PK_TRACEPOINT && b->prov == a->prov && a->ntargets == 1 &&
           b->ntargets == 1 && !b->per_target && a->targets[0].name && b->targets[0].name &&
           strcmp(a->targets[0].name, b->targets[0].name) == 0;
}

/* Unit u's program: with the later blocks on the same tracepoint when
 * there are more than the kernel attaches to one event (64 programs), so
 * that they run in one program, in source order. A merge the generator
 * refuses (a block with loop callbacks) falls back to one program each. */
static int gen_merged(struct cg *cg, int u, bool *merged) {
    struct sema_unit *units = cg->sema->units, *unit = &units[u];
    const struct sema_unit **group = calloc((size_t)cg->sema->nunits, sizeof(*group));
    if (!group)
        return -1;
    int n = 0;
    for (int v = u; v < cg->sema->nunits; v++)
        if (v == u || (!merged[v] && same_target(unit, &units[v])))
            group[n++] = &units[v];
    int rc = -1;
    if (n > CG_MAX_PROGS_PER_EVENT) {
        int nevents = cg->m->nevents, ndiag = cg->d->nerrors;
        cg->merge_refused = false;
        rc = gen_prog(cg, group, n, unit->targets, unit->ntargets);
        if (rc == 0 || !cg->merge_refused || cg->d->nerrors != ndiag) {
            for (int i = 1; i < n; i++)
                merged[group[i] - units] = true;
            free(group);
            return rc;
        }
        cg_events_truncate(cg->m, nevents);
        cg->failed = false;
    }
    free(group);
    return gen_prog(cg, (const struct sema_unit *const[]){unit}, 1, unit->targets, unit->ntargets);
}

/* The attach type target t's program is loaded for. */
static enum bpf_attach_type attach_type_of(const struct provider *prov,
                                           const struct attach_target *t) {
    struct prog_attrs a = {.prog_type = prov->prog_type};
    if (prov->load_attrs)
        prov->load_attrs(t, &a);
    free(a.attach_btf_module);
    return a.expected_attach_type;
}

/* Moves the targets loaded like targets[0] to the front, in order, and
 * returns how many there are: one program cannot serve both a kprobe_multi
 * link (whole functions) and perf-event kprobes (offsets), so a probe
 * mixing them gets a program for each. */
static int group_by_attach_type(const struct provider *prov, struct attach_target *targets, int n) {
    enum bpf_attach_type first = attach_type_of(prov, &targets[0]);
    int same = 1;
    for (int i = 1; i < n; i++) {
        if (attach_type_of(prov, &targets[i]) != first)
            continue;
        struct attach_target t = targets[i];
        memmove(&targets[same + 1], &targets[same], (size_t)(i - same) * sizeof(t));
        targets[same++] = t;
    }
    return same;
}

/* Every target gets a cookie: its index in the probe name table, shared by
 * targets of one name (a USDT probe's other locations) so that probe is one
 * map key and compares equal. A unit's first targets of each name are
 * found through a hash table: a wildcard of 100,000 kernel functions made
 * a search of the targets before each one quadratic (8.7 s for k:*). */
static int name_unit_probes(struct manifest *m, struct sema_unit *unit) {
    uint32_t nslots = 16;
    while (nslots < 2 * (uint32_t)unit->ntargets)
        nslots *= 2;
    int *first = malloc(nslots * sizeof(*first));
    if (!first)
        return -1;
    memset(first, -1, nslots * sizeof(*first));
    for (int t = 0; t < unit->ntargets; t++) {
        const char *name = unit->targets[t].name;
        if (name) { /* a target without a name has a cookie of its own */
            uint32_t i = str_hash(name) & (nslots - 1);
            while (first[i] >= 0 && strcmp(unit->targets[first[i]].name, name) != 0)
                i = (i + 1) & (nslots - 1);
            if (first[i] >= 0) {
                unit->targets[t].cookie = unit->targets[first[i]].cookie;
                continue;
            }
            first[i] = t;
        }
        unit->targets[t].cookie = (uint64_t)m->nprobe_names;
        m->probe_names[m->nprobe_names++] = strdup(name ? name : "");
    }
    free(first);
    return 0;
}

static int name_probes(struct cg *cg) {
    size_t total = 0;
    for (int u = 0; u < cg->sema->nunits; u++)
        total += (size_t)cg->sema->units[u].ntargets;
    char **names =
        realloc(cg->m->probe_names, ((size_t)cg->m->nprobe_names + total + 1) * sizeof(char *));
    if (!names)
        return -1;
    cg->m->probe_names = names;
    for (int u = 0; u < cg->sema->nunits; u++)
        if (name_unit_probes(cg->m, &cg->sema->units[u]) < 0)
            return -1;
    return 0;
}

int cg_generate(struct node *program, struct sema_out *sema, const struct cg_opts *opts,
                struct diag *d, struct manifest *out) {
    memset(out, 0, sizeof(*out));
    out->ringbuf_map = out->lost_map = -1;
    struct cg cg = {.d = d,
                    .sema = sema,
                    .m = out,
                    .scratch_map = -1,
                    .scratch_big_map = -1,
                    .perf_buffer = opts && opts->perf_buffer,
                    .helper_errors = opts && opts->helper_errors,
                    .bpf_loop = opts && opts->bpf_loop,
                    .no_warnings = opts && opts->no_warnings,
                    .warned_map = -1,
                    .carry_map = -1,
                    .chain_map = -1,
                    .task_comm = opts && opts->task_comm};
    struct cg_fuse fuse;
    int rc = cg_fuse_plan(program, sema, &fuse);
    cg.fuse = &fuse;
    if (rc == 0)
        rc = layout_maps(&cg);
    if (rc == 0)
        rc = cg_stack_maps(&cg);
    if (rc == 0)
        rc = cg_ctx_maps(&cg);
    if (rc == 0)
        rc = name_probes(&cg);
    int ready = rc == 0;
    bool *merged = calloc((size_t)sema->nunits + 1, sizeof(bool));
    for (int u = 0; ready && merged && u < sema->nunits; u++) {
        struct sema_unit *unit = &sema->units[u];
        if (merged[u])
            continue;
        if (unit->per_target) {
            for (int t = 0; t < unit->ntargets; t++)
                rc |=
                    gen_prog(&cg, (const struct sema_unit *const[]){unit}, 1, &unit->targets[t], 1);
        } else if (unit->ntargets > 1 && group_by_attach_type(unit->prov, unit->targets,
                                                              unit->ntargets) < unit->ntargets) {
            for (int t = 0, n; t < unit->ntargets; t += n) {
                n = group_by_attach_type(unit->prov, unit->targets + t, unit->ntargets - t);
                rc |=
                    gen_prog(&cg, (const struct sema_unit *const[]){unit}, 1, unit->targets + t, n);
            }
        } else {
            rc |= gen_merged(&cg, u, merged);
        }
        cg.failed = false;
    }
    free(merged);
    free(cg.map_index);
    cg_fuse_free(&fuse);
    out->types = sema->types;
    out->print_maps_on_exit = sema->print_maps_on_exit;
    out->log_size = (uint32_t)sema->log_size;
    out->perf_rb_pages = (uint32_t)sema->perf_rb_pages;
    out->missing_probes = sema->missing_probes;
    out->cpp_demangle = sema->cpp_demangle;
    out->lazy_symbolication = sema->lazy_symbolication;
    out->user_sym_cache = sema->user_sym_cache;
    out->str_trailer = sema->str_trailer;
    sema->str_trailer = NULL;
    sema->types = NULL;
    return rc ? -1 : 0;
}
