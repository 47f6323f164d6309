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
 *             A call whose results cannot be written back fails so
 *             before it sends anything (the result fields are written
 *             back unchanged first); only if another thread unmaps or
 *             write-protects them while the call runs is EFAULT returned
 *             after bytes were queued (and, with ZCOPY_SEND_NOTIFY, with
 *             their record to come), as read(2) may leave a buffer filled.
 *  * EINVAL - @size is not the size this ABI defines, a flag unknown to the
 *             module is set, or a reserved field is not zero.
 *  * ENOMEM - out of memory, or the caller's memory cgroup is at its
 *             limit: everything the module allocates for a caller (each
 *             open's counters and notification queue, completion
 *             records, a call's batch and target arrays) is charged to
 *             the caller's memory cgroup, as the kernel's own per-file
 *             objects are.  open(2) of /dev/zcopy fails so too.
 */
#ifndef _UAPI_LINUX_ZCOPY_H
#define _UAPI_LINUX_ZCOPY_H

#include <linux/const.h>
#include <linux/ioctl.h>
#include <linux/types.h>

/*
 * Type ("magic") of the ioctl numbers: free in the kernel's
 * Documentation/userspace-api/ioctl/ioctl-number.rst and in every uapi
 * header of the supported kernels (make check verifies both).
 */
#define ZCOPY_IOCTL_MAGIC	0xB9

/*
 * Bumped on any incompatible change.  2: the ioctl type moved from 0xCE,
 * which is CXL's (linux/cxl_mem.h), to 0xB9; structures and flags are as
 * in 1, and flag constants are now as wide as the fields that hold them.
 */
#define ZCOPY_ABI_VERSION	2

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
 * ZCOPY_FEATURE_FANOUT: ZCOPY_IOC_FANOUT exists.
 * ZCOPY_FEATURE_NODISKIO: ZCOPY_SEND_NODISKIO is understood.
 * ZCOPY_FEATURE_SENDV: ZCOPY_IOC_SENDV exists.
 * ZCOPY_FEATURE_SPLICE_PAGES: sends use sendmsg(MSG_SPLICE_PAGES) (6.5+);
 *	without it they use ->sendpage, and sockets without one (UDP over
 *	IPv6 before 6.5) copy, counted as bytes_copied_unspliceable.
 * ZCOPY_FEATURE_NOTIFY: ZCOPY_SEND_NOTIFY is understood and completion
 *	records can be read from the /dev/zcopy descriptor (kernels whose
 *	struct msghdr has msg_ubuf: 6.0 and later, so every supported one).
 * ZCOPY_FEATURE_SEND_SENDFILE: ZCOPY_SEND_SENDFILE is understood.
 */
#define ZCOPY_FEATURE_SEND		_BITULL(0)
#define ZCOPY_FEATURE_SPLICE_PAGES	_BITULL(1)
#define ZCOPY_FEATURE_FANOUT		_BITULL(2)
#define ZCOPY_FEATURE_NODISKIO		_BITULL(3)
#define ZCOPY_FEATURE_SENDV		_BITULL(4)
#define ZCOPY_FEATURE_NOTIFY		_BITULL(5)
#define ZCOPY_FEATURE_SEND_SENDFILE	_BITULL(6)
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
 * @bytes_sent: out: bytes queued to the socket by this call.  Written
 *              back unchanged before anything is sent (see EFAULT); set
 *              when the ioctl returns 0.
 * @cookie:     in: with ZCOPY_SEND_NOTIFY, any value; it is returned in
 *              the call's struct zcopy_notification.  Without that flag
 *              it must be 0 (it was the first reserved slot).
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
	__u64 cookie;
	__u64 reserved[3];
};

