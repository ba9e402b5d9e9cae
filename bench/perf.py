#!/usr/bin/python3
"""The performance rows of issue 9, trawk against bpftrace (run as root).

  bench/perf.py [--trawk build/trawk] [--bpftrace /opt/bpftrace-sid/bin/bpftrace]
                [--runs 5] [--keys 100000] [--calls 500000] [--only h,i,...]
                [--rows REGEX]

Every row runs the two tracers interleaved (A B A B ...) and prints the
median, the range (min-max) and the ratio of the medians:
  h) printing a count map of --keys keys at SIGINT (BPFTRACE_MAX_MAP_KEYS
     set for both): SIGINT to exit, minus the same with a predicate that
     never holds (detaching and exiting alone); the keys printed;
  i) per-event cost of several programs on sys_enter_getppid while a C loop
     calls getppid() at SCHED_FIFO priority 1 (unless --no-rt: preemption
     inside a program counts in its run time): run_time_ns / run_cnt
     (kernel.bpf_stats_enabled) and the translated instructions; --rows
     picks programs by label; the last, an empty program, is the floor;
  j) compile time of 1,000- and 5,000-line scripts: --dry-run (compile,
     load, attach) and --mode codegen (compile alone), wall and peak RSS;
  k) 100 maps in one probe, 100 blocks on one tracepoint: whether each runs;
  l) memory: steady RSS while tracing (VmRSS after the workload), with
     kernel BTF types in use, and peak RSS attaching all sys_enter_*;
  m) printf throughput: events per second, and whether the events printed
     plus those reported lost equal the calls made.
Not part of the test suite: no thresholds, it reports. Uses compare.py's
helpers; bpftool is needed for (i).
"""

import argparse
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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402

NOTIFY = compare.NOTIFY
CURRENT = "/opt/bpftrace-sid/bin/bpftrace"

MAP_PRINT = "tracepoint:syscalls:sys_enter_getppid %s { @[nsecs] = count(); }"
PER_EVENT = [
    ("@[tid, comm] = count()", "tracepoint:syscalls:sys_enter_getppid { @[tid, comm] = count(); }"),
    ("@s[pid] = sum(1); @m[pid] = max(nsecs)",
     "tracepoint:syscalls:sys_enter_getppid { @s[pid] = sum(1); @m[pid] = max(nsecs); }"),
    ("false predicate around printf",
     'tracepoint:syscalls:sys_enter_getppid /pid == 1/ { printf("%d\\n", pid); }'),
    ("@ = count()", "tracepoint:syscalls:sys_enter_getppid { @ = count(); }"),
    ("@h = hist(pid)", "tracepoint:syscalls:sys_enter_getppid { @h = hist(pid); }"),
    ("@[comm] = count() (string key)",
     "tracepoint:syscalls:sys_enter_getppid { @[comm] = count(); }"),
    # The floor: what running any program costs here (the kernel's stats
    # clock and the indirect call into it), to say how far above it each
    # tracer's programs are.
    ("empty program (the floor)", "tracepoint:syscalls:sys_enter_getppid { }"),
]
STEADY = "tracepoint:syscalls:sys_enter_getppid { @[tid, comm] = count(); }"
STEADY_BTF = "tracepoint:syscalls:sys_enter_getppid { @[curtask->real_parent->pid] = count(); }"
WILDCARD = "tracepoint:syscalls:sys_enter_* { @[probe] = count(); } interval:ms:100 { exit(); }"
PRINTF = 'tracepoint:syscalls:sys_enter_getppid /comm == "perf_tput"/ { printf("%d\\n", pid); }'


def lines_script(n):
    """n lines: one BEGIN of assignments, conditions and aggregations."""
    out = ["BEGIN {"]
    for i in range(n - 3):
        out.append("  $x = %d; if ($x > 7) { @a[$x %% 13] = count(); }" % i if i % 2
                   else "  @b[%d] = sum(%d);" % (i % 50, i))
    out += ["  exit();", "}"]
    return "\n".join(out) + "\n"


def many_maps(n):
    return "BEGIN { %s exit(); }" % " ".join("@m%d = %d;" % (i, i) for i in range(n))


def many_blocks(n):
    return "\n".join("tracepoint:syscalls:sys_enter_getppid { @c[%d] = count(); }" % i
                     for i in range(n)) + "\ninterval:ms:200 { exit(); }\n"


def stat(vals, fmt):
    vals = [v for v in vals if v is not None]
    if not vals:
        return None, "n/a"
    med = statistics.median(vals)
    return med, "%s [%s-%s]" % (fmt(med), fmt(min(vals)), fmt(max(vals)))


def show(label, tool_vals, fmt):
    """One row: median [range] per tracer, ratio of medians."""
    t, ts = stat(tool_vals.get("trawk", []), fmt)
    b, bs = stat(tool_vals.get("bpftrace", []), fmt)
    print("%-44s %24s %24s %7s" % (label, ts, bs, compare.ratio(t, b)), flush=True)


