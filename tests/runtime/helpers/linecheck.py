"""Compares a file's lines with the expected ones and exits with the first
difference (for the AFTER checks of tests/runtime/cases/perf.test)."""
import sys


def check(path, want):
    got = open(path).read().split("\n")
    if got and got[-1] == "":
        got.pop()
    if got == want:
        return
    for i, (a, b) in enumerate(zip(got, want)):
        if a != b:
            sys.exit("line %d: got %r, want %r" % (i + 1, a, b))
    sys.exit("got %d lines, want %d" % (len(got), len(want)))
