#!/usr/bin/python3
"""Boots Debian 12's own kernel (6.1) under qemu and runs a command in it.

    tests/vm/vm.py prepare            fetch the kernel, busybox; build the initramfs
    tests/vm/vm.py run [-C DIR] -- CMD [ARGS...]

The guest sees the host's root file system read-only over 9p (so build/trawk
and the test files are where they are on the host), gets its own tmpfs on
/tmp, and runs CMD there as root. CMD's stdout and stderr come back on the
host's stdout and stderr (two serial ports), its exit status becomes ours.
Kernel messages go to the console log, printed only when the guest fails.
See docs/vm.md.
"""

import argparse
import glob
import gzip
import io
import lzma
import os
import selectors
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time

CACHE = os.environ.get("TRAWK_VM_CACHE", "/var/cache/trawk-vm")
KERNEL_META = "linux-image-amd64"
# 9p over virtio; the order matters (each needs the ones before it)
MODULES = ["virtio_ring", "virtio", "virtio_pci_modern_dev",
           "virtio_pci_legacy_dev", "virtio_pci", "netfs", "fscache",
           "9pnet", "9pnet_virtio", "9p"]
# environment passed into the guest command (by name prefix)
ENV_PREFIXES = ("TRAWK", "ASAN_", "UBSAN_", "LSAN_", "BPFTRACE")
STATUS_LOST = 125
# --copy puts files here in the guest (its own tmpfs): a binary rebuilt on
# the host while the guest runs would otherwise change under its feet
GUEST_COPIES = "/tmp/trawk-vm-files"  # the guest died before reporting a status

INIT = r"""#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in @MODULES@; do
    insmod /lib/modules/$m.ko || echo "trawk-vm: insmod $m failed"
done
mkdir -p /host /share
mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=262144 hostroot /host \
    || echo "trawk-vm: cannot mount the host root"
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 vmshare /share \
    || echo "trawk-vm: cannot mount the share"
# what udev would add to devtmpfs
mkdir -p /dev/pts /dev/shm
ln -s /proc/self/fd /dev/fd
for i in 0:stdin 1:stdout 2:stderr; do ln -s /proc/self/fd/${i%:*} /dev/${i#*:}; done
for d in proc sys dev; do mount -o bind /$d /host/$d; done
mount -t devpts devpts /host/dev/pts
mount -t tmpfs tmpfs /host/dev/shm
# Host directories under /tmp that the command needs (a checkout there)
# stay visible through the guest's own /tmp.
if [ -f /share/keep ]; then
    while read -r d; do mkdir -p /keep$d && mount -o bind /host$d /keep$d; done < /share/keep
fi
mount -t tmpfs tmpfs /host/tmp
if [ -f /share/keep ]; then
    while read -r d; do mkdir -p /host$d && mount -o bind /keep$d /host$d; done < /share/keep
fi
mount -t tmpfs tmpfs /host/run
mount -t tracefs nodev /host/sys/kernel/tracing
mount -t debugfs nodev /host/sys/kernel/debug
mount -t bpf bpf /host/sys/fs/bpf
mkdir -p /host/tmp/trawk-vm
mount -o bind /share /host/tmp/trawk-vm
ip link set lo up
hostname trawk-vm
ulimit -l unlimited
echo 1 > /proc/sys/kernel/sysrq
stty -F /dev/ttyS1 raw -echo
stty -F /dev/ttyS2 raw -echo
echo "trawk-vm: running the command"
chroot /host /bin/sh /tmp/trawk-vm/cmd.sh </dev/null >/dev/ttyS1 2>/dev/ttyS2
status=$?
echo "trawk-vm: status $status"
echo $status > /share/status
sync
poweroff -f
"""


def log(msg):
    print("trawk-vm: " + msg, file=sys.stderr, flush=True)


def die(msg):
    log(msg)
    sys.exit(STATUS_LOST)


# ------------------------------------------------------------- preparing

