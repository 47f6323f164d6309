// SPDX-License-Identifier: GPL-2.0
/*
 * msg_zerocopy: send() from a mapping of the file with MSG_ZEROCOPY, and
 * reap the completion notifications from each socket's error queue.  The
 * transfer is only done when every send has been notified: until then the
 * kernel may still read the pages.  Over loopback and veth the kernel
 * copies such skbs at delivery (skb_copy_ubufs), which the ledger shows.
 */

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <linux/errqueue.h>

#include "bench.h"

#ifndef SO_EE_ORIGIN_ZEROCOPY
#define SO_EE_ORIGIN_ZEROCOPY 5
#endif

struct zc_sock {
	uint32_t issued;	/* sends that returned > 0: each takes one id */
	uint32_t completed;	/* ids notified */
};

/* Read what the error queue holds; with wait, first sleep until it holds
 * something.  Returns -1 on error. */
static int reap(struct bench_job *job, int sock, struct zc_sock *z, int wait)
{
	for (;;) {
		char control[128];
		struct msghdr msg = { .msg_control = control,
				      .msg_controllen = sizeof(control) };
		struct cmsghdr *cm;

		if (wait) {
			struct pollfd pfd = { .fd = sock, .events = 0 };

			job->syscalls++;
			if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
				return bench_fail(job, "poll");
			wait = 0;
		}
		job->syscalls++;
		if (recvmsg(sock, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return 0;
			return bench_fail(job, "recvmsg(MSG_ERRQUEUE)");
		}
		for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
			struct sock_extended_err serr;

			memcpy(&serr, CMSG_DATA(cm), sizeof(serr));
			if (serr.ee_origin != SO_EE_ORIGIN_ZEROCOPY) {
				errno = serr.ee_errno;
				return bench_fail(job, "error queue");
			}
			/* [ee_info, ee_data] is a range of completed ids. */
			z->completed += serr.ee_data - serr.ee_info + 1;
		}
	}
}

static int send_zc(struct bench_job *job, int sock, struct zc_sock *z,
		   const char *p, size_t len)
{
	while (len) {
		ssize_t n = send(sock, p, len, MSG_ZEROCOPY | MSG_NOSIGNAL);

		job->syscalls++;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			/* ENOBUFS: the socket's option memory, which holds the
			 * pending notifications, is full: reap, then retry. */
			if (errno == ENOBUFS && z->completed != z->issued) {
				if (reap(job, sock, z, 1) < 0)
					return BENCH_FAIL;
				continue;
			}
			return bench_fail(job, "send(MSG_ZEROCOPY)");
		}
		z->issued++;
		p += n;
		len -= n;
		if (reap(job, sock, z, 0) < 0)
			return BENCH_FAIL;
	}
	return BENCH_OK;
}

int bench_msg_zerocopy(struct bench_job *job)
{
	struct zc_sock *z = calloc(job->nsocks, sizeof(*z));
	int rc = BENCH_OK, one = 1, i;
	char *map;
	size_t off;

	if (!z)
		return bench_fail(job, "calloc");
	for (i = 0; i < job->nsocks; i++) {
		job->syscalls++;
		if (setsockopt(job->socks[i], SOL_SOCKET, SO_ZEROCOPY, &one, sizeof(one))) {
			free(z);
			return bench_skip(job, "kernel refuses SO_ZEROCOPY: %s", strerror(errno));
		}
	}
	map = mmap(NULL, job->size, PROT_READ, MAP_SHARED, job->file_fd, 0);
	job->syscalls++;
	if (map == MAP_FAILED) {
		free(z);
		return bench_fail(job, "mmap");
	}
	for (off = 0; off < job->size && rc == BENCH_OK; off += job->chunk) {
		size_t len = job->size - off < job->chunk ? job->size - off : job->chunk;

		for (i = 0; i < job->nsocks && rc == BENCH_OK; i++)
			rc = send_zc(job, job->socks[i], &z[i], map + off, len);
	}
	/* The pages may only be unmapped once the kernel is done with them. */
	for (i = 0; i < job->nsocks && rc == BENCH_OK; i++)
		while (z[i].completed != z[i].issued && rc == BENCH_OK)
			rc = reap(job, job->socks[i], &z[i], 1) < 0 ? BENCH_FAIL : BENCH_OK;
	munmap(map, job->size);
	job->syscalls++;
	free(z);
	return rc;
}
