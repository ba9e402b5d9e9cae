#!/usr/bin/python3
"""Plays the service manager's side of sd_notify: binds the datagram socket
named by argv[1] (a path, or @NAME in the abstract namespace, as
NOTIFY_SOCKET writes it) and appends every notification to argv[2], one per
line (newlines inside a message become '|'), until STOPPING=1 or 15 s."""
import os
import socket
import sys

path, out = sys.argv[1], sys.argv[2]
abstract = path.startswith("@")
if not abstract and os.path.exists(path):
    os.unlink(path)
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("\0" + path[1:] if abstract else path)
open(out + ".ready", "w").close()
s.settimeout(15)
try:
    while True:
        msg = s.recv(4096).decode()
        with open(out, "a") as f:
            f.write(msg.replace("\n", "|") + "\n")
        if "STOPPING=1" in msg:
            break
except socket.timeout:
    pass
finally:
    if not abstract:
        os.unlink(path)
