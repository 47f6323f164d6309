#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""sparse_cmp.py FILE: compare standard input with FILE byte for byte.

What `cmp - FILE` does, for a sparse FILE, without reading its holes: the
file's extents come from lseek(SEEK_DATA/SEEK_HOLE), the bytes of a hole
are compared with zeros, and only the data extents are read from the file.
cmp reads every hole page too (zero-filled and copied to it), which made it
the slowest part of the nginx test's 3 GiB download under emulation.

Exit 0 when the two are the same; 1 with one line saying where they first
differ (or which one ended first); 2 on an error, as cmp does.  Python 3's
standard library only: the userland guest has python3-minimal.
"""
import errno
import os
import sys

CHUNK = 1 << 20
ZEROS = bytes(CHUNK)


def read_into(fd, view):
    """Fill @view from @fd: fewer bytes only at its end.  Returns the count."""
    got = 0
    while got < len(view):
        r = os.readv(fd, [view[got:]])
        if not r:
            break
        got += r
    return got


def extents(fd, size):
    """(start, end, is_data) pieces covering [0, size) of @fd."""
    pos = 0
    while pos < size:
        try:
            data = os.lseek(fd, pos, os.SEEK_DATA)
        except OSError as e:
            if e.errno != errno.ENXIO:
                raise
            data = size  # no data after pos: a hole to the end
        if data > pos:
            yield pos, min(data, size), False
            pos = data
            continue
        hole = min(os.lseek(fd, pos, os.SEEK_HOLE), size)
        yield pos, hole, True
        pos = hole


def first_difference(a, b):
    """Index of the first byte where @a and @b differ (they do)."""
    lo, hi = 0, min(len(a), len(b))
    while hi - lo > 64:  # halve while the pieces are big: memcmp does the work
        mid = (lo + hi) // 2
        if a[lo:mid] != b[lo:mid]:
            hi = mid
        else:
            lo = mid
    for i in range(lo, hi):
        if a[i] != b[i]:
            return i
    return hi


def widen_pipe(fd):
    """A 1 MiB pipe when @fd is one: the writer (curl, 16 KiB a write)
    wakes this reader far less often, which is most of a pipe's cost under
    emulation.  Best effort: a file or a socket is read as it is."""
    try:
        import fcntl
        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), CHUNK)
    except (ImportError, OSError):
        pass


def compare(path):
    widen_pipe(0)
    fd = os.open(path, os.O_RDONLY)
    size = os.fstat(fd).st_size
    # Whole chunks compare as bytearray == bytes (one memcmp, no copy).
    got, want = bytearray(CHUNK), bytearray(CHUNK)
    gview, wview = memoryview(got), memoryview(want)
    for start, end, is_data in extents(fd, size):
        pos = start
        while pos < end:
            n = min(CHUNK, end - pos)
            have = read_into(0, gview[:n])
            if is_data:
                if os.preadv(fd, [wview[:n]], pos) != n:
                    print(f"sparse_cmp: {path} changed while compared", file=sys.stderr)
                    return 2
                same = got == want if have == CHUNK else got[:have] == want[:have]
            else:
                same = got == ZEROS if have == CHUNK else got[:have] == ZEROS[:have]
            if not same:
                ref = want if is_data else ZEROS
                at = pos + first_difference(got[:have], ref[:have]) + 1
                print(f"- {path} differ: byte {at}")
                return 1
            if have < n:
                print(f"cmp: EOF on - after byte {pos + have}")
                return 1
            pos += n
    if os.read(0, 1):
        print(f"cmp: EOF on {path} after byte {size}")
        return 1
    return 0


def main():
    if len(sys.argv) != 2:
        print("usage: sparse_cmp.py FILE <DATA", file=sys.stderr)
        return 2
    try:
        return compare(sys.argv[1])
    except OSError as e:
        print(f"sparse_cmp: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
