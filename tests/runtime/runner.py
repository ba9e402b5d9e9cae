#!/usr/bin/python3
"""Runtime test runner for trawk: runs real probes as root.

Reads declarative test cases from tests/runtime/cases/*.test (format in
tests/runtime/README.md), runs them two at a time, prints PASS/FAIL/SKIP per
test and a summary, and exits non-zero when any test failed.

The binary under test comes from $TRAWK (default build/trawk at the top of
the repository). Only the Python standard library is used.
"""

import argparse
import concurrent.futures
import fnmatch
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
NOTIFY = "__BPFTRACE_NOTIFY_PROBES_ATTACHED"
DEFAULT_TIMEOUT = 5.0
# tests/vm/vm.py sets TRAWK_VM (the kernel's release) in its guest: qemu's
# software emulation runs programs several times slower, so timeouts stretch
IN_VM = os.environ.get("TRAWK_VM")
TIMEOUT_SCALE = float(os.environ.get("TRAWK_TIMEOUT_SCALE", "4" if IN_VM else "1"))

# Directives that take a value, and whether they may repeat.
SINGLE = {"PROG", "FILE", "SCRIPT", "OPTS", "ARGS", "STDIN", "SETUP", "TRIGGER", "AFTER",
          "SIGNAL", "EXIT", "TIMEOUT", "REQUIRES"}
REPEATED = {"ENV", "EXPECT", "EXPECT_REGEX", "EXPECT_NONE", "EXPECT_BLOCK",
            "EXPECT_ALL", "ERR_EXPECT", "ERR_REGEX", "ERR_NONE", "ERR_BLOCK",
            "ERR_ALL"}  # the output checks; see CHECKS
FLAGS = {"DIAG", "EXCLUSIVE", "CHECK_LEAKS", "JSON_VALID"}


class CaseError(Exception):
    pass


class Case:
    def __init__(self, name, path, line):
        self.name = name
        self.path = path
        self.line = line
        self.fields = {}
        self.checks = []      # (directive, value) in file order
        self.env = {}
        self.flags = set()

    def get(self, key, default=None):
        return self.fields.get(key, default)

    @property
    def where(self):
        return "%s:%d" % (os.path.relpath(self.path, REPO), self.line)


# ---------------------------------------------------------------- parsing

