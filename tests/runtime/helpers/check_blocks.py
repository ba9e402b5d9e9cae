#!/usr/bin/python3
"""Checks the output of tests/runtime/scripts/blocks100.bt for one event:
every block in source order, each with its own variable and predicate;
return ends its block only; exit() in block 50 lets the rest of that
event's blocks run, as separate programs would (their counts are kept,
their printf records, sent after the exit, dropped); then @c, one each."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import linecheck  # noqa: E402

want = []
for i in range(100):
    v = i * 3
    if i == 50:
        break
    if v % 10 == 9:
        continue
    want.append("b%d %d" % (i, v))
want += ["", ""] + ["@c[%d]: 1" % i for i in range(100)]
linecheck.check(sys.argv[1], want)
