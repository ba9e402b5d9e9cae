#!/usr/bin/python3
"""Checks a pcap file as skboutput() writes it: libpcap's classic header
(raw IP link type, snaplen 65535), then records whose lengths add up to the
file; prints the count of records and of IPv4 packets between 127.0.0.1
and itself, and whether the timestamps are within a minute of now.
Usage: pcapcheck.py FILE"""
import struct
import sys
import time

data = open(sys.argv[1], "rb").read()
magic, major, minor, zone, sigfigs, snaplen, link = struct.unpack_from("=IHHiIII", data)
assert (magic, major, minor, snaplen, link) == (0xA1B2C3D4, 2, 4, 65535, 101), "bad header"
pos, records, loopback, recent = 24, 0, 0, True
while pos < len(data):
    sec, usec, caplen, length = struct.unpack_from("=IIII", data, pos)
    pos += 16
    pkt = data[pos:pos + caplen]
    assert len(pkt) == caplen == length and usec < 1000000, "bad record"
    pos += caplen
    records += 1
    recent &= abs(sec + usec / 1e6 - time.time()) < 60
    if pkt[0] >> 4 == 4 and pkt[12:16] == pkt[16:20] == bytes([127, 0, 0, 1]):
        loopback += 1
print("records %s loopback %s recent %s" % (records > 0, loopback > 0, recent))
