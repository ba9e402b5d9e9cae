"""Whether the kernel loads fentry programs: some kernels (no BPF
trampolines, or a lockdown) refuse them with EPERM before verifying, so the
runner's `fentry` requirement asks the kernel itself. Loads an fentry
program `r0 = 0; exit` on vfs_read through bpf(2) and closes it."""
import ctypes
import functools
import os
import struct

BPF_SYSCALL = 321  # x86_64
BPF_PROG_LOAD = 5
BPF_PROG_TYPE_TRACING = 26
BPF_TRACE_FENTRY = 24
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


@functools.lru_cache(maxsize=None)
def fentry_loads():
    """None when an fentry program loads, else why not."""
    if os.uname().machine != "x86_64":
        return "fentry check knows x86_64 only"
    btf_id = vfs_read_btf_id()
    if btf_id is None:
        return "no BTF id for vfs_read (no kernel BTF or no libbpf.so.1)"
    insns = struct.pack("<BBhi", 0xb7, 0, 0, 0) + struct.pack("<BBhi", 0x95, 0, 0, 0)
    insn_buf = ctypes.create_string_buffer(insns)
    lic = ctypes.create_string_buffer(b"GPL")
    attr = bytearray(128)
    struct.pack_into("<II", attr, 0, BPF_PROG_TYPE_TRACING, 2)
    struct.pack_into("<QQ", attr, 8, ctypes.addressof(insn_buf), ctypes.addressof(lic))
    struct.pack_into("<I", attr, 68, BPF_TRACE_FENTRY)
    struct.pack_into("<I", attr, 108, btf_id)
    buf = (ctypes.c_char * len(attr)).from_buffer(attr)
    libc = ctypes.CDLL(None, use_errno=True)
    fd = libc.syscall(BPF_SYSCALL, BPF_PROG_LOAD, buf, len(attr))
    if fd < 0:
        return "kernel refuses fentry programs (%s)" % os.strerror(ctypes.get_errno())
    os.close(fd)
    return None


if __name__ == "__main__":
    print(fentry_loads() or "fentry loads")