def parse_file(path):
    """Returns the cases of one .test file; raises CaseError on bad syntax."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    cases = []
    cur = None
    i = 0
    while i < len(lines):
        raw = lines[i]
        lineno = i + 1
        i += 1
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        # One space separates the directive from its value; the rest of
        # the line is kept as is (leading blanks matter for source lines).
        key, _, value = raw.rstrip("\r").partition(" ")
        if key == "NAME":
            if not value:
                raise CaseError("%s:%d: NAME needs a value" % (path, lineno))
            cur = Case(value, path, lineno)
            cases.append(cur)
            continue
        if cur is None:
            raise CaseError("%s:%d: %s before the first NAME" % (path, lineno, key))
        if re.fullmatch(r"<<[A-Za-z_]+\s*", value):
            value = value.strip()
            tag = value[2:]
            block = []
            while True:
                if i >= len(lines):
                    raise CaseError("%s:%d: unterminated <<%s" % (path, lineno, tag))
                if lines[i] == tag:
                    i += 1
                    break
                block.append(lines[i])
                i += 1
            value = "\n".join(block)
            is_block = True
        else:
            is_block = False
        if key in FLAGS:
            if value:
                raise CaseError("%s:%d: %s takes no value" % (path, lineno, key))
            cur.flags.add(key)
        elif key == "ENV":
            k, eq, v = value.partition("=")
            if not eq:
                raise CaseError("%s:%d: ENV needs KEY=VALUE" % (path, lineno))
            cur.env[k] = v
        elif key in SINGLE:
            if key in cur.fields:
                raise CaseError("%s:%d: %s given twice" % (path, lineno, key))
            cur.fields[key] = value
        elif key in REPEATED:
            if key.endswith("_BLOCK") or key.endswith("_ALL"):
                if not is_block:
                    raise CaseError("%s:%d: %s needs a <<TAG block" % (path, lineno, key))
            cur.checks.append((key, value))
        else:
            raise CaseError("%s:%d: unknown directive %s" % (path, lineno, key))
    for c in cases:
        validate(c)
    return cases


def validate(c):
    sources = [k for k in ("PROG", "FILE", "SCRIPT") if k in c.fields]
    if len(sources) > 1:
        raise CaseError("%s: only one of PROG, FILE, SCRIPT" % c.where)
    if "SIGNAL" in c.fields:
        sig = c.fields["SIGNAL"].split()[0]
        if sig not in ("INT", "TERM"):
            raise CaseError("%s: SIGNAL must be INT or TERM" % c.where)
    if "CHECK_LEAKS" in c.flags:
        c.flags.add("EXCLUSIVE")
    for key, value in c.checks:
        if key.endswith("REGEX") or key.endswith("NONE"):
            try:
                re.compile(value)
            except re.error as e:
                raise CaseError("%s: bad regex %r: %s" % (c.where, value, e))


# ---------------------------------------------------------- requirements

def tracefs_dir():
    for d in ("/sys/kernel/tracing", "/sys/kernel/debug/tracing"):
        if os.path.isdir(os.path.join(d, "events")):
            return d
    return None


def perf_counts(attr_type, config=0, bp_type=0, bp_len=0):
    """Opens a perf counter on this process (a write breakpoint on a local
    variable when attr_type is 5), triggers it and returns its count, or
    None when the kernel refuses the event."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    var = ctypes.c_uint64(0)
    attr = (ctypes.c_uint64 * 16)()
    attr[0] = attr_type | (128 << 32)     # type, size
    attr[1] = config
    attr[2] = 1                           # sample_period
    attr[5] = 1 << 5 | 1 << 6 if attr_type == 0 else 0  # exclude_kernel/hv
    attr[6] = bp_type << 32               # wakeup_events, bp_type
    attr[7] = ctypes.addressof(var)       # bp_addr
    attr[8] = bp_len
    fd = libc.syscall(298, ctypes.byref(attr), 0, -1, -1, 0)  # x86_64 perf_event_open
    if fd < 0:
        return None
    for i in range(10):
        var.value = i
    count = ctypes.c_uint64(0)
    libc.read(fd, ctypes.byref(count), 8)
    os.close(fd)
    return count.value


