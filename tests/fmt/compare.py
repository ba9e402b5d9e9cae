#!/usr/bin/env python3
"""Runs `--fmt` of trawk and of a reference bpftrace over scripts and
reports which format differently (exit code, stdout or stderr).

  compare.py [--trawk BIN] [--bpftrace BIN] [-v] [--idem] SOURCES...

A source is a .bt file, or a runtime .test file whose PROG lines and
SCRIPT blocks are each compared. --idem also checks that trawk's output
formats to itself. Scripts both reject are counted apart from matches.
"""
import argparse
import os
import subprocess
import sys
import tempfile



def test_scripts(path):
    """(name, text) of each PROG line and SCRIPT block of a .test file."""
    out, name, lines = [], None, open(path, encoding="utf-8", errors="replace").read().split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("NAME "):
            name = line[5:]
        elif line.startswith("PROG "):
            out.append((f"{path}:{name}", line[5:]))
        elif line.startswith("SCRIPT <<"):
            tag, body = line[len("SCRIPT <<"):], []
            i += 1
            while i < len(lines) and lines[i] != tag:
                body.append(lines[i])
                i += 1
            out.append((f"{path}:{name}", "\n".join(body) + "\n"))
        i += 1
    return out


def run(binary, text):
    with tempfile.NamedTemporaryFile("w", suffix=".bt", delete=False) as f:
        f.write(text)
    try:
        p = subprocess.run([binary, "--fmt", f.name], capture_output=True, timeout=20,
                           errors="replace")
        err = "\n".join(l for l in p.stderr.replace(f.name, "FILE").split("\n")
                        if "WARNING" not in l)
        return p.returncode, p.stdout, err
    finally:
        os.unlink(f.name)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--trawk", default="build/trawk")
    ap.add_argument("--bpftrace", default="/opt/bpftrace-sid/bin/bpftrace")
    ap.add_argument("-v", action="store_true", help="show each difference")
    ap.add_argument("--idem", action="store_true")
    ap.add_argument("sources", nargs="+")
    a = ap.parse_args()
    scripts = []
    for s in a.sources:
        if s.endswith(".test"):
            scripts += test_scripts(s)
        else:
            scripts.append((s, open(s, encoding="utf-8", errors="replace").read()))
    same = both_fail = differ = not_idem = 0
    for name, text in scripts:
        rc_t, out_t, err_t = run(a.trawk, text)
        rc_b, out_b, _ = run(a.bpftrace, text)
        if rc_t == 0 and a.idem:
            rc2, out2, _ = run(a.trawk, out_t)
            if rc2 != 0 or out2 != out_t:
                not_idem += 1
                print(f"NOT IDEMPOTENT {name}")
        if rc_t != 0 and rc_b != 0:
            both_fail += 1
        elif rc_t == rc_b and out_t == out_b:
            same += 1
        else:
            differ += 1
            print(f"DIFF {name} (trawk {rc_t}, bpftrace {rc_b})")
            if a.v:
                import difflib
                sys.stdout.writelines(difflib.unified_diff(
                    out_b.splitlines(True), (out_t or err_t).splitlines(True),
                    "bpftrace", "trawk", n=1))
    print(f"{len(scripts)} scripts: {same} identical, {differ} different, "
          f"{both_fail} rejected by both" + (f", {not_idem} not idempotent" if a.idem else ""))
    return 1 if differ or not_idem else 0


if __name__ == "__main__":
    sys.exit(main())
