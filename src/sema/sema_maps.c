/* Maps (@x): key shape and value type fixed by their first use, checked at
 * every later one, across all probes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sema/sema_impl.h"
#include "str_hash.h"

/* The slot of name in s->map_slots: its map's, or the free one where it
 * goes. A script of 5,000 maps made a linear search quadratic. */
static uint32_t map_slot(const struct sema *s, const char *name) {
    uint32_t mask = s->map_nslots - 1, i = str_hash(name) & mask;
    while (s->map_slots[i] >= 0 && strcmp(s->out->maps[s->map_slots[i]].name, name) != 0)
        i = (i + 1) & mask;
    return i;
}

static void map_index_grow(struct sema *s) {
    uint32_t n = s->map_nslots ? s->map_nslots * 2 : 64;
    free(s->map_slots);
    s->map_slots = malloc(n * sizeof(int));
    if (!s->map_slots)
        abort();
    memset(s->map_slots, 0xff, n * sizeof(int));
    s->map_nslots = n;
    for (int i = 0; i < s->out->nmaps; i++)
        s->map_slots[map_slot(s, s->out->maps[i].name)] = i;
}

static int map_find(struct sema *s, const char *name) {
    if (!s->map_nslots)
        return -1;
    return s->map_slots[map_slot(s, name)];
}

static int map_add(struct sema *s, const struct node *n) {
    struct sema_out *o = s->out;
    o->maps = realloc(o->maps, sizeof(*o->maps) * (o->nmaps + 1));
    s->minfo = realloc(s->minfo, sizeof(*s->minfo) * (o->nmaps + 1));
    struct sema_map *m = &o->maps[o->nmaps];
    memset(m, 0, sizeof(*m));
    memset(&s->minfo[o->nmaps], 0, sizeof(s->minfo[0]));
    m->name = strdup(n->str);
    m->loc = n->loc;
    sema_map_decl_apply(s, m);
    int idx = o->nmaps++;
    if ((uint32_t)o->nmaps * 2 > s->map_nslots)
        map_index_grow(s);
    else
        s->map_slots[map_slot(s, m->name)] = idx;
    return idx;
}

static bool valid_key(struct sema *s, const struct node *map, struct node *k,
                      const struct type *t) {
    if (t->kind == T_VOID && !k->next && k == map->a) { /* bpftrace's words for @m[printf()] */
        sema_error(s, &map->loc, E_TYPE, "Value 'void' cannot be used as a map key.");
        return false;
    }
    if (t->kind == T_VOID || t->kind == T_AGG || t->kind == T_NONE) {
        sema_error(s, &k->loc, E_TYPE, "Invalid map key type: %s", sema_tname(t));
        return false;
    }
    return true;
}

/* The key type of n's key list: one key's storage type, or a tuple.
 * *ok is false when a key has no usable type. */
static const struct type *key_type(struct sema *s, struct node *n, bool *ok) {
    int count = (int)ast_list_len(n->a);
    const struct type **elems = calloc(count ? count : 1, sizeof(*elems));
    int i = 0;
    *ok = true;
    for (struct node *k = n->a; k; k = k->next, i++) {
        const struct type *t = sema_expr(s, k);
        *ok &= t && valid_key(s, n, k, t);
        elems[i] = sema_storage_type(s, t);
    }
    const struct type *r = NULL;
    if (*ok)
        r = count == 1 ? elems[0] : type_tuple(s->types, count, elems);
    free(elems);
    return r;
}

/* bpftrace names an integer literal key by the smallest signed type holding it. */
static const char *literal_name(const struct node *k) {
    if (k->kind != N_INT)
        return NULL;
    return k->num <= INT8_MAX    ? "int8"
           : k->num <= INT16_MAX ? "int16"
           : k->num <= INT32_MAX ? "int32"
           : k->num <= INT64_MAX ? "int64"
                                 : NULL;
}

/* The key type t as bpftrace's messages show it: literal keys (keys is the
 * key list) by their literal type, integers by their own type. */
