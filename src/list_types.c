/* -lv 'struct NAME': a kernel struct or union's definition from BTF, as
 * bpftrace prints it ("vmlinux: struct fd {", a tab before each member). */
#include <bpf/btf.h>
#include <stdarg.h>
#include <string.h>

#include "list.h"
#include "providers/provider.h"
#include "sys/kbtf.h"

static void to_file(void *ctx, const char *fmt, va_list ap) {
    vfprintf(ctx, fmt, ap);
}

static void print_member(struct btf_dump *d, const struct btf_type *t, int i, FILE *out) {
    const struct btf_member *m = btf_members(t) + i;
    const char *name = btf__name_by_offset(kbtf_vmlinux(), m->name_off);
    LIBBPF_OPTS(btf_dump_emit_type_decl_opts, opts, .field_name = name ? name : "",
                .indent_level = 1);
    fputc('\t', out);
    btf_dump__emit_type_decl(d, m->type, &opts);
    uint32_t bits = btf_member_bitfield_size(t, (uint32_t)i);
    if (bits)
        fprintf(out, ": %u", bits);
    fputs(";\n", out);
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
    const struct btf_type *t = btf__type_by_id(b, (uint32_t)id);
    struct btf_dump *d = btf_dump__new(b, to_file, out, NULL);
    if (!d)
        return -1;
    fprintf(out, "vmlinux: %s %s {\n", is_union ? "union" : "struct", name);
    for (int i = 0; i < btf_vlen(t); i++)
        print_member(d, t, i, out);
    fputs("};\n\n", out);
    btf_dump__free(d);
    return 0;
}
