#!/usr/bin/env python3
"""Fault tests: signals in every phase, SIGKILL in every phase, a closed
output pipe, a full disk on -o, the traced process exiting. After each,
the kernel must hold nothing of trawk: every script keeps a map named
"relfault", which every program of the script references (and every link
holds its program), so no map of that name means no program, map or link
left; tracefs must have no uprobe or kprobe event it did not have before.

    tests/runtime/faults.py [--trawk build/trawk] [-k SUBSTRING]

Needs root; prints PASS/FAIL per case, exits 1 on any failure."""
import argparse
import json
import os
import signal
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
NOTIFY = "__BPFTRACE_NOTIFY_PROBES_ATTACHED"
TRACEFS = "/sys/kernel/debug/tracing"
MARK = "relfault"

# Hundreds of probes: attaching takes long enough to be interrupted.
MANY = "tracepoint:syscalls:sys_enter_* { @relfault[probe] = count(); }"
STREAM = ('interval:ms:1 { @relfault = count(); printf("tick %d\\n", 1); }'
          ' END { printf("end\\n"); }')
# A map of many keys, filled quickly, printed at exit.
BIG = ("interval:ms:1 { @c = count(); } profile:hz:997 { $i = 0; "
       "while ($i < 200) { @relfault[(uint64)@c * 200 + $i] = $i; $i++; } }")


def bpf_leftovers():
    out = subprocess.run(["bpftool", "map", "show", "-j"], capture_output=True, text=True)
    maps = json.loads(out.stdout or "[]")
    return [m["id"] for m in maps if m.get("name") == MARK]


def probe_events():
    lines = set()
    for name in ("uprobe_events", "kprobe_events"):
        try:
            with open(os.path.join(TRACEFS, name)) as f:
                lines |= {name + ": " + l.strip() for l in f if l.strip()}
        except OSError:
            pass
    return lines


def wait_leftovers_gone(before_events):
    """The kernel frees objects after the last fd closes: within seconds,
    longer when earlier cases left it many perf events to tear down."""
    deadline = time.monotonic() + 30
    while True:
        maps, events = bpf_leftovers(), probe_events() - before_events
        if (not maps and not events) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    problems = []
    if maps:
        problems.append("maps left: %s" % maps)
    if events:
        problems.append("tracefs events left: %s" % sorted(events))
    return problems


def default_signals():
    """A test run from a background job inherits SIGHUP ignored."""
    for sig in (signal.SIGHUP, signal.SIGINT, signal.SIGTERM, signal.SIGPIPE):
        signal.signal(sig, signal.SIG_DFL)


