#!/usr/bin/python3
"""Connects one TCP socket over IPv4 loopback and writes the kernel's cookie
of the client socket (SO_COOKIE) to cookie.txt, for socket_cookie()."""
import socket
import struct

SO_COOKIE = getattr(socket, "SO_COOKIE", 57)

srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(1)
cli = socket.socket()
cli.connect(srv.getsockname())
conn, _ = srv.accept()
cookie = struct.unpack("=Q", cli.getsockopt(socket.SOL_SOCKET, SO_COOKIE, 8))[0]
with open("cookie.txt", "w") as f:
    f.write("%d\n" % cookie)
for s in (cli, conn, srv):
    s.close()
