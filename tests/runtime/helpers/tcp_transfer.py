#!/usr/bin/python3
"""One TCP connection over IPv4 loopback that moves known amounts of data:
the client sends 300 KiB and receives 100 KiB, then both ends close. The
argument names the process (comm) so that tests can pick its lines."""
import ctypes
import socket
import sys
import threading

if len(sys.argv) > 1:
    ctypes.CDLL(None).prctl(15, sys.argv[1].encode(), 0, 0, 0)  # PR_SET_NAME

srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(1)


def serve():
    conn, _ = srv.accept()
    got = 0
    while got < 300 * 1024:
        got += len(conn.recv(65536))
    conn.sendall(b"y" * 100 * 1024)
    conn.close()


t = threading.Thread(target=serve)
t.start()
cli = socket.create_connection(srv.getsockname())
cli.sendall(b"x" * 300 * 1024)
got = 0
while got < 100 * 1024:
    got += len(cli.recv(65536))
cli.close()
t.join()
srv.close()
