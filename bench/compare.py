#!/usr/bin/python3
"""Benchmarks trawk against bpftrace side by side (run as root).

  bench/compare.py [--trawk build/trawk] [--bpftrace /opt/bpftrace-sid/bin/bpftrace]
                   [--runs 10] [--slow-runs 3] [--calls 500000] [--skip-wildcard]

Measures:
  a) `BEGIN { printf("hi\\n"); exit(); }`: median wall time (hyperfine when
     installed, else a loop here) and peak RSS of the process (rusage of the
     child, the number /usr/bin/time -v prints as "Maximum resident set size");
  b) `tracepoint:syscalls:sys_enter_* { @[probe] = count(); }
     interval:ms:100 { exit(); }`: attach + run + exit wall time;
  c) per-event cost of `tracepoint:syscalls:sys_enter_getppid
     { @[tid, comm] = count(); }` while a workload calls getppid in a loop:
     run_time_ns / run_cnt from the kernel's BPF statistics
     (kernel.bpf_stats_enabled) and the translated instruction count of the
     program(s), found through `bpftool perf show` (which names the owning
     pid); also the added wall time per getppid call;
  e) typed kernel memory: the wall time of `BEGIN { printf("%d\\n",
     curtask->real_parent->pid); exit(); }` (BTF read at start) and the
     per-event cost of `@[curtask->real_parent->pid] = count()` on getppid;
  f) printing kernel stacks at exit: `profile:us:50 { @s[kstack] = count(); }`
     while a workload walks the file system, /proc and /sys (thousands of
     distinct kernel stacks, up to 10,000 and more in a few seconds), then
     SIGINT: the time to exit minus that of the same program whose
     predicate never holds (detaching and exiting alone), with the number of
     stacks printed;
  g) user-space wildcards: attach + run + exit of `uprobe:libc:str*` and of
     every function of libc (`uprobe:libc:*`, which bpftrace refuses as a
     whole: pthread_spin_lock starts with an instruction uprobes cannot
     step; n/a when a tracer fails);
  d) binary size (stripped), with and without shared libraries, and whether trawk
     links LLVM or clang.
Not part of the test suite. Uses only the Python standard library; bpftool
is needed for (c).
"""

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
NOTIFY = "__BPFTRACE_NOTIFY_PROBES_ATTACHED"

HELLO = 'BEGIN { printf("hi\\n"); exit(); }'
WILDCARD = "tracepoint:syscalls:sys_enter_* { @[probe] = count(); } interval:ms:100 { exit(); }"
PER_EVENT = "tracepoint:syscalls:sys_enter_getppid { @[tid, comm] = count(); }"
# Typed kernel memory: BTF loaded at start, two pointer reads per event.
BTF_HELLO = 'BEGIN { printf("%d\\n", curtask->real_parent->pid); exit(); }'
UPROBE_STR = "uprobe:libc:str* { @ = count(); } interval:ms:100 { exit(); }"
UPROBE_ALL = "uprobe:libc:* { @ = count(); } interval:ms:100 { exit(); }"
BTF_EVENT = "tracepoint:syscalls:sys_enter_getppid { @[curtask->real_parent->pid] = count(); }"

# The workload: a tight getppid() loop in C when a compiler is around,
# otherwise Python's ctypes (slower per call, same kernel work).
WORKLOAD_C = r"""
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>
int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    for (long i = 0; i < n; i++)
        syscall(SYS_getppid);
    return 0;
}
"""
WORKLOAD_PY = """
import ctypes, sys
f = ctypes.CDLL(None).getppid
for _ in range(int(sys.argv[1])):
    f()
"""


def run_timed(argv, env=None):
    """Runs argv to completion; returns (seconds, peak RSS in KiB, exit code)."""
    start = time.monotonic()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         stdin=subprocess.DEVNULL, env=env)
    _, status, rusage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    return time.monotonic() - start, rusage.ru_maxrss, p.returncode


