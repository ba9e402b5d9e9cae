#!/usr/bin/python3
"""Checks the output of big_map_walk (tests/runtime/cases/map_walk.test),
whose maps of 50,000 keys are read by the kernel walk: every line of the
plain maps, and then the whole file against the same script printed
through the batch path (TRAWK_MAP_READ=batch), hist blocks included.

  check_map_walk.py OUT SCRIPT"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import linecheck  # noqa: E402

N = 50000
out, script = sys.argv[1], sys.argv[2]

s = sorted((i % 7 - 3, i - N // 2) for i in range(N))
want = ["@s[%d]: %d" % (k, v) for v, k in s[-3:]] + ["", ""]
want += ["@c[%d]: 1" % i for i in range(N)]
lines = open(out).read().split("\n")
h = lines.index("@l[0, k]: 0") if "@l[0, k]: 0" in lines else len(lines)
hists = [x for x in lines[len(want):h] if x.startswith("@h[")]
if len(hists) != 50:
    sys.exit("want 50 hist headers, got %d" % len(hists))
want += lines[len(want):h]  # the hists: checked against the batch below
want += ["@l[%d, k]: %d" % (i, v) for v, i in sorted((i % 3, i) for i in range(N))]
want += ["@s[%d]: %d" % (k, v) for v, k in s]
want += ["@v[%d]: %d" % (i, 3 * i) for i in range(N)]
linecheck.check(out, want)

env = dict(os.environ, TRAWK_MAP_READ="batch")
env.pop("__BPFTRACE_NOTIFY_PROBES_ATTACHED", None)
subprocess.run([os.environ["TRAWK"], "-o", "batch.txt", script], env=env, check=True,
               stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
if open(out).read() != open("batch.txt").read():
    sys.exit("the walk and the batch printed different maps")
