/* A known address to watch: maps a page at 0x10000000 (as bpftrace's own
 * watchpoint test program does), waits DELAY_S so that a tracer can attach,
 * then writes i to its first u64 for i = 1..COUNT, from a new thread when
 * THREAD is 1 (inherited watchpoints) or from the main thread.
 * Run as: wpwrite [DELAY_S [COUNT [THREAD]]] */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define WATCHED ((void *)0x10000000)

static int count = 1;

static void *writer(void *arg) {
    volatile uint64_t *p = arg;
    for (int i = 1; i <= count; i++)
        *p = (uint64_t)i;
    return NULL;
}

int main(int argc, char **argv) {
    double delay = argc > 1 ? atof(argv[1]) : 0;
    count = argc > 2 ? atoi(argv[2]) : 1;
    int thread = argc > 3 && atoi(argv[3]) == 1;
    void *page = mmap(WATCHED, 4096, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (page != WATCHED) {
        perror("mmap at 0x10000000");
        return 1;
    }
    if (delay > 0)
        usleep((useconds_t)(delay * 1e6));
    if (thread) {
        pthread_t t;
        pthread_create(&t, NULL, writer, page);
        pthread_join(t, NULL);
    } else {
        writer(page);
    }
    printf("wrote %d\n", count);
    return 0;
}
