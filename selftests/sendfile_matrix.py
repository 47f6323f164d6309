#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""sendfile_matrix.py [--compare LIB] FILE: Python's socket.sendfile and
os.sendfile cases (issue 12), one result line per case, with what the
call returned (or its errno), where the file position ended, and what a
TCP receiver got (length, and whether it is exactly the file's bytes).

  sendfile_matrix.py FILE              run the cases, print the lines
  sendfile_matrix.py --compare LIB FILE
      run them twice, without and with LD_PRELOAD=LIB, print both runs'
      lines as comments, then "identical yes|no" and "moved N" (how much
      /sys/kernel/debug/zcopy/counters' bytes_by_reference grew during
      the preloaded run) and "routed M" (the bytes the preload's stats
      say it sent through zcopy); exit status 0 when identical and
      N = M > 0.

FILE should be on a disk file system (ext4) for the preload to route it,
and larger than the socket buffers (16 MiB) for the non-blocking case;
one case uses a copy on /tmp (tmpfs: the preload's fallback).  Only what
python3-minimal has: os, socket, hashlib, subprocess.
"""
import errno
import hashlib
import os
import select
import socket
import subprocess
import sys

COUNTERS = "/sys/kernel/debug/zcopy/counters"


def receiver(kind="tcp", delay=0):
    """A forked receiver (reading after DELAY seconds): returns (sender
    socket, (pid, result pipe))."""
    if kind == "udp":
        rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        rx.bind(("127.0.0.1", 0))
        tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        tx.connect(rx.getsockname())
        return tx, rx
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        c, _ = ls.accept()
        if delay:
            select.select([], [], [], delay)
        h = hashlib.sha256()
        n = 0
        while True:
            b = c.recv(1 << 20)
            if not b:
                break
            h.update(b)
            n += len(b)
        os.write(w, ("%d %s" % (n, h.hexdigest())).encode())
        os._exit(0)
    os.close(w)
    tx = socket.create_connection(ls.getsockname())
    ls.close()
    return tx, (pid, r)


def collect(tx, rx):
    tx.close()
    pid, r = rx
    out = b""
    while True:
        b = os.read(r, 4096)
        if not b:
            break
        out += b
    os.close(r)
    os.waitpid(pid, 0)
    n, digest = out.decode().split()
    return int(n), digest


def want(data, off, n):
    return hashlib.sha256(data[off:off + n]).hexdigest()


def call(fn):
    try:
        return str(fn())
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e.errno))


def run(path):
    with open(path, "rb") as f:
        data = f.read()
    size = len(data)
    tmp = "/tmp/sendfile_matrix.%d" % os.getpid()
    with open(tmp, "wb") as f:
        f.write(data[:300000])
    lines = []

    def tcp_case(name, setup, fn, src=path, expect_from=0):
        fd = os.open(src, os.O_RDONLY)
        setup(fd)
        tx, rx = receiver()
        res = call(lambda: fn(tx, fd))
        pos = os.lseek(fd, 0, os.SEEK_CUR)
        n, digest = collect(tx, rx)
        os.close(fd)
        src_data = data if src == path else data[:300000]
        same = digest == want(src_data, expect_from, n)
        lines.append("%s: ret=%s pos=%d got=%d bytes %s" %
                     (name, res, pos, n, "exact" if same else "WRONG"))

    nothing = lambda fd: None
    at1000 = lambda fd: os.lseek(fd, 1000, os.SEEK_SET)
    tcp_case("os.sendfile offset=0 count=65536", nothing,
             lambda s, fd: os.sendfile(s.fileno(), fd, 0, 65536))
    tcp_case("os.sendfile offset=4097 count=100000", nothing,
             lambda s, fd: os.sendfile(s.fileno(), fd, 4097, 100000), expect_from=4097)
    tcp_case("os.sendfile offset=None count=50000 (pos 1000)", at1000,
             lambda s, fd: os.sendfile(s.fileno(), fd, None, 50000), expect_from=1000)
    tcp_case("os.sendfile count=0", nothing,
             lambda s, fd: os.sendfile(s.fileno(), fd, 0, 0))
    tcp_case("os.sendfile offset=EOF", nothing,
             lambda s, fd: os.sendfile(s.fileno(), fd, size, 4096), expect_from=size)
    tcp_case("os.sendfile offset=EOF+4096", nothing,
             lambda s, fd: os.sendfile(s.fileno(), fd, size + 4096, 4096), expect_from=size)
    tcp_case("os.sendfile short at EOF (EOF-100, 1000)", nothing,
             lambda s, fd: os.sendfile(s.fileno(), fd, size - 100, 1000), expect_from=size - 100)
    tcp_case("os.sendfile offset=None at EOF", lambda fd: os.lseek(fd, 0, os.SEEK_END),
             lambda s, fd: os.sendfile(s.fileno(), fd, None, 1000), expect_from=size)

    def sock_sendfile(off, count):
        def fn(s, fd):
            with os.fdopen(os.dup(fd), "rb") as fo:
                fo.seek(off)
                r = s.sendfile(fo, off, count)
                os.lseek(fd, fo.tell(), os.SEEK_SET)
                return r
        return fn
    tcp_case("socket.sendfile whole file", nothing, sock_sendfile(0, None))
    tcp_case("socket.sendfile offset=12345 count=54321", nothing,
             sock_sendfile(12345, 54321), expect_from=12345)
    tcp_case("socket.sendfile tmpfs file", nothing, sock_sendfile(0, None), src=tmp)

    # Our side shut for writing: EPIPE (Python ignores SIGPIPE).
    def shut(s, fd):
        s.shutdown(socket.SHUT_WR)
        return os.sendfile(s.fileno(), fd, 0, 4096)
    tcp_case("os.sendfile after shutdown(SHUT_WR)", nothing, shut)

    # A non-blocking socket whose receiver is slow: a partial count, then
    # EAGAIN; then everything, and the receiver gets exactly the file.
    fd = os.open(path, os.O_RDONLY)
    tx, rx = receiver(delay=1)
    tx.setblocking(False)
    first = call(lambda: os.sendfile(tx.fileno(), fd, 0, size))
    off = int(first) if first.isdigit() else 0
    eagain = "no"
    for _ in range(1000):
        r = call(lambda: os.sendfile(tx.fileno(), fd, off, size - off))
        if r == "EAGAIN":
            eagain = "yes"
            break
        off += int(r)
        if off >= size:
            break
    while off < size:
        select.select([], [tx], [])
        r = call(lambda: os.sendfile(tx.fileno(), fd, off, size - off))
        if r.isdigit():
            off += int(r)
    n, digest = collect(tx, rx)
    os.close(fd)
    partial = first.isdigit() and 0 < int(first) < size
    lines.append("os.sendfile non-blocking: first partial=%s then EAGAIN=%s total=%d got=%d bytes %s"
                 % ("yes" if partial else "no(%s)" % first, eagain, off, n,
                    "exact" if digest == want(data, 0, n) else "WRONG"))

    # Not TCP: a pipe and a UDP socket (the real sendfile's).
    fd = os.open(path, os.O_RDONLY)
    r, w = os.pipe()
    res = call(lambda: os.sendfile(w, fd, 0, 4000))
    got = os.read(r, 65536)
    lines.append("os.sendfile to a pipe: ret=%s got=%d bytes %s" %
                 (res, len(got), "exact" if got == data[:4000] else "WRONG"))
    os.close(r)
    os.close(w)
    tx, rx = receiver("udp")
    res = call(lambda: os.sendfile(tx.fileno(), fd, 0, 1000))
    got = rx.recv(65536)
    lines.append("os.sendfile to UDP: ret=%s got=%d bytes %s" %
                 (res, len(got), "exact" if got == data[:1000] else "WRONG"))
    tx.close()
    rx.close()
    os.close(fd)
    os.unlink(tmp)
    return lines


def counter(name):
    with open(COUNTERS) as f:
        for line in f:
            k, v = line.split()
            if k == name:
                return int(v)
    return 0


def main():
    args = sys.argv[1:]
    if args and args[0] == "--compare":
        lib, path = args[1], args[2]
        me = os.path.abspath(__file__)
        env = dict(os.environ)
        env.pop("LD_PRELOAD", None)
        plain = subprocess.run([sys.executable, me, path], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        env["LD_PRELOAD"] = lib
        env["ZCOPY_PRELOAD_STATS"] = "-"
        before = counter("bytes_by_reference")
        pre = subprocess.run([sys.executable, me, path], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        moved = counter("bytes_by_reference") - before
        a = plain.stdout.decode()
        b = pre.stdout.decode()
        for l in a.splitlines():
            print("# plain:   " + l)
        for l in b.splitlines():
            print("# preload: " + l)
        for l in pre.stderr.decode().splitlines():
            print("# preload stderr: " + l)
        # The preload's own count (ZCOPY_PRELOAD_STATS=-, one line per
        # process that exits normally: the forked receivers _exit).
        routed = sum(int(w.split("=")[1]) for w in pre.stderr.decode().split()
                     if w.startswith("zcopy_bytes="))
        same = a == b and plain.returncode == 0 and pre.returncode == 0 and a
        print("identical %s" % ("yes" if same else "no"))
        print("moved %d" % moved)
        print("routed %d" % routed)
        return 0 if same and moved > 0 and moved == routed else 1
    for l in run(args[0]):
        print(l)
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
