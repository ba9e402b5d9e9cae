/* -d's stage names; see debug_stages.h. */
#include "debug_stages.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    unsigned stages;
} known[] = {
    {"parse", DEBUG_PARSE},
    {"ast", DEBUG_AST},
    {"types", DEBUG_TYPES},
    {"codegen", DEBUG_BPF},
    {"codegen-opt", DEBUG_BPF},
    {"dis", DEBUG_BPF},
    {"bpf", DEBUG_BPF},
    {"libbpf", DEBUG_LIBBPF},
    {"verifier", DEBUG_VERIFIER},
    {"all", DEBUG_PARSE | DEBUG_AST | DEBUG_TYPES | DEBUG_BPF | DEBUG_LIBBPF | DEBUG_VERIFIER},
};

static int stage_bits(const char *name, size_t len) {
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        if (strlen(known[i].name) == len && strncmp(known[i].name, name, len) == 0)
            return (int)known[i].stages;
    return -1;
}

int debug_stages_parse(const char *list, unsigned *stages) {
    /* as bpftrace splits it: empty names are left out */
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ",");
        int bits = len ? stage_bits(p, len) : 0;
        if (bits < 0) {
            fprintf(stderr, "ERROR: USAGE: invalid option for -d: %.*s\n", (int)len, p);
            return -1;
        }
        *stages |= (unsigned)bits;
        p += len + (p[len] == ',');
    }
    return 0;
}