def interleave(tools, runs, fn):
    """fn(name, tool) run A B A B ...; returns {name: [results]}."""
    out = {name: [] for name in tools}
    for _ in range(runs):
        for name, tool in tools.items():
            out[name].append(fn(name, tool))
    return out


# ---------------------------------------------------------------- (h)

def wait_attached(p):
    for line in iter(p.stdout.readline, b""):
        if line.strip() == NOTIFY.encode():
            return True
    return False


def sigint_exit(tool, prog, keys, workload):
    env = dict(os.environ, **{NOTIFY: "1", "BPFTRACE_MAX_MAP_KEYS": str(2 * keys)})
    p = subprocess.Popen([tool, "-e", prog], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         stdin=subprocess.DEVNULL, env=env)
    if not wait_attached(p):
        p.wait()
        return None, 0
    subprocess.run(workload + [str(keys)])
    start = time.monotonic()
    p.send_signal(signal.SIGINT)
    out = p.stdout.read()
    p.wait()
    return time.monotonic() - start, len(re.findall(rb"^@\[", out, re.M))


def map_print(tool, keys, workload):
    full, n = sigint_exit(tool, MAP_PRINT % "", keys, workload)
    empty, _ = sigint_exit(tool, MAP_PRINT % "/pid == 0/", keys, workload)
    if full is None or empty is None:
        return None
    return {"print": max(0.0, full - empty), "exit": full, "keys": n}


# ---------------------------------------------------------------- (j)

