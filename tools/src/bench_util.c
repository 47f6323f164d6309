// SPDX-License-Identifier: GPL-2.0
/* zcopy bench: small helpers shared by the methods. */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "bench.h"

/* write() until all of buf is queued: a blocking socket may still return
 * short counts (signals, buffer limits), and each call is a syscall the
 * method pays for, so each is counted. */
int bench_write_all(struct bench_job *job, int sock, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = send(sock, buf, len, MSG_NOSIGNAL);

		job->syscalls++;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return bench_fail(job, "send");
		}
		buf += n;
		len -= n;
	}
	return BENCH_OK;
}

int bench_fail(struct bench_job *job, const char *what)
{
	snprintf(job->reason, sizeof(job->reason), "%s: %s", what, strerror(errno));
	return BENCH_FAIL;
}

int bench_skip(struct bench_job *job, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(job->reason, sizeof(job->reason), fmt, ap);
	va_end(ap);
	return BENCH_SKIP;
}
