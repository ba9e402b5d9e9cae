/* The map printers on real BPF maps: needs root (or CAP_BPF); skipped with
 * a reason otherwise. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <errno.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cmocka.h>

#include "output/hist.h"
#include "output/output.h"

static const struct type t_u64 = {.kind = T_INT, .size = 8};
static const struct type t_count = {.kind = T_AGG, .size = 8, .agg = AGG_COUNT};
static const struct type t_hist = {.kind = T_AGG, .size = 8, .agg = AGG_HIST};

static int ncpus;

static int create(enum bpf_map_type type, uint32_t ks, uint32_t vs, uint32_t n) {
    int fd = bpf_map_create(type, NULL, ks, vs, n, NULL);
    assert_true(fd >= 0);
    return fd;
}

/* Stores v on CPU 0 and v + 1 on the last CPU (the same CPU when there is one). */
static void put_percpu(int fd, const void *key, uint64_t v) {
    uint64_t *vals = calloc((size_t)ncpus, 8);
    vals[0] += v;
    vals[ncpus - 1] += v + 1;
    assert_int_equal(bpf_map_update_elem(fd, key, vals, BPF_ANY), 0);
    free(vals);
}

static char *capture_map(const struct manifest *m, const struct map_desc *d, uint64_t top,
                         uint64_t div) {
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    struct out_sink o = out_sink_make(out, OUT_FORMAT_TEXT, false);
    out_print_map(&o, m, d, top, div);
    fclose(out);
    return buf;
}

static char *capture_all(const struct manifest *m) {
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    struct out_sink o = out_sink_make(out, OUT_FORMAT_TEXT, false);
    out_print_all_maps(&o, m);
    fclose(out);
    return buf;
}

static void expect_map(const struct manifest *m, const struct map_desc *d, uint64_t top,
                       uint64_t div, const char *want) {
    char *got = capture_map(m, d, top, div);
    assert_string_equal(got, want);
    free(got);
}

static struct map_desc count_map(const char *name, int fd) {
    struct map_desc d = {.name = (char *)name,
                         .bpf_type = BPF_MAP_TYPE_PERCPU_HASH,
                         .key_size = 8,
                         .value_size = 8,
                         .max_entries = 16,
                         .key_ty = &t_u64,
                         .val_ty = &t_count,
                         .is_user = true,
                         .fd = fd};
    return d;
}

static char *run_event(const struct manifest *m, uint32_t id) {
    struct event_header h = {.event_id = id};
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    struct out_sink o = out_sink_make(out, OUT_FORMAT_TEXT, false);
    out_event(&o, m, &h, sizeof(h));
    fclose(out);
    return buf;
}

static void test_percpu_count(void **state) {
    (void)state;
    int fd = create(BPF_MAP_TYPE_PERCPU_HASH, 8, 8, 16);
    struct map_desc d = count_map("@c", fd);
    struct event_desc ev[] = {
        {.kind = EV_PRINT_MAP, .map = 0, .top = 2},
        {.kind = EV_ZERO, .map = 0},
        {.kind = EV_CLEAR, .map = 0},
    };
    struct manifest m = {.maps = &d, .nmaps = 1, .events = ev, .nevents = 3};
    uint64_t k;
    k = 7, put_percpu(fd, &k, 10);
    k = 3, put_percpu(fd, &k, 2);
    k = 5, put_percpu(fd, &k, 30);
    if (ncpus > 1)
        expect_map(&m, &d, 0, 0, "@c[3]: 5\n@c[7]: 21\n@c[5]: 61\n");
    else
        expect_map(&m, &d, 0, 0, "@c[3]: 3\n@c[7]: 11\n@c[5]: 31\n");

    char *got = run_event(&m, 0);
    assert_non_null(strstr(got, "@c[7]: "));
    assert_null(strstr(got, "@c[3]: "));
    free(got);

    /* zero() keeps the keys, clear() drops them */
    free(run_event(&m, 1));
    expect_map(&m, &d, 0, 0, "@c[3]: 0\n@c[5]: 0\n@c[7]: 0\n");
    free(run_event(&m, 2));
    expect_map(&m, &d, 0, 0, "");
    close(fd);
}

