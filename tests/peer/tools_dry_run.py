#!/usr/bin/python3
"""Checks bpftrace's own tools/*.bt with --dry-run in trawk and in bpftrace.

  tests/peer/tools_dry_run.py --tools DIR [--trawk build/trawk] [--bpftrace BIN]

DIR holds bpftrace's tools: those its Debian package installs
(/opt/bpftrace-sid/usr/sbin once ../shared/tools/bpftrace-current.sh has
run, as tests/run-all uses them), or a checkout's (`git -C MIRROR archive
HEAD tools | tar x`); nothing of bpftrace is kept in this repository. A
tool that bpftrace accepts must be accepted by trawk too, or refused only
for a probe type trawk does not attach yet (the error names it). Prints
one line per tool and exits 1 when some tool fails otherwise.
"""
import argparse
import glob
import os
import re
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LATER = re.compile(r"ERROR: \w+ probes are not supported yet")


def dry_run(binary, path):
    try:
        r = subprocess.run([binary, "--dry-run", path], capture_output=True, text=True,
                           timeout=60, cwd=os.path.dirname(path))
    except subprocess.TimeoutExpired:
        return 124, "timed out"
    errors = [l for l in r.stderr.splitlines() if "ERROR" in l]
    return r.returncode, errors[0] if errors else ""


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tools", required=True)
    ap.add_argument("--trawk", default=os.path.join(REPO, "build", "trawk"))
    ap.add_argument("--bpftrace", default="/opt/bpftrace-sid/bin/bpftrace")
    args = ap.parse_args()
    tools = sorted(glob.glob(os.path.join(args.tools, "*.bt")))
    if not tools:
        sys.exit("tools_dry_run: no .bt files in %s" % args.tools)
    bad = accepted = later = 0
    for path in tools:
        brc, _ = dry_run(args.bpftrace, path)
        trc, terr = dry_run(args.trawk, path)
        name = os.path.basename(path)
        if brc != 0:
            print("%-22s bpftrace refuses it here" % name)
            continue
        if trc == 0:
            accepted += 1
            print("%-22s ok" % name)
        elif LATER.search(terr):
            later += 1
            print("%-22s later probe type: %s" % (name, terr))
        else:
            bad += 1
            print("%-22s FAIL: %s" % (name, terr))
    print("%d accepted, %d waiting for a probe type, %d failed" % (accepted, later, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