def read_proc(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError as e:
        return "(%s)" % e.strerror


def pipe_holders(pid):
    """Other processes holding the pipes of pid's stdout or stderr: a
    reader waits for them too."""
    pipes = set()
    for fd in ("1", "2"):
        try:
            pipes.add(os.readlink("/proc/%d/fd/%s" % (pid, fd)))
        except OSError:
            pass
    holders = set()
    for other in filter(str.isdigit, os.listdir("/proc")):
        if int(other) in (pid, os.getpid()):
            continue
        try:
            fds = os.listdir("/proc/%s/fd" % other)
            if any(os.readlink("/proc/%s/fd/%s" % (other, fd)) in pipes for fd in fds):
                cmdline = read_proc("/proc/%s/cmdline" % other).replace("\0", " ")
                holders.add("%s %s" % (other, cmdline))
        except OSError:
            pass
    return sorted(holders)


def where_stuck(pid):
    """What a process that did not exit in time is doing: each thread's
    state and kernel stack, and who else holds its output pipes."""
    parts = []
    try:
        tids = sorted(os.listdir("/proc/%d/task" % pid), key=int)
    except OSError:
        return "process %d already gone" % pid
    for tid in tids:
        base = "/proc/%d/task/%s/" % (pid, tid)
        state = next((l for l in read_proc(base + "status").splitlines()
                      if l.startswith("State:")), "State: ?")
        parts.append("thread %s %s %s; kernel stack: %s" % (
            tid, read_proc(base + "comm"), state,
            " < ".join(l.split()[-1] for l in read_proc(base + "stack").splitlines())))
    holders = pipe_holders(pid)
    if holders:
        parts.append("pipes also held by: %s" % "; ".join(holders))
    parts.append("user stacks: %s" % user_stacks(pid))
    return " | ".join(parts)


def user_stacks(pid):
    """Each thread's user-space stack from gdb, when it is installed (a
    thread running in user space has no kernel stack to show)."""
    if shutil.which("gdb") is None:
        return "(no gdb)"
    try:
        p = subprocess.run(["gdb", "-p", str(pid), "-batch", "-nx", "-ex", "thread apply all bt 30"],
                           capture_output=True, timeout=60)
    except subprocess.TimeoutExpired:
        return "(gdb timed out)"
    frames = [l.strip() for l in p.stdout.decode(errors="replace").splitlines()
              if l.startswith("#") or l.startswith("Thread")]
    return " / ".join(frames)[-3000:] or "(none)"


class Stuck(Exception):
    """A run that did not end in time, with where it was stuck."""


def run_bounded(cmd, timeout, **kw):
    """subprocess.run with captured output that, on a timeout, raises Stuck
    saying where the process was stuck rather than only that it was."""
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw) as p:
        try:
            out, err = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            where = where_stuck(p.pid)
            p.kill()
            out, err = p.communicate()
            raise Stuck("no exit within %ds: %s; stderr %r" % (timeout, where, err[-400:]))
    return subprocess.CompletedProcess(cmd, p.returncode, out, err)


