#!/usr/bin/python3
"""Per-event cost of hand-built program shapes on sys_enter_getppid (run as root).

  bench/prog_shapes.py [--rounds 40] [--calls 300000] [--together] [SHAPE,...]

Loads small BPF programs written here instruction by instruction (no
tracer involved), attaches them to tracepoint:syscalls:sys_enter_getppid
and runs the getppid loop of compare.py at SCHED_FIFO priority 1, reading
run_time_ns / run_cnt (kernel.bpf_stats_enabled) per program, as
perf.py's (i) rows do. Alone (default): one program at a time, the shapes
in turn, --rounds times each. --together: all attached at once, the
attach order rotated each round; each program's JIT page is printed, since
on a machine whose TLB is flushed at each system call a program's cost
depends on whether code on its page already ran in the same event.
Shapes: the empty program (the floor), the ways to read pid, bpftrace
0.27.1's `pid == 1` test; --list names them.
"""

import argparse
import ctypes
import os
import re
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402
import jit_dump  # noqa: E402

TRACEPOINT = "syscalls/sys_enter_getppid"
PERF_TYPE_TRACEPOINT = 2
PERF_EVENT_IOC_ENABLE, PERF_EVENT_IOC_SET_BPF = 0x2400, 0x40042408
SYS_PERF_EVENT_OPEN = 298
BPF_PROG_LOAD, BPF_PROG_TYPE_TRACEPOINT = 5, 5
HELPER_PID_TGID, HELPER_SMP_ID, HELPER_TASK_BTF = 14, 8, 158


def insn(code, dst=0, src=0, off=0, imm=0):
    return struct.pack("<BBhi", code, (src << 4) | dst, off, imm)


def mov_imm(d, i):
    return insn(0xb7, d, imm=i)


def ldx_w(d, s, off):
    return insn(0x61, d, s, off)


def call(helper):
    return insn(0x85, imm=helper)


def ld_imm64(d, value):
    return insn(0x18, d, imm=value & 0xffffffff) + insn(0, imm=(value >> 32) - (1 << 32 if value >> 63 else 0))


RET0 = mov_imm(0, 0) + insn(0x95)


def if_one(head, reg):
    """head; if reg != 1 skip a stack store (never reached here); return 0."""
    return head + insn(0x55, reg, off=1, imm=1) + insn(0x62, 10, off=-24) + RET0


def task_offsets():
    """task_struct's pid and tgid byte offsets from the kernel's BTF."""
    out = subprocess.run(["bpftool", "btf", "dump", "file", "/sys/kernel/btf/vmlinux"],
                         stdout=subprocess.PIPE, text=True, check=True).stdout
    body = out.split("STRUCT 'task_struct'", 1)[1].split("\n[", 1)[0]
    offs = dict(re.findall(r"'(pid|tgid)' type_id=\d+ bits_offset=(\d+)", body))
    return int(offs["pid"]) // 8, int(offs["tgid"]) // 8


def shapes():
    _, tgid = task_offsets()
    return {
        "empty": RET0,
        "task_btf": if_one(call(HELPER_TASK_BTF) + ldx_w(6, 0, tgid), 6),  # trawk's
        "task_btf_r1": if_one(call(HELPER_TASK_BTF) + ldx_w(1, 0, tgid), 1),  # no callee-saved
        "pid_tgid_shift": if_one(call(HELPER_PID_TGID) + insn(0x77, 0, imm=32), 0),
        "bpftrace": (call(HELPER_PID_TGID) + ld_imm64(1, 0xffffffff00000000) + insn(0x5f, 0, 1) +
                     ld_imm64(1, 1 << 32) + insn(0x5d, 0, 1, 1) + insn(0x62, 10, off=-24) + RET0),
        "smp_id_inlined": if_one(call(HELPER_SMP_ID), 0),
    }


def load(code, name):
    prog = ctypes.create_string_buffer(code)
    lic = ctypes.create_string_buffer(b"GPL")
    log = ctypes.create_string_buffer(1 << 16)
    attr = ctypes.create_string_buffer(struct.pack(
        "<IIQQIIQII16s", BPF_PROG_TYPE_TRACEPOINT, len(code) // 8, ctypes.addressof(prog),
        ctypes.addressof(lic), 1, len(log), ctypes.addressof(log), 0, 0, name.encode()[:15]), 128)
    fd = jit_dump.libc.syscall(jit_dump.SYS_BPF, BPF_PROG_LOAD, attr, 128)
    if fd < 0:
        sys.exit("prog_shapes.py: %s: %s" % (name, log.value.decode(errors="replace")))
    return fd


