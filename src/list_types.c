/* -lv 'struct NAME': a kernel struct or union's definition from BTF, as
 * bpftrace prints it ("vmlinux: struct fd {", a tab before each member). */
#include <bpf/btf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "list.h"
#include "providers/provider.h"
#include "sys/kbtf.h"

static void to_file(void *ctx, const char *fmt, va_list ap) {
    vfprintf(ctx, fmt, ap);
}

/* Copies the definition "KIND NAME {" ... "};" out of a btf_dump of it
 * and its dependencies: libbpf lays out the holes ("long: 64;") as
 * bpftrace shows them. */
static void print_body(const char *dump, const char *head, FILE *out) {
    size_t hl = strlen(head);
    const char *p = dump;
    while (p && !(strncmp(p, head, hl) == 0 && p[hl] == '\n')) {
        p = strchr(p, '\n');
        p = p ? p + 1 : NULL;
    }
    if (!p)
        return;
    for (p += hl + 1; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (p[0] == '}')
            break;
        fprintf(out, "%.*s\n", (int)n, p);
        p += n + (nl ? 1 : 0);
    }
}

bool list_is_type_pattern(const char *glob) {
    return strncmp(glob, "struct ", 7) == 0 || strncmp(glob, "union ", 6) == 0;
}

int list_type(const char *glob, FILE *out) {
    bool is_union = glob[0] == 'u';
    const char *name = glob + (is_union ? 6 : 7);
    const struct btf *b = kbtf_vmlinux();
    int id = b ? kbtf_id(name, is_union ? BTF_KIND_UNION : BTF_KIND_STRUCT) : -1;
    if (id < 0)
        return 0; /* bpftrace lists nothing for an unknown type */
    if (!provider_list_verbose()) {
        fprintf(out, "%s\n", glob);
        return 0;
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    struct btf_dump *d = mem ? btf_dump__new(b, to_file, mem, NULL) : NULL;
    if (!d) {
        if (mem)
            fclose(mem);
        free(buf);
        return -1;
    }
    btf_dump__dump_type(d, (uint32_t)id);
    btf_dump__free(d);
    fclose(mem);
    char head[256];
    snprintf(head, sizeof(head), "%s %s {", is_union ? "union" : "struct", name);
    fprintf(out, "vmlinux: %s\n", head);
    print_body(buf ? buf : "", head, out);
    fputs("};\n\n", out);
    free(buf);
    return 0;
}
