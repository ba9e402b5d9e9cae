"""Whether the kernel loads fentry programs: some kernels (no BPF
trampolines, or a lockdown) refuse them with EPERM before verifying, so the
runner's `fentry` requirement asks the kernel itself. Loads an fentry
program `r0 = 0; exit` on vfs_read through bpf(2) and closes it. The
`write_user` and `override` requirements likewise load a program that calls
bpf_probe_write_user (a kernel locked down for integrity refuses it) or
bpf_override_return (only with CONFIG_BPF_KPROBE_OVERRIDE)."""
import ctypes
import functools
import os
import struct

BPF_SYSCALL = 321  # x86_64
BPF_PROG_LOAD = 5
BPF_PROG_TYPE_TRACING = 26
BPF_TRACE_FENTRY = 24
BPF_PROG_TYPE_KPROBE = 2
BPF_PROG_TYPE_TRACEPOINT = 5
BPF_FUNC_PROBE_WRITE_USER = 36
BPF_FUNC_OVERRIDE_RETURN = 58
BTF_KIND_FUNC = 12


def vfs_read_btf_id():
    """vfs_read's BTF id, through libbpf (libbpf1, which trawk links)."""
    try:
        libbpf = ctypes.CDLL("libbpf.so.1")
    except OSError:
        return None
    libbpf.btf__load_vmlinux_btf.restype = ctypes.c_void_p
    libbpf.btf__find_by_name_kind.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_uint]
    libbpf.btf__free.argtypes = [ctypes.c_void_p]
    btf = libbpf.btf__load_vmlinux_btf()
    if not btf:
        return None
    btf_id = libbpf.btf__find_by_name_kind(btf, b"vfs_read", BTF_KIND_FUNC)
    libbpf.btf__free(btf)
    return btf_id if btf_id > 0 else None


def insn(code, dst=0, src=0, off=0, imm=0):
    return struct.pack("<BBhi", code, dst | src << 4, off, imm)


def prog_load(prog_type, insns, extra=()):
    """bpf(BPF_PROG_LOAD) of a GPL program: (fd, errno); extra: (offset, u32)."""
    insn_buf = ctypes.create_string_buffer(insns)
    lic = ctypes.create_string_buffer(b"GPL")
    attr = bytearray(128)
    struct.pack_into("<II", attr, 0, prog_type, len(insns) // 8)
    struct.pack_into("<QQ", attr, 8, ctypes.addressof(insn_buf), ctypes.addressof(lic))
    for off, value in extra:
        struct.pack_into("<I", attr, off, value)
    buf = (ctypes.c_char * len(attr)).from_buffer(attr)
    libc = ctypes.CDLL(None, use_errno=True)
    fd = libc.syscall(BPF_SYSCALL, BPF_PROG_LOAD, buf, len(attr))
    return fd, ctypes.get_errno()


def loads(prog_type, prog):
    """Whether the kernel loads the program (x86_64 encodings only)."""
    if os.uname().machine != "x86_64":
        return False
    fd, _ = prog_load(prog_type, prog)
    if fd >= 0:
        os.close(fd)
    return fd >= 0


@functools.lru_cache(maxsize=None)
def write_user_loads():
    """Whether a tracepoint program may call bpf_probe_write_user."""
    return loads(BPF_PROG_TYPE_TRACEPOINT,
                 insn(0x7a, dst=10, off=-8) + insn(0xbf, dst=2, src=10)
                 + insn(0x07, dst=2, imm=-8) + insn(0xb7, dst=1) + insn(0xb7, dst=3, imm=1)
                 + insn(0x85, imm=BPF_FUNC_PROBE_WRITE_USER) + insn(0xb7) + insn(0x95))


@functools.lru_cache(maxsize=None)
def override_loads():
    """Whether a kprobe program may call bpf_override_return (the kernel
    needs CONFIG_BPF_KPROBE_OVERRIDE, which Debian 12's 6.1 lacks)."""
    return loads(BPF_PROG_TYPE_KPROBE,
                 insn(0xb7, dst=2, imm=42) + insn(0x85, imm=BPF_FUNC_OVERRIDE_RETURN)
                 + insn(0xb7) + insn(0x95))


@functools.lru_cache(maxsize=None)
def fentry_loads():
    """None when an fentry program loads, else why not."""
    if os.uname().machine != "x86_64":
        return "fentry check knows x86_64 only"
    btf_id = vfs_read_btf_id()
    if btf_id is None:
        return "no BTF id for vfs_read (no kernel BTF or no libbpf.so.1)"
    fd, err = prog_load(BPF_PROG_TYPE_TRACING, insn(0xb7) + insn(0x95),
                        ((68, BPF_TRACE_FENTRY), (108, btf_id)))
    if fd < 0:
        return "kernel refuses fentry programs (%s)" % os.strerror(err)
    os.close(fd)
    return None


if __name__ == "__main__":
    print(fentry_loads() or "fentry loads")
    print("write_user loads" if write_user_loads() else "write_user refused")
    print("override loads" if override_loads() else "override refused")