def kernel_package():
    """The versioned image package the meta package points at."""
    out = subprocess.run(["apt-cache", "depends", KERNEL_META], check=True,
                         capture_output=True, text=True).stdout
    for line in out.splitlines():
        word = line.split()
        if len(word) == 2 and word[0] == "Depends:" and word[1].startswith("linux-image-"):
            return word[1]
    die("apt-cache knows no %s (run apt-get update)" % KERNEL_META)


def download(pkg, debs):
    """apt-get download PKG into debs/ unless a .deb of it is there."""
    have = glob.glob(os.path.join(debs, pkg + "_*.deb"))
    if have:
        return have[0]
    os.makedirs(debs, exist_ok=True)
    log("downloading " + pkg)
    subprocess.run(["apt-get", "download", "-q", pkg], cwd=debs, check=True,
                   stdout=subprocess.DEVNULL)
    have = glob.glob(os.path.join(debs, pkg + "_*.deb"))
    if not have:
        die("apt-get download %s left no .deb" % pkg)
    return have[0]


def extract(deb, dest, members):
    """Extracts the members (tar wildcards) of a .deb's data into dest."""
    os.makedirs(dest, exist_ok=True)
    tar = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", deb], stdout=subprocess.PIPE)
    subprocess.run(["tar", "-x", "-C", dest, "--wildcards"] + members,
                   stdin=tar.stdout, check=True)
    if tar.wait() != 0:
        die("dpkg-deb cannot read " + deb)


def elf_vmlinux(vmlinuz, out):
    """Decompresses the ELF kernel out of a bzImage: booting it through
    qemu's PVH entry saves the seconds TCG spends decompressing."""
    data = open(vmlinuz, "rb").read()
    magic = b"\xfd7zXZ\x00"
    at = data.find(magic)
    while at >= 0:
        try:
            elf = lzma.LZMADecompressor().decompress(data[at:])
            if elf[:4] == b"\x7fELF":
                with open(out + ".new", "wb") as f:
                    f.write(elf)
                os.rename(out + ".new", out)
                return
        except lzma.LZMAError:
            pass
        at = data.find(magic, at + 1)
    die("no xz-compressed ELF kernel in " + vmlinuz)


def cpio_entry(buf, name, mode, data=b"", rdev=(0, 0), ino=[0]):
    """Appends one "newc" cpio record (the initramfs format)."""
    ino[0] += 1
    name_b = name.encode() + b"\0"
    fields = [ino[0], mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1],
              len(name_b), 0]
    buf.write(b"070701" + b"".join(b"%08X" % v for v in fields) + name_b)
    buf.write(b"\0" * (-(110 + len(name_b)) % 4))
    buf.write(data)
    buf.write(b"\0" * (-len(data) % 4))


def build_initramfs(busybox, moddir, out):
    buf = io.BytesIO()
    for d in ["bin", "dev", "lib", "lib/modules", "proc", "sys", "host", "share", "tmp"]:
        cpio_entry(buf, d, 0o40755)
    cpio_entry(buf, "dev/console", 0o20600, rdev=(5, 1))
    cpio_entry(buf, "bin/busybox", 0o100755, open(busybox, "rb").read())
    for m in MODULES:
        found = glob.glob(os.path.join(moddir, "**", m + ".ko"), recursive=True)
        if len(found) != 1:
            die("module %s not found in %s" % (m, moddir))
        cpio_entry(buf, "lib/modules/%s.ko" % m, 0o100644, open(found[0], "rb").read())
    init = INIT.replace("@MODULES@", " ".join(MODULES)).encode()
    cpio_entry(buf, "init", 0o100755, init)
    cpio_entry(buf, "TRAILER!!!", 0)
    with gzip.open(out + ".new", "wb") as f:
        f.write(buf.getvalue())
    os.rename(out + ".new", out)