class PerfAttr(ctypes.Structure):
    _fields_ = [("type", ctypes.c_uint32), ("size", ctypes.c_uint32), ("config", ctypes.c_uint64),
                ("sample_period", ctypes.c_uint64), ("rest", ctypes.c_uint8 * 104)]


def attach(prog_fd, tp_id):
    pa = PerfAttr(type=PERF_TYPE_TRACEPOINT, size=ctypes.sizeof(PerfAttr), config=tp_id,
                  sample_period=1)
    libc = jit_dump.libc
    libc.ioctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong]
    fd = libc.syscall(SYS_PERF_EVENT_OPEN, ctypes.byref(pa), -1, 0, -1, 8)  # cpu 0, CLOEXEC
    if fd < 0 or libc.ioctl(fd, PERF_EVENT_IOC_SET_BPF, prog_fd) < 0 or \
            libc.ioctl(fd, PERF_EVENT_IOC_ENABLE, 0) < 0:
        sys.exit("prog_shapes.py: attach: %s" % os.strerror(ctypes.get_errno()))
    return fd


def prog_stats(fd):
    info = jit_dump.ProgInfo()
    jit_dump.get_info(fd, info)
    return info


def one_round(order, code, tp_id, loop):
    """Attaches the shapes in order, runs the loop: {shape: (ns/event, JIT address)}."""
    fds = {n: load(code[n], n) for n in order}
    perf = [attach(fds[n], tp_id) for n in order]
    try:
        before = {n: prog_stats(fds[n]) for n in order}
        subprocess.run(loop)
        out = {}
        for n in order:
            after = prog_stats(fds[n])
            runs = after.run_cnt - before[n].run_cnt
            addr = jit_dump.prog_jited(after.id)[2][0][0]
            out[n] = ((after.run_time_ns - before[n].run_time_ns) / max(runs, 1), addr)
        return out
    finally:
        for fd in perf + list(fds.values()):
            os.close(fd)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("shapes", nargs="?", default="", help="comma-separated; default: all")
    ap.add_argument("--rounds", type=int, default=40)
    ap.add_argument("--calls", type=int, default=300000)
    ap.add_argument("--together", action="store_true")
    ap.add_argument("--list", action="store_true")
    args = ap.parse_args()
    code = shapes()
    if args.list:
        print("\n".join(code))
        return
    names = args.shapes.split(",") if args.shapes else list(code)
    unknown = [n for n in names if n not in code]
    if unknown:
        ap.error("unknown shape %s (--list)" % ", ".join(unknown))
    tmp = tempfile.mkdtemp(prefix="trawk-shapes-")
    workload, _ = compare.build_workload(tmp)
    loop = (["chrt", "-f", "1"] if shutil.which("chrt") else []) + workload + [str(args.calls)]
    tp_id = int(open("/sys/kernel/debug/tracing/events/%s/id" % TRACEPOINT).read())
    stats_path = "/proc/sys/kernel/bpf_stats_enabled"
    old = open(stats_path).read().strip()
    res = {n: [] for n in names}
    try:
        open(stats_path, "w").write("1")
        for r in range(args.rounds * (1 if args.together else len(names))):
            order = names[r % len(names):] + names[:r % len(names)]
            got = one_round(order if args.together else order[:1], code, tp_id, loop)
            for n, (ns, _) in got.items():
                res[n].append(ns)
            if args.together:
                print("round %d: %s" % (r, "  ".join("%s %.1f ns @%x" % (n, ns, addr)
                                                     for n, (ns, addr) in got.items())), flush=True)
    finally:
        open(stats_path, "w").write(old)
        shutil.rmtree(tmp, ignore_errors=True)
    print("load average %s" % " ".join(open("/proc/loadavg").read().split()[:3]))
    for n in names:
        v = res[n]
        print("%-16s %6.1f ns [%.1f-%.1f]" % (n, statistics.median(v), min(v), max(v)))


if __name__ == "__main__":
    main()
