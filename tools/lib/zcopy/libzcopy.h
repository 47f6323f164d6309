/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * libzcopy: a thin C interface to /dev/zcopy (uapi/linux/zcopy.h).
 *
 * Every function is one system call on the device descriptor (or a short
 * loop around one), fills the uapi structure's @size and zeroes what must
 * be zero, so a caller never builds the structures by hand.  The library
 * keeps no state of its own: it is thread-safe and fork-safe as far as the
 * descriptors it is given are.
 *
 * Return convention: 0 (or a count) on success; on failure a negative
 * errno, and errno is set to the same (positive) value, so both the
 * `if (ret < 0) ret == -EAGAIN` and the `perror()` styles work.  The
 * errnos are the module's, documented per ioctl in <linux/zcopy.h>; the
 * lists below name the ones a caller usually acts on.
 *
 * Versions: the library is built for ZCOPY_ABI_VERSION of the header it
 * came with; its soname is libzcopy.so.<ZCOPY_ABI_VERSION>, so a module
 * ABI change is a new soname.  zcopy_version() tells what the loaded
 * module speaks.
 */
#ifndef LIBZCOPY_H
#define LIBZCOPY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/zcopy.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The device node the module creates (misc device "zcopy"). */
#define ZCOPY_DEV_PATH	"/dev/zcopy"

/**
 * zcopy_open() - open /dev/zcopy.
 * @flags: extra open(2) flags: O_CLOEXEC, O_NONBLOCK (notification reads
 *         then never wait).  O_RDWR is always used.
 *
 * Return: the descriptor, or a negative errno:
 *  * -ENOENT - no /dev/zcopy: the module is not loaded.
 *  * -EACCES - the node is root-only (tools/udev/99-zcopy.rules shows how
 *              to give it to a `zcopy` group).
 */
int zcopy_open(int flags);

/**
 * zcopy_close() - close a descriptor from zcopy_open().
 * @dev: the descriptor.
 *
 * Undelivered notification records are discarded (and counted by the
 * module in notify_dropped_closed).
 *
 * Return: 0, or a negative errno from close(2).
 */
int zcopy_close(int dev);

/**
 * zcopy_version() - ZCOPY_IOC_VERSION: the loaded module's ABI and features.
 * @dev: the device descriptor.
 * @v:   filled on success (abi_version, major/minor/patch, features).
 *
 * Return: 0, or -ENOTTY (not a zcopy descriptor), -EFAULT.
 */
int zcopy_version(int dev, struct zcopy_version *v);

/**
 * zcopy_send() - ZCOPY_IOC_SEND: one file range to one socket by reference.
 * @dev:     the device descriptor.
 * @file_fd: a regular file open for reading, on a file system whose page
 *           cache is its data (ext2/3/4, xfs, btrfs, f2fs, ...).
 * @sock_fd: a connected TCP, UDP or UNIX stream socket.
 * @offset:  where the range starts; the file position is not used.
 * @length:  bytes to send, > 0 (no 0x7ffff000 cap).
 * @flags:   ZCOPY_SEND_STRICT, ZCOPY_SEND_NODISKIO, ZCOPY_SEND_NOTIFY.
 * @cookie:  with ZCOPY_SEND_NOTIFY, returned in the completion record;
 *           otherwise must be 0.
 * @sent:    out, may be NULL: bytes queued (set on success).
 *
 * One call; it stops at end of file, at a full non-blocking socket, on a
 * signal or an error after progress, with a short count in @sent.
 *
 * Return: 0 (check @sent), or a negative errno, nothing having been sent:
 *  * -EINVAL       - @length 0, @offset at or past end of file, bad flags,
 *                    or a file zcopy cannot send from by reference
 *                    (tmpfs, procfs, sysfs, NFS, FUSE, overlayfs, ...).
 *  * -EBADF, -ENOTSOCK, -EAFNOSUPPORT, -EOPNOTSUPP, -ENOTCONN - the
 *                    descriptors are not what is described above.
 *  * -EXDEV        - ZCOPY_SEND_STRICT and the stack would copy.
 *  * -EAGAIN       - full non-blocking socket, or NODISKIO and not cached.
 *  * -EPIPE        - the socket is shut down or the peer closed; no
 *                    SIGPIPE is raised (unlike sendfile(2)).
 *  * -EINTR, -EIO, -ENOMEM, -EPERM, -EACCES, -ECONNRESET, ... - see
 *                    ZCOPY_IOC_SEND in <linux/zcopy.h>.
 */
int zcopy_send(int dev, int file_fd, int sock_fd, uint64_t offset,
	       uint64_t length, unsigned int flags, uint64_t cookie,
	       uint64_t *sent);