static void key_name(const struct node *keys, const struct type *t, char *buf, size_t size) {
    if (keys && !keys->next && keys->kind == N_TUPLE)
        keys = keys->a;
    bool tuple = keys && keys->next;
    if (tuple && (t->kind != T_TUPLE || (int)ast_list_len(keys) != t->nfields))
        keys = NULL;
    if (!keys) {
        snprintf(buf, size, "%s", sema_tname(t));
        return;
    }
    size_t len = 0;
    int i = 0;
    for (const struct node *k = keys; k && len < size; k = k->next, i++) {
        const char *lit = literal_name(k);
        const struct type *kt = tuple ? t->fields[i].ty : t;
        if (k->ty && k->ty->kind == T_INT && kt->kind == T_INT)
            kt = k->ty; /* the integer as written, before widening for storage */
        const char *name = lit ? lit : sema_tname(kt);
        len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? "," : tuple ? "(" : "", name);
    }
    if (tuple && len < size)
        snprintf(buf + len, size - len, ")");
}

static void key_mismatch(struct sema *s, struct node *n, const struct node *keys,
                         const struct type *got, const struct node *want_keys,
                         const struct type *want) {
    char got_name[256], want_name[256];
    key_name(keys, got, got_name, sizeof(got_name));
    key_name(want_keys, want, want_name, sizeof(want_name));
    sema_error(s, &n->loc, E_TYPE,
               "Argument mismatch for %s: trying to access with arguments: '%s' when map expects "
               "arguments: '%s'",
               n->str, got_name, want_name);
}

/* Checks a key (NULL: none) against the map's, merging string sizes. */
static bool map_key_check(struct sema *s, struct node *n, int idx, const struct node *keys,
                          const struct type *key) {
    struct sema_map *m = &s->out->maps[idx];
    struct map_info *mi = &s->minfo[idx];
    if (!mi->has_key_ty) {
        mi->has_key_ty = true;
        mi->first_keys = keys;
        m->key_ty = key;
        return true;
    }
    const struct type *u = key && m->key_ty ? sema_unify(s, m->key_ty, key) : NULL;
    if (!key && !m->key_ty)
        return true;
    if (!key || !m->key_ty) {
        sema_error(s, &n->loc, E_TYPE,
                   key ? "%s used as a map with an explicit key (non-scalar map), previously used "
                         "without an explicit key (scalar map)"
                       : "%s used as a map without an explicit key (scalar map), previously used "
                         "with an explicit key (non-scalar map)",
                   n->str);
        return false;
    }
    if (!u) {
        key_mismatch(s, n, keys, key, mi->first_keys, m->key_ty);
        return false;
    }
    m->key_ty = u;
    return true;
}

void sema_map_mark_written(struct sema *s, struct node *n) {
    int idx = map_find(s, n->str);
    if (idx < 0)
        idx = map_add(s, n);
    s->minfo[idx].assigned = true;
}

int sema_map_ref(struct sema *s, struct node *n) {
    bool ok = true;
    const struct type *key = n->a ? key_type(s, n, &ok) : NULL;
    int idx = map_find(s, n->str);
    if (idx < 0)
        idx = map_add(s, n);
    n->sym = idx;
    if (!ok)
        return -1;
    return map_key_check(s, n, idx, n->a, key) ? idx : -1;
}

int sema_map_key_check(struct sema *s, struct node *map, struct node *key) {
    bool ok = true;
    struct node fake = *map;
    fake.a = key;
    const struct type *kt = key ? key_type(s, &fake, &ok) : NULL;
    return ok && map_key_check(s, map, map->sym, key, kt) ? 0 : -1;
}

void sema_map_write(struct sema *s, struct node *n, const struct type *val,
                    const struct type *shown, const struct loc *at) {
    if (n->sym < 0 || n->sym >= s->out->nmaps || !val)
        return;
    struct sema_map *m = &s->out->maps[n->sym];
    s->minfo[n->sym].assigned = true;
    const struct type *st = sema_storage_type(s, val);
    const struct type *u = m->val_ty ? sema_unify(s, m->val_ty, st) : st;
    if (!u) {
        bool int_map = m->int_ty && m->val_ty->kind == T_INT && !m->val_ty->is_ptr;
        sema_error(s, at, E_TYPE,
                   "Type mismatch for %s: trying to assign value of type '%s' when map already "
                   "has a type '%s'",
                   n->str, sema_tname(shown ? shown : val),
                   sema_tname(int_map ? m->int_ty : m->val_ty));
        return;
    }
    m->val_ty = u;
}

