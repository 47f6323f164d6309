// SPDX-License-Identifier: GPL-2.0
/*
 * splice: file -> pipe -> socket, the explicit form of what sendfile does
 * internally since 6.5.  Two syscalls per pipe load; the pipe is grown to
 * the chunk size where the system allows, so a chunk is one load.
 */

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "bench.h"

static int pump(struct bench_job *job, int p[2], int sock, loff_t off, size_t len)
{
	while (len) {
		ssize_t in = splice(job->file_fd, &off, p[1], NULL, len, SPLICE_F_MOVE);

		job->syscalls++;
		if (in < 0 && errno == EINTR)
			continue;
		if (in < 0)
			return bench_fail(job, "splice file->pipe");
		if (in == 0)
			return bench_skip(job, "splice returned 0 (file shrank?)");
		len -= in;
		while (in) {
			ssize_t out = splice(p[0], NULL, sock, NULL, in,
					     SPLICE_F_MOVE | SPLICE_F_MORE);

			job->syscalls++;
			if (out < 0 && errno == EINTR)
				continue;
			if (out <= 0)
				return bench_fail(job, "splice pipe->socket");
			in -= out;
		}
	}
	return BENCH_OK;
}

int bench_splice(struct bench_job *job)
{
	int p[2], rc = BENCH_OK, i;
	size_t off;

	if (pipe2(p, O_CLOEXEC))
		return bench_fail(job, "pipe");
	job->syscalls++;
	/* Best effort: a larger pipe means fewer syscalls; the limit for
	 * unprivileged users (pipe-max-size) may refuse it, which is fine. */
	fcntl(p[1], F_SETPIPE_SZ, (int)job->chunk);
	job->syscalls++;
	for (off = 0; off < job->size && rc == BENCH_OK; off += job->chunk) {
		size_t len = job->size - off < job->chunk ? job->size - off : job->chunk;

		for (i = 0; i < job->nsocks && rc == BENCH_OK; i++)
			rc = pump(job, p, job->socks[i], off, len);
	}
	close(p[0]);
	close(p[1]);
	return rc;
}
