/* Creating the manifest's maps and closing everything the runtime opened. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rt_internal.h"

/* Kernel object names allow [A-Za-z0-9_.] and 15 characters; "@x" would be
 * refused, so the name is only a readable hint for bpftool. */
static void kernel_map_name(const char *name, char *buf, size_t size) {
    size_t n = 0;

    for (const char *p = name; *p && n + 1 < size && n < 15; p++) {
        if (*p == '@')
            continue;
        buf[n++] = (isalnum((unsigned char)*p) || *p == '.') ? *p : '_';
    }
    if (n == 0 && size > 1)
        buf[n++] = 'm';
    buf[n] = '\0';
}

static int create_map(struct map_desc *md, struct diag *d) {
    char name[16];
    uint32_t key_size = md->key_size, value_size = md->value_size;

    /* A ring buffer has neither keys nor values. */
    if (md->bpf_type == BPF_MAP_TYPE_RINGBUF)
        key_size = value_size = 0;
    /* max_entries 0: a slot per CPU, known only here (a perf event array,
     * the array holding big frames) */
    if (md->max_entries == 0)
        md->max_entries = (uint32_t)libbpf_num_possible_cpus();
    kernel_map_name(md->name, name, sizeof(name));
    LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = md->map_flags);
    md->fd = bpf_map_create(md->bpf_type, name, key_size, value_size, md->max_entries, &opts);
    if (md->fd < 0) {
        int err = errno;
        if (err == EPERM)
            diag_plain_error(d, E_IO,
                             "Failed to create map %s: %s (trawk needs to run as root, "
                             "or with CAP_BPF and CAP_PERFMON)",
                             md->name, strerror(err));
        else
            diag_plain_error(
                d, E_IO, "Failed to create map %s (type %d, key %u, value %u, %u entries): %s",
                md->name, (int)md->bpf_type, key_size, value_size, md->max_entries, strerror(err));
        md->fd = -1;
        return -1;
    }
    return 0;
}

/* The elapsed builtin subtracts this start time (bpf_ktime_get_ns's clock). */
static void set_start_time(const struct map_desc *md) {
    struct timespec ts;
    uint32_t key = 0;
    uint64_t now;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    now = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
    bpf_map_update_elem(md->fd, &key, &now, BPF_ANY);
}

/* The map whose fd a packed or fused map shares, or -1. */
static int shared_map(const struct map_desc *md) {
    return md->packed ? md->pack : md->fused ? md->fuse : -1;
}

int rt_load_maps(struct manifest *m, struct diag *d) {
    for (int i = 0; i < m->nmaps; i++) {
        if (shared_map(&m->maps[i]) >= 0)
            continue; /* the other's fd, below: closed once, with it */
        if (create_map(&m->maps[i], d) < 0)
            return -1;
        if (strcmp(m->maps[i].name, ".state") == 0)
            set_start_time(&m->maps[i]);
    }
    for (int i = 0; i < m->nmaps; i++)
        if (shared_map(&m->maps[i]) >= 0)
            m->maps[i].fd = m->maps[shared_map(&m->maps[i])].fd;
    return 0;
}

static void close_fd(int *fd) {
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

void rt_unload(struct rt_state *st) {
    for (int i = 0; i < st->m->nprogs; i++)
        close_fd(&st->progs[i].fd);
    for (int i = 0; i < st->m->nmaps; i++)
        if (shared_map(&st->m->maps[i]) >= 0)
            st->m->maps[i].fd = -1;
    for (int i = 0; i < st->m->nmaps; i++)
        close_fd(&st->m->maps[i].fd);
}

bool rt_ringbuf_supported(void) {
    int fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, NULL, 0, 0, 4096, NULL);
    if (fd < 0)
        return errno != EINVAL && errno != EOPNOTSUPP;
    close(fd);
    return true;
}
