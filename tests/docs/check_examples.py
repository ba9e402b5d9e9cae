#!/usr/bin/python3
"""Compiles, loads and attaches (--dry-run) every example program in the
tables of docs/language.md, so that the page lists only what trawk runs.
An example is the backquoted cell of a table row holding a '{'; " ↵ " in
it is a line break, "\\|" a '|'.

    tests/docs/check_examples.py [--trawk build/trawk]     (needs root)"""
import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DOC = os.path.join(HERE, "..", "..", "docs", "language.md")


def examples(text):
    for n, line in enumerate(text.splitlines(), 1):
        if not line.startswith("|"):
            continue
        for cell in re.findall(r"`([^`]*\{[^`]*)`", line):
            yield n, cell.replace("\\|", "|").replace(" ↵ ", "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--trawk", default=os.path.join(HERE, "..", "..", "build", "trawk"))
    args = ap.parse_args()
    failed = 0
    count = 0
    for n, prog in examples(open(DOC).read()):
        count += 1
        p = subprocess.run([args.trawk, "--dry-run", "-e", prog], capture_output=True,
                           text=True, timeout=60)
        if p.returncode != 0 or "ERROR" in p.stderr:
            failed += 1
            print("FAIL docs/language.md:%d: %s\n%s" % (n, prog, p.stderr.strip()))
    print("%d examples, %d failed" % (count, failed))
    return 1 if failed or count == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
