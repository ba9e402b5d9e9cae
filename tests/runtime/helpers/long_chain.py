#!/usr/bin/python3
"""Probe blocks long enough to become a chain of programs (cg_chain.c), and
the output they must give, computed here from the script's meaning.

  long_chain.py script begin N STOP exit|return   a BEGIN of N lines
  long_chain.py script event N STOP NAME          a getppid block, N lines
  long_chain.py check begin N STOP exit|return OUT
  long_chain.py check event N STOP NAME OUT       (after 3 events of NAME)
  long_chain.py script|check both ...              the event block after a
                                                  BEGIN of N lines that runs through

Each line adds to an integer, sums it in a map and stores it in another; a string changes every
500 lines; printf shows both. The BEGIN block stops at line STOP (exit()
or return); the event block calls exit() there on its third event."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import linecheck  # noqa: E402


def body(n, stop, stop_stmt, event):
    out = ['  $x = (uint64)0; $s = "start";']
    for i in range(n):
        out.append("  $x += %d; @sum[%d] = sum($x); @last = $x;" % (i, i % 5))
        if i % 500 == 250:
            out.append('  printf("at %%d %%d %%s\\n", %s, $x, $s); $s = "s%d";'
                       % ("$k" if event else str(i), i))
        if i == stop:
            out.append("  " + stop_stmt)
    out.append('  printf("end %%d %%d\\n", %s, $x);' % ("$k" if event else "0"))
    return out


def script(kind, n, stop, arg):
    if kind == "begin":
        stmt = "exit()" if arg == "exit" else "return"
        lines = ["BEGIN {"] + body(n, stop, "if ($x > 0) { %s; }" % stmt, False) + ["}"]
        if arg == "return":
            lines.append('END { printf("END block\\n"); }')
    else:
        lines = ["BEGIN {"] + body(n, -1, "", False) + ["}"] if kind == "both" else []
        lines += ['tracepoint:syscalls:sys_enter_getppid /comm == "%s"/ {' % arg,
                 "  @calls++; $k = @calls;"]
        lines += body(n, stop, 'if ($k == 3) { printf("exit at %d\\n", $x); exit(); }', True)
        lines.append("}")
    return "\n".join(lines) + "\n"


def run(n, stop, k, maps, stopped):
    """One run of the block as event k (0 for BEGIN): its lines, and the
    maps updated in place."""
    out, x, s = [], 0, "start"
    for i in range(n):
        x += i
        maps["sum"][i % 5] = maps["sum"].get(i % 5, 0) + x
        maps["last"] = x
        if i % 500 == 250:
            out.append("at %d %d %s" % (k if k else i, x, s))
            s = "s%d" % i
        if i == stop and stopped(k):
            return out, x, True
    out.append("end %d %d" % (k, x))
    return out, x, False


def map_lines(maps, calls):
    """bpftrace's print at exit: maps by name, a sum's keys by value."""
    out = ["", ""] + (["@calls: %d" % calls] if calls else [])
    out.append("@last: %d" % maps["last"])
    for key, val in sorted(maps["sum"].items(), key=lambda kv: (kv[1], kv[0])):
        out.append("@sum[%d]: %d" % (key, val))
    return out


def expected(kind, n, stop, arg):
    maps = {"sum": {}, "last": 0}
    if kind == "begin":
        lines, _, _ = run(n, stop, 0, maps, lambda k: True)
        if arg == "return":
            lines.append("END block")
        return lines + map_lines(maps, 0)
    lines = run(n, -1, 0, maps, None)[0] if kind == "both" else []
    for k in (1, 2, 3):
        got, x, stopped = run(n, stop, k, maps, lambda k: k == 3)
        lines += got
        if stopped:
            lines.append("exit at %d" % x)
    return lines + map_lines(maps, 3)


def main():
    mode, kind, n, stop, arg = sys.argv[1:6]
    if mode == "script":
        sys.stdout.write(script(kind, int(n), int(stop), arg))
    else:
        linecheck.check(sys.argv[6], expected(kind, int(n), int(stop), arg))


main()
