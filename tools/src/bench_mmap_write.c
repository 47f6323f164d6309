// SPDX-License-Identifier: GPL-2.0
/*
 * mmap_write: map the file once and write() from the mapping, saving the
 * page cache -> user copy of read_write (RocketMQ's way).  The mapping is
 * made and dropped inside the measured region: it is part of the method.
 */

#include <sys/mman.h>

#include "bench.h"

int bench_mmap_write(struct bench_job *job)
{
	char *map = mmap(NULL, job->size, PROT_READ, MAP_SHARED, job->file_fd, 0);
	int rc = BENCH_OK;
	size_t off;
	int i;

	job->syscalls++;
	if (map == MAP_FAILED)
		return bench_fail(job, "mmap");
	for (off = 0; off < job->size && rc == BENCH_OK; off += job->chunk) {
		size_t len = job->size - off < job->chunk ? job->size - off : job->chunk;

		for (i = 0; i < job->nsocks && rc == BENCH_OK; i++)
			rc = bench_write_all(job, job->socks[i], map + off, len);
	}
	munmap(map, job->size);
	job->syscalls++;
	return rc;
}
