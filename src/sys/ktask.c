/* task_struct's comm, pid and tgid offsets from the kernel's BTF, read through a small
 * window over the type section; names are read one by one where a
 * candidate needs them. */
#include "sys/ktask.h"

#include <fcntl.h>
#include <linux/btf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#define WINDOW (16 * 1024)

/* A window over [pos, end) of the file. */
struct reader {
    int fd;
    char *buf;
    size_t cap, len, at; /* bytes held, of which at are consumed */
    uint64_t pos, end;   /* file offset of buf[len], end of the section */
};

/* Makes n unconsumed bytes available; false at the section's end. */
static bool need(struct reader *r, size_t n) {
    if (r->len - r->at >= n)
        return true;
    memmove(r->buf, r->buf + r->at, r->len - r->at);
    r->len -= r->at;
    r->at = 0;
    if (n > r->cap) {
        char *b = realloc(r->buf, n);
        if (!b)
            return false;
        r->buf = b;
        r->cap = n;
    }
    while (r->len < n && r->pos < r->end) {
        size_t want = r->cap - r->len;
        if (want > r->end - r->pos)
            want = (size_t)(r->end - r->pos);
        ssize_t got = pread(r->fd, r->buf + r->len, want, (off_t)r->pos);
        if (got <= 0)
            return false;
        r->len += (size_t)got;
        r->pos += (uint64_t)got;
    }
    return r->len - r->at >= n;
}

static void seek(struct reader *r, uint64_t from, uint64_t size) {
    r->len = r->at = 0;
    r->pos = from;
    r->end = from + size;
}

/* Whether the string at off in the string section is name. */
static bool name_is(int fd, uint64_t strings, uint32_t off, const char *name) {
    char buf[16];
    size_t l = strlen(name) + 1;
    return pread(fd, buf, l, (off_t)(strings + off)) == (ssize_t)l && memcmp(buf, name, l) == 0;
}

/* Bytes that follow a btf_type of this kind. */
static size_t extra(uint32_t info) {
    uint32_t vlen = BTF_INFO_VLEN(info);
    switch (BTF_INFO_KIND(info)) {
    case BTF_KIND_INT:
    case BTF_KIND_VAR:
    case BTF_KIND_DECL_TAG:
        return 4;
    case BTF_KIND_ARRAY:
        return sizeof(struct btf_array);
    case BTF_KIND_STRUCT:
    case BTF_KIND_UNION:
        return vlen * sizeof(struct btf_member);
    case BTF_KIND_ENUM:
        return vlen * sizeof(struct btf_enum);
    case BTF_KIND_FUNC_PROTO:
        return vlen * sizeof(struct btf_param);
    case BTF_KIND_DATASEC:
        return vlen * sizeof(struct btf_var_secinfo);
    case BTF_KIND_ENUM64:
        return vlen * 12;
    default:
        return 0;
    }
}

/* char[16] arrays seen so far, by type id. */
struct ids {
    uint32_t *v;
    size_t n, cap;
};

static bool ids_push(struct ids *s, uint32_t id) {
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 64;
        uint32_t *v = realloc(s->v, cap * sizeof *v);
        if (!v)
            return false;
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = id;
    return true;
}

static bool ids_has(const struct ids *s, uint32_t id) {
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i] == id)
            return true;
    return false;
}

/* task_struct's members comm (its byte offset and type id), pid and tgid
 * (byte offsets; pid_t is int in every kernel). The struct is big: only
 * structs of 32 members and 1 KiB or more have their name read. */
