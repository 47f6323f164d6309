/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * zcopy: send page-cache pages of a file to sockets without CPU copies.
 *
 * Userspace opens /dev/zcopy and issues the ioctls below on that file
 * descriptor.  Every structure is made of fixed-width fields, carries a
 * size or flags field, and keeps reserved space that must be zero, so the
 * interface can grow without breaking existing binaries.  Unknown flags and
 * non-zero reserved fields are rejected with EINVAL, never ignored.
 *
 * Errors common to every ioctl:
 *  * ENOTTY - the command is not a zcopy ioctl (or is from a newer ABI).
 *  * EFAULT - an argument pointer is not readable/writable user memory.
 *  * EINVAL - @size is not the size this ABI defines, a flag unknown to the
 *             module is set, or a reserved field is not zero.
 */
#ifndef _UAPI_LINUX_ZCOPY_H
#define _UAPI_LINUX_ZCOPY_H

#include <linux/const.h>
#include <linux/ioctl.h>
#include <linux/types.h>

/* Major number of the ioctl interface; free in ioctl-number.rst. */
#define ZCOPY_IOCTL_MAGIC	0xCE

/* Bumped on any incompatible change (there has been none). */
#define ZCOPY_ABI_VERSION	1

/**
 * struct zcopy_version - what the loaded module is and can do.
 * @size:        in: sizeof(struct zcopy_version).
 * @flags:       in: must be 0.
 * @abi_version: out: ZCOPY_ABI_VERSION of the module.
 * @major:       out: module release, major part.
 * @minor:       out: module release, minor part.
 * @patch:       out: module release, patch part.
 * @features:    out: ZCOPY_FEATURE_* bits the module supports.
 * @reserved:    in: must be 0; out: 0.
 */
struct zcopy_version {
	__u32 size;
	__u32 flags;
	__u32 abi_version;
	__u32 major;
	__u32 minor;
	__u32 patch;
	__u64 features;
	__u64 reserved[4];
};

/*
 * ZCOPY_FEATURE_* - bits in zcopy_version.features.
 * ZCOPY_FEATURE_KUNIT: the module was built with its KUnit suites.
 * ZCOPY_FEATURE_SEND: ZCOPY_IOC_SEND and ZCOPY_IOC_STATS exist.
 * ZCOPY_FEATURE_SPLICE_PAGES: sends use sendmsg(MSG_SPLICE_PAGES) (6.5+);
 *	without it they use ->sendpage, and sockets without one (UDP over
 *	IPv6 before 6.5) copy, counted as bytes_copied_unspliceable.
 */
#define ZCOPY_FEATURE_SEND		_BITULL(0)
#define ZCOPY_FEATURE_SPLICE_PAGES	_BITULL(1)
#define ZCOPY_FEATURE_KUNIT		_BITULL(63)

/**
 * ZCOPY_IOC_VERSION - _IOWR(ZCOPY_IOCTL_MAGIC, 0x00, struct zcopy_version)
 *
 * Report the module's ABI version, release and feature bits.  Never blocks
 * and needs no privilege beyond an open /dev/zcopy.
 *
 * Context: process context.
 *
 * Return:
 *  * 0      - success, the out fields are filled.
 *  * EFAULT - the argument is not valid user memory.
 *  * EINVAL - @size != sizeof(struct zcopy_version), @flags != 0, or
 *             @reserved is not zero.
 */
#define ZCOPY_IOC_VERSION	_IOWR(ZCOPY_IOCTL_MAGIC, 0x00, struct zcopy_version)

/**
 * struct zcopy_send - one file range to one socket, by page reference.
 * @size:       in: sizeof(struct zcopy_send).
 * @flags:      in: ZCOPY_SEND_* bits; any other bit is EINVAL.
 * @file_fd:    in: the source: a regular file open for reading.
 * @sock_fd:    in: the destination: a connected socket (see below).
 * @offset:     in: byte offset in the file where the range starts; need
 *              not be page aligned.  The file position is not used and
 *              not changed (as sendfile(2) with a non-NULL offset).
 * @length:     in: bytes to send; more than 4 GiB is allowed (there is
 *              no 0x7ffff000 cap as in sendfile(2)).
 * @bytes_sent: out: bytes queued to the socket by this call.  Only
 *              written when the ioctl returns 0.
 * @reserved:   in: must be 0.
 */
