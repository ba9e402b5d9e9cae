#!/usr/bin/python3
"""Disassembles the JIT-compiled code of loaded BPF programs (run as root).

  bench/jit_dump.py ID [ID ...]        programs by id (bpftool prog show)
  bench/jit_dump.py --pid PID          every program a process holds open
  bench/jit_dump.py --raw ID           machine code bytes only, no objdump

Debian's bpftool is built without libbfd and cannot dump JITed code; this
asks the kernel for it (bpf(2) BPF_OBJ_GET_INFO_BY_FD, jited_prog_insns)
and runs `objdump -D -b binary -mi386:x86-64` on the bytes, at the
program's kernel address, so that call targets can be named from
/proc/kallsyms (a helper the verifier did not inline shows as a call to
it; an inlined one as loads). Works on any program: trawk's, bpftrace's.
Python standard library only, plus binutils' objdump.
"""

import argparse
import ctypes
import os
import platform
import re
import subprocess
import sys
import tempfile

SYS_BPF = {"x86_64": 321, "aarch64": 280}.get(platform.machine(), 321)
BPF_PROG_GET_FD_BY_ID = 13
BPF_OBJ_GET_INFO_BY_FD = 15
PROG_TYPES = {1: "socket_filter", 2: "kprobe", 5: "tracepoint", 7: "perf_event",
              17: "raw_tracepoint", 26: "tracing"}

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


# struct bpf_prog_info of linux/bpf.h, up to the fields read here.
PROG_INFO = """
    u32 type, id; tag tag; u32 jited_prog_len, xlated_prog_len;
    u64 jited_prog_insns, xlated_prog_insns, load_time; u32 created_by_uid, nr_map_ids;
    u64 map_ids; name name; u32 ifindex, gpl_compatible; u64 netns_dev, netns_ino;
    u32 nr_jited_ksyms, nr_jited_func_lens; u64 jited_ksyms, jited_func_lens;
    u32 btf_id, func_info_rec_size; u64 func_info; u32 nr_func_info, nr_line_info;
    u64 line_info, jited_line_info; u32 nr_jited_line_info, line_info_rec_size;
    u32 jited_line_info_rec_size, nr_prog_tags; u64 prog_tags, run_time_ns, run_cnt;
    u64 recursion_misses; u32 verified_insns, attach_btf_obj_id, attach_btf_id, pad;
"""
CTYPES = {"u32": ctypes.c_uint32, "u64": ctypes.c_uint64, "tag": ctypes.c_uint8 * 8,
          "name": ctypes.c_char * 16}


class ProgInfo(ctypes.Structure):
    _fields_ = [(name.strip(), CTYPES[decl.split()[0]])
                for decl in PROG_INFO.split(";") if decl.strip()
                for name in decl.split(None, 1)[1].split(",")]


def bpf(cmd, attr):
    r = libc.syscall(SYS_BPF, cmd, ctypes.byref(attr), ctypes.sizeof(attr))
    if r < 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))
    return r


def prog_fd(prog_id):
    attr = (ctypes.c_uint32 * 4)(prog_id, 0, 0, 0)  # union bpf_attr: prog_id, next_id, open_flags
    return bpf(BPF_PROG_GET_FD_BY_ID, attr)


def get_info(fd, info):
    class InfoAttr(ctypes.Structure):
        _fields_ = [("bpf_fd", ctypes.c_uint32), ("info_len", ctypes.c_uint32),
                    ("info", ctypes.c_uint64)]
    attr = InfoAttr(fd, ctypes.sizeof(info), ctypes.addressof(info))
    bpf(BPF_OBJ_GET_INFO_BY_FD, attr)


