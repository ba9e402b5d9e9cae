#!/usr/bin/python3
"""Opens and closes one TCP connection over IPv4 loopback and one over IPv6
loopback, so tests see inet_sock_set_state with known addresses."""
import socket

for fam, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
    srv = socket.socket(fam)
    srv.bind((host, 0))
    srv.listen(1)
    cli = socket.socket(fam)
    cli.connect(srv.getsockname())
    conn, _ = srv.accept()
    for s in (cli, conn, srv):
        s.close()
