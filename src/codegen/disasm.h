/* A BPF disassembler in bpftool's notation, for -d bpf and the codegen tests. */
#ifndef TRAWK_DISASM_H
#define TRAWK_DISASM_H

#include <linux/bpf.h>
#include <stdio.h>

#include "manifest.h"

/* Writes one instruction (two for LD_IMM64) into buf; returns the slots used. */
int disasm_insn(const struct bpf_insn *in, char *buf, size_t size);
void disasm_prog(const struct prog_desc *p, FILE *out);
void disasm_manifest(const struct manifest *m, FILE *out);

#endif