def median_wall(argv, runs):
    """Median wall time of argv over runs; hyperfine when it is installed."""
    if shutil.which("hyperfine"):
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            cmd = " ".join(shlex_quote(a) for a in argv)
            r = subprocess.run(["hyperfine", "-N", "--warmup", "1", "--runs", str(runs),
                                "--export-json", out.name, cmd],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if r.returncode == 0:
                with open(out.name) as f:
                    return json.load(f)["results"][0]["median"], "hyperfine"
    times = []
    run_timed(argv)  # warm-up: page cache, tracefs
    for _ in range(runs):
        t, _, _ = run_timed(argv)
        times.append(t)
    return statistics.median(times), "loop"


def shlex_quote(s):
    import shlex
    return shlex.quote(s)


def rss_via_time(argv):
    """Peak RSS in KiB as /usr/bin/time reports it. A child forked from this
    Python process would report Python's own RSS: the kernel keeps the peak
    of the image a process had before exec."""
    p = subprocess.run(["/usr/bin/time", "-f", "%M"] + argv, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    return int(p.stderr.decode().strip().splitlines()[-1])


def peak_rss(argv, runs):
    n = max(1, min(runs, 5))
    if os.path.exists("/usr/bin/time"):
        return statistics.median(rss_via_time(argv) for _ in range(n))
    return statistics.median(run_timed(argv)[1] for _ in range(n))


def wait_quiet():
    """trawk leaves the kernel's slow tracepoint teardown (one RCU grace
    period per tracepoint, under a global mutex) to a background process;
    a new run started meanwhile waits on that mutex to attach. Each run is
    measured on a quiet system."""
    while subprocess.run(["pgrep", "-x", "trawk"], stdout=subprocess.DEVNULL).returncode == 0:
        time.sleep(0.5)


def wildcard_wall(argv, runs):
    times = []
    for _ in range(max(1, runs)):
        wait_quiet()
        times.append(run_timed(argv)[0])
    return statistics.median(times)


# ------------------------------------------------- stacks printed at exit

# One percpuhash as count() makes it, big enough for every distinct stack.
STACKS = "let @s = percpuhash(65536); profile:us:50 %s { @s[kstack] = count(); }"
STACK_WORKLOAD = ("while :; do find / -xdev >/dev/null 2>&1; "
                  "cat /proc/*/stat /proc/*/status >/dev/null 2>&1; done & "
                  "while :; do ls -lR /sys/kernel /sys/devices >/dev/null 2>&1; done & wait")


def exit_time(tool, prog, secs):
    """Runs prog under the workload for secs, then SIGINT; returns (seconds
    from the signal to exit, stacks printed)."""
    p = subprocess.Popen([tool, "-e", prog], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         stdin=subprocess.DEVNULL, env=dict(os.environ, **{NOTIFY: "1"}))
    if p.stdout.readline().strip() != NOTIFY.encode():
        p.kill()
        p.wait()
        return None, 0
    w = subprocess.Popen(["bash", "-c", STACK_WORKLOAD], start_new_session=True)
    time.sleep(secs)
    os.killpg(w.pid, signal.SIGKILL)
    w.wait()
    start = time.monotonic()
    p.send_signal(signal.SIGINT)
    out = p.stdout.read()
    p.wait()
    return time.monotonic() - start, len(re.findall(rb"^@s\[", out, re.M))


def stack_printing(tool, secs):
    full, n = exit_time(tool, STACKS % "", secs)
    empty, _ = exit_time(tool, STACKS % "/cpu > 100000/", 1)
    if full is None or empty is None:
        return None
    return {"print": max(0.0, full - empty), "exit": full, "stacks": n}


def uprobe_wall(argv, runs):
    """Like wildcard_wall, None when the tracer fails (cannot attach)."""
    times = []
    for _ in range(max(1, runs)):
        wait_quiet()
        secs, _, code = run_timed(argv)
        if code != 0:
            return None
        times.append(secs)
    return statistics.median(times)


# ---------------------------------------------------------- per-event cost

def build_workload(tmp):
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc:
        src = os.path.join(tmp, "getppid_loop.c")
        exe = os.path.join(tmp, "getppid_loop")
        with open(src, "w") as f:
            f.write(WORKLOAD_C)
        if subprocess.run([cc, "-O2", "-o", exe, src]).returncode == 0:
            return [exe], "C loop"
    py = os.path.join(tmp, "getppid_loop.py")
    with open(py, "w") as f:
        f.write(WORKLOAD_PY)
    return [sys.executable, py], "Python ctypes loop"


def bpftool_json(*args):
    p = subprocess.run(["bpftool", "-j"] + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL)
    try:
        return json.loads(p.stdout or b"[]")
    except ValueError:
        return []


def start_traced(tool, prog):
    """Starts tool -e prog and waits until it reports its probes attached."""
    env = dict(os.environ)
    env[NOTIFY] = "1"
    p = subprocess.Popen([tool, "-e", prog], env=env, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         start_new_session=True)
    attached = threading.Event()

    def watch(stream):
        # bpftrace 0.17 writes the notify line to stderr, current bpftrace
        # and trawk to stdout.
        for line in iter(stream.readline, b""):
            if line.strip() == NOTIFY.encode():
                attached.set()
    for s in (p.stdout, p.stderr):
        threading.Thread(target=watch, args=(s,), daemon=True).start()
    deadline = time.monotonic() + 60
    while not attached.wait(0.05):
        if p.poll() is not None or time.monotonic() > deadline:
            stop(p)
            return None
    return p


def stop(p):
    if p.poll() is None:
        os.kill(p.pid, signal.SIGINT)
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()


def prog_stats(ids):
    by_id = {p["id"]: p for p in bpftool_json("prog", "show")}
    return [by_id[i] for i in sorted(ids) if i in by_id]


def per_event(tool, workload, calls, prog=PER_EVENT):
    p = start_traced(tool, prog)
    if p is None:
        return None
    try:
        ids = {e["prog_id"] for e in bpftool_json("perf", "show")
               if e.get("pid") == p.pid and "prog_id" in e}
        before = {s["id"]: (s.get("run_time_ns", 0), s.get("run_cnt", 0))
                  for s in prog_stats(ids)}
        t = statistics.median(run_timed(workload + [str(calls)])[0] for _ in range(3))
        after = prog_stats(ids)
    finally:
        stop(p)
    ns = sum(s.get("run_time_ns", 0) - before.get(s["id"], (0, 0))[0] for s in after)
    cnt = sum(s.get("run_cnt", 0) - before.get(s["id"], (0, 0))[1] for s in after)
    # Instruction slots: a 64-bit immediate load counts as two.
    insns = sum(s.get("bytes_xlated", 0) // 8 for s in after)
    jited = sum(s.get("bytes_jited", 0) for s in after)
    return {"progs": len(after), "runs": cnt, "ns_per_run": ns / cnt if cnt else float("nan"),
            "insns": insns, "jited": jited, "wall": t}


# -------------------------------------------------------------- sizes

def linked_libs(path):
    p = subprocess.run(["ldd", path], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    libs = []
    for line in p.stdout.splitlines():
        m = re.search(r"=>\s+(/\S+)", line) or re.match(r"\s*(/\S+)", line)
        if m:
            libs.append(m.group(1))
    return libs


def stripped_size(path):
    """Size without debug information (Debian ships bpftrace stripped; the
    build here keeps its symbols), measured on a stripped copy."""
    if not shutil.which("strip"):
        return os.path.getsize(path)
    with tempfile.TemporaryDirectory() as tmp:
        copy = os.path.join(tmp, "bin")
        shutil.copy(path, copy)
        subprocess.run(["strip", copy], stderr=subprocess.DEVNULL)
        return os.path.getsize(copy)


def sizes(path):
    own = stripped_size(path)
    libs = linked_libs(path)
    total = own + sum(os.path.getsize(os.path.realpath(l)) for l in libs if os.path.exists(l))
    llvm = [os.path.basename(l) for l in libs if re.search(r"llvm|clang", l, re.I)]
    return own, total, llvm


# ------------------------------------------------------------ printing

def ratio(a, b):
    if a is None or b is None or b == 0 or a != a or b != b:
        return "n/a"
    return "%.2fx" % (a / b)


def row(label, t, b, fmt):
    def show(v):
        return "n/a" if v is None else fmt(v)
    print("%-38s %14s %14s %8s" % (label, show(t), show(b), ratio(t, b)))


def mib(v):
    return "%.1f MiB" % (v / 1048576)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--trawk", default=os.environ.get("TRAWK", os.path.join(REPO, "build", "trawk")))
    # current bpftrace when shared/tools/bpftrace-current.sh installed it
    current = "/opt/bpftrace-sid/bin/bpftrace"
    ap.add_argument("--bpftrace", default=current if os.path.exists(current)
                    else shutil.which("bpftrace") or "/usr/bin/bpftrace")
    ap.add_argument("--runs", type=int, default=10, help="runs of the hello program")
    ap.add_argument("--slow-runs", type=int, default=3, help="runs of the wildcard program")
    ap.add_argument("--calls", type=int, default=500000, help="getppid calls in (c)")
    ap.add_argument("--skip-wildcard", action="store_true")
    ap.add_argument("--stack-secs", type=float, default=6, help="profiling time in (f)")
    args = ap.parse_args()

    if os.geteuid() != 0:
        sys.exit("compare.py: needs root (loads BPF programs)")
    tools = {}
    for name, path in (("trawk", args.trawk), ("bpftrace", args.bpftrace)):
        if os.access(path, os.X_OK):
            tools[name] = os.path.abspath(path)
        else:
            print("note: %s not found at %s; its column is n/a" % (name, path))
    res = {name: {} for name in ("trawk", "bpftrace")}
    how = "-"

    for name, tool in tools.items():
        res[name]["hello"], how = median_wall([tool, "-q", "-e", HELLO], args.runs)
        res[name]["hello_rss"] = peak_rss([tool, "-q", "-e", HELLO], args.runs)
        res[name]["btf_hello"], _ = median_wall([tool, "-q", "-e", BTF_HELLO], args.runs)
        if not args.skip_wildcard:
            res[name]["wild"] = wildcard_wall([tool, "-q", "-e", WILDCARD], args.slow_runs)
            res[name]["ustr"] = uprobe_wall([tool, "-q", "-e", UPROBE_STR], args.slow_runs)
            res[name]["uall"] = uprobe_wall([tool, "-q", "-e", UPROBE_ALL], args.slow_runs)
    stats_path = "/proc/sys/kernel/bpf_stats_enabled"
    with open(stats_path) as f:
        old = f.read().strip()
    tmp = tempfile.mkdtemp(prefix="trawk-bench-")
    try:
        with open(stats_path, "w") as f:
            f.write("1")
        workload, wl_name = build_workload(tmp)
        base = statistics.median(run_timed(workload + [str(args.calls)])[0] for _ in range(3))
        for name, tool in tools.items():
            if shutil.which("bpftool"):
                res[name]["event"] = per_event(tool, workload, args.calls)
                res[name]["btf_event"] = per_event(tool, workload, args.calls, BTF_EVENT)
    finally:
        with open(stats_path, "w") as f:
            f.write(old)
        shutil.rmtree(tmp, ignore_errors=True)
    for name, tool in tools.items():
        res[name]["size"] = sizes(tool)
        res[name]["stacks"] = stack_printing(tool, args.stack_secs)

    t, b = res["trawk"], res["bpftrace"]
    ev = lambda r, k: r.get("event", {}) and r["event"].get(k)
    print("\n%-38s %14s %14s %8s" % ("", "trawk", "bpftrace", "ratio"))
    row("(a) hello: median wall time", t.get("hello"), b.get("hello"), lambda v: "%.1f ms" % (v * 1e3))
    row("(a) hello: peak RSS", t.get("hello_rss"), b.get("hello_rss"), lambda v: "%.1f MiB" % (v / 1024))
    if not args.skip_wildcard:
        row("(b) sys_enter_* attach+run+exit", t.get("wild"), b.get("wild"), lambda v: "%.2f s" % v)
        row("(g) uprobe:libc:str* attach+run+exit", t.get("ustr"), b.get("ustr"),
            lambda v: "%.2f s" % v)
        row("(g) uprobe:libc:* attach+run+exit", t.get("uall"), b.get("uall"),
            lambda v: "%.2f s" % v)
    row("(c) BPF ns per event", ev(t, "ns_per_run"), ev(b, "ns_per_run"), lambda v: "%.0f ns" % v)
    row("(c) xlated instructions", ev(t, "insns"), ev(b, "insns"), lambda v: "%d" % v)
    row("(c) jited bytes", ev(t, "jited"), ev(b, "jited"), lambda v: "%d" % v)
    added = lambda r: (ev(r, "wall") - base) / args.calls * 1e9 if ev(r, "wall") else None
    row("(c) added wall time per call (noisy)", added(t), added(b), lambda v: "%.0f ns" % v)
    row("(e) BTF: curtask->real_parent->pid, wall", t.get("btf_hello"), b.get("btf_hello"),
        lambda v: "%.1f ms" % (v * 1e3))
    bev = lambda r, k: r.get("btf_event", {}) and r["btf_event"].get(k)
    row("(e) BTF: ns per event", bev(t, "ns_per_run"), bev(b, "ns_per_run"), lambda v: "%.0f ns" % v)
    row("(e) BTF: xlated instructions", bev(t, "insns"), bev(b, "insns"), lambda v: "%d" % v)
    stk = lambda r, k: r.get("stacks") and r["stacks"][k]
    row("(f) kstacks printed at exit", stk(t, "stacks"), stk(b, "stacks"), lambda v: "%d" % v)
    row("(f) their printing time", stk(t, "print"), stk(b, "print"), lambda v: "%.2f s" % v)
    row("(f) SIGINT to exit, all of it", stk(t, "exit"), stk(b, "exit"), lambda v: "%.2f s" % v)
    row("(d) binary size, stripped", t.get("size", (None,))[0], b.get("size", (None,))[0], mib)
    row("(d) binary + shared libraries", t.get("size", (None, None))[1],
        b.get("size", (None, None))[1], mib)
    print("\nhello timed with: %s; workload: %s, %d calls, %.0f ns per call untraced"
          % (how, wl_name, args.calls, base / args.calls * 1e9))
    for name in tools:
        e = res[name].get("event")
        if e:
            print("%s: %d program(s), %d runs counted" % (name, e["progs"], e["runs"]))
    if "trawk" in tools:
        llvm = res["trawk"]["size"][2]
        print("trawk links LLVM/clang: %s" % (", ".join(llvm) if llvm else "no"))
        print("ldd %s:" % tools["trawk"], flush=True)
        subprocess.run(["ldd", tools["trawk"]])


if __name__ == "__main__":
    main()