def timed_rss(argv):
    """Wall seconds and peak RSS (KiB) of argv, via /usr/bin/time."""
    start = time.monotonic()
    p = subprocess.run(["/usr/bin/time", "-f", "%M"] + argv, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    secs = time.monotonic() - start
    try:
        rss = int(p.stderr.decode().strip().splitlines()[-1])
    except (ValueError, IndexError):
        rss = None
    return (secs, rss) if p.returncode == 0 else (None, None)


# ---------------------------------------------------------------- (k)

def runs_ok(tool, path):
    p = subprocess.run([tool, path], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       stdin=subprocess.DEVNULL, timeout=120)
    errors = [l for l in p.stderr.decode(errors="replace").splitlines() if "ERROR" in l]
    return p.returncode == 0, errors[:1]


# ---------------------------------------------------------------- (l)

def vm_rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return None


def steady_rss(tool, prog, workload):
    p = compare.start_traced(tool, prog)
    if p is None:
        return None
    try:
        subprocess.run(workload + ["200000"])
        time.sleep(0.5)
        return vm_rss_kib(p.pid)
    finally:
        compare.stop(p)


# ---------------------------------------------------------------- (m)

def throughput(tool, tmp, calls):
    """printf events per second and the accounting: printed + lost == calls."""
    exe = os.path.join(tmp, "perf_tput")
    os.link(os.path.join(tmp, "getppid_loop"), exe) if not os.path.exists(exe) else None
    env = dict(os.environ, **{NOTIFY: "1"})
    p = subprocess.Popen([tool, "-e", PRINTF], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         stdin=subprocess.DEVNULL, env=env)
    if not wait_attached(p):
        p.kill()
        p.wait()
        return None
    count = [0]

    def reader():
        for line in iter(p.stdout.readline, b""):
            count[0] += line.strip().isdigit()  # not the blank lines of the exit dump
    th = threading.Thread(target=reader, daemon=True)
    th.start()
    start = time.monotonic()
    subprocess.run([exe, str(calls)])
    time.sleep(1.0)
    p.send_signal(signal.SIGINT)
    err = p.stderr.read().decode(errors="replace")
    p.wait()
    th.join()
    secs = time.monotonic() - start - 1.0
    lost = sum(int(x) for x in re.findall(r"Lost (\d+) events", err))
    total = re.search(r"Total lost event count: (\d+)", err)
    if total:
        lost = int(total.group(1))
    return {"rate": count[0] / secs, "printed": count[0], "lost": lost,
            "exact": count[0] + lost == calls}


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--trawk", default=os.environ.get("TRAWK",
                                                      os.path.join(compare.REPO, "build", "trawk")))
    ap.add_argument("--bpftrace", default=CURRENT if os.path.exists(CURRENT) else "/usr/bin/bpftrace")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--keys", type=int, default=100000)
    ap.add_argument("--calls", type=int, default=500000)
    ap.add_argument("--only", default="h,i,j,k,l,m")
    ap.add_argument("--rows", default="", help="(i): only the programs whose label matches this regex")
    ap.add_argument("--no-rt", action="store_true",
                    help="(i): run the getppid loop at normal priority, not SCHED_FIFO")
    args = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("perf.py: needs root (loads BPF programs)")
    tools = {n: os.path.abspath(p) for n, p in (("trawk", args.trawk), ("bpftrace", args.bpftrace))
             if os.access(p, os.X_OK)}
    only = set(args.only.split(","))
    tmp = tempfile.mkdtemp(prefix="trawk-perf-")
    workload, _ = compare.build_workload(tmp)
    # On a loaded machine the loop is preempted inside programs, and the
    # kernel counts the other tasks' time as the program's: at SCHED_FIFO
    # it is not (both tracers alike).
    rt_workload = workload if args.no_rt or not shutil.which("chrt") else \
        ["chrt", "-f", "1"] + workload
    print("%s; load average %s" % (time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                                    " ".join(open("/proc/loadavg").read().split()[:3])))
    print("%-44s %24s %24s %7s" % ("", "trawk", "bpftrace", "ratio"))

    if "h" in only:
        r = interleave(tools, args.runs, lambda n, t: map_print(t, args.keys, workload))
        show("(h) %dk-key map: print at SIGINT" % (args.keys // 1000),
             {n: [x and x["print"] for x in v] for n, v in r.items()}, lambda v: "%.3f s" % v)
        show("(h) keys printed", {n: [x and x["keys"] for x in v] for n, v in r.items()},
             lambda v: "%d" % v)

    if "i" in only:
        stats_path = "/proc/sys/kernel/bpf_stats_enabled"
        old = open(stats_path).read().strip()
        try:
            with open(stats_path, "w") as f:
                f.write("1")
            for label, prog in [r for r in PER_EVENT if re.search(args.rows, r[0])]:
                r = interleave(tools, max(1, args.runs // 2),
                               lambda n, t: compare.per_event(t, rt_workload, args.calls, prog))
                show("(i) ns/event: " + label,
                     {n: [x and x["ns_per_run"] for x in v] for n, v in r.items()},
                     lambda v: "%.1f ns" % v)
                show("(i) insns: " + label, {n: [x and x["insns"] for x in v] for n, v in r.items()},
                     lambda v: "%d" % v)
        finally:
            with open(stats_path, "w") as f:
                f.write(old)

    if "j" in only:
        for n in (1000, 5000):
            path = os.path.join(tmp, "lines%d.bt" % n)
            with open(path, "w") as f:
                f.write(lines_script(n))
            for mode, extra in (("--dry-run", ["--dry-run"]), ("--mode codegen", ["--mode", "codegen"])):
                r = interleave(tools, args.runs, lambda _n, t: timed_rss([t] + extra + [path]))
                show("(j) %d lines %s: wall" % (n, mode),
                     {k: [x[0] for x in v] for k, v in r.items()}, lambda v: "%.3f s" % v)
                show("(j) %d lines %s: peak RSS" % (n, mode),
                     {k: [x[1] for x in v] for k, v in r.items()}, lambda v: "%.1f MiB" % (v / 1024))

    if "k" in only:
        for label, text in (("100 maps in one probe", many_maps(100)),
                            ("100 blocks on one tracepoint", many_blocks(100))):
            path = os.path.join(tmp, "k.bt")
            with open(path, "w") as f:
                f.write(text)
            cells = []
            for name in ("trawk", "bpftrace"):
                ok, err = runs_ok(tools[name], path) if name in tools else (None, [])
                cells.append("runs" if ok else ("fails" if ok is not None else "n/a"))
                if ok is False:
                    print("   %s: %s" % (name, err[0][:100] if err else "?"))
            print("%-44s %24s %24s" % ("(k) " + label, cells[0], cells[1]), flush=True)

    if "l" in only:
        for label, prog in (("steady RSS tracing", STEADY), ("steady RSS, BTF types", STEADY_BTF)):
            r = interleave(tools, max(1, args.runs // 2), lambda n, t: steady_rss(t, prog, workload))
            show("(l) " + label, r, lambda v: "%.1f MiB" % (v / 1024))
        r = interleave(tools, max(1, args.runs // 2),
                       lambda n, t: (compare.wait_quiet(), timed_rss([t, "-q", "-e", WILDCARD]))[1][1])
        show("(l) peak RSS attaching sys_enter_*", r, lambda v: "%.1f MiB" % (v / 1024))

    if "m" in only:
        r = interleave(tools, max(1, args.runs // 2), lambda n, t: throughput(t, tmp, args.calls))
        show("(m) printf events per second", {n: [x and x["rate"] for x in v] for n, v in r.items()},
             lambda v: "%.0f/s" % v)
        for n, v in r.items():
            acc = ["%d+%d%s" % (x["printed"], x["lost"], "=" if x["exact"] else "!=")
                   for x in v if x]
            print("   %s: printed+lost vs %d calls: %s" % (n, args.calls, ", ".join(acc)))


if __name__ == "__main__":
    main()
