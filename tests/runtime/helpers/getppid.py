#!/usr/bin/python3
"""Calls getppid() N times (default 1) from a process whose comm is
"trawktest" (or argv[2]), so tests can select its events by comm."""
import ctypes
import os
import sys

PR_SET_NAME = 15

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1
name = (sys.argv[2] if len(sys.argv) > 2 else "trawktest").encode()
libc = ctypes.CDLL(None, use_errno=True)
if libc.prctl(PR_SET_NAME, ctypes.c_char_p(name), 0, 0, 0) != 0:
    sys.exit("prctl(PR_SET_NAME) failed: %s" % os.strerror(ctypes.get_errno()))
getppid = libc.getppid  # the libc wrapper always enters the kernel
for _ in range(n):
    getppid()