/*
 * ZCOPY_SEND_* - bits in zcopy_send.flags.
 * ZCOPY_SEND_STRICT: fail with EXDEV instead of letting the stack copy
 *	the data with the CPU (route without scatter-gather, software
 *	checksum, or a socket that cannot take pages by reference on this
 *	kernel, such as TCP under kTLS with a transmit key or in a sockmap
 *	with an sk_msg program, whose layer copies the data; kTLS with a
 *	receive key only sends by reference).  Without it such a call
 *	still sends, and the copy and its
 *	reason are counted.  The check is made before each batch is queued,
 *	so an EXDEV is only returned when nothing was queued (a route that
 *	changes mid-call ends the call with a short count).
 * ZCOPY_SEND_NODISKIO: never wait for the disk (FreeBSD's SF_NODISKIO):
 *	send what is in the page cache and uptodate, up to the first page
 *	that is not (or that was truncated away since it was found), and
 *	return that count; EAGAIN when the first page is not cached.
 *	Reading the missing pages in is started (readahead is submitted,
 *	not waited for), so a later call finds them cached, unless their
 *	read fails: a page whose read failed is not cached, and such a
 *	call says EAGAIN there until a call without the flag reads it
 *	again (and sends it, or says EIO), as preadv2(RWF_NOWAIT) does.
 * ZCOPY_SEND_NOTIFY: when the network stack has dropped its last
 *	reference to the pages this call queued, queue one struct
 *	zcopy_notification carrying @cookie on the /dev/zcopy descriptor
 *	the ioctl was issued on (see struct zcopy_notification).  TCP
 *	sockets only, and not under kTLS or in a sockmap with an sk_msg
 *	program, which copy the data and ignore the completion object
 *	(EOPNOTSUPP otherwise).  With ZCOPY_IOC_FANOUT: one
 *	record per target that took bytes in the call, with its index in
 *	@target; a target that is not TCP gets EOPNOTSUPP in its @error.
 *	Such a call is sent with sendmsg(MSG_ZEROCOPY) and a
 *	kernel completion object (msghdr.msg_ubuf) on every kernel, not
 *	MSG_SPLICE_PAGES or ->sendpage: pages are still attached by
 *	reference.  A call that returns an error queues no record (but
 *	for the EFAULT of a result unmapped while the call ran: see the
 *	errors common to every ioctl); a
 *	ZCOPY_IOC_SEND that returns 0 has one, even with @bytes_sent 0
 *	(the file was truncated).  ZCOPY_SEND_STRICT does not foresee the
 *	deferred copy at local delivery (ZCOPY_NOTIFY_COPIED_AT_DELIVERY).
 * ZCOPY_SEND_SENDFILE: ZCOPY_IOC_SEND only (EINVAL elsewhere): refuse,
 *	before anything is sent, the calls that sendfile(2) makes
 *	otherwise than zcopy: @sock_fd not a TCP socket (EOPNOTSUPP:
 *	zcopy's UDP and UNIX paths are not sendfile's), @sock_fd opened
 *	with O_APPEND (EINVAL, as sendfile), @file_fd opened with O_DIRECT
 *	(EINVAL: sendfile reads such a file directly, with its alignment
 *	rules).  For an interposer of sendfile(2) (libzcopy-preload.so),
 *	which then hands such a call to the real sendfile without asking
 *	these questions with system calls of its own on every call.
 */
#define ZCOPY_SEND_STRICT	0x1U
#define ZCOPY_SEND_NODISKIO	0x2U
#define ZCOPY_SEND_NOTIFY	0x4U
#define ZCOPY_SEND_SENDFILE	0x8U
#define ZCOPY_SEND_FLAGS_ALL	(ZCOPY_SEND_STRICT | ZCOPY_SEND_NODISKIO | \
				 ZCOPY_SEND_NOTIFY | ZCOPY_SEND_SENDFILE)

/*
 * Largest payload of one UDP datagram zcopy sends (the IPv4 UDP limit).
 * A send on a UDP socket is cut into datagrams of equal size, the last
 * one holding the rest: the size is the route's MTU less the IP and UDP
 * headers (28 bytes for IPv4, 48 for IPv6; what getsockopt IP_MTU or
 * IPV6_MTU minus those gives), so that no datagram is fragmented, and at
 * most ZCOPY_UDP_DATAGRAM_MAX.  Each datagram is one sendmsg.  A datagram
 * also ends where a batch of pages does, so it is shorter where a batch
 * holds fewer pages than a datagram spans: the module parameter
 * max_batch_pages set that low, the module-wide pin limit reached (see
 * ZCOPY_IOC_SEND), or a ZCOPY_IOC_FANOUT target that resumes in the
 * middle of the others' batch.  On a socket corked with UDP_CORK no
 * datagram ends: each call's data joins the corked datagram until the
 * cork is removed, as send(2)'s data does.
 */