static bool comm_member(struct reader *r, const struct btf_type *t, const char *members,
                        uint64_t strings, struct ktask_offsets *o, uint32_t *type) {
    if (BTF_INFO_VLEN(t->info) < 32 || t->size < 1024 ||
        !name_is(r->fd, strings, t->name_off, "task_struct"))
        return false;
    for (uint32_t i = 0; i < BTF_INFO_VLEN(t->info); i++) {
        struct btf_member m;
        memcpy(&m, members + i * sizeof m, sizeof m);
        uint32_t bits = BTF_INFO_KFLAG(t->info) ? BTF_MEMBER_BIT_OFFSET(m.offset) : m.offset;
        if (bits % 8 != 0 || bits / 8 > INT32_MAX)
            continue;
        bool word = bits % 32 == 0; /* pid and tgid are loaded as one u32 */
        if (word && name_is(r->fd, strings, m.name_off, "pid"))
            o->pid = (int)(bits / 8);
        else if (word && name_is(r->fd, strings, m.name_off, "tgid"))
            o->tgid = (int)(bits / 8);
        else if (name_is(r->fd, strings, m.name_off, "comm")) {
            o->comm = (int)(bits / 8);
            *type = m.type;
            return true;
        }
    }
    return false;
}

/* Walks the types until task_struct.comm and its type, a char[16] array,
 * are both known: pahole emits task_struct among the first types, so the
 * walk usually ends within a few kilobytes. pid and tgid come before comm. */
static void find_offsets(struct reader *r, uint64_t strings, struct ktask_offsets *o) {
    struct ids arrays = {0};
    uint32_t comm_type = 0;
    bool ok = false;
    for (uint32_t id = 1; need(r, sizeof(struct btf_type)); id++) {
        struct btf_type t;
        memcpy(&t, r->buf + r->at, sizeof t);
        r->at += sizeof t;
        size_t more = extra(t.info);
        if (!need(r, more))
            break;
        const char *p = r->buf + r->at;
        r->at += more;
        int kind = BTF_INFO_KIND(t.info);
        if (kind == BTF_KIND_ARRAY) {
            struct btf_array a;
            memcpy(&a, p, sizeof a);
            if (a.nelems == 16 && !ids_push(&arrays, id))
                break;
        } else if (kind == BTF_KIND_STRUCT && o->comm < 0) {
            comm_member(r, &t, p, strings, o, &comm_type);
        }
        if (o->comm >= 0 && comm_type <= id) {
            ok = ids_has(&arrays, comm_type);
            break;
        }
    }
    free(arrays.v);
    if (!ok)
        o->comm = -1;
}

void ktask_offsets_in(const char *path, struct ktask_offsets *o) {
    *o = (struct ktask_offsets){.comm = -1, .pid = -1, .tgid = -1};
    struct reader r = {.fd = open(path, O_RDONLY | O_CLOEXEC), .cap = WINDOW};
    if (r.fd < 0)
        return;
    struct btf_header h;
    r.buf = malloc(r.cap);
    if (r.buf && pread(r.fd, &h, sizeof h, 0) == (ssize_t)sizeof h && h.magic == BTF_MAGIC) {
        seek(&r, (uint64_t)h.hdr_len + h.type_off, h.type_len);
        find_offsets(&r, (uint64_t)h.hdr_len + h.str_off, o);
    }
    free(r.buf);
    close(r.fd);
}

int ktask_comm_offset_in(const char *path) {
    struct ktask_offsets o;
    ktask_offsets_in(path, &o);
    return o.comm;
}

bool ktask_release_at_least(const char *release, int major, int minor) {
    char *end;
    long ma = strtol(release, &end, 10);
    long mi = *end == '.' ? strtol(end + 1, NULL, 10) : 0;
    return ma > major || (ma == major && mi >= minor);
}

/* The running kernel's, read once. */
static const struct ktask_offsets *offsets(void) {
    static struct ktask_offsets o;
    static bool done;
    if (!done) {
        ktask_offsets_in("/sys/kernel/btf/vmlinux", &o);
        done = true;
    }
    return &o;
}

int ktask_comm_offset(void) {
    static int cached = -2;
    if (cached == -2) {
        struct utsname u;
        cached = uname(&u) == 0 && ktask_release_at_least(u.release, 6, 2) ? offsets()->comm : -1;
    }
    return cached;
}

int ktask_pid_offset(bool tgid) {
    return tgid ? offsets()->tgid : offsets()->pid;
}