def prepare(force=False):
    """Fills CACHE; returns (vmlinux, initrd). Idempotent and quick once done."""
    vmlinux = os.path.join(CACHE, "vmlinux")
    initrd = os.path.join(CACHE, "initrd.gz")
    script_time = os.path.getmtime(os.path.abspath(__file__))
    if not force and os.path.exists(initrd) and os.path.exists(vmlinux) \
            and os.path.getmtime(initrd) >= script_time:
        return vmlinux, initrd
    debs = os.path.join(CACHE, "debs")
    root = os.path.join(CACHE, "root")
    if force or not os.path.exists(vmlinux):
        pkg = kernel_package()
        shutil.rmtree(root, ignore_errors=True)
        extract(download(pkg, debs), root,
                ["./boot/vmlinuz-*", "./lib/modules/*/kernel/drivers/virtio/*",
                 "./lib/modules/*/kernel/net/9p/*", "./lib/modules/*/kernel/fs/9p/*",
                 "./lib/modules/*/kernel/fs/netfs/*", "./lib/modules/*/kernel/fs/fscache/*"])
        vmlinuz = glob.glob(os.path.join(root, "boot", "vmlinuz-*"))[0]
        elf_vmlinux(vmlinuz, vmlinux)
        with open(os.path.join(CACHE, "kernel-version"), "w") as f:
            f.write(os.path.basename(vmlinuz)[len("vmlinuz-"):] + "\n")
    busybox = os.path.join(root, "bin", "busybox")
    if not os.path.exists(busybox):
        extract(download("busybox-static", debs), root, ["./bin/busybox"])
    build_initramfs(busybox, os.path.join(root, "lib", "modules"), initrd)
    log("prepared %s (kernel %s)" % (CACHE, kernel_version()))
    return vmlinux, initrd


def kernel_version():
    try:
        return open(os.path.join(CACHE, "kernel-version")).read().strip()
    except OSError:
        return "?"


# ------------------------------------------------------------- running

def guest_script(cwd, argv, copies):
    lines = ["mkdir -p %s" % GUEST_COPIES]
    for name in copies:
        lines.append("cp /tmp/trawk-vm/%s %s/ || exit 126" % (name, GUEST_COPIES))
    lines += ["cd %s || exit 126" % shlex.quote(cwd),
             "export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
             "export HOME=/root TRAWK_VM=%s" % shlex.quote(kernel_version())]
    for k, v in sorted(os.environ.items()):
        if k.startswith(ENV_PREFIXES) and k != "TRAWK_VM":
            lines.append("export %s=%s" % (k, shlex.quote(v)))
    lines.append("exec " + " ".join(shlex.quote(a) for a in argv))
    return "\n".join(lines) + "\n"


def qemu_argv(vmlinux, initrd, share, mem, cpus):
    virtfs = "local,security_model=none,multidevs=remap,"
    # One host thread for all vCPUs: with a thread per vCPU (qemu 7.2's
    # default), a vCPU can keep running a stale translation of code another
    # vCPU patched, and the kernel's text_poke of a tracepoint's static
    # branch then loops on int3 forever (docs/vm.md).
    return ["qemu-system-x86_64", "-accel", "tcg,thread=single", "-cpu", "max",
            "-m", mem, "-smp", str(cpus),
            "-display", "none", "-no-reboot", "-nic", "none",
            # a hung guest can be asked for its blocked tasks (docs/vm.md)
            "-monitor", "unix:%s,server=on,wait=off" % os.path.join(share, "monitor"),
            "-kernel", vmlinux, "-initrd", initrd,
            "-append", os.environ.get("TRAWK_VM_APPEND", "console=ttyS0 quiet loglevel=5 softlockup_all_cpu_backtrace=1 panic=-1 mitigations=off no_timer_check"),
            "-virtfs", virtfs + "path=/,mount_tag=hostroot,readonly=on",
            "-virtfs", virtfs + "path=%s,mount_tag=vmshare" % share,
            "-serial", "file:" + os.path.join(share, "console.log")]


LOCKUP_SIGNS = (b"soft lockup", b"detected stalls", b"blocked for more than")
LOCKUP_GRACE = 60  # seconds from the first report to giving the guest up