def missing_requirement(req):
    """Returns None when req is met, else the reason to skip."""
    if req == "root":
        return None if os.geteuid() == 0 else "needs root"
    if req == "tracefs":
        # trawk mounts tracefs itself; the kernel only has to provide it.
        with open("/proc/filesystems") as f:
            ok = any(line.split()[-1] == "tracefs" for line in f if line.strip())
        return None if ok else "kernel has no tracefs"
    if req == "bpftool":
        return None if shutil.which("bpftool") else "bpftool not installed"
    if req == "perf_event":
        return None if os.path.exists("/proc/sys/kernel/perf_event_paranoid") \
            else "kernel has no perf events"
    if req == "kprobes":
        ok = os.path.exists("/sys/bus/event_source/devices/kprobe/type")
        return None if ok else "kernel has no kprobes (tests/vm/run-runtime runs it on one)"
    if req in ("fentry", "write_user", "override"):
        sys.path.insert(0, os.path.join(HERE, "helpers"))
        from fentry_check import fentry_loads, override_loads, write_user_loads
        if req == "fentry":
            return fentry_loads()
        if req == "override":
            return None if override_loads() else \
                "kernel refuses bpf_override_return (no CONFIG_BPF_KPROBE_OVERRIDE)"
        return None if write_user_loads() else \
            "kernel refuses bpf_probe_write_user (locked down; tests/vm/run-runtime runs it)"
    if req.startswith("no:"):  # the kernel lacks it: tests of trawk's error there
        return None if missing_requirement(req[3:]) else "kernel has %s" % req[3:]
    if req == "uprobes":
        ok = os.path.exists("/sys/bus/event_source/devices/uprobe/type")
        return None if ok else "kernel has no uprobes"
    if req == "uprobe_multi":
        # 6.6+; without it a wildcard attaches a perf event per function
        major, minor = (int(x) for x in re.match(r"(\d+)\.(\d+)", os.uname().release).groups())
        ok = (major, minor) >= (6, 6) and "TRAWK_NO_UPROBE_MULTI" not in os.environ
        return None if ok else "kernel has no uprobe_multi links (thousands of perf-event uprobes take minutes)"
    if req in ("watchpoints", "no-watchpoints"):
        # the breakpoint PMU may exist without the debug registers firing (VMs)
        works = bool(perf_counts(5, bp_type=2, bp_len=8))
        if req == "watchpoints":
            return None if works else "machine has no working hardware breakpoints (watchpoints)"
        return None if not works else "machine has working hardware breakpoints"
    if req in ("hwevents", "no-hwevents"):
        has = perf_counts(0) is not None
        if req == "hwevents":
            return None if has else "machine has no hardware perf events (no CPU PMU)"
        return None if not has else "machine has hardware perf events"
    if req == "syscall-kstack":
        # before 6.11 syscall tracepoints hand BPF the user-mode registers:
        # kstack there is empty, for bpftrace as for trawk
        rel = tuple(int(x) for x in re.findall(r"\d+", os.uname().release)[:2])
        return None if rel >= (6, 11) else "kernel gives syscall tracepoints no kernel stack (before 6.11)"
    if req.startswith("kernel:"):
        rel = tuple(int(x) for x in re.findall(r"\d+", os.uname().release)[:2])
        want = tuple(int(x) for x in req[7:].split("."))
        return None if rel >= want else "kernel before %s" % req[7:]
    if req == "btf":
        return None if os.path.exists("/sys/kernel/btf/vmlinux") else "kernel has no BTF"
    if req.startswith("env:"):
        return None if os.environ.get(req[4:]) else "%s is not set" % req[4:]
    if req.startswith("cmd:"):
        return None if shutil.which(req[4:]) else "command %s not found" % req[4:]
    if req.startswith("ksym:"):  # kernel variables resolve only if kallsyms lists them
        with open("/proc/kallsyms") as f:
            ok = any(l.split()[2:3] == [req[5:]] for l in f)
        return None if ok else "kernel does not list %s in /proc/kallsyms" % req[5:]
    if req == "bpffs":
        with open("/proc/mounts") as f:
            ok = any(l.split()[1:3] == ["/sys/fs/bpf", "bpf"] for l in f)
        return None if ok else "no bpf filesystem on /sys/fs/bpf"
    if req == "cgroup2":
        with open("/proc/mounts") as f:
            ok = any(l.split()[2:3] == ["cgroup2"] for l in f)
        return None if ok else "no cgroup2 hierarchy mounted"
    if req == "memcg":
        v2 = "/sys/fs/cgroup/cgroup.controllers"
        ok = os.path.isdir("/sys/fs/cgroup/memory") or (
            os.path.exists(v2) and "memory" in open(v2).read().split())
        return None if ok else "no memory cgroup controller mounted"
    if req.startswith("blockdev:"):
        # a filesystem on a disk: writes there reach the block layer
        # (not tmpfs or 9p, whose device numbers have major 0)
        ok = os.path.exists(req[9:]) and os.major(os.stat(req[9:]).st_dev) != 0
        return None if ok else "%s is on no block device" % req[9:]
    if req.startswith("unreadable:"):
        try:
            open(req[11:]).close()
            return "%s is readable" % req[11:]
        except OSError:
            return None
    if req.startswith("file:"):
        return None if os.path.exists(req[5:]) else "%s not found" % req[5:]
    if req.startswith("tracepoint:"):
        d = tracefs_dir()
        if d is None:
            return None  # not mounted: trawk mounts it, assume present
        cat_ev = req[len("tracepoint:"):].split(":")
        if len(cat_ev) != 2 or not os.path.isdir(os.path.join(d, "events", *cat_ev)):
            return "no %s" % req
        return None
    return "unknown requirement %s" % req


# ------------------------------------------------------------- running

class Result:
    def __init__(self, case, status, reason="", details="", duration=0.0):
        self.case = case
        self.status = status
        self.reason = reason
        self.details = details
        self.duration = duration


SESSIONS = set()  # session ids of every trawk started (one session each)


