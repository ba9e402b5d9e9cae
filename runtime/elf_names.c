/* Names in the --emit-elf object; see elf_emit.h. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "elf_emit.h"

static void identifier(char *s) {
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_')
            *s = '_';
}

void elf_map_symbol(const struct map_desc *md, char *buf, size_t size) {
    const char *name = md->name;
    if (name[0] == '@')
        snprintf(buf, size, "AT_%s", name + 1);
    else
        snprintf(buf, size, "__trawk_%s", name + (name[0] == '.'));
    identifier(buf);
}

void elf_data_section(const struct map_desc *md, char *buf, size_t size) {
    snprintf(buf, size, ".data.%s", md->name + (md->name[0] == '.' || md->name[0] == '@'));
    identifier(buf + strlen(".data."));
}

void elf_prog_symbol(const struct prog_desc *p, int index, char *buf, size_t size) {
    snprintf(buf, size, "%s_%d", p->name ? p->name : "prog", index + 1);
    identifier(buf);
}

/* "kprobe", "uretprobe", "usdt"...: the provider word of the probe name,
 * which for these is libbpf's section prefix too. */
static void probe_word(const struct prog_desc *p, char *buf, size_t size) {
    const char *name = p->name ? p->name : "kprobe";
    snprintf(buf, size, "%.*s", (int)strcspn(name, ":"), name);
}

/* Programs of the kprobe type: kprobes, uprobes and USDT. */
static void kprobe_section(const struct prog_desc *p, const struct attach_target *t, char *buf,
                           size_t size) {
    char word[32];
    probe_word(p, word, sizeof(word));
    enum bpf_attach_type at = p->attrs.expected_attach_type;
    bool multi = at == BPF_TRACE_KPROBE_MULTI || (at != 0 && strstr(word, "probe"));
    int n = snprintf(buf, size, "%s%s", word, multi ? ".multi" : "");
    if (!t || n < 0 || (size_t)n >= size)
        return;
    if (t->spec.path)
        snprintf(buf + n, size - (size_t)n, "/%s:%s", t->spec.path,
                 t->spec.symbol ? t->spec.symbol : "");
    else if (t->spec.offset)
        snprintf(buf + n, size - (size_t)n, "/%s+0x%llx", t->spec.symbol,
                 (unsigned long long)t->spec.offset);
    else if (t->spec.symbol)
        snprintf(buf + n, size - (size_t)n, "/%s", t->spec.symbol);
}

static const char *tracing_prefix(enum bpf_attach_type at) {
    switch (at) {
    case BPF_TRACE_FENTRY:
        return "fentry";
    case BPF_TRACE_FEXIT:
        return "fexit";
    case BPF_TRACE_RAW_TP:
        return "tp_btf";
    case BPF_TRACE_ITER:
        return "iter";
    case BPF_MODIFY_RETURN:
        return "fmod_ret";
    default:
        return "tracing";
    }
}

void elf_prog_section(const struct prog_desc *p, char *buf, size_t size) {
    /* one target names the section; several cannot */
    const struct attach_target *t = p->ntargets == 1 ? &p->targets[0] : NULL;
    switch (p->attrs.prog_type) {
    case BPF_PROG_TYPE_TRACEPOINT:
        if (t && t->spec.category && t->spec.event)
            snprintf(buf, size, "tracepoint/%s/%s", t->spec.category, t->spec.event);
        else
            snprintf(buf, size, "tracepoint");
        break;
    case BPF_PROG_TYPE_PERF_EVENT:
        snprintf(buf, size, "perf_event");
        break;
    case BPF_PROG_TYPE_RAW_TRACEPOINT:
        snprintf(buf, size, "raw_tp");
        break;
    case BPF_PROG_TYPE_TRACING:
        if (t && t->spec.event)
            snprintf(buf, size, "%s/%s", tracing_prefix(p->attrs.expected_attach_type),
                     t->spec.event);
        else
            snprintf(buf, size, "%s", tracing_prefix(p->attrs.expected_attach_type));
        break;
    case BPF_PROG_TYPE_KPROBE:
        kprobe_section(p, t, buf, size);
        break;
    default:
        snprintf(buf, size, "trawk");
        break;
    }
}