#define ZCOPY_UDP_DATAGRAM_MAX	65507

/**
 * ZCOPY_IOC_SEND - _IOWR(ZCOPY_IOCTL_MAGIC, 0x01, struct zcopy_send)
 *
 * Queue bytes [@offset, @offset + @length) of @file_fd to @sock_fd with no
 * CPU copy: the file's page-cache pages are attached to the socket's
 * buffers by reference (MSG_SPLICE_PAGES from 6.5, ->sendpage before).
 * Pages not in the page cache are read in first, with readahead over the
 * batch being sent; pages sent are marked accessed, as read(2) marks them,
 * so a file served only by zcopy ages in the page cache as one served by
 * read() does.  The pages are taken in batches of at most
 * `max_batch_pages` (module parameter, default 256) pages; each batch is
 * one sendmsg.  On a non-blocking TCP socket a batch holds no more than
 * the send buffer has room for (a page at least), so a call into a full
 * socket looks up and pins one page, not a batch.  All sends together pin
 * at most `max_pinned_pages` (module parameter, default a sixteenth of
 * RAM) pages, exceeded by at most one page per send in progress: at the
 * limit a call goes on in smaller batches, of one page when no room is
 * left, and never waits for the limit.  The module holds page
 * references only while a batch is handed to the socket; the stack then
 * holds its own until the data is acknowledged (TCP) or freed.  As with
 * sendfile(2), the file must not be modified until the peer has the data:
 * a later write to the file may still change bytes not yet transmitted.
 *
 * Like sendfile(2): it stops at end of file (short count); on a blocking
 * socket it waits for buffer space, on a non-blocking one (O_NONBLOCK on
 * @sock_fd) it returns what it could queue.  Batches go to TCP with
 * MSG_MORE while more of the call follows; when the call ends, wherever
 * it ends (end of file, a short count, a signal, an error), what TCP held
 * back is pushed, as sendfile(2) pushes it (->splice_eof): the peer gets
 * the tail without waiting for another send.  A socket corked with
 * TCP_CORK stays corked.  It makes read(2)'s checks on the file
 * (rw_verify_area(): the LSM file_permission hook, fanotify's
 * FAN_ACCESS_PERM) and sendfile(2)'s on the socket (open for writing, the
 * LSM file_permission hook for writing, and the LSM socket_sendmsg hook,
 * which 6.1's ->sendpage path gets through an empty sendmsg, for TCP and
 * UNIX sockets but not UDP ones), before anything is sent; after a send it
 * reports the read as read(2) does (inotify IN_ACCESS, fanotify
 * FAN_ACCESS, atime) and counts it in the task's I/O accounting as
 * sendfile(2) does (/proc/PID/io: the bytes in rchar and wchar, one
 * system call in syscr and one in syscw).  It differs from sendfile(2)
 * in that: the count may exceed 0x7ffff000; @length 0 and an @offset at or
 * past end of file are EINVAL, not a 0 return; SIGPIPE is never raised
 * (EPIPE is returned); the file position is never used; O_DIRECT on
 * @file_fd is ignored (the page cache is always used, as a buffered read
 * would); the file is sampled for its size before each batch, so a file
 * that is truncated while the call runs ends it with a short count and no
 * bytes past the new end of file are queued.  A hole punched while the
 * call runs is sent as the zeros read(2) returns for it, but for pages
 * already queued, which go out with the data they held; bytes outside the
 * hole are the file's, and the count is not cut short.  A call reads pages
 * into the page cache as read(2) does, under the file's invalidate lock,
 * so that once fallocate() returns every reader of the hole sees zeros.
 *
 * Sockets: TCP over IPv4 or IPv6 (established or close-wait), UDP over
 * IPv4 or IPv6 (connected; see ZCOPY_UDP_DATAGRAM_MAX for how the range
 * is cut into datagrams) and UNIX stream sockets (connected).
 * kTLS, or a sockmap with an sk_msg program, put on a TCP socket while a
 * call to it waits for buffer space takes the rest of the call: at most
 * one page (kernels before 6.5, without ZCOPY_FEATURE_SPLICE_PAGES) or
 * one batch (up to the module parameter max_batch_pages; 6.5 and later)
 * that TCP had begun goes out as plain TCP after it is in place, as the
 * rest of a write(2) in progress would.
 *
 * Context: process context; may sleep (disk reads, socket buffer space).
 *
 * Return: 0 with @bytes_sent > 0 when anything was queued, even if an
 * error or a signal then stopped the call (but for EFAULT when another
 * thread unmapped the result fields while the call ran, see the errors
 * common to every ioctl; 0 with @bytes_sent == 0 only
 * when the file was cut to @offset or less just as the call began);
 * otherwise -1 and errno:
 *  * EFAULT       - the argument is not valid user memory.
 *  * EINVAL       - @size is wrong, an unknown flag is set, @reserved is
 *                   not zero, @cookie is not zero without
 *                   ZCOPY_SEND_NOTIFY, @length is 0, @offset + @length
 *                   overflows
 *                   or exceeds the largest file offset, @offset is at or
 *                   past end of file, ZCOPY_SEND_SENDFILE is set and
 *                   @sock_fd is O_APPEND or @file_fd is O_DIRECT, or
 *                   @file_fd is not a regular file
 *                   whose data is its page cache: a directory, pipe,
 *                   socket, device or DAX file; a tmpfs/shmem file (no
 *                   ->read_folio); a file of a file system whose read
 *                   path is not the generic page-cache one (its own
 *                   ->read_iter or ->splice_read revalidates or fills
 *                   pages: NFS, CIFS, Ceph, FUSE, 9p, cluster file
 *                   systems, overlayfs; kernfs/sysfs and procfs, whose
 *                   page cache is not their data).  Accepted: files
 *                   whose read_iter and splice_read are the generic
 *                   ones, and ext2/3/4, xfs, btrfs and f2fs files, whose
 *                   own only add checks around the generic page-cache
 *                   read.
 *  * EPERM, EACCES - read(2)'s or write(2)'s permission checks refused:
 *                   an LSM, or a fanotify FAN_ACCESS_PERM listener that
 *                   denied the read.  Nothing was sent.
 *  * EBADF        - @file_fd or @sock_fd is not an open descriptor, or
 *                   @file_fd is not open for reading (or is O_PATH), or
 *                   @sock_fd is not open for writing.
 *  * ENOTSOCK     - @sock_fd is not a socket.
 *  * EAFNOSUPPORT - the socket's family is not INET, INET6 or UNIX.
 *  * EOPNOTSUPP   - the socket type or protocol is not TCP, UDP or UNIX
 *                   stream (e.g. UNIX datagram, raw, SCTP, MPTCP), or
 *                   ZCOPY_SEND_NOTIFY is set and the socket is not TCP
 *                   (or is TCP under kTLS or an sk_msg program, see
 *                   ZCOPY_SEND_NOTIFY) or the kernel lacks msghdr.msg_ubuf (no
 *                   ZCOPY_FEATURE_NOTIFY), or ZCOPY_SEND_SENDFILE is
 *                   set and the socket is not TCP.  A pending socket
 *                   error (see EPIPE) is left for the next call or
 *                   recv(2).
 *  * ENOTCONN     - the socket is not connected (e.g. listening).
 *  * EXDEV        - ZCOPY_SEND_STRICT is set and the stack would copy.
 *  * EAGAIN       - the socket is non-blocking and its send buffer is
 *                   full, or its send timeout (SO_SNDTIMEO) expired
 *                   before anything was queued, or ZCOPY_SEND_NODISKIO
 *                   is set and the first page is not in the page cache.
 *  * EINTR        - a signal arrived before anything was queued.  The
 *                   call is restarted instead if the handler has
 *                   SA_RESTART and the socket has no send timeout; one
 *                   with SO_SNDTIMEO is never restarted (as send(2) and
 *                   sendfile(2)).
 *  * EPIPE        - the socket is shut down for writing or the peer
 *                   closed (no SIGPIPE is raised).  A TCP or UDP socket
 *                   whose connection ended with an error (the peer's
 *                   reset, a timeout, an ICMP error) returns that error
 *                   instead, once (ECONNRESET, ETIMEDOUT, ECONNREFUSED,
 *                   ...), and it is consumed, as sendfile(2) consumes
 *                   it: a later recv(2) does not return it again.
 *  * EIO          - the first page of the range could not be read.  A
 *                   page that cannot be read after others ends the call
 *                   with 0 and those pages' bytes in @bytes_sent, as
 *                   read(2) returns a short count; the call at that page
 *                   gets the EIO.
 *  * ENOMEM       - out of memory.
 *  * ECONNRESET, ETIMEDOUT, ENOBUFS, EMSGSIZE, EHOSTUNREACH,
 *    ENETUNREACH, ECONNREFUSED - passed on from the socket, as send(2)
 *    returns them (see EPIPE).
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
 *	pages_pinned_peak) are per set too.  The notify_* counters are
 *	module-wide only (a completion may come after its descriptor is
 *	closed): a file's own set always reads them as 0.
 */