def leftover_processes():
    """Processes still alive in a session a test started: a trawk that
    outlived its test, or something it spawned."""
    left = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                stat = f.read()
        except OSError:
            continue
        # Fields after the parenthesised comm: state ppid pgrp session ...
        comm = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[3]) in SESSIONS and fields[0] != "Z":
            left.append((int(d), comm))
    return left


class Run:
    """One trawk process with line-by-line capture of stdout and stderr."""

    def __init__(self, argv, cwd, env, stdin_data):
        self.out = []
        self.err = []
        self.attached = threading.Event()
        self.notify_streams = set()
        self.proc = subprocess.Popen(
            argv, cwd=cwd, env=env, start_new_session=True,
            stdin=subprocess.PIPE if stdin_data is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        SESSIONS.add(self.proc.pid)
        self.threads = [
            threading.Thread(target=self._read, args=(self.proc.stdout, self.out, "stdout")),
            threading.Thread(target=self._read, args=(self.proc.stderr, self.err, "stderr")),
        ]
        for t in self.threads:
            t.daemon = True
            t.start()
        if stdin_data is not None:
            try:
                self.proc.stdin.write(stdin_data.encode())
                self.proc.stdin.close()
            except BrokenPipeError:
                pass

    def _read(self, stream, sink, name):
        for raw in iter(stream.readline, b""):
            line = raw.decode("utf-8", "replace")
            if line.endswith("\n"):
                line = line[:-1]
            if line == NOTIFY:
                # bpftrace 0.17 writes it to stderr; checked in run_case.
                self.notify_streams.add(name)
                self.attached.set()
                continue
            sink.append(line)
        stream.close()

    def wait_attached(self, deadline):
        while time.monotonic() < deadline:
            if self.attached.wait(0.02):
                return True
            if self.proc.poll() is not None:
                # Let the reader drain a notify line written just before exit.
                for t in self.threads:
                    t.join(0.5)
                return self.attached.is_set()
        return False

    def signal(self, sig):
        try:
            os.kill(self.proc.pid, sig)
        except ProcessLookupError:
            pass

    def wait(self, deadline):
        """Waits for exit; returns False on timeout (after killing)."""
        try:
            self.proc.wait(max(0.0, deadline - time.monotonic()))
            ok = True
        except subprocess.TimeoutExpired:
            ok = False
            self.signal(signal.SIGINT)
            try:
                self.proc.wait(2)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait()
        for t in self.threads:
            t.join(2)
        return ok


def setup_pid(tmpdir):
    """The process a SETUP left running for -p, from its setup.pid file."""
    try:
        with open(os.path.join(tmpdir, "setup.pid")) as f:
            return f.read().strip()
    except OSError:
        return "no-setup-pid"


def build_argv(case, trawk, tmpdir, write_script=True):
    opts = case.get("OPTS", "")
    if "{setup_pid}" in opts:
        opts = opts.replace("{setup_pid}", setup_pid(tmpdir))
    argv = [trawk] + shlex.split(opts)
    if "PROG" in case.fields:
        argv += ["-e", case.fields["PROG"]]
    elif "FILE" in case.fields:
        argv.append(os.path.join(HERE, case.fields["FILE"]))
    elif "SCRIPT" in case.fields:
        if write_script:
            with open(os.path.join(tmpdir, "script.bt"), "w") as f:
                f.write(case.fields["SCRIPT"] + "\n")
        argv.append("script.bt")
    argv += shlex.split(case.get("ARGS", ""))
    return argv


def is_bpftrace(trawk):
    return os.path.basename(trawk) == "bpftrace"


def compat_filter(trawk, out, err):
    """bpftrace 0.17 (used to validate this harness) prints two lines that
    current bpftrace does not; hide them so shapes can be compared."""
    if not is_bpftrace(trawk):
        return out, err
    out = [l for l in out if not re.fullmatch(r"Attaching \d+ probes?\.\.\.", l)]
    err = [l for l in err if "couldn't set RLIMIT_MEMLOCK" not in l]
    return out, err


def run_trigger(cmd, cwd, env, deadline):
    try:
        p = subprocess.run(["bash", "-c", cmd], cwd=cwd, env=env,
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE,
                           timeout=max(0.1, deadline - time.monotonic()))
        if p.returncode != 0:
            return "trigger exited %d: %s" % (p.returncode, p.stderr.decode(errors="replace").strip())
    except subprocess.TimeoutExpired:
        return "trigger timed out"
    return None


def run_case(case, trawk):
    reqs = (case.get("REQUIRES") or "").split()
    for r in reqs:
        why = missing_requirement(r)
        if why:
            return Result(case, "SKIP", why)
    start = time.monotonic()  # after the checks: asking the kernel (fentry) takes time
    timeout = float(case.get("TIMEOUT", DEFAULT_TIMEOUT)) * TIMEOUT_SCALE
    deadline = start + timeout
    tmpdir = tempfile.mkdtemp(prefix="trawk-test-")
    try:
        env = dict(os.environ)
        env[NOTIFY] = "1"
        env["TRAWK"] = trawk
        env["TRAWK_TEST_DIR"] = HERE
        env["TRAWK_TIMEOUT_SCALE"] = "%g" % TIMEOUT_SCALE  # helpers' run times scale too
        env.update(case.env)
        argv = build_argv(case, trawk, tmpdir)
        if "SETUP" in case.fields:
            # SETUP (a compile, often) has its own minute (scaled: gcc under
            # the VM's emulation is slow too): on a loaded
            # machine it must not eat the time trawk's run is given
            why = run_trigger(case.fields["SETUP"], tmpdir, env, time.monotonic() + 60 * TIMEOUT_SCALE)
            if why:
                return Result(case, "FAIL", "setup failed: " + why.replace("trigger ", ""),
                              duration=time.monotonic() - start)
            deadline = time.monotonic() + timeout
            # {setup_pid} is known now; the script SETUP may have rewritten stays
            argv = build_argv(case, trawk, tmpdir, write_script=False)
        leaks = LeakWatch() if "CHECK_LEAKS" in case.flags else None
        run = Run(argv, tmpdir, env, case.get("STDIN"))
        problems = []
        trigger = case.get("TRIGGER")
        sig = case.get("SIGNAL")
        if trigger or sig or leaks:
            if not run.wait_attached(deadline):
                if run.proc.poll() is None:
                    problems.append("no %s line before the timeout" % NOTIFY)
                elif trigger or leaks:
                    problems.append("exited (code %d) without printing %s"
                                    % (run.proc.returncode, NOTIFY))
            elif leaks:
                leaks.while_running(run.proc.pid)
            if run.attached.is_set() and trigger:
                env["TRAWK_PID"] = str(run.proc.pid)  # for signals to trawk itself
                why = run_trigger(trigger, tmpdir, env, deadline)
                if why:
                    problems.append(why)
            if sig and run.proc.poll() is None:
                parts = sig.split()
                time.sleep(float(parts[1]) if len(parts) > 1 else 0.2)
                run.signal(signal.SIGINT if parts[0] == "INT" else signal.SIGTERM)
        finished = run.wait(deadline)
        out, err = compat_filter(trawk, run.out, run.err)
        if "stderr" in run.notify_streams and not is_bpftrace(trawk):
            problems.append("%s printed on stderr, not stdout" % NOTIFY)
        if not finished:
            problems.insert(0, "timed out after %gs" % timeout)
        else:
            problems += check_exit(case, run.proc.returncode)
        problems += check_output(case, out, err)
        if finished and "AFTER" in case.fields:
            why = run_trigger(case.fields["AFTER"], tmpdir, env, time.monotonic() + timeout)
            if why:
                problems.append("after: " + why.replace("trigger ", ""))
        if leaks:
            problems += leaks.after_exit()
        dur = time.monotonic() - start
        if problems:
            details = describe(argv, run.proc.returncode, out, err)
            return Result(case, "FAIL", "; ".join(problems), details, dur)
        return Result(case, "PASS", duration=dur)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


def check_exit(case, code):
    want = case.get("EXIT", "0")
    if want == "nonzero":
        return [] if code != 0 else ["exit code 0, wanted non-zero"]
    if code != int(want):
        return ["exit code %d, wanted %s" % (code, want)]
    return []


def contains_block(lines, block):
    n = len(block)
    return any(lines[i:i + n] == block for i in range(len(lines) - n + 1))


CHECKS = {
    "EXPECT": ("stdout", "line"), "ERR_EXPECT": ("stderr", "line"),
    "EXPECT_REGEX": ("stdout", "regex"), "ERR_REGEX": ("stderr", "regex"),
    "EXPECT_NONE": ("stdout", "none"), "ERR_NONE": ("stderr", "none"),
    "EXPECT_BLOCK": ("stdout", "block"), "ERR_BLOCK": ("stderr", "block"),
    "EXPECT_ALL": ("stdout", "all"), "ERR_ALL": ("stderr", "all"),
}


def check_output(case, out, err):
    problems = []
    for key, value in case.checks:
        what, kind = CHECKS[key]
        lines = out if what == "stdout" else err
        if kind == "line":
            if value not in lines:
                problems.append("%s lacks line %r" % (what, value))
        elif kind == "regex":
            if not any(re.fullmatch(value, l) for l in lines):
                problems.append("%s has no line matching %r" % (what, value))
        elif kind == "none":
            bad = [l for l in lines if re.search(value, l)]
            if bad:
                problems.append("%s has a line matching %r: %r" % (what, value, bad[0]))
        elif kind == "block":
            if not contains_block(lines, value.split("\n")):
                problems.append("%s lacks the block starting %r" % (what, value.split("\n")[0]))
        elif kind == "all":
            want = value.split("\n") if value else []
            if lines != want:
                problems.append("%s differs from the expected text:\n%s" % (what, diff(want, lines)))
    if "DIAG" in case.flags:
        problems += check_diagnostics(err)
    if "JSON_VALID" in case.flags:
        problems += check_json(out)
    return problems


def check_json(out):
    """-f json: every stdout line is one JSON object (empty lines are not)."""
    import json
    problems = []
    for l in out:
        try:
            if not isinstance(json.loads(l), dict):
                problems.append("stdout line is not a JSON object: %r" % l)
        except ValueError as e:
            problems.append("stdout line is not valid JSON (%s): %r" % (e, l))
    if not out:
        problems.append("stdout has no JSON line")
    return problems


DIAG_RE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<c1>\d+)-(?P<c2>\d+): (?P<sev>ERROR|WARNING): .+$")


