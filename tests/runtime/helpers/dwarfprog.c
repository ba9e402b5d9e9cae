/* Functions with typed parameters for the DWARF tests (built with -g):
 * dw_scalars(-5, 200, 1 << 40, "dwarf") and dw_walk(&first, 2), where
 * first = {1, "first", {7, 8, 9}, {3, 4}, &second, BLUE, 5, {&second},
 * 2^64 + 77}, and dw_quals (qualified parameters).
 * Runs argv[1] rounds (default 1). dw_scalars must start on line 27: the
 * source-line tests attach there. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum color { RED, GREEN = 5, BLUE };
struct point {
    int x, y;
};
struct item {
    long id;
    char name[16];
    short vals[3];
    struct point pos;
    struct item *next;
    enum color color;
    unsigned flag : 3;
    struct item *peers[2];
    __int128 big;
};
typedef struct item item_t;
__attribute__((noinline)) int dw_scalars(int a, unsigned char b, long c, const char *s) {
    return a + b + (int)c + (int)strlen(s);
}

__attribute__((noinline)) long dw_walk(item_t *it, int depth) {
    return depth > 0 && it->next ? dw_walk(it->next, depth - 1) : it->id;
}

/* qualified parameters, for -lv's spelling */
__attribute__((noinline)) int dw_quals(char *const p, volatile int v, const char *const *pp) {
    return p[0] + v + pp[0][0];
}

int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : 1;
    struct item second = {.id = 2, .name = "second", .color = RED};
    struct item first = {.id = 1,
                         .name = "first",
                         .vals = {7, 8, 9},
                         .pos = {3, 4},
                         .next = &second,
                         .color = BLUE,
                         .flag = 5,
                         .peers = {&second, NULL},
                         .big = ((__int128)1 << 64) + 77};
    char word[] = "dwarf"; /* on the stack: a page probe reads can fault in */
    for (int i = 0; i < rounds; i++) {
        dw_scalars(-5, 200, 1L << 40, word);
        dw_walk(&first, 2);
        dw_quals(word, 1, (const char *const *)&argv[0]);
        usleep(10000);
    }
    return 0;
}
