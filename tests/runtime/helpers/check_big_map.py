#!/usr/bin/python3
"""Checks the exit dump of big_map_print_order (tests/runtime/cases/perf.test):
@c[i - N/2] = sum(i % 7 - 3) and @n[i] = count() for i in 0..N-1, printed
by value, ties by signed key."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import linecheck  # noqa: E402

path, n = sys.argv[1], int(sys.argv[2])
c = sorted(((i % 7 - 3, i - n // 2) for i in range(n)))
want = ["", ""] + ["@c[%d]: %d" % (k, v) for v, k in c] + ["@n[%d]: 1" % i for i in range(n)]
linecheck.check(path, want)