def check_diagnostics(err):
    """Every single-line diagnostic must be followed by its source line and a
    '~' underline under exactly the reported columns; at least one ERROR."""
    problems = []
    found = False
    for i, l in enumerate(err):
        m = DIAG_RE.match(l)
        if not m:
            continue
        found = found or m.group("sev") == "ERROR"
        c1, c2 = int(m.group("c1")), int(m.group("c2"))
        if i + 2 >= len(err):
            problems.append("diagnostic %r lacks source line and underline" % l)
            continue
        under = err[i + 2]
        want = " " * (c1 - 1) + "~" * max(1, c2 - c1)
        if under.rstrip() != want:
            problems.append("underline %r does not match columns %d-%d" % (under, c1, c2))
    if not found:
        problems.append("stderr has no 'FILE:L:C-C: ERROR:' line")
    return problems


def diff(want, got):
    import difflib
    return "\n".join(difflib.unified_diff(want, got, "expected", "actual", lineterm="", n=2))


def describe(argv, code, out, err):
    def clip(lines):
        if len(lines) > 40:
            lines = lines[:30] + ["... (%d more lines)" % (len(lines) - 30)]
        return "\n".join("    | " + l for l in lines) or "    (empty)"
    return "  command: %s\n  exit: %s\n  stdout:\n%s\n  stderr:\n%s" % (
        " ".join(shlex.quote(a) for a in argv), code, clip(out), clip(err))


