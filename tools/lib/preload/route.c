// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Which sendfile calls go to zcopy, and how a zcopy send is made to
 * behave exactly as the sendfile(2) it replaces.
 *
 * Asked of zcopy: @in_fd open for reading without O_DIRECT or O_PATH,
 * @out_fd a TCP socket (IPv4 or IPv6) without O_APPEND, @count > 0 and a
 * range that neither starts below 0 nor overflows.  Everything else is
 * sendfile's own business and is not tried: pipes, UNIX and UDP sockets
 * (zcopy takes the last two, but by a path unlike sendfile's), count 0, a
 * negative offset or an overflowing range (EINVAL), O_DIRECT sources
 * (sendfile reads them direct, with alignment rules zcopy does not have).
 *
 * The module decides the rest and refuses with an errno before it sends
 * anything: a source that is not a regular file whose page cache is its
 * data (EINVAL), a start at or past end of file (EINVAL: sendfile then
 * returns 0, or EOVERFLOW past the file system's limit), a socket that is
 * not connected, the LSM checks.  Those errnos, and EPIPE, hand the call
 * to the real sendfile, which then returns what it would have returned
 * anyway.  So the file is not fstat()ed here: what fstat would tell (a
 * regular file, its size) the module finds out too, at no extra system
 * call for the calls that go by reference, which are what a server makes;
 * a call at end of file pays an ioctl before its real sendfile instead.
 * The socket's O_APPEND (sendfile: EINVAL), the source's O_DIRECT and
 * the socket's protocol (zcopy takes UDP and UNIX too) zcopy judges as
 * sendfile does only when asked: ZCOPY_SEND_SENDFILE refuses them
 * (EINVAL, EOPNOTSUPP) before anything is sent.  Asking them here took 3
 * system calls a call (getsockopt and an fcntl per descriptor), which
 * made a routed 16 KiB nginx request 12.4 system calls against plain
 * nginx's 9.4.  So a routed call is the ioctl alone (and lseek with a
 * NULL @offset).  EPIPE
 * goes there because sendfile raises SIGPIPE and zcopy never does: the
 * kernel raising it from the real call is exactly sendfile's signal (same
 * thread, same siginfo), and as nothing was sent, nothing is sent twice.
 * ZCOPY_SEND_STRICT makes a socket whose stack would copy anyway (kTLS,
 * a route without scatter-gather) one of those refusals (EXDEV).
 *
 * After zcopy has sent anything the call is zcopy's: its count is
 * returned, and nothing falls back.
 *
 * Left as they are: the file position with a NULL @offset is read and
 * written with lseek around the ioctl, so two threads sharing one open
 * file description can interleave (sendfile updates it in the kernel,
 * under the description's position lock).  A bad @offset pointer faults
 * here (SIGSEGV) where sendfile returns EFAULT.  sendfile raises SIGPIPE
 * when the peer goes away in the middle of a call that then returns a
 * short count; the routed call returns the same count, and the next call
 * gets EPIPE and the signal.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

#include "libzcopy.h"
#include "preload.h"

/* sendfile's cap on one call: INT_MAX rounded down to a page (4 KiB). */
#define ZP_MAX_RW_COUNT	0x7ffff000UL

_Static_assert(sizeof(off_t) == 8, "a 64-bit off_t (x86-64) is assumed");

/* The errnos by which zcopy says "not by reference here", having sent nothing. */
static int refusal(int err)
{
	switch (err) {
	case EINVAL:		/* the file's file system, it shrank, O_APPEND, O_DIRECT */
	case EXDEV:		/* the stack would copy (STRICT) */
	case EOPNOTSUPP:	/* not TCP (ZCOPY_SEND_SENDFILE) */
	case EAFNOSUPPORT:
	case ENOTSOCK:
	case ENOTCONN:		/* sendfile: EPIPE and SIGPIPE */
	case EBADF:
	case EPERM:
	case EACCES:
	case EPIPE:		/* sendfile raises SIGPIPE: see the top */
		return 1;
	}
	return 0;
}

enum zp_route zp_route(int out_fd, int in_fd, off_t *offset, size_t count,
		       ssize_t *ret, int saved_errno)
{
	uint64_t sent;
	off_t pos;
	int dev, r;

	if (!count || (ssize_t)count < 0)
		return ZP_INELIGIBLE;
	pos = offset ? *offset : lseek(in_fd, 0, SEEK_CUR);
	/* At or past end of file: zcopy refuses (EINVAL), see the top. */
	if (pos < 0 || (uint64_t)pos + count > INT64_MAX)
		return ZP_INELIGIBLE;
	dev = zp_dev();
	if (dev < 0)
		return ZP_NODEV;
	if (count > ZP_MAX_RW_COUNT)
		count = ZP_MAX_RW_COUNT;

	r = zcopy_send(dev, in_fd, out_fd, pos, count,
		       ZCOPY_SEND_STRICT | ZCOPY_SEND_SENDFILE, 0, &sent);
	if (r) {
		/* Our descriptor was closed under us (see zp_dev_lost()). */
		if (r == -ENOTTY || (r == -EBADF && fcntl(dev, F_GETFD) < 0)) {
			zp_dev_lost();
			return ZP_NODEV;
		}
		if (refusal(-r))
			return ZP_REFUSED;
		/* EAGAIN, EINTR, EIO, ECONNRESET, ...: sendfile's own errnos. */
		*ret = -1;
		errno = -r;
		return ZP_ROUTED;
	}
	if (offset)
		*offset = pos + sent;
	else
		lseek(in_fd, pos + sent, SEEK_SET);
	*ret = sent;
	errno = saved_errno;
	return ZP_ROUTED;
}