#define ZCOPY_STATS_GLOBAL	0x1U
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

/* Most targets one ZCOPY_IOC_FANOUT call takes. */
#define ZCOPY_FANOUT_MAX	64

/**
 * struct zcopy_target - one destination of a fan-out.
 * @sock_fd:    in: a connected socket, as for ZCOPY_IOC_SEND.
 * @error:      out: 0, or the positive errno that stopped this target
 *              before it took anything in this call (EAGAIN when its
 *              buffer is full, EPIPE, ENOTSOCK, EXDEV, EPERM, ...: the
 *              errnos of ZCOPY_IOC_SEND that concern a socket), or
 *              ENODATA: the file ends at or before this target's place
 *              in the range (@offset + @bytes_sent), so it takes nothing
 *              more unless the file grows; never a reason to wait.
 * @bytes_sent: in: bytes of the range this target already has (0 on the
 *              first call); out: the same, plus what this call queued.
 *              A target is sent [@offset + @bytes_sent, @offset +
 *              @length), so calling again with the same array resumes
 *              every target where it stopped.
 * @reserved:   in: must be 0.
 */
struct zcopy_target {
	__s32 sock_fd;
	__u32 error;
	__u64 bytes_sent;
	__u64 reserved[2];
};

/**
 * struct zcopy_fanout - one file range to many sockets.
 * @size:       in: sizeof(struct zcopy_fanout).
 * @flags:      in: ZCOPY_SEND_* bits, as for ZCOPY_IOC_SEND, but not
 *              ZCOPY_SEND_SENDFILE (EINVAL).
 * @file_fd:    in: the source: a regular file open for reading.
 * @nr_targets: in: entries at @targets, 1 to ZCOPY_FANOUT_MAX.
 * @offset:     in: byte offset in the file where the range starts.
 * @length:     in: bytes in the range (> 0).
 * @targets:    in: user pointer to @nr_targets struct zcopy_target.
 * @cookie:     in: with ZCOPY_SEND_NOTIFY, any value, returned in each
 *              target's record; without it, must be 0 (it was the first
 *              reserved slot).
 * @reserved:   in: must be 0.
 */