/**
 * zcopy_fanout() - ZCOPY_IOC_FANOUT: one file range to up to 64 sockets.
 * @dev:     the device descriptor.
 * @file_fd: the source file, as for zcopy_send().
 * @offset:  where the range starts.
 * @length:  bytes in the range, > 0.
 * @targets: @n targets; set each @sock_fd and @bytes_sent (0 at first),
 *           other fields 0.  On return each has its progress and, if it
 *           stopped early, its positive errno in @error (EAGAIN: wait for
 *           POLLOUT and call again with the same array; ENODATA: end of
 *           file).  zcopy_target_init() fills one.
 * @n:       1 to ZCOPY_FANOUT_MAX.
 * @flags:   ZCOPY_SEND_* as for zcopy_send().
 * @cookie:  as for zcopy_send().
 *
 * Never waits on a socket (every target is treated as non-blocking).
 *
 * Return: 0 (see each target), or a negative errno for the whole call:
 * -EINVAL (bad arguments or file, as zcopy_send()), -EBADF, -EPERM,
 * -EACCES, -EINTR, -EAGAIN (NODISKIO), -EIO, -ENOMEM, -EOPNOTSUPP.
 */
int zcopy_fanout(int dev, int file_fd, uint64_t offset, uint64_t length,
		 struct zcopy_target *targets, unsigned int n,
		 unsigned int flags, uint64_t cookie);

/* zcopy_target_init() - a fan-out target for @sock_fd, nothing sent yet. */
void zcopy_target_init(struct zcopy_target *t, int sock_fd);

/**
 * zcopy_sendv() - ZCOPY_IOC_SENDV: memory and file segments as one stream.
 * @dev:     the device descriptor.
 * @sock_fd: a connected TCP or UNIX stream socket.
 * @segs:    @n segments, built with zcopy_seg_file() / zcopy_seg_mem().
 * @n:       1 to ZCOPY_SENDV_MAX_SEGS.
 * @flags:   ZCOPY_SEND_STRICT, ZCOPY_SEND_NODISKIO (no NOTIFY).
 * @sent:    out, may be NULL: bytes queued, across segments in order.
 *
 * A short count stops inside some segment; zcopy_segs_advance() drops
 * what was sent so the caller can call again with the rest.
 *
 * Return: 0, or a negative errno as for zcopy_send(); -EOPNOTSUPP for UDP.
 */
int zcopy_sendv(int dev, int sock_fd, const struct zcopy_segment *segs,
		unsigned int n, unsigned int flags, uint64_t *sent);

/* zcopy_seg_file() - a segment of @length bytes of @fd at @offset. */
void zcopy_seg_file(struct zcopy_segment *s, int fd, uint64_t offset,
		    uint64_t length);
/* zcopy_seg_mem() - a segment of @length bytes at @addr (copied by the CPU). */
void zcopy_seg_mem(struct zcopy_segment *s, const void *addr, uint64_t length);

/**
 * zcopy_segs_advance() - drop the first @done bytes of a segment vector.
 * @segs: the vector; edited in place.
 * @n:    its length.
 * @done: bytes already sent (a zcopy_sendv() @sent).
 *
 * Return: the index of the first segment still to send (== @n when all
 * were sent); pass &segs[ret], @n - ret to the next zcopy_sendv().
 */
unsigned int zcopy_segs_advance(struct zcopy_segment *segs, unsigned int n,
				uint64_t done);

/**
 * zcopy_read_notifications() - read completion records (ZCOPY_SEND_NOTIFY).
 * @dev:  the descriptor the notifying calls were made on.
 * @recs: room for @max records.
 * @max:  at least 1.
 *
 * Waits for a record unless @dev is O_NONBLOCK.  An overflow record
 * (ZCOPY_NOTIFY_OVERFLOW) stands for @dropped records.
 *
 * Return: the number of records read (>= 1), or a negative errno:
 * -EAGAIN (O_NONBLOCK, none ready), -EINTR, -EINVAL (@max 0).
 */
ssize_t zcopy_read_notifications(int dev, struct zcopy_notification *recs,
				 size_t max);

/**
 * zcopy_stats() - ZCOPY_IOC_STATS: counters of @dev or of the module.
 * @dev:    the device descriptor.
 * @flags:  0 (this descriptor's counters) or ZCOPY_STATS_GLOBAL.
 * @values: room for *@count values, in /sys/kernel/debug/zcopy/counters
 *          order (which names them).
 * @count:  in: slots at @values; out: how many counters the module has.
 *
 * Return: 0, or -EINVAL, -EFAULT.
 */
int zcopy_stats(int dev, unsigned int flags, uint64_t *values,
		unsigned int *count);

#ifdef __cplusplus
}
#endif

#endif /* LIBZCOPY_H */
