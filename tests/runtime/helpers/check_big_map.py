#!/usr/bin/python3
"""Checks the exit dump of big_map_print_order (tests/runtime/cases/perf.test):
@c[i - N/2] = sum(i % 7 - 3) and @n[i] = count() for i in 0..N-1, printed
by value, ties by signed key."""
import sys

path, n = sys.argv[1], int(sys.argv[2])
c = sorted(((i % 7 - 3, i - n // 2) for i in range(n)))
want = ["", ""] + ["@c[%d]: %d" % (k, v) for v, k in c] + ["@n[%d]: 1" % i for i in range(n)]
got = open(path).read().split("\n")
if got[-1] == "":
    got.pop()
if got != want:
    for i, (a, b) in enumerate(zip(got, want)):
        if a != b:
            sys.exit("line %d: got %r, want %r" % (i + 1, a, b))
    sys.exit("got %d lines, want %d" % (len(got), len(want)))