static void test_hist_map(void **state) {
    (void)state;
    int fd = create(BPF_MAP_TYPE_PERCPU_HASH, 16, 8, 64);
    struct map_desc d = {.name = "@h",
                         .bpf_type = BPF_MAP_TYPE_PERCPU_HASH,
                         .key_size = 16,
                         .value_size = 8,
                         .max_entries = 64,
                         .key_ty = &t_u64,
                         .val_ty = &t_hist,
                         .is_user = true,
                         .fd = fd};
    struct manifest m = {.maps = &d, .nmaps = 1};
    uint64_t key[2] = {1, hist_bucket_index(1000, 0)};
    uint64_t *vals = calloc((size_t)ncpus, 8);
    vals[0] = 4;
    assert_int_equal(bpf_map_update_elem(fd, key, vals, BPF_ANY), 0);
    key[1] = hist_bucket_index(1024, 0);
    vals[0] = 1;
    vals[ncpus - 1] += 1;
    assert_int_equal(bpf_map_update_elem(fd, key, vals, BPF_ANY), 0);
    free(vals);
    expect_map(&m, &d, 0, 0,
               "@h[1]:\n"
               "[512, 1K)              4 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
               "[1K, 2K)               2 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
               "\n");
    close(fd);
}

/* The exit dump: two newlines, then the user maps by name; a scalar
 * count() is a one-entry per-CPU array and shows 0 when never written. */
static void test_exit_dump(void **state) {
    (void)state;
    int fd_c = create(BPF_MAP_TYPE_PERCPU_HASH, 8, 8, 16);
    int fd_a = create(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 1);
    int fd_e = create(BPF_MAP_TYPE_HASH, 8, 8, 4);
    struct map_desc maps[4];
    maps[0] = count_map("@z", fd_c);
    maps[1] = (struct map_desc){.name = "@a",
                                .bpf_type = BPF_MAP_TYPE_PERCPU_ARRAY,
                                .key_size = 4,
                                .value_size = 8,
                                .max_entries = 1,
                                .val_ty = &t_count,
                                .is_user = true,
                                .is_scalar = true,
                                .fd = fd_a};
    maps[2] = (struct map_desc){.name = ".internal",
                                .bpf_type = BPF_MAP_TYPE_HASH,
                                .key_size = 8,
                                .value_size = 8,
                                .val_ty = &t_u64,
                                .fd = fd_e};
    maps[3] = (struct map_desc){.name = "@empty",
                                .bpf_type = BPF_MAP_TYPE_HASH,
                                .key_size = 8,
                                .value_size = 8,
                                .max_entries = 4,
                                .val_ty = &t_u64,
                                .is_user = true,
                                .is_scalar = true,
                                .fd = fd_e};
    struct manifest m = {.maps = maps, .nmaps = 4};
    uint64_t k = 1;
    put_percpu(fd_c, &k, 0);
    char *got = capture_all(&m);
    /* @a's array entry was never counted into: bpftrace shows nothing for it */
    assert_string_equal(got, "\n\n@z[1]: 1\n");
    free(got);
    /* print() of a never-written scalar shows its zero */
    expect_map(&m, &maps[3], 0, 0, "@empty: 0\n");
    close(fd_c);
    close(fd_a);
    close(fd_e);
}

static int setup(void **state) {
    (void)state;
    ncpus = libbpf_num_possible_cpus();
    return ncpus > 0 ? 0 : -1;
}

int main(void) {
    int fd = bpf_map_create(BPF_MAP_TYPE_HASH, NULL, 8, 8, 1, NULL);
    if (fd < 0) {
        printf("SKIP: cannot create BPF maps here (need root or CAP_BPF): %s\n", strerror(errno));
        return 0;
    }
    close(fd);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_percpu_count),
        cmocka_unit_test(test_hist_map),
        cmocka_unit_test(test_exit_dump),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