struct zcopy_send {
	__u32 size;
	__u32 flags;
	__s32 file_fd;
	__s32 sock_fd;
	__u64 offset;
	__u64 length;
	__u64 bytes_sent;
	__u64 reserved[4];
};

/*
 * ZCOPY_SEND_* - bits in zcopy_send.flags.
 * ZCOPY_SEND_STRICT: fail with EXDEV instead of letting the stack copy
 *	the data with the CPU (route without scatter-gather, software
 *	checksum, or a socket that cannot take pages by reference on this
 *	kernel).  Without it such a call still sends, and the copy and its
 *	reason are counted.  The check is made before each batch is queued,
 *	so an EXDEV is only returned when nothing was queued (a route that
 *	changes mid-call ends the call with a short count).
 */
#define ZCOPY_SEND_STRICT	_BITULL(0)
#define ZCOPY_SEND_FLAGS_ALL	ZCOPY_SEND_STRICT

/*
 * Largest payload of one UDP datagram zcopy sends (the IPv4 UDP limit).
 * A send on a UDP socket is cut into datagrams of equal size, the last
 * one holding the rest: the size is the route's MTU less the IP and UDP
 * headers (28 bytes for IPv4, 48 for IPv6; what getsockopt IP_MTU or
 * IPV6_MTU minus those gives), so that no datagram is fragmented, and at
 * most ZCOPY_UDP_DATAGRAM_MAX.  Each datagram is one sendmsg.
 */
#define ZCOPY_UDP_DATAGRAM_MAX	65507

/**
 * ZCOPY_IOC_SEND - _IOWR(ZCOPY_IOCTL_MAGIC, 0x01, struct zcopy_send)
 *
 * Queue bytes [@offset, @offset + @length) of @file_fd to @sock_fd with no
 * CPU copy: the file's page-cache pages are attached to the socket's
 * buffers by reference (MSG_SPLICE_PAGES from 6.5, ->sendpage before).
 * Pages not in the page cache are read in first, with readahead over the
 * batch being sent.  The pages are taken in batches of at most
 * `max_batch_pages` (module parameter, default 256) pages; each batch is
 * one sendmsg.  The module holds page references only while a batch is
 * handed to the socket; the stack then holds its own until the data is
 * acknowledged (TCP) or freed.  As with sendfile(2), the file must not be
 * modified until the peer has the data: a later write to the file may
 * still change bytes not yet transmitted.
 *
 * Like sendfile(2): it stops at end of file (short count); on a blocking
 * socket it waits for buffer space, on a non-blocking one (O_NONBLOCK on
 * @sock_fd) it returns what it could queue.  It differs from sendfile(2)
 * in that: the count may exceed 0x7ffff000; @length 0 and an @offset at or
 * past end of file are EINVAL, not a 0 return; SIGPIPE is never raised
 * (EPIPE is returned); the file position is never used; O_DIRECT on
 * @file_fd is ignored (the page cache is always used, as a buffered read
 * would); the file is sampled for its size before each batch, so a file
 * that is truncated or has a hole punched while the call runs ends it with
 * a short count and no bytes past the new end of file are queued.
 *
 * Sockets: TCP over IPv4 or IPv6 (established or close-wait), UDP over
 * IPv4 or IPv6 (connected; see ZCOPY_UDP_DATAGRAM_MAX for how the range
 * is cut into datagrams) and UNIX stream sockets (connected).
 *
 * Context: process context; may sleep (disk reads, socket buffer space).
 *
 * Return: 0 with @bytes_sent > 0 when anything was queued, even if an
 * error or a signal then stopped the call (0 with @bytes_sent == 0 only
 * when the file was cut to @offset or less just as the call began);
 * otherwise -1 and errno:
 *  * EFAULT       - the argument is not valid user memory.
 *  * EINVAL       - @size is wrong, an unknown flag is set, @reserved is
 *                   not zero, @length is 0, @offset + @length overflows
 *                   or exceeds the largest file offset, @offset is at or
 *                   past end of file, or @file_fd is not a regular file
 *                   with a page cache (a directory, pipe, socket, device
 *                   or DAX file).
 *  * EBADF        - @file_fd or @sock_fd is not an open descriptor, or
 *                   @file_fd is not open for reading (or is O_PATH).
 *  * ENOTSOCK     - @sock_fd is not a socket.
 *  * EAFNOSUPPORT - the socket's family is not INET, INET6 or UNIX.
 *  * EOPNOTSUPP   - the socket type or protocol is not TCP, UDP or UNIX
 *                   stream (e.g. UNIX datagram, raw, SCTP, MPTCP).
 *  * ENOTCONN     - the socket is not connected (e.g. listening).
 *  * EXDEV        - ZCOPY_SEND_STRICT is set and the stack would copy.
 *  * EAGAIN       - the socket is non-blocking and its send buffer is
 *                   full.
 *  * EINTR        - a signal arrived before anything was queued (the
 *                   call is restarted instead if the handler has
 *                   SA_RESTART).
 *  * EPIPE        - the socket is shut down for writing or the peer
 *                   closed (no SIGPIPE is raised).
 *  * EIO          - a page of the file could not be read.
 *  * ENOMEM       - out of memory.
 *  * ECONNRESET, ENOBUFS, EMSGSIZE, EHOSTUNREACH, ENETUNREACH,
 *    ECONNREFUSED - passed on from the socket, as send(2) returns them.
 */