class Run:
    def __init__(self, trawk, args, stdout=subprocess.PIPE, extra_env=None):
        env = dict(os.environ)
        env[NOTIFY] = "1"
        env.update(extra_env or {})
        # Unbuffered: wait_attached's readline must not read past the notify
        # line, since communicate() reads the pipe itself and would never see
        # what a buffered reader had taken (hundreds of printed lines).
        self.p = subprocess.Popen([trawk] + args, stdout=stdout, stderr=subprocess.PIPE,
                                  env=env, start_new_session=True, preexec_fn=default_signals,
                                  bufsize=0)

    def wait_attached(self, timeout=30):
        """Reads stdout up to the notify line; False when trawk ended first."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.p.stdout.readline()
            if not line:
                return False
            if NOTIFY.encode() in line:
                return True
        return False

    def finish(self, timeout=20):
        try:
            out, err = self.p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            where = where_stuck(self.p.pid).encode()
            self.p.kill()
            out, err = self.p.communicate()
            return None, out or b"", err + b"\n[stuck: " + where + b"]"
        return self.p.returncode, out or b"", err


CASES = []
# Cases that still fail, run and shown as XFAIL without failing the run:
# each is a known defect to fix (docs/reliability.md).
KNOWN = set()


def case(fn):
    CASES.append(fn)
    return fn


def known_failure(fn):
    KNOWN.add(fn.__name__)
    return case(fn)


def kill_during_attach(trawk, sig, delay):
    r = Run(trawk, ["-e", MANY])
    time.sleep(delay)
    r.p.send_signal(sig)
    # After SIGKILL the kernel itself closes ~360 tracepoint perf events, one
    # RCU grace period each: 17-19 s measured here, so give it a minute.
    rc, out, err = r.finish(timeout=60)
    return rc, out, err


@case
def sigkill_attach(trawk):
    for delay in (0.1, 0.3, 0.6, 1.0):
        rc, _, _ = kill_during_attach(trawk, signal.SIGKILL, delay)
        if rc != -signal.SIGKILL:
            return "SIGKILL after %.1fs: exit %s" % (delay, rc)
    return None


@case
def signals_attach(trawk):
    """INT, TERM, HUP while attaching hundreds of probes: a clean exit
    (bpftrace, too, leaves SIGHUP's default action: it ends the process)."""
    # trawk handles signals once the script is compiled (before that the
    # default action ends it, with nothing attached, as bpftrace); aim past
    # the compile, which a sanitizer build makes 20 times slower (0.21 s)
    start = time.monotonic()
    run_bounded([trawk, "--mode", "codegen", "-e", MANY], timeout=60)
    compiled = time.monotonic() - start
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        for delay in (compiled + 0.1, compiled + 0.7):
            rc, _, err = kill_during_attach(trawk, sig, delay)
            if rc is None or (rc < 0 and rc != -signal.SIGHUP) or rc > 1:
                return "%s after %.1fs: exit %s: %s" % (sig.name, delay, rc, err[-300:])
    return None


def signal_streaming(trawk, sig):
    """(rc, out, err) of a run sent sig 0.3 s after attaching, or a string
    saying why it never attached."""
    r = Run(trawk, ["-e", STREAM])
    if not r.wait_attached():
        return "did not attach: %s" % r.finish()[2][-300:]
    time.sleep(0.3)
    r.p.send_signal(sig)
    return r.finish()


@case
def sigkill_stream(trawk):
    res = signal_streaming(trawk, signal.SIGKILL)
    return res if isinstance(res, str) else None


@case
def signals_stream(trawk):
    """INT and TERM while streaming: END runs, exit 0 (as bpftrace)."""
    for sig in (signal.SIGINT, signal.SIGTERM):
        res = signal_streaming(trawk, sig)
        if isinstance(res, str):
            return res
        rc, out, err = res
        if rc != 0 or b"end\n" not in out:
            return "%s: exit %s, output ends %r, %s" % (sig.name, rc, out[-40:], err[-200:])
    return None


@case
def signals_printing_maps(trawk):
    """A second signal (INT, then KILL) while the maps are being printed."""
    for second in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
        r = Run(trawk, ["-e", BIG])
        if not r.wait_attached():
            return "did not attach: %s" % r.finish()[2][-300:]
        time.sleep(1.0)
        r.p.send_signal(signal.SIGINT)
        time.sleep(0.02)
        if r.p.poll() is None:
            r.p.send_signal(second)
        rc, _, err = r.finish()
        if rc is None or (rc < 0 and rc != -signal.SIGKILL) or rc > 1:
            return "then %s: exit %s: %s" % (second.name, rc, err[-300:])
    return None


@case
def closed_pipe(trawk):
    """trawk ... | head -1: trawk ends soon after its reader does, killed by
    SIGPIPE (141 in a shell) as bpftrace is, but only once it has detached
    everything; END does not run, as in bpftrace."""
    r = Run(trawk, ["-e", STREAM])
    if not r.wait_attached():
        return "did not attach: %s" % r.finish()[2][-300:]
    r.p.stdout.readline()
    r.p.stdout.close()
    try:
        r.p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        r.p.kill()
        r.p.wait()
        return "still running 10s after its output pipe closed"
    err = r.p.stderr.read()
    r.p.stderr.close()
    if r.p.returncode != -signal.SIGPIPE or b"ERROR" in err:
        return "exit %s, stderr %r" % (r.p.returncode, err[-300:])
    return None


@case
def full_disk(trawk):
    """-o FILE on a full 64 KiB tmpfs: trawk keeps running and exits on
    SIGINT like bpftrace, nothing left behind."""
    d = tempfile.mkdtemp(prefix="trawk-full-")
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", d]).returncode:
        os.rmdir(d)
        return "SKIP: cannot mount a tmpfs"
    try:
        r = Run(trawk, ["-o", os.path.join(d, "out"), "-e",
                        'interval:us:200 { @relfault = count(); printf("%s\\n", '
                        '"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"); }'])
        if not r.wait_attached():
            return "did not attach: %s" % r.finish()[2][-300:]
        time.sleep(1.5)
        if r.p.poll() is None:
            r.p.send_signal(signal.SIGINT)
        rc, _, err = r.finish()
        if rc is None or rc < 0:
            return "exit %s: %s" % (rc, err[-300:])
    finally:
        subprocess.run(["umount", d])
        os.rmdir(d)
    return None


@case
def traced_process_exits(trawk):
    """-c CMD and -p PID: trawk ends when the process does, runs END, exit 0."""
    prog = 'interval:ms:10 { @relfault = count(); } END { printf("end\\n"); }'
    r = Run(trawk, ["-c", "sleep 0.5", "-e", prog])
    rc, out, err = r.finish()
    if rc != 0 or b"end\n" not in out:
        return "-c: exit %s, output ends %r, %s" % (rc, out[-40:], err[-200:])
    victim = subprocess.Popen(["sleep", "30"])
    r = Run(trawk, ["-p", str(victim.pid), "-e", prog])
    if not r.wait_attached():
        victim.kill()
        victim.wait()
        return "-p: did not attach: %s" % r.finish()[2][-300:]
    victim.kill()
    victim.wait()
    rc, out, err = r.finish()
    if rc != 0 or b"end\n" not in out:
        return "-p: exit %s, output ends %r, %s" % (rc, out[-40:], err[-200:])
    return None


@case
def uprobe_sigkill(trawk):
    """SIGKILL with a uprobe attached: no uprobe event is left in tracefs."""
    prog = 'uprobe:/bin/bash:main { @relfault = count(); }'
    r = Run(trawk, ["-e", prog])
    if not r.wait_attached():
        return "did not attach: %s" % r.finish()[2][-300:]
    subprocess.run(["/bin/bash", "-c", "true"])
    r.p.kill()
    r.finish()
    return None


@case
def lost_events_exact(trawk):
    """A one-page ring buffer overflowed: every event the program sent is
    either printed or counted in a "Lost N events" line, exactly, with
    SIGINT arriving while trawk is blocked writing to the full pipe."""
    prog = ('profile:hz:999 { $i = 0; while ($i < 200) { @relfault = count(); '
            'printf("%d\\n", $i); $i++; } }')
    r = Run(trawk, ["-e", prog], extra_env={"BPFTRACE_PERF_RB_PAGES": "1"})
    if not r.wait_attached():
        return "did not attach: %s" % r.finish()[2][-300:]
    time.sleep(1.5)
    r.p.send_signal(signal.SIGINT)
    rc, out, err = r.finish()
    printed = sum(1 for l in out.split(b"\n") if l.isdigit())
    lost = sum(int(l.split()[1]) for l in err.split(b"\n") if l.startswith(b"Lost "))
    sent = [int(l.split()[1]) for l in out.split(b"\n") if l.startswith(b"@relfault: ")]
    if rc != 0 or not sent or not lost or printed + lost != sent[0]:
        return "exit %s: sent %s, printed %d, lost %d" % (rc, sent, printed, lost)
    return None


@case
def attach_refused_midway(trawk):
    """The kernel refuses the n-th attach: with RLIMIT_NOFILE at 300 the
    descriptors run out a hundred tracepoints into ~360. A located error
    naming the probe and the reason, exit 1, and the ones already attached
    are detached (the leftover check after each case)."""
    p = run_bounded(["prlimit", "--nofile=300", trawk, "-e", MANY], timeout=120,
                    preexec_fn=default_signals)
    if (p.returncode != 1 or b"ERROR: Unable to attach probe: tracepoint:syscalls:" not in p.stderr
            or b"Too many open files" not in p.stderr or b"\n~~~" not in p.stderr):
        return "exit %s, stderr %r" % (p.returncode, p.stderr[-300:])
    return None


@case
def verifier_rejects_after_others(trawk):
    """The verifier refuses the third program after two loaded: its reason
    at the script's line, exit 1, nothing loaded left behind."""
    prog = ("BEGIN { @relfault[1] = 1; } tracepoint:syscalls:sys_enter_getppid { @relfault[2] = 2; }"
            " tracepoint:syscalls:sys_enter_getpid { $i = 0; while ($i >= 0) { $i++; "
            "@relfault[3] = $i; } }")
    p = run_bounded([trawk, "-e", prog], timeout=120, preexec_fn=default_signals)
    want = b"ERROR: The kernel rejected the BPF program for tracepoint:syscalls:sys_enter_getpid"
    if p.returncode != 1 or want not in p.stderr or b"Attached" in p.stderr:
        return "exit %s, stderr %r" % (p.returncode, p.stderr[:300])
    return None


# What a plain tracepoint run may open: libraries, the tracepoint's id,
# the CPU lists, kernel BTF, /dev/null (placeholders on low descriptors).
OPEN_ALLOWED = ("/etc/ld.so.cache", "/lib/", "/usr/lib/", "/dev/null", "/sys/kernel/tracing/",
                "/sys/kernel/debug/tracing/", "/sys/devices/system/cpu/", "/sys/kernel/btf/",
                "/proc/self/")


@case
def opens_only_what_it_needs(trawk):
    """strace of a plain run: no socket at all, and every file opened is
    one the run needs."""
    if subprocess.run(["sh", "-c", "command -v strace"], capture_output=True).returncode:
        return "SKIP: no strace"
    with tempfile.NamedTemporaryFile(prefix="trawk-strace-") as log:
        prog = ("tracepoint:syscalls:sys_enter_getppid { @relfault[comm] = count(); }"
                " interval:ms:100 { exit(); }")
        # LeakSanitizer stops the process with ptrace, which strace holds
        env = dict(os.environ)
        env["ASAN_OPTIONS"] = ":".join(filter(None, [env.get("ASAN_OPTIONS"), "detect_leaks=0"]))
        p = run_bounded(["strace", "-f", "-qq", "-e", "trace=openat,open,socket,connect", "-o",
                         log.name, trawk, "-e", prog], timeout=60, env=env)
        calls = [l.split(None, 1)[1] for l in open(log.name) if " " in l.strip()]
    if p.returncode != 0:
        return "exit %s: %r" % (p.returncode, p.stderr[-300:])
    bad = [c for c in calls if c.startswith(("socket", "connect"))]
    for c in calls:
        if c.startswith("open"):
            path = c.split('"')[1] if '"' in c else c
            if not path.startswith(OPEN_ALLOWED):
                bad.append(c.strip())
    return "unexpected: %s" % bad[:10] if bad else None


@case
def not_root(trawk):
    """As nobody: exit 1, an error naming the capabilities (or tracefs, for a
    tracepoint), nothing attached."""
    prog = 'interval:ms:10 { @relfault = count(); }'
    p = run_bounded(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                     trawk, "-e", prog], timeout=20)
    if p.returncode != 1 or b"CAP_BPF" not in p.stderr or b"CAP_PERFMON" not in p.stderr:
        return "exit %s, stderr %r" % (p.returncode, p.stderr[-300:])
    # a tracepoint needs tracefs first: the error names it, located
    p = run_bounded(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                     trawk, "-e", "tracepoint:syscalls:sys_enter_getppid { @relfault = count(); }"],
                    timeout=20)
    if p.returncode != 1 or b"stdin:1:1-38: ERROR: cannot read or mount tracefs" not in p.stderr:
        return "tracepoint: exit %s, stderr %r" % (p.returncode, p.stderr[-300:])
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--trawk", default=os.environ.get("TRAWK", os.path.join(ROOT, "build/trawk")))
    ap.add_argument("-k", default="")
    args = ap.parse_args()
    if os.geteuid() != 0:
        print("SKIP fault tests: they load BPF programs and need root")
        return 0
    failed = 0
    for fn in CASES:
        if args.k not in fn.__name__:
            continue
        events = probe_events()
        start = time.monotonic()
        try:
            why = fn(args.trawk)
        except Stuck as e:
            why = str(e)
        if why and why.startswith("SKIP"):
            print("SKIP %s: %s" % (fn.__name__, why[6:]))
            continue
        problems = ([why] if why else []) + wait_leftovers_gone(events)
        took = time.monotonic() - start
        if problems and fn.__name__ in KNOWN:
            print("XFAIL %s (%.1fs): %s" % (fn.__name__, took, "; ".join(problems)))
        elif problems:
            failed += 1
            print("FAIL %s (%.1fs): %s" % (fn.__name__, took, "; ".join(problems)))
        else:
            print("PASS %s (%.1fs)" % (fn.__name__, took))
        sys.stdout.flush()
    print("%d fault cases failed" % failed if failed else "all fault cases passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