struct zcopy_fanout {
	__u32 size;
	__u32 flags;
	__s32 file_fd;
	__u32 nr_targets;
	__u64 offset;
	__u64 length;
	__u64 targets;
	__u64 cookie;
	__u64 reserved[3];
};

/**
 * ZCOPY_IOC_FANOUT - _IOWR(ZCOPY_IOCTL_MAGIC, 0x03, struct zcopy_fanout)
 *
 * Queue the same file range to every target, each page of the file looked
 * up and pinned once for all of them; every socket takes its own page
 * references, as with ZCOPY_IOC_SEND.
 *
 * Blocking rules: a fan-out never sleeps on a socket.  Every target is
 * written as if it were non-blocking, whatever its O_NONBLOCK, so one
 * slow, full or closed consumer neither fails nor holds up the others: a
 * target whose buffer fills stops with a short count (or EAGAIN in
 * @error if it took nothing), a target with an error stops with it, and
 * the call returns once no target can take more.  The caller waits for
 * POLLOUT on the short ones and calls again with the same array, leaving
 * out those whose @error is ENODATA (end of file).  The call may still
 * sleep reading the file from disk, unless ZCOPY_SEND_NODISKIO is set.
 * Each target that took bytes has its stream pushed at the end of the
 * call, and the read and permission checks are those of ZCOPY_IOC_SEND.
 *
 * Context: process context; may sleep for disk reads.
 *
 * Return: 0 when the request was valid: the per-target @error and
 * @bytes_sent say what happened to each socket.  A call that fails with
 * EINTR, EIO, EAGAIN or ENOMEM before any target took bytes returns 0
 * all the same when a socket was refused with its own @error (which may
 * be its pending error, consumed, see ZCOPY_IOC_SEND's EPIPE): the call's
 * errno is then in the @error of each target that could have taken bytes.
 * Otherwise -1 and errno:
 *  * EFAULT - the argument or @targets is not valid (or writable) user
 *             memory; see the common EFAULT note at the top.
 *  * EINVAL - @size is wrong, an unknown flag is set, @cookie is not
 *             zero without ZCOPY_SEND_NOTIFY, @reserved (or a
 *             target's @reserved) is not zero, @nr_targets is 0 or more
 *             than ZCOPY_FANOUT_MAX, @length is 0, @offset + @length
 *             overflows, two targets name one socket (the same
 *             descriptor, or two descriptors of it; nothing is sent),
 *             a target's @bytes_sent is more than @length,
 *             @offset is at or past end of file, or @file_fd is not a
 *             file ZCOPY_IOC_SEND accepts (no tmpfs, sysfs, NFS, FUSE,
 *             ...: see there).
 *  * EBADF  - @file_fd is not open for reading (or is O_PATH).
 *  * EPERM, EACCES - read(2)'s permission checks on @file_fd refused (as
 *             for ZCOPY_IOC_SEND); a target's own are in its @error.
 *  * EOPNOTSUPP - ZCOPY_SEND_NOTIFY is set and the kernel lacks
 *             msghdr.msg_ubuf (no ZCOPY_FEATURE_NOTIFY).
 *  * EINTR  - a signal arrived before any target took anything.
 *  * EAGAIN - ZCOPY_SEND_NODISKIO is set and the first page needed is
 *             not in the page cache.
 *  * EIO    - the first page needed could not be read; one that
 *             cannot be read after others ends the call at it, each
 *             target's @bytes_sent counting the bytes before it (as
 *             ZCOPY_IOC_SEND), and the next call gets the EIO.
 *  * ENOMEM - out of memory.
 */
