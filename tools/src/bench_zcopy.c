// SPDX-License-Identifier: GPL-2.0
/*
 * zcopy: ZCOPY_IOC_SEND, the module's file range -> socket by page
 * reference.  Compiled against whatever uapi header the tree has: without
 * ZCOPY_IOC_SEND the method skips with that reason (never a made-up
 * number).  zcopy_fanout is the hook for the one-call, N-socket form.
 */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/zcopy.h>

#include "bench.h"
#include "zcopy.h"

#ifdef ZCOPY_IOC_SEND
static int send_range(struct bench_job *job, int dev, int sock, size_t off, size_t len)
{
	while (len) {
		struct zcopy_send s = {
			.size = sizeof(s),
			.file_fd = job->file_fd,
			.sock_fd = sock,
			.offset = off,
			.length = len,
		};

		job->syscalls++;
		if (ioctl(dev, ZCOPY_IOC_SEND, &s)) {
			if (errno == EINTR)
				continue;
			if (errno == ENOTTY)
				return bench_skip(job, "module has no send ioctl (ENOTTY)");
			return bench_fail(job, "ZCOPY_IOC_SEND");
		}
		/* The ABI promises progress on success; do not spin if not. */
		if (!s.bytes_sent || s.bytes_sent > len) {
			errno = EPROTO;
			return bench_fail(job, "ZCOPY_IOC_SEND: bytes_sent out of range");
		}
		off += s.bytes_sent;
		len -= s.bytes_sent;
	}
	return BENCH_OK;
}

int bench_zcopy(struct bench_job *job)
{
	int dev = open(ZCOPY_DEV, O_RDWR | O_CLOEXEC), rc = BENCH_OK, i;
	size_t off;

	job->syscalls++;
	if (dev < 0)
		return bench_skip(job, "cannot open %s: %s", ZCOPY_DEV, strerror(errno));
	for (off = 0; off < job->size && rc == BENCH_OK; off += job->chunk) {
		size_t len = job->size - off < job->chunk ? job->size - off : job->chunk;

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

/* Hook: one call sending the range to all consumers (issue to come). */
int bench_zcopy_fanout(struct bench_job *job)
{
	return bench_skip(job, "module has no fan-out send ioctl yet");
}
