// SPDX-License-Identifier: GPL-2.0
/*
 * zcopy send --fanout FILE HOST:PORT HOST:PORT...: the same range to every
 * destination with ZCOPY_IOC_FANOUT, one call for all of them.  The call
 * never waits on a socket, so this loop waits (poll for POLLOUT) on the
 * ones that fell behind and calls again; each page is still looked up
 * once per call for every destination that is at it.  Prints one
 * "target=HOST:PORT sent=<bytes>" line per destination and "sent=<sum>".
 *
 * A destination is shut down (SHUT_WR) as soon as it has all its bytes
 * (or has failed), not once all of them have: a receiver that reads one
 * connection to its end before the next would otherwise wait on us while
 * we wait for room in the others' full buffers.
 */

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <libzcopy.h>

#include "zcopy.h"

int zc_send_fanout(int dev, int fd, unsigned long long offset,
		   unsigned long long len, unsigned int flags,
		   char **dests, int n)
{
	struct zcopy_target t[ZCOPY_FANOUT_MAX];
	struct pollfd p[ZCOPY_FANOUT_MAX];
	unsigned int err[ZCOPY_FANOUT_MAX] = { 0 };
	char done[ZCOPY_FANOUT_MAX] = { 0 }, shut[ZCOPY_FANOUT_MAX] = { 0 };
	unsigned long long sum = 0;
	int i, np, failed = 0;

	if (n < 1 || n > ZCOPY_FANOUT_MAX) {
		fprintf(stderr, "zcopy: --fanout takes 1 to %d destinations\n",
			ZCOPY_FANOUT_MAX);
		return 2;
	}
	for (i = 0; i < n; i++) {
		struct sockaddr_storage ss;
		socklen_t sslen;

		zcopy_target_init(&t[i], -1);
		if (zc_parse_hostport(dests[i], &ss, &sslen)) {
			fprintf(stderr, "zcopy: bad address '%s'\n", dests[i]);
			return 2;
		}
		t[i].sock_fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (t[i].sock_fd < 0 ||
		    connect(t[i].sock_fd, (struct sockaddr *)&ss, sslen)) {
			fprintf(stderr, "zcopy: connect to %s: %s\n", dests[i],
				strerror(errno));
			return 1;
		}
	}
	for (;;) {
		if (zcopy_fanout(dev, fd, offset, len, t, n, flags, 0)) {
			if (errno == EINTR || (errno == EAGAIN &&
					       (flags & ZCOPY_SEND_NODISKIO))) {
				usleep(10000);	/* the disk is being read */
				continue;
			}
			perror("zcopy: ZCOPY_IOC_FANOUT");
			return 1;
		}
		for (i = np = 0; i < n; i++) {
			if (done[i])
				continue;
			if (t[i].bytes_sent < len && t[i].error && t[i].error != EAGAIN) {
				/* This one is done for; the others go on. */
				err[i] = t[i].error;
				failed++;
				fprintf(stderr, "zcopy: %s: %s\n", dests[i], strerror(err[i]));
			}
			if (t[i].bytes_sent >= len || err[i]) {
				/* Its receiver sees the end now (see the top). */
				done[i] = 1;
				shut[i] = !shutdown(t[i].sock_fd, SHUT_WR);
				continue;
			}
			p[np++] = (struct pollfd){ .fd = t[i].sock_fd, .events = POLLOUT };
		}
		if (!np)
			break;
		if (poll(p, np, -1) < 0 && errno != EINTR) {
			perror("zcopy: poll");
			return 1;
		}
	}
	/*
	 * Let every receiver finish reading before we say we are done: each
	 * has seen its end already, so their closes come in any order.
	 */
	for (i = 0; i < n; i++) {
		char buf[4096];
		ssize_t r;

		if (shut[i])
			do
				r = read(t[i].sock_fd, buf, sizeof(buf));
			while (r > 0 || (r < 0 && errno == EINTR));
		close(t[i].sock_fd);
	}
	for (i = 0; i < n; i++) {
		printf("target=%s sent=%llu%s\n", dests[i],
		       (unsigned long long)t[i].bytes_sent, err[i] ? " (failed)" : "");
		sum += t[i].bytes_sent;
	}
	printf("sent=%llu\n", sum);
	return failed ? 1 : 0;
}