#define ZCOPY_IOC_FANOUT	_IOWR(ZCOPY_IOCTL_MAGIC, 0x03, struct zcopy_fanout)

/* Most segments in one ZCOPY_IOC_SENDV call. */
#define ZCOPY_SENDV_MAX_SEGS	64
/* Largest memory segment (a protocol header or trailer, not a body). */
#define ZCOPY_SEG_MEM_MAX	_BITUL(20)

/* zcopy_segment.type */
#define ZCOPY_SEG_FILE		1	/* bytes of a file, by page reference */
#define ZCOPY_SEG_MEM		2	/* bytes of user memory, copied */

/**
 * struct zcopy_segment - one piece of a ZCOPY_IOC_SENDV stream.
 * @type:     in: ZCOPY_SEG_FILE or ZCOPY_SEG_MEM.
 * @fd:       in: FILE: a regular file open for reading (each segment may
 *            name another file); MEM: must be -1.
 * @offset:   in: FILE: byte offset in the file; MEM: must be 0.
 * @addr:     in: MEM: user address of the bytes; FILE: must be 0.
 * @length:   in: bytes in the segment, > 0; at most ZCOPY_SEG_MEM_MAX
 *            for a memory segment.
 * @reserved: in: must be 0.
 */
struct zcopy_segment {
	__u32 type;
	__s32 fd;
	__u64 offset;
	__u64 addr;
	__u64 length;
	__u64 reserved[2];
};

