/* x86-64 operands of USDT notes. GCC writes the register it happened to
 * pick at the width of the value (%eax, %r8d, %sil), constants with '$',
 * and memory as AT&T effective addresses; RIP-relative symbols and segment
 * prefixes name things a BPF program cannot reach and are refused. */
#include "providers/usdt_args.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "providers/arch.h"

/* Every x86-64 spelling of a general register: its pt_regs name and where
 * the named part starts. */
struct x86_name {
    const char *name, *slot;
    int shift;
};

static const struct x86_name x86_names[] = {
    {"rax", "ax", 0}, {"eax", "ax", 0}, {"ax", "ax", 0},  {"al", "ax", 0},  {"ah", "ax", 8},
    {"rbx", "bx", 0}, {"ebx", "bx", 0}, {"bx", "bx", 0},  {"bl", "bx", 0},  {"bh", "bx", 8},
    {"rcx", "cx", 0}, {"ecx", "cx", 0}, {"cx", "cx", 0},  {"cl", "cx", 0},  {"ch", "cx", 8},
    {"rdx", "dx", 0}, {"edx", "dx", 0}, {"dx", "dx", 0},  {"dl", "dx", 0},  {"dh", "dx", 8},
    {"rsi", "si", 0}, {"esi", "si", 0}, {"si", "si", 0},  {"sil", "si", 0}, {"rdi", "di", 0},
    {"edi", "di", 0}, {"di", "di", 0},  {"dil", "di", 0}, {"rbp", "bp", 0}, {"ebp", "bp", 0},
    {"bp", "bp", 0},  {"bpl", "bp", 0}, {"rsp", "sp", 0}, {"esp", "sp", 0}, {"sp", "sp", 0},
    {"spl", "sp", 0}, {"rip", "ip", 0}, {"eip", "ip", 0}, {NULL, NULL, 0},
};

/* %rN, %rNd, %rNw, %rNb (N = 8..15): the slot is "rN". */
static int numbered(const char *name, char *slot, size_t len) {
    char *end;
    if (name[0] != 'r' || !isdigit((unsigned char)name[1]))
        return -1;
    long n = strtol(name + 1, &end, 10);
    if (n < 8 || n > 15 || (*end && (strchr("dwb", *end) == NULL || end[1])))
        return -1;
    snprintf(slot, len, "r%ld", n);
    return 0;
}

/* The pt_regs offset of the register spelled at *p (after the '%'),
 * advancing *p past it; -1 for a name that is not a general register. */
static int parse_reg(const char **p, int *shift) {
    char name[8] = "", slot[8];
    size_t n = 0;
    while (isalnum((unsigned char)(*p)[n]) && n < sizeof(name) - 1) {
        name[n] = (*p)[n];
        n++;
    }
    name[n] = '\0';
    *p += n;
    *shift = 0;
    for (const struct x86_name *x = x86_names; x->name; x++)
        if (strcmp(x->name, name) == 0) {
            *shift = x->shift;
            return arch_reg_offset(&arch_x86_64, x->slot);
        }
    if (numbered(name, slot, sizeof(slot)) == 0)
        return arch_reg_offset(&arch_x86_64, slot);
    return -1;
}

/* "disp(%base[,%index[,scale]])" with disp already read into a->value. */
static int parse_address(const char **p, struct usdt_arg *a) {
    int shift;
    a->kind = USDT_ARG_MEM;
    a->index = -1;
    a->scale = 1;
    if (*(*p)++ != '(')
        return -1;
    if (**p == '%') {
        (*p)++;
        if ((a->reg = parse_reg(p, &shift)) < 0 || shift)
            return -1;
    }
    if (**p == ',') {
        (*p)++;
        if (*(*p)++ != '%' || (a->index = parse_reg(p, &shift)) < 0 || shift)
            return -1;
        if (**p == ',') {
            char *end;
            a->scale = (int)strtol(*p + 1, &end, 10);
            *p = end;
            if (a->scale != 1 && a->scale != 2 && a->scale != 4 && a->scale != 8)
                return -1;
        }
    }
    return *(*p)++ == ')' ? 0 : -1;
}

static int parse_operand(const char **p, struct usdt_arg *a) {
    char *end;
    a->reg = -1;
    a->index = -1;
    if (**p == '%') {
        (*p)++;
        a->kind = USDT_ARG_REG;
        a->reg = parse_reg(p, &a->shift);
        return a->reg < 0 || **p == ':' ? -1 : 0; /* %fs:... is a segment */
    }
    if (**p == '$') {
        a->kind = USDT_ARG_CONST;
        a->value = strtoll(*p + 1, &end, 0);
        if (end == *p + 1)
            return -1;
        *p = end;
        return 0;
    }
    a->value = 0;
    if (**p == '-' || isdigit((unsigned char)**p)) {
        a->value = strtoll(*p, &end, 0);
        *p = end;
    }
    return parse_address(p, a);
}

/* "-4@" sets the size and sign; sdt.h may leave the size out (8 bytes). */
static int parse_size(const char **p, struct usdt_arg *a) {
    char *end;
    long size = strtol(*p, &end, 10);
    a->size = 8;
    a->is_signed = false;
    if (end == *p || *end != '@')
        return 0;
    if (size != 1 && size != 2 && size != 4 && size != 8 && size != -1 && size != -2 &&
        size != -4 && size != -8)
        return -1;
    a->size = (int)labs(size);
    a->is_signed = size < 0;
    *p = end + 1;
    return 0;
}

int usdt_args_parse(const char *s, struct usdt_arg *out, int max, char *err, size_t errlen) {
    int n = 0;
    const char *p = s;
    for (;;) {
        while (*p == ' ')
            p++;
        if (!*p)
            return n;
        const char *start = p;
        if (n == max) {
            snprintf(err, errlen, "more than %d USDT arguments: '%s'", max, s);
            return -1;
        }
        memset(&out[n], 0, sizeof(out[n]));
        if (parse_size(&p, &out[n]) < 0 || parse_operand(&p, &out[n]) < 0 || (*p && *p != ' ')) {
            size_t len = strcspn(start, " ");
            snprintf(err, errlen, "unsupported USDT argument '%.*s'", (int)len, start);
            return -1;
        }
        n++;
    }
}

int64_t usdt_arg_const(const struct usdt_arg *a) {
    if (a->size >= 8)
        return a->value;
    int bits = a->size * 8;
    uint64_t v = (uint64_t)a->value & ((1ULL << bits) - 1);
    if (a->is_signed && (v >> (bits - 1)))
        v |= ~0ULL << bits;
    return (int64_t)v;
}