#define ZCOPY_IOC_SEND		_IOWR(ZCOPY_IOCTL_MAGIC, 0x01, struct zcopy_send)

/**
 * struct zcopy_stats - read a set of the module's counters.
 * @size:     in: sizeof(struct zcopy_stats).
 * @flags:    in: ZCOPY_STATS_* bits; any other bit is EINVAL.
 * @count:    in: number of __u64 slots at @values; out: number of
 *            counters the module has (may be more or less than given).
 * @reserved0: in: must be 0.
 * @values:   in: user pointer to @count __u64; out: the first
 *            min(@count, number of counters) are filled, in the order of
 *            /sys/kernel/debug/zcopy/counters (which names them).
 * @reserved: in: must be 0.
 */
struct zcopy_stats {
	__u32 size;
	__u32 flags;
	__u32 count;
	__u32 reserved0;
	__u64 values;
	__u64 reserved[2];
};

/*
 * ZCOPY_STATS_* - bits in zcopy_stats.flags.
 * ZCOPY_STATS_GLOBAL: the module-wide counters instead of those of the
 *	open /dev/zcopy file the ioctl is issued on.  Gauges (pages_pinned,
 *	pages_pinned_peak) are per set too.
 */
#define ZCOPY_STATS_GLOBAL	_BITULL(0)
#define ZCOPY_STATS_FLAGS_ALL	ZCOPY_STATS_GLOBAL

/**
 * ZCOPY_IOC_STATS - _IOWR(ZCOPY_IOCTL_MAGIC, 0x02, struct zcopy_stats)
 *
 * Copy the counters of this open file (every ioctl made through it) or,
 * with ZCOPY_STATS_GLOBAL, of the whole module.  Never blocks.
 *
 * Context: process context.
 *
 * Return:
 *  * 0      - success; @count and the values are filled.
 *  * EFAULT - the argument or @values is not valid user memory.
 *  * EINVAL - @size is wrong, an unknown flag is set, or @reserved0 or
 *             @reserved is not zero.
 */
#define ZCOPY_IOC_STATS		_IOWR(ZCOPY_IOCTL_MAGIC, 0x02, struct zcopy_stats)

#endif /* _UAPI_LINUX_ZCOPY_H */