/**
 * struct zcopy_sendv - a vector of file and memory segments, one stream.
 * @size:       in: sizeof(struct zcopy_sendv).
 * @flags:      in: ZCOPY_SEND_STRICT and ZCOPY_SEND_NODISKIO, as for
 *              ZCOPY_IOC_SEND (ZCOPY_SEND_NOTIFY is not supported here).
 * @sock_fd:    in: a connected TCP or UNIX stream socket.
 * @nr_segs:    in: entries at @segs, 1 to ZCOPY_SENDV_MAX_SEGS.
 * @segs:       in: user pointer to @nr_segs struct zcopy_segment.
 * @bytes_sent: out: bytes queued, counted across segments in order.
 * @reserved:   in: must be 0.
 */
struct zcopy_sendv {
	__u32 size;
	__u32 flags;
	__s32 sock_fd;
	__u32 nr_segs;
	__u64 segs;
	__u64 bytes_sent;
	__u64 reserved[4];
};

/**
 * ZCOPY_IOC_SENDV - _IOWR(ZCOPY_IOCTL_MAGIC, 0x04, struct zcopy_sendv)
 *
 * Send the segments in order as one byte stream: a header from memory,
 * a body from the page cache, a trailer from memory (Solaris sendfilev,
 * FreeBSD sendfile's header/trailer vectors, Netty's CompositeByteBuf).
 * File segments go by page reference as with ZCOPY_IOC_SEND; memory
 * segments are copied by the CPU (that is what the socket does with user
 * memory) and counted as bytes_copied_user_segments.  Every piece but the
 * stream's last carries MSG_MORE, so a small header never leaves in a
 * frame of its own.  Every segment is checked before anything is sent.
 * The call stops at the first segment that is not sent whole (full
 * non-blocking socket, signal, or a file segment that reaches end of
 * file): @bytes_sent says how far the stream got, and a later call can
 * go on from there with the rest.  UDP is refused: a datagram per piece
 * would not be one stream.
 *
 * Context: process context; may sleep.
 *
 * Return: 0 with @bytes_sent > 0 when anything was queued (0 with
 * @bytes_sent == 0 only when the first segment is a file segment whose
 * file was cut to its @offset or less just as the call began, as for
 * ZCOPY_IOC_SEND); otherwise -1 and errno:
 *  * EFAULT       - the argument, @segs or a memory segment is not valid
 *                   user memory.
 *  * EINVAL       - @size is wrong, an unknown flag or ZCOPY_SEND_NOTIFY
 *                   is set, a reserved field is not zero, @nr_segs is 0
 *                   or more than
 *                   ZCOPY_SENDV_MAX_SEGS, a segment's @type is unknown,
 *                   its @length is 0 (or over ZCOPY_SEG_MEM_MAX for
 *                   memory), its unused fields are not as documented, a
 *                   file segment's range overflows or starts at or past
 *                   end of file, or its file is not one ZCOPY_IOC_SEND
 *                   accepts (no tmpfs, sysfs, NFS, FUSE, ...: see there).
 *  * EPERM, EACCES - read(2)'s or write(2)'s permission checks refused
 *                   (as for ZCOPY_IOC_SEND); nothing was sent.
 *  * EBADF        - a file segment's @fd is not open for reading, or
 *                   @sock_fd is not an open descriptor.
 *  * ENOTSOCK, EAFNOSUPPORT, ENOTCONN, EPIPE, EXDEV, EAGAIN, EINTR, EIO,
 *    ENOMEM, ECONNRESET, ETIMEDOUT, ENOBUFS - as for ZCOPY_IOC_SEND.
 *  * EOPNOTSUPP   - the socket is UDP, or not TCP or UNIX stream; a
 *                   UDP socket's pending error is left for recv(2).
 */
#define ZCOPY_IOC_SENDV		_IOWR(ZCOPY_IOCTL_MAGIC, 0x04, struct zcopy_sendv)

