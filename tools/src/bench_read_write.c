// SPDX-License-Identifier: GPL-2.0
/*
 * read_write: the traditional loop.  Each consumer's transfer reads its
 * own copy of the chunk (pread, page cache -> user buffer) and writes it
 * (user buffer -> socket buffer), as independent fetch requests would;
 * consumers take turns chunk by chunk, as a broker serving N fetches does.
 */

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "bench.h"

int bench_read_write(struct bench_job *job)
{
	char *buf = malloc(job->chunk);
	int rc = BENCH_OK;
	size_t off;
	int i;

	if (!buf)
		return bench_fail(job, "malloc");
	for (off = 0; off < job->size && rc == BENCH_OK; off += job->chunk) {
		size_t len = job->size - off < job->chunk ? job->size - off : job->chunk;

		for (i = 0; i < job->nsocks && rc == BENCH_OK; i++) {
			size_t got = 0;

			while (got < len) {
				ssize_t n = pread(job->file_fd, buf + got, len - got, off + got);

				job->syscalls++;
				if (n <= 0) {
					if (n < 0 && errno == EINTR)
						continue;
					rc = n ? bench_fail(job, "pread") :
						 bench_skip(job, "file shrank");
					break;
				}
				got += n;
			}
			if (rc == BENCH_OK)
				rc = bench_write_all(job, job->socks[i], buf, len);
		}
	}
	free(buf);
	return rc;
}