def prog_jited(prog_id):
    """(info, code bytes, [(ksym address, length)] per function)."""
    fd = prog_fd(prog_id)
    try:
        info = ProgInfo()
        get_info(fd, info)
        n_code, n_funcs = info.jited_prog_len, max(info.nr_jited_ksyms, 1)
        code = (ctypes.c_uint8 * max(n_code, 1))()
        ksyms = (ctypes.c_uint64 * n_funcs)()
        lens = (ctypes.c_uint32 * n_funcs)()
        full = ProgInfo(jited_prog_len=n_code, jited_prog_insns=ctypes.addressof(code),
                        nr_jited_ksyms=info.nr_jited_ksyms, jited_ksyms=ctypes.addressof(ksyms),
                        nr_jited_func_lens=info.nr_jited_func_lens,
                        jited_func_lens=ctypes.addressof(lens))
        get_info(fd, full)
    finally:
        os.close(fd)
    funcs = [(ksyms[i], lens[i]) for i in range(full.nr_jited_ksyms)] or [(0, n_code)]
    return full, bytes(code[:n_code]), funcs


def kallsyms():
    syms = {}
    try:
        with open("/proc/kallsyms") as f:
            for line in f:
                addr, _, name = line.split()[:3]
                syms.setdefault(int(addr, 16), name)
    except OSError:
        pass
    return syms if any(syms) else {}


def disassemble(code, vma):
    with tempfile.NamedTemporaryFile(suffix=".bin") as f:
        f.write(code)
        f.flush()
        out = subprocess.run(["objdump", "-D", "-b", "binary", "-mi386:x86-64",
                              "--adjust-vma=%#x" % vma, f.name],
                             stdout=subprocess.PIPE, text=True, check=True).stdout
    return [l for l in out.splitlines() if re.match(r"\s*[0-9a-f]+:\t", l)]


def annotate(line, syms):
    """Names the target of a call or jump outside the program."""
    m = re.search(r"\b(call|jmp)\s+0x([0-9a-f]+)$", line)
    if m and int(m.group(2), 16) in syms:
        return "%s <%s>" % (line, syms[int(m.group(2), 16)])
    return line


def dump(prog_id, syms, raw):
    info, code, funcs = prog_jited(prog_id)
    name = info.name.decode(errors="replace")
    print("prog %d %s %s: %d xlated insns, %d jited bytes, %d functions, run_cnt %d, "
          "run_time_ns %d" % (info.id, PROG_TYPES.get(info.type, "type %d" % info.type), name,
                              info.xlated_prog_len // 8, len(code), len(funcs), info.run_cnt,
                              info.run_time_ns))
    if not code:
        print("  (not JIT-compiled, or no permission: run as root)")
        return
    off = 0
    for i, (addr, length) in enumerate(funcs):
        part = code[off:off + length]
        off += length
        if len(funcs) > 1:
            print(" function %d at %#x:" % (i, addr))
        if addr and (addr >> 12) != ((addr + length - 1) >> 12):
            # Where each system call flushes the TLB, a page is a miss.
            print(" (spans two 4 KiB pages: %#x)" % ((addr + length - 1) & ~0xfff))
        if raw:
            print(" ", part.hex())
            continue
        for line in disassemble(part, addr):
            print(annotate(line, syms))


def pid_progs(pid):
    ids = []
    fdinfo = "/proc/%d/fdinfo" % pid
    for fd in sorted(os.listdir(fdinfo), key=int):
        try:
            with open(os.path.join(fdinfo, fd)) as f:
                m = re.search(r"^prog_id:\s+(\d+)", f.read(), re.M)
        except OSError:
            continue
        if m and int(m.group(1)) not in ids:
            ids.append(int(m.group(1)))
    return ids


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("ids", nargs="*", type=int, help="program ids")
    ap.add_argument("--pid", type=int, help="every program this process holds open")
    ap.add_argument("--raw", action="store_true", help="hex bytes, no disassembly")
    args = ap.parse_args()
    ids = args.ids + (pid_progs(args.pid) if args.pid else [])
    if not ids:
        ap.error("no program: give ids or --pid")
    syms = {} if args.raw else kallsyms()
    status = 0
    for prog_id in ids:
        try:
            dump(prog_id, syms, args.raw)
        except OSError as e:
            print("jit_dump.py: program %d: %s" % (prog_id, e.strerror), file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