/**
 * struct zcopy_notification - the completion record of one send.
 * @cookie:  the @cookie of the ZCOPY_IOC_SEND call; 0 in an overflow
 *           record.
 * @bytes:   the call's @bytes_sent; 0 in an overflow record.
 * @flags:   ZCOPY_NOTIFY_* bits.
 * @dropped: in an overflow record (ZCOPY_NOTIFY_OVERFLOW), how many
 *           records were dropped since the previous overflow record;
 *           otherwise 0.
 * @target:  for ZCOPY_IOC_FANOUT, the index of the target in @targets;
 *           otherwise 0.
 * @reserved: 0.
 *
 * Records are read with read(2) on the /dev/zcopy descriptor that issued
 * the calls: each read returns as many whole records as fit in the
 * buffer (at least one; a buffer smaller than one record is EINVAL).
 * Without O_NONBLOCK read waits for a record (EINTR on a signal), and
 * waits again if another reader took the record that woke it; with
 * O_NONBLOCK, EAGAIN when there is none.  A read never returns 0 (it would
 * read as end of file).  poll(2) reports POLLIN | POLLRDNORM
 * while a record is ready; write(2) is not supported.
 *
 * Order: records are queued, and read, in the order the calls complete,
 * that is in the order the stack drops its last reference to each call's
 * pages (for TCP: when the data is acknowledged and, on this host, copied
 * at delivery).  That is only guaranteed to be after the call returned.
 * Calls on one socket usually complete in the order they were made, but
 * not always (6.1 was seen to complete a call before the one made two
 * calls earlier), so match records to calls by @cookie.  Each call that
 * asked has exactly one record (or is counted in an overflow record).
 *
 * Overflow: at most ZCOPY_NOTIFY_QUEUE_MAX records wait per descriptor.
 * A completion that finds the queue full is dropped, never silently: the
 * first drop queues one extra overflow record (@flags
 * ZCOPY_NOTIFY_OVERFLOW), which stands where the dropped records would
 * have been and whose @dropped counts every record dropped until it is
 * read.  Drops are also counted in the notify_dropped_overflow counter.
 *
 * Closing the descriptor with calls still outstanding is safe: their
 * records, and those not read, are discarded and counted in
 * notify_dropped_closed.  The module cannot be unloaded while any call
 * with ZCOPY_SEND_NOTIFY is outstanding (EBUSY/EWOULDBLOCK from
 * delete_module(2)).
 */
struct zcopy_notification {
	__u64 cookie;
	__u64 bytes;
	__u32 flags;
	__u32 dropped;
	__u32 target;
	__u32 reserved;
};

/*
 * ZCOPY_NOTIFY_* - bits in zcopy_notification.flags.
 * ZCOPY_NOTIFY_COPIED: some or all bytes of the call were copied by the
 *	CPU; one of the two bits below says where.
 * ZCOPY_NOTIFY_COPIED_AT_SEND: the stack copied when the data was queued
 *	(route without scatter-gather or checksum offload, or pages that
 *	cannot be attached; as ZCOPY_SEND_STRICT predicts).
 * ZCOPY_NOTIFY_COPIED_AT_DELIVERY: after the call queued the pages, the
 *	kernel dropped the zero-copy guarantee for some of them (the stack
 *	completed the buffer as "not zero-copy").  Mostly this is "the
 *	deferred copy": the data went to a socket of this host (loopback,
 *	veth, ...) and the kernel copied it on delivery
 *	(skb_orphan_frags_rx -> skb_copy_ubufs), because a buffer carrying
 *	a completion object must not outlive its sender's notion of
 *	completion; sends without ZCOPY_SEND_NOTIFY are not copied there.
 *	A transmit path may do the same before a device takes the pages
 *	(vmxnet3 was seen to, for packets it pulls whole into the skb
 *	head).  notify_bytes_copied_at_delivery counts the bytes of the
 *	fragments the kernel still held when it dropped the guarantee,
 *	which may be 0 (data already pulled out of them).  Across a NIC
 *	that maps fragments for DMA (e1000e, tested by wire_test) the
 *	flag is not set.
 * ZCOPY_NOTIFY_OVERFLOW: an overflow record, see above.
 */
#define ZCOPY_NOTIFY_COPIED		0x1U
#define ZCOPY_NOTIFY_COPIED_AT_SEND	0x2U
#define ZCOPY_NOTIFY_COPIED_AT_DELIVERY	0x4U
#define ZCOPY_NOTIFY_OVERFLOW		0x8U

/* Most records that wait to be read on one /dev/zcopy descriptor. */
#define ZCOPY_NOTIFY_QUEUE_MAX	1024

#endif /* _UAPI_LINUX_ZCOPY_H */
