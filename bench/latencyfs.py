#!/usr/bin/env python3
"""latencyfs: a read-only FUSE pass-through that answers every request after a fixed delay, to measure how
`overblik scan` reads a tree where each file system call waits on the network (an SMB or NFS share from a
municipal file server), on a machine that has no such share. Speaks the kernel's FUSE protocol over /dev/fuse
directly (no libfuse), so it needs only Python and root.

    bench/latencyfs.py SOURCE_DIR MOUNTPOINT DELAY_MS [THREADS]    (runs until unmounted: umount MOUNTPOINT)

Each LOOKUP, GETATTR, OPENDIR, READDIR, OPEN and READ waits DELAY_MS before its answer, the way a request to a
file server waits one round trip; the server answers up to THREADS requests at once, as a server does. The
kernel keeps names and attributes for one second (as the cifs client's `actimeo=1`) and drops a file's cached
pages when it is opened again, so repeated runs read through the delay again. The mount shows as
`fuse.latencyfs` in /proc/self/mountinfo.
"""
import ctypes
import errno
import os
import stat
import struct
import sys
import threading
import time

LOOKUP, FORGET, GETATTR, OPEN, READ, STATFS, RELEASE, FLUSH, INIT = 1, 2, 3, 14, 15, 17, 18, 25, 26
OPENDIR, READDIR, RELEASEDIR, ACCESS, INTERRUPT, DESTROY, BATCH_FORGET = 27, 28, 29, 34, 36, 38, 42
NO_REPLY = {FORGET, BATCH_FORGET, INTERRUPT}
DELAYED = {LOOKUP, GETATTR, OPENDIR, READDIR, OPEN, READ}
IN_HEADER = struct.Struct("<IIQQIIIHH")  # len, opcode, unique, nodeid, uid, gid, pid, extlen, padding
OUT_HEADER = struct.Struct("<IiQ")  # len, error, unique
ATTR = struct.Struct("<QQQQQQIIIIIIIIII")  # fuse_attr: 88 bytes
VALID = 1  # seconds names and attributes stay cached


def attr(st):
    return ATTR.pack(st.st_ino, st.st_size, st.st_blocks, int(st.st_atime), int(st.st_mtime), int(st.st_ctime),
                     st.st_atime_ns % 10**9, st.st_mtime_ns % 10**9, st.st_ctime_ns % 10**9, st.st_mode,
                     st.st_nlink, st.st_uid, st.st_gid, st.st_rdev, 4096, 0)


