// SPDX-License-Identifier: GPL-2.0
/*
 * zcopy: ZCOPY_IOC_SEND, the module's file range -> socket by page
 * reference, one call per turn (bench_turn(): one ioctl for the whole
 * file with a single consumer, whatever its size).  Compiled against whatever uapi header the tree has: without
 * ZCOPY_IOC_SEND the method skips with that reason (never a made-up
 * number).  zcopy_fanout sends the whole file to every consumer with
 * ZCOPY_IOC_FANOUT: one call per round for all sockets (each page looked
 * up once for all of them), polling for the ones that fell behind.
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <libzcopy.h>

#include "bench.h"
#include "zcopy.h"

#ifdef ZCOPY_IOC_SEND
static int send_range(struct bench_job *job, int dev, int sock, size_t off, size_t len)
{
	while (len) {
		uint64_t sent;

		job->syscalls++;
		if (zcopy_send(dev, job->file_fd, sock, off, len, 0, 0, &sent)) {
			if (errno == EINTR)
				continue;
			if (errno == ENOTTY)
				return bench_skip(job, "module has no send ioctl (ENOTTY)");
			return bench_fail(job, "ZCOPY_IOC_SEND");
		}
		/* The ABI promises progress on success; do not spin if not. */
		if (!sent || sent > len) {
			errno = EPROTO;
			return bench_fail(job, "ZCOPY_IOC_SEND: bytes_sent out of range");
		}
		off += sent;
		len -= sent;
	}
	return BENCH_OK;
}

int bench_zcopy(struct bench_job *job)
{
	int dev = zcopy_open(O_CLOEXEC), rc = BENCH_OK, i;
	size_t off, turn = bench_turn(job);

	job->syscalls++;
	if (dev < 0)
		return bench_skip(job, "cannot open %s: %s", ZCOPY_DEV, strerror(errno));
	for (off = 0; off < job->size && rc == BENCH_OK; off += turn) {
		size_t len = job->size - off < turn ? job->size - off : turn;

		for (i = 0; i < job->nsocks && rc == BENCH_OK; i++)
			rc = send_range(job, dev, job->socks[i], off, len);
	}
	close(dev);
	job->syscalls++;
	return rc;
}
#else
int bench_zcopy(struct bench_job *job)
{
	return bench_skip(job, "module has no send ioctl");
}
#endif

#ifdef ZCOPY_IOC_FANOUT
int bench_zcopy_fanout(struct bench_job *job)
{
	struct zcopy_target t[ZCOPY_FANOUT_MAX];
	struct pollfd p[ZCOPY_FANOUT_MAX];
	int dev, i, np, rc = BENCH_OK;

	if (job->nsocks > ZCOPY_FANOUT_MAX)
		return bench_skip(job, "more than %d consumers", ZCOPY_FANOUT_MAX);
	dev = zcopy_open(O_CLOEXEC);
	job->syscalls++;
	if (dev < 0)
		return bench_skip(job, "cannot open %s: %s", ZCOPY_DEV, strerror(errno));
	for (i = 0; i < job->nsocks; i++)
		zcopy_target_init(&t[i], job->socks[i]);
	for (;;) {
		job->syscalls++;
		if (zcopy_fanout(dev, job->file_fd, 0, job->size, t, job->nsocks, 0, 0)) {
			if (errno == EINTR)
				continue;
			rc = errno == ENOTTY ?
			     bench_skip(job, "module has no fan-out ioctl (ENOTTY)") :
			     bench_fail(job, "ZCOPY_IOC_FANOUT");
			break;
		}
		for (i = np = 0; i < job->nsocks; i++) {
			if (t[i].bytes_sent >= job->size)
				continue;
			if (t[i].error && t[i].error != EAGAIN) {
				errno = t[i].error;
				rc = bench_fail(job, "ZCOPY_IOC_FANOUT target");
				goto out;
			}
			p[np++] = (struct pollfd){ .fd = t[i].sock_fd, .events = POLLOUT };
		}
		if (!np)
			break;
		job->syscalls++;
		if (poll(p, np, -1) < 0 && errno != EINTR) {
			rc = bench_fail(job, "poll");
			break;
		}
	}
out:
	close(dev);
	job->syscalls++;
	return rc;
}
#else
int bench_zcopy_fanout(struct bench_job *job)
{
	return bench_skip(job, "module has no fan-out ioctl");
}
#endif
