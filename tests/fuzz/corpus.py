#!/usr/bin/env python3
"""Writes the fuzz seed corpus into OUTDIR, one script per file: the
project's examples, the PROG/SCRIPT bodies of tests/runtime/cases, and,
when a bpftrace git mirror is given, the PROG lines of its runtime tests
(read at run time, never copied into this repository).

    tests/fuzz/corpus.py OUTDIR [--bpftrace-git DIR]"""
import argparse
import glob
import hashlib
import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_bodies(text):
    """PROG values and SCRIPT <<TAG bodies of a .test file."""
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("PROG "):
            yield line[5:]
        elif line.startswith("SCRIPT <<"):
            tag, body = line[9:], []
            i += 1
            while i < len(lines) and lines[i] != tag:
                body.append(lines[i])
                i += 1
            yield "\n".join(body) + "\n"
        i += 1


def bpftrace_progs(git_dir):
    names = subprocess.run(["git", "-C", git_dir, "ls-tree", "-r", "--name-only", "HEAD",
                            "tests/runtime/"], capture_output=True, text=True).stdout.split()
    for name in names:
        if "/" in name[len("tests/runtime/"):] or name.endswith((".py", ".sh", ".c")):
            continue
        text = subprocess.run(["git", "-C", git_dir, "show", "HEAD:" + name],
                              capture_output=True, text=True, errors="replace").stdout
        for line in text.split("\n"):
            if line.startswith("PROG "):
                yield line[5:]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--bpftrace-git")
    args = ap.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    seeds = []
    for path in sorted(glob.glob(os.path.join(ROOT, "examples", "*.bt"))):
        with open(path) as f:
            seeds.append(f.read())
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "runtime", "cases", "*.test"))):
        with open(path) as f:
            seeds.extend(test_bodies(f.read()))
    if args.bpftrace_git and os.path.isdir(args.bpftrace_git):
        seeds.extend(bpftrace_progs(args.bpftrace_git))
    for s in seeds:
        data = s.encode()
        with open(os.path.join(args.outdir, hashlib.sha1(data).hexdigest()), "wb") as f:
            f.write(data)
    print("%d seeds in %s" % (len(set(seeds)), args.outdir))


if __name__ == "__main__":
    main()