# ------------------------------------------------------------ leak checks

def bpftool_json(*args):
    p = subprocess.run(["bpftool", "-j"] + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL)
    try:
        return json.loads(p.stdout or b"[]")
    except ValueError:
        return []


class LeakWatch:
    """Finds the programs the traced process has attached (bpftool perf show
    names the owning pid) and checks that they are gone after it exits."""

    def __init__(self):
        self.before = {p["id"] for p in bpftool_json("prog", "show")}
        self.ours = set()

    def while_running(self, pid):
        for _ in range(20):
            self.ours = {e["prog_id"] for e in bpftool_json("perf", "show")
                         if e.get("pid") == pid and "prog_id" in e}
            if not self.ours:
                # BPF links (raw tracepoints, fentry, kprobe_multi) are not
                # perf events: the trawk programs loaded since the start
                # (the test runs alone)
                self.ours = {p["id"] for p in bpftool_json("prog", "show")
                             if p["id"] not in self.before
                             and p.get("name", "").startswith("trawk_")}
            if self.ours:
                return
            time.sleep(0.05)

    def after_exit(self):
        if not self.ours:
            return ["leak check: found no perf-attached programs owned by the process"]
        deadline = time.monotonic() + 3
        while True:
            alive = {p["id"] for p in bpftool_json("prog", "show")}
            left = self.ours & alive
            if not left:
                return []
            if time.monotonic() > deadline:
                return ["leak check: programs %s still loaded after exit"
                        % sorted(left)]
            time.sleep(0.1)


