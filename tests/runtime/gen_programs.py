#!/usr/bin/python3
"""Generated programs: random BEGIN blocks (or, with --tracepoints, blocks on
two syscall tracepoints that the script triggers) mixing integers, strings,
tuples, maps, aggregations, loops and printf. Every one must either be
refused with a located error or compile, pass the kernel's verifier and run;
a crash, a sanitizer report or a verifier rejection is a failure.

  tests/runtime/gen_programs.py [--seed N] [--count N] [--trawk PATH] [--tracepoints]

Runs as root (programs are loaded). Deterministic for a given seed.
"""

import argparse
import os
import random
import signal
import subprocess
import sys

INT_LEAVES = ["1", "0", "-3", "42", "0x10", "pid", "tid", "uid", "gid", "cpu", "nsecs",
              "elapsed", "$i", "@n", "@c", "@k[1]", "$t.0", "(uint8)300", "(int16)-5", "true"]
STR_LEAVES = ['"abc"', "comm", "$s", "@str", "str($s)", "$t.1", '"a\\tb"', "str(0)"]
ARITH = ["+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>"]
COMPARE = ["==", "!=", "<", "<=", ">", ">="]
PRELUDE = ('$i = 1; $s = "x"; $t = (7, "tt"); @n = 1; @c = count(); @k[1] = 2; '
           '@str = "s";')


TRACEPOINTS = "tracepoint:syscalls:sys_enter_getppid, tracepoint:syscalls:sys_enter_getpgrp"
NOTIFY = "__BPFTRACE_NOTIFY_PROBES_ATTACHED"


class Generator:
    def __init__(self, seed, tracepoints=False):
        self.r = random.Random(seed)
        self.tracepoints = tracepoints
        self.int_leaves = INT_LEAVES + (["args.__syscall_nr", "(args.__syscall_nr > 100)"]
                                        if tracepoints else [])

    def integer(self, depth=0):
        r = self.r.random()
        if depth > 3 or r < 0.35:
            return self.r.choice(self.int_leaves)
        if r < 0.6:
            return "(%s %s %s)" % (self.integer(depth + 1), self.r.choice(ARITH),
                                   self.integer(depth + 1))
        if r < 0.7:
            return "(%s %s %s)" % (self.integer(depth + 1), self.r.choice(COMPARE),
                                   self.integer(depth + 1))
        if r < 0.75:
            return "(%s %s %s)" % (self.string(depth + 1), self.r.choice(["==", "!="]),
                                   self.string(depth + 1))
        if r < 0.85:
            return "(%s ? %s : %s)" % (self.integer(depth + 1), self.integer(depth + 1),
                                       self.integer(depth + 1))
        if r < 0.9:
            return "(%s && %s)" % (self.integer(depth + 1), self.integer(depth + 1))
        return "!%s" % self.integer(depth + 1)

    def string(self, depth=0):
        if depth < 3 and self.r.random() < 0.15:
            return "(%s ? %s : %s)" % (self.integer(depth + 1), self.string(depth + 1),
                                       self.string(depth + 1))
        return self.r.choice(STR_LEAVES)

    def statement(self, depth=0):
        r = self.r.random()
        i, s = self.integer, self.string
        if r < 0.12:
            return "$i = %s;" % i()
        if r < 0.2:
            return "@n = %s;" % i()
        if r < 0.28:
            return "@k[%s] = %s;" % (i(), i())
        if r < 0.34:
            return "@c = count();"
        if r < 0.4:
            return "@h[%s] = hist(%s);" % (s(), i())
        if r < 0.45:
            return "@l = lhist(%s, 0, 100, 10);" % i()
        if r < 0.5:
            agg = self.r.choice(["sum", "min", "max", "avg", "stats"])
            return "@a[%s, %s] = %s(%s);" % (i(), s(), agg, i())
        if r < 0.58:
            return 'printf("%%d %%s %%d\\n", %s, %s, %s);' % (i(), s(), i())
        if r < 0.62:
            return "@str = %s;" % s()
        if r < 0.66:
            return "$s = %s;" % s()
        if r < 0.7 and depth < 2:
            return "if (%s) { %s } else { %s }" % (i(), self.statement(depth + 1),
                                                   self.statement(depth + 1))
        if r < 0.73 and depth < 2:
            return "unroll(2) { %s }" % self.statement(depth + 1)
        if r < 0.76 and depth < 1:
            return "for ($j : 0..3) { %s }" % self.statement(depth + 1)
        if r < 0.8:
            return "delete(@k[%s]);" % i()
        if r < 0.83:
            return "$i++;"
        if r < 0.86:
            return "@n += %s;" % i()
        if r < 0.9:
            return "print(%s);" % self.r.choice([i(), s(), "@k", "@c"])
        if r < 0.92 and depth < 2:
            return "for ($kv : @k) { %s }" % self.statement(depth + 1)
        if self.tracepoints and r < 0.95:
            return '@p[probe] = count(); printf("%s\\n", probe);'
        return "@m[%s] = (%s, %s);" % (i(), i(), s())

    def program(self):
        body = " ".join(self.statement() for _ in range(self.r.randint(1, 6)))
        if self.tracepoints:
            pred = "/%s/ " % self.integer() if self.r.random() < 0.3 else ""
            return "%s %s{ %s %s }" % (TRACEPOINTS, pred, PRELUDE, body)
        return "BEGIN { %s %s exit(); }" % (PRELUDE, body)


def run_traced(trawk, prog):
    """Starts trawk, triggers both tracepoints a few times, then Ctrl-C."""
    env = dict(os.environ, **{NOTIFY: "1"})
    p = subprocess.Popen([trawk, "-q", "-e", prog], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env=env)
    line = p.stdout.readline()
    if line.strip() == NOTIFY.encode():
        for _ in range(3):
            os.getppid()
            os.getpgrp()
        p.send_signal(signal.SIGINT)
    try:
        out, err = p.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        return -999, err
    return p.returncode, err


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--trawk", default=os.environ.get("TRAWK", "build/trawk"))
    ap.add_argument("--tracepoints", action="store_true")
    args = ap.parse_args()
    gen = Generator(args.seed, args.tracepoints)
    failures = ran = refused = 0
    for _ in range(args.count):
        prog = gen.program()
        if args.tracepoints:
            code, err = run_traced(args.trawk, prog)
        else:
            try:
                r = subprocess.run([args.trawk, "-q", "-e", prog], capture_output=True, timeout=30)
                code, err = r.returncode, r.stderr
            except subprocess.TimeoutExpired:
                code, err = -999, b""
        err = err.decode(errors="replace")
        bad = (code < 0 or "Sanitizer" in err or "runtime error" in err
               or "kernel rejected" in err or "Error loading" in err)
        if code not in (0, 1):
            bad = True
        if code == 1 and not err.startswith("stdin:1:"):
            bad = True  # every refusal must carry a location
        if bad:
            failures += 1
            print("FAIL (exit %d): %s\n%s" % (code, prog, err[-1500:]))
        elif code == 0:
            ran += 1
        else:
            refused += 1
    print("generated %s programs (seed %d): %d ran, %d refused with a located error, %d failed"
          % ("tracepoint" if args.tracepoints else "BEGIN", args.seed, ran, refused, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
