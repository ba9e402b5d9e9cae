#!/usr/bin/python3
"""zipmake.py ZIP MEMBER FILE [deflate]: writes ZIP holding FILE as MEMBER
(stored, or compressed with "deflate") after a small text member, and
prints the file offset of MEMBER's data in ZIP."""
import struct
import sys
import zipfile

method = zipfile.ZIP_DEFLATED if sys.argv[4:] == ["deflate"] else zipfile.ZIP_STORED
with zipfile.ZipFile(sys.argv[1], "w", method) as z:
    z.writestr("readme.txt", "x" * 100)
    z.write(sys.argv[3], sys.argv[2])
with zipfile.ZipFile(sys.argv[1]) as z:
    info = z.getinfo(sys.argv[2])
with open(sys.argv[1], "rb") as f:
    f.seek(info.header_offset)
    head = f.read(30)
name_len, extra_len = struct.unpack("<HH", head[26:30])
print(info.header_offset + 30 + name_len + extra_len)
