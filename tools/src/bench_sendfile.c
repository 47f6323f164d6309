// SPDX-License-Identifier: GPL-2.0
/*
 * sendfile: one call per turn per consumer (bench_turn(): a chunk, or
 * the whole file for a single consumer), with an explicit offset so the
 * consumers' transfers do not share the file position.  With N consumers
 * this is the "loop of sendfile calls" zcopy_fanout is compared with.
 */

#include <errno.h>
#include <sys/sendfile.h>

#include "bench.h"

int bench_sendfile(struct bench_job *job)
{
	size_t off, turn = bench_turn(job);
	int i;

	for (off = 0; off < job->size; off += turn) {
		size_t len = job->size - off < turn ? job->size - off : turn;

		for (i = 0; i < job->nsocks; i++) {
			off_t pos = off;
			size_t left = len;

			while (left) {
				ssize_t n = sendfile(job->socks[i], job->file_fd, &pos, left);

				job->syscalls++;
				if (n < 0 && errno == EINTR)
					continue;
				if (n < 0)
					return bench_fail(job, "sendfile");
				if (n == 0)
					return bench_skip(job, "sendfile returned 0 (file shrank?)");
				left -= n;
			}
		}
	}
	return BENCH_OK;
}