class LockupWatch:
    """Watches the guest's console for a kernel lockup report and, the first
    time one appears, asks the guest (SysRq over the qemu monitor) for every
    CPU's backtrace and the blocked tasks, so that the console holds the
    stacks of a hang that CI cannot reproduce on demand."""

    def __init__(self, share):
        self.console = os.path.join(share, "console.log")
        self.monitor = os.path.join(share, "monitor")
        self.offset = 0
        self.tail = b""
        self.seen = None

    def poll(self):
        if self.seen is not None:
            return
        try:
            with open(self.console, "rb") as f:
                f.seek(self.offset)
                data = f.read()
        except OSError:
            return
        text = self.tail + data
        base = self.offset - len(self.tail)
        self.offset += len(data)
        self.tail = text[-64:]
        found = [text.find(s) for s in LOCKUP_SIGNS if s in text]
        if not found:
            return
        self.seen = base + min(found)
        self.when = time.monotonic()
        log("the guest reports a lockup; asking for its CPUs' backtraces")
        send_sysrq(self.monitor, "lw")


def pump(proc, streams, deadline, idle, watch=None):
    """Copies the guest's two serial pipes to our stdout/stderr until qemu
    exits; returns why it stopped early: the deadline passed, or the guest
    printed nothing for idle seconds (a hung guest or qemu)."""
    sel = selectors.DefaultSelector()
    for rfd, out in streams:
        os.set_blocking(rfd, False)
        sel.register(rfd, selectors.EVENT_READ, out)
    last = time.monotonic()
    while proc.poll() is None:
        now = time.monotonic()
        if now > deadline:
            return "timed out"
        if now - last > idle:
            return "no output for %ds" % idle
        if watch:
            watch.poll()
            # the guest does not recover from these; its stacks are in by now
            if watch.seen is not None and now - watch.when > LOCKUP_GRACE:
                return "kernel lockup in the guest"
        for key, _ in sel.select(timeout=0.5):
            data = os.read(key.fd, 65536)
            if data:
                last = time.monotonic()
                key.data.buffer.write(data)
                key.data.flush()
    for key in list(sel.get_map().values()):
        try:
            data = os.read(key.fd, 1 << 20)
        except BlockingIOError:
            data = b""
        key.data.buffer.write(data)
        key.data.flush()
    return None