class LatencyFS:
    def __init__(self, source, delay):
        self.delay = delay
        self.paths = {1: source}  # node id -> real path
        self.nodes = {source: 1}
        self.handles = {}
        self.lock = threading.Lock()
        self.next_handle = 1

    def node(self, path):
        with self.lock:
            if path not in self.nodes:
                self.nodes[path] = len(self.paths) + 1
                self.paths[self.nodes[path]] = path
            return self.nodes[path]

    def handle(self, value):
        with self.lock:
            self.next_handle += 1
            self.handles[self.next_handle] = value
            return self.next_handle

    def serve(self, opcode, nodeid, body):
        """The answer's body, or an errno (raised as OSError)."""
        path = self.paths.get(nodeid)
        if opcode == INIT:
            major, minor, readahead, flags = struct.unpack_from("<IIII", body)
            return struct.pack("<IIIIHHIIHHI7I", 7, 31, readahead, 0, 16, 12, 131072, 1, 32, 0, 0, *[0] * 7)
        if opcode == LOOKUP:
            child = os.path.join(path, body.split(b"\0", 1)[0].decode("utf-8", "surrogateescape"))
            st = os.lstat(child)
            return struct.pack("<QQQQII", self.node(child), 0, VALID, VALID, 0, 0) + attr(st)
        if opcode == GETATTR:
            return struct.pack("<QII", VALID, 0, 0) + attr(os.lstat(path))
        if opcode == OPENDIR:
            entries = [(".", os.lstat(path)), ("..", os.lstat(path))]
            with os.scandir(path) as listing:
                entries += [(e.name, e.stat(follow_symlinks=False)) for e in listing]
            return struct.pack("<QII", self.handle(entries), 0, 0)
        if opcode == READDIR:
            handle, offset, size = struct.unpack_from("<QQI", body)
            out = b""
            for index, (name, st) in enumerate(self.handles[handle][offset:], start=offset + 1):
                encoded = name.encode("utf-8", "surrogateescape")
                entry = struct.pack("<QQII", st.st_ino, index, len(encoded), stat.S_IFMT(st.st_mode) >> 12) + encoded
                entry += b"\0" * (-len(entry) % 8)
                if len(out) + len(entry) > size:
                    break
                out += entry
            return out
        if opcode == OPEN:
            return struct.pack("<QII", self.handle(os.open(path, os.O_RDONLY)), 0, 0)
        if opcode == READ:
            handle, offset, size = struct.unpack_from("<QQI", body)
            return os.pread(self.handles[handle], size, offset)
        if opcode in (RELEASE, RELEASEDIR):
            handle = struct.unpack_from("<Q", body)[0]
            with self.lock:
                value = self.handles.pop(handle, None)
            if opcode == RELEASE and value is not None:
                os.close(value)
            return b""
        if opcode == STATFS:
            st = os.statvfs(self.paths[1])
            return struct.pack("<QQQQQIIII6I", st.f_blocks, st.f_bfree, st.f_bavail, st.f_files, st.f_ffree,
                               st.f_bsize, 255, st.f_frsize, 0, *[0] * 6)
        if opcode in (FLUSH, ACCESS):
            return b""
        raise OSError(errno.ENOSYS, "not supported")

    def loop(self, fd):
        while True:
            try:
                request = os.read(fd, 1 << 20 | 4096)
            except OSError as error:
                if error.errno in (errno.EINTR, errno.EAGAIN, errno.ENOENT):
                    continue
                return  # ENODEV: unmounted
            length, opcode, unique, nodeid = IN_HEADER.unpack_from(request)[:4]
            if opcode in NO_REPLY:
                continue
            if opcode == DESTROY:
                os.write(fd, OUT_HEADER.pack(OUT_HEADER.size, 0, unique))
                return
            if opcode in DELAYED:
                time.sleep(self.delay)
            try:
                body, error = self.serve(opcode, nodeid, request[IN_HEADER.size:length]), 0
            except OSError as failure:
                body, error = b"", -(failure.errno or errno.EIO)
            except (KeyError, struct.error):
                body, error = b"", -errno.EIO
            try:
                os.write(fd, OUT_HEADER.pack(OUT_HEADER.size + len(body), error, unique) + body)
            except OSError:
                pass  # the request was interrupted


def main():
    source, mountpoint, delay = os.path.realpath(sys.argv[1]), sys.argv[2], float(sys.argv[3]) / 1000
    threads = int(sys.argv[4]) if len(sys.argv) > 4 else 32
    fd = os.open("/dev/fuse", os.O_RDWR)
    options = f"fd={fd},rootmode=40000,user_id=0,group_id=0,allow_other,default_permissions".encode()
    libc = ctypes.CDLL(None, use_errno=True)
    MS_RDONLY, MS_NOSUID, MS_NODEV = 1, 2, 4
    if libc.mount(b"latencyfs", mountpoint.encode(), b"fuse.latencyfs", MS_RDONLY | MS_NOSUID | MS_NODEV,
                  options) != 0:
        sys.exit(f"mount failed: {os.strerror(ctypes.get_errno())} (needs root and /dev/fuse)")
    fs = LatencyFS(source, delay)
    workers = [threading.Thread(target=fs.loop, args=(fd,), daemon=True) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


if __name__ == "__main__":
    main()