void sema_map_int(struct sema *s, struct node *n, const struct type *t, bool nonneg_literal) {
    if (n->sym < 0 || n->sym >= s->out->nmaps || !t || t->kind != T_INT || t->is_ptr || t->enum_def)
        return;
    struct sema_map *m = &s->out->maps[n->sym];
    m->int_ty = sema_int_join(m->int_ty, &s->minfo[n->sym].int_lit, t, nonneg_literal);
    m->val_ty = sema_signed_storage(m->val_ty, m->int_ty);
}

bool sema_map_typed(struct sema *s, const char *name) {
    int idx = map_find(s, name);
    return idx >= 0 && s->out->maps[idx].val_ty;
}

const struct type *sema_map_size_type(struct sema *s, struct node *n) {
    /* bpftrace types a map no statement assigns, or a keyed map named
     * without its key, as int8: sizeof is 1, no error, and no BPF map for it */
    int idx = map_find(s, n->str);
    if (idx >= 0 && !n->a && s->out->maps[idx].key_ty)
        return type_int(1, true);
    if (idx < 0 || !s->minfo[idx].assigned || !s->out->maps[idx].val_ty)
        return idx < 0 || sema_map_ref(s, n) >= 0 ? type_int(1, true) : NULL;
    if (sema_map_ref(s, n) < 0)
        return NULL;
    const struct sema_map *m = &s->out->maps[n->sym];
    n->ty = m->val_ty;
    if (m->val_ty && m->val_ty->kind == T_AGG)
        return &type_u64; /* every aggregation reads as a 64-bit value */
    return m->val_ty && m->val_ty->kind == T_INT && m->int_ty ? m->int_ty : m->val_ty;
}

bool sema_map_defined(struct sema *s, struct node *n) {
    if (s->minfo[n->sym].assigned)
        return true;
    sema_error(s, &n->loc, E_UNDEFINED, "Undefined map: %s", n->str);
    return false;
}

/* Aggregations read as their total (summed over CPUs). */
const struct type *sema_agg_read_type(struct sema *s, struct node *n, const struct type *v) {
    switch (v->agg) {
    case AGG_COUNT:
        return &type_u64;
    case AGG_SUM:
    case AGG_MIN:
    case AGG_MAX:
    case AGG_AVG:
        return type_int(8, v->agg_signed);
    default:
        sema_error(s, &n->loc, E_TYPE,
                   "Map type %s cannot print the value of individual keys. You must print the "
                   "whole map.",
                   sema_tname(v));
        return NULL;
    }
}

const struct type *sema_map_read(struct sema *s, struct node *n) {
    int idx = map_find(s, n->str);
    if (idx < 0 || !s->minfo[idx].assigned) {
        /* bpftrace 0.27 reads a map no statement assigns as an int8 zero,
         * with no BPF map (printing or clearing it whole is still "Undefined
         * map"); on the first walk a later statement may still assign it.
         * Its key still fixes the map's key shape, in source order. */
        int ref = sema_map_ref(s, n);
        if (!s->report || ref < 0)
            return NULL;
        struct map_info *mi = &s->minfo[ref];
        if (mi->first_keys == n->a && !mi->kept_keys) {
            mi->kept_keys = n->a; /* later messages still name them */
            n->a = NULL;
        }
        ast_become_int(n, 0);
        return type_int(1, true);
    }
    if (sema_map_ref(s, n) < 0 || !sema_map_defined(s, n))
        return NULL;
    const struct type *v = s->out->maps[n->sym].val_ty;
    if (v && v->kind == T_AGG)
        return sema_agg_read_type(s, n, v);
    return v;
}

int sema_map_whole(struct sema *s, struct node *n, const char *func) {
    if (n->a) {
        sema_error(s, &n->loc, E_ARGS, "The map passed to %s() should not be indexed by a key",
                   func);
        return -1;
    }
    int idx = map_find(s, n->str);
    if (idx < 0)
        idx = map_add(s, n);
    n->sym = idx;
    if (!sema_map_defined(s, n))
        return -1;
    n->ty = s->out->maps[idx].val_ty;
    return idx;
}