def kept_under_tmp(cwd):
    """The checkout and the working directory when they live under /tmp,
    which the guest replaces with its own tmpfs."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    dirs = []
    for d in (root, cwd):
        if d.startswith("/tmp/") and not any(d.startswith(k + "/") or d == k for k in dirs):
            dirs.append(d)
    return dirs


def fetch_results(share, fetches):
    """--fetch NAME=DEST: what the guest wrote to /tmp/trawk-vm/NAME (the
    writable share, removed after the run) is kept at DEST on the host."""
    for spec in fetches:
        name, _, dest = spec.partition("=")
        src = os.path.join(share, os.path.basename(name))
        if os.path.exists(src):
            shutil.copyfile(src, dest)
        else:
            log("the guest wrote no %s" % name)


def run(argv, cwd, mem, cpus, timeout, copies, fetches=()):
    vmlinux, initrd = prepare()
    if not shutil.which("qemu-system-x86_64"):
        die("qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)")
    share = tempfile.mkdtemp(prefix="trawk-vm-", dir="/var/tmp")
    try:
        names = []
        for src in copies:
            names.append(os.path.basename(src))
            shutil.copy2(src, os.path.join(share, names[-1]))
        with open(os.path.join(share, "cmd.sh"), "w") as f:
            f.write(guest_script(cwd, argv, names))
        with open(os.path.join(share, "keep"), "w") as f:
            f.write("".join(d + "\n" for d in kept_under_tmp(cwd)))
        pipes = [os.pipe(), os.pipe()]
        qargv = qemu_argv(vmlinux, initrd, share, mem, cpus)
        for i, (_, w) in enumerate(pipes):
            qargv += ["-chardev", "file,id=out%d,path=/dev/fd/%d" % (i, w),
                      "-serial", "chardev:out%d" % i]
        start = time.monotonic()
        proc = subprocess.Popen(qargv, stdin=subprocess.DEVNULL,
                                pass_fds=[w for _, w in pipes])
        for _, w in pipes:
            os.close(w)
        idle = int(os.environ.get("TRAWK_VM_IDLE", "600"))
        watch = LockupWatch(share)
        why = pump(proc, [(pipes[0][0], sys.stdout), (pipes[1][0], sys.stderr)],
                   start + timeout, idle, watch)
        if why:
            log("%s; killing qemu" % why)
            proc.kill()  # SIGKILL: a hung qemu may not end on SIGTERM
            proc.wait()
        fetch_results(share, fetches)
        try:
            status = int(open(os.path.join(share, "status")).read())
        except (OSError, ValueError):
            status = None
        if status is None:
            log("the guest reported no status (qemu exited %s); console:" % proc.returncode)
            try:
                text = open(os.path.join(share, "console.log"), "rb").read()
            except OSError:
                text = b""
            # the first lockup report and the stacks that follow it, else the tail
            start_at = text.rfind(b"\n", 0, watch.seen) + 1 if watch.seen is not None else len(text) - 4000
            sys.stderr.write(text[max(0, start_at):][:24000].decode(errors="replace"))
            return STATUS_LOST
        if os.environ.get("TRAWK_VM_VERBOSE"):
            log("kernel %s, %.1fs in the VM" % (kernel_version(), time.monotonic() - start))
        return status
    finally:
        shutil.rmtree(share, ignore_errors=True)


def sysrq(keys):
    """Sends SysRq keys to the newest running guest (its console log gets
    the answer): '9w' lists blocked tasks, '9t' every task."""
    socks = sorted(glob.glob("/var/tmp/trawk-vm-*/monitor"), key=os.path.getmtime)
    if not socks:
        die("no running guest")
    send_sysrq(socks[-1], keys)
    log("sent; see " + os.path.join(os.path.dirname(socks[-1]), "console.log"))
    return 0


def send_sysrq(monitor, keys):
    try:
        with socket.socket(socket.AF_UNIX) as s:
            s.connect(monitor)
            for k in keys:
                s.sendall(b"sendkey alt-sysrq-%s\n" % k.encode())
                time.sleep(0.5)
    except OSError as e:
        log("cannot reach the qemu monitor: %s" % e)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="what", required=True)
    p = sub.add_parser("prepare", help="fetch and build what the VM boots")
    p.add_argument("--force", action="store_true", help="download and rebuild")
    q = sub.add_parser("sysrq", help="send SysRq keys to the newest running guest")
    q.add_argument("keys", help="e.g. 9w: blocked tasks on the console log")
    r = sub.add_parser("run", help="run a command in the VM")
    r.add_argument("-C", dest="cwd", default=os.getcwd(), help="working directory")
    r.add_argument("-m", dest="mem", default="2G", help="guest memory (2G)")
    r.add_argument("--cpus", type=int, default=2, help="guest CPUs (2)")
    r.add_argument("--timeout", type=int, default=3600, help="seconds (3600)")
    r.add_argument("--copy", action="append", default=[], metavar="FILE",
                   help="copy FILE to %s/ in the guest first" % GUEST_COPIES)
    r.add_argument("--fetch", action="append", default=[], metavar="NAME=DEST",
                   help="after the run, copy /tmp/trawk-vm/NAME written in the guest to DEST")
    r.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    if a.what == "prepare":
        prepare(a.force)
        return 0
    if a.what == "sysrq":
        return sysrq(a.keys)
    cmd = a.cmd[1:] if a.cmd[:1] == ["--"] else a.cmd
    if not cmd:
        ap.error("run needs a command")
    return run(cmd, os.path.abspath(a.cwd), a.mem, a.cpus, a.timeout, a.copy, a.fetch)


if __name__ == "__main__":
    sys.exit(main())