# ------------------------------------------------------------------ main

def load_cases(paths):
    cases = []
    for p in paths:
        cases += parse_file(p)
    seen = {}
    for c in cases:
        if c.name in seen:
            raise CaseError("%s: duplicate test name %r (also %s)" % (c.where, c.name, seen[c.name]))
        seen[c.name] = c.where
    return cases


def report(res, verbose):
    if res.status == "PASS":
        print("PASS %s (%.1fs)" % (res.case.name, res.duration), flush=True)
    elif res.status == "SKIP":
        print("SKIP %s: %s" % (res.case.name, res.reason), flush=True)
    else:
        print("FAIL %s: %s\n  at %s\n%s" % (res.case.name, res.reason,
                                           res.case.where, res.details), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", help=".test files (default: cases/*.test)")
    ap.add_argument("-j", "--jobs", type=int, default=2, help="parallel tests (default 2)")
    ap.add_argument("-k", "--filter", action="append", default=[],
                    help="run only tests whose name matches this glob (repeatable)")
    ap.add_argument("-l", "--list", action="store_true", help="list test names and exit")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--trawk", help="binary under test (default $TRAWK or build/trawk)")
    args = ap.parse_args()

    files = args.files or sorted(
        os.path.join(HERE, "cases", f) for f in os.listdir(os.path.join(HERE, "cases"))
        if f.endswith(".test"))
    try:
        cases = load_cases(files)
    except (CaseError, OSError) as e:
        print("runner: %s" % e, file=sys.stderr)
        return 2
    if args.filter:
        cases = [c for c in cases if any(fnmatch.fnmatchcase(c.name, f) for f in args.filter)]
    if args.list:
        for c in cases:
            print(c.name)
        return 0

    trawk = args.trawk or os.environ.get("TRAWK") or os.path.join(REPO, "build", "trawk")
    if os.sep not in trawk:
        trawk = shutil.which(trawk) or trawk
    trawk = os.path.abspath(trawk)
    if not os.access(trawk, os.X_OK):
        print("runner: %s is not an executable (set TRAWK)" % trawk, file=sys.stderr)
        return 2

    print("running %d runtime tests against %s" % (len(cases), trawk), flush=True)
    started = time.monotonic()
    results = []
    shared = [c for c in cases if "EXCLUSIVE" not in c.flags]
    alone = [c for c in cases if "EXCLUSIVE" in c.flags]
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(run_case, c, trawk) for c in shared]
        for f in concurrent.futures.as_completed(futures):
            res = f.result()
            report(res, args.verbose)
            results.append(res)
    for c in alone:
        res = run_case(c, trawk)
        report(res, args.verbose)
        results.append(res)

    left = leftover_processes()
    if left:
        print("FAIL processes left running after the tests (now killed): "
              + ", ".join("%s(%d)" % (comm, pid) for pid, comm in left))
        for pid, _ in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    counts = {s: sum(1 for r in results if r.status == s) for s in ("PASS", "FAIL", "SKIP")}
    print("\n%d passed, %d failed, %d skipped in %.1fs" % (
        counts["PASS"], counts["FAIL"], counts["SKIP"], time.monotonic() - started))
    failed = sorted(r.case.name for r in results if r.status == "FAIL")
    if failed:
        print("failed: " + ", ".join(failed))
    return 1 if failed or left else 0


if __name__ == "__main__":
    sys.exit(main())
