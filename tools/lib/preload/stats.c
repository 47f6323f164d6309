// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * What the interposer did, for a user to read: with
 * ZCOPY_PRELOAD_STATS=PATH each process appends one line to PATH when it
 * exits (one write(2) on an O_APPEND file, so the lines of many processes,
 * nginx's master and workers, do not mix); "%p" in PATH becomes the pid,
 * "-" means stderr.  The line:
 *
 *   zcopy-preload pid=N zcopy_calls=N zcopy_bytes=N zcopy_errors=N
 *     fallback_calls=N fallback_bytes=N fallback_ineligible=N
 *     fallback_refused=N fallback_nodev=N
 *
 * zcopy_*: calls zcopy answered (bytes it queued; errors such as EAGAIN
 * it returned); fallback_*: calls the real sendfile made, and why:
 * ineligible (not a regular file to a TCP socket, count 0, at end of
 * file, ...), refused (zcopy said so before sending: tmpfs, EPIPE, ...),
 * nodev (no /dev/zcopy, or not permitted: see ZCOPY_PRELOAD_EARLY).
 * The path is read in the constructor: servers clear their workers'
 * environment (nginx does).  A process that ends in _exit or a signal
 * writes nothing.
 */

#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "preload.h"

static unsigned long long counters[ZP_NR_COUNTERS];
static char stats_path[PATH_MAX];

void zp_count(enum zp_counter c, unsigned long long v)
{
	__atomic_fetch_add(&counters[c], v, __ATOMIC_RELAXED);
}

/* A forked child counts (and reports) its own calls only: lines add up. */
static void zp_stats_forked(void)
{
	int i;

	for (i = 0; i < ZP_NR_COUNTERS; i++)
		__atomic_store_n(&counters[i], 0, __ATOMIC_RELAXED);
}

void zp_stats_init(void)
{
	const char *p = getenv("ZCOPY_PRELOAD_STATS");

	pthread_atfork(NULL, NULL, zp_stats_forked);

	if (p && *p && strlen(p) < sizeof(stats_path))
		strcpy(stats_path, p);
}

static unsigned long long get(enum zp_counter c)
{
	return __atomic_load_n(&counters[c], __ATOMIC_RELAXED);
}

/* PATH with each "%p" replaced by @pid. */
static void expand(char *out, size_t size, const char *path, int pid)
{
	size_t n = 0;

	for (; *path && n + 1 < size; path++) {
		if (path[0] == '%' && path[1] == 'p') {
			n += snprintf(out + n, size - n, "%d", pid);
			path++;
			if (n >= size)
				n = size - 1;
		} else {
			out[n++] = *path;
		}
	}
	out[n] = '\0';
}

__attribute__((destructor)) static void zp_stats_dump(void)
{
	char line[512], path[PATH_MAX];
	int fd, len;

	if (!stats_path[0])
		return;
	len = snprintf(line, sizeof(line),
		       "zcopy-preload pid=%d zcopy_calls=%llu zcopy_bytes=%llu "
		       "zcopy_errors=%llu fallback_calls=%llu fallback_bytes=%llu "
		       "fallback_ineligible=%llu fallback_refused=%llu "
		       "fallback_nodev=%llu\n", (int)getpid(),
		       get(ZP_ZCOPY_CALLS), get(ZP_ZCOPY_BYTES), get(ZP_ZCOPY_ERRORS),
		       get(ZP_FALLBACK_CALLS), get(ZP_FALLBACK_BYTES),
		       get(ZP_FALLBACK_INELIGIBLE), get(ZP_FALLBACK_REFUSED),
		       get(ZP_FALLBACK_NODEV));
	if (len <= 0 || len >= (int)sizeof(line))
		return;
	if (!strcmp(stats_path, "-")) {
		if (write(STDERR_FILENO, line, len) < 0)
			return;
		return;
	}
	expand(path, sizeof(path), stats_path, (int)getpid());
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	if (write(fd, line, len) < 0)
		len = 0;	/* nothing to do about it at exit */
	close(fd);
}
