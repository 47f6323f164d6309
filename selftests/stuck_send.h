/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A ZCOPY_IOC_SEND left waiting for socket buffer space, for the tests
 * that change the socket under it (kTLS installed, a sockmap with an
 * sk_msg program): the receiver does not read, the sender fills the
 * buffers and waits, which releases the socket lock; a setsockopt() or
 * a map update, which takes that lock, then lands between two pages or
 * batches of the send, every time.
 */
#ifndef ZCOPY_SELFTEST_STUCK_SEND_H
#define ZCOPY_SELFTEST_STUCK_SEND_H

#include <linux/sockios.h>
#include <linux/tcp.h>

#include "lib.h"

/* Bytes the application has queued to @sock so far: acked + in the queue. */
static inline long long zc_tcp_queued(int sock)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);
	int outq;

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(sock, IPPROTO_TCP, TCP_INFO, &ti, &len) ||
	    ioctl(sock, SIOCOUTQ, &outq))
		return -1;
	return (long long)ti.tcpi_bytes_acked + outq;
}

static inline unsigned long long zc_max_batch_bytes(void)
{
	unsigned long long pages = 256;
	FILE *f = fopen("/sys/module/zcopy/parameters/max_batch_pages", "r");

	if (f) {
		if (fscanf(f, "%llu", &pages) != 1)
			pages = 256;
		fclose(f);
	}
	return pages * 4096;
}

/*
 * How far past what was queued when the socket changed the send may go
 * on as plain TCP: before 6.5, the page TCP was in when it waited (it
 * finishes that page itself); from 6.5 a batch is one sendmsg, and TCP
 * finishes the whole batch as it would a write(2).
 */
static inline unsigned long long zc_stuck_send_bound(void)
{
	if (zc_features() & ZCOPY_FEATURE_SPLICE_PAGES)
		return zc_max_batch_bytes();
	return 4096;
}

struct zc_stuck_send {
	int dev, file, sock;
	uint64_t len;
	int ret;		/* the send's result, once @done */
	uint64_t sent;
	int done;
	pthread_t thread;
};

static inline void *zc_stuck_send_main(void *arg)
{
	struct zc_stuck_send *s = arg;

	s->ret = zc_send(s->dev, s->file, s->sock, 0, s->len, 0, &s->sent);
	shutdown(s->sock, SHUT_WR);
	__atomic_store_n(&s->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * Starts @s's send in a thread and returns once it is stuck (nothing more
 * queued for half a second), with the bytes queued by then; -1 if the
 * thread could not start, the send ended without waiting (its thread is
 * then over), or TCP_INFO failed.
 */
static inline long long zc_stuck_send_start(struct zc_stuck_send *s)
{
	long long queued = -1, last = -2;
	int stable = 0;

	if (pthread_create(&s->thread, NULL, zc_stuck_send_main, s))
		return -1;
	while (stable < 5) {
		usleep(100000);
		if (__atomic_load_n(&s->done, __ATOMIC_ACQUIRE))
			return -1;
		queued = zc_tcp_queued(s->sock);
		if (queued < 0)
			return -1;
		stable = queued == last ? stable + 1 : 0;
		last = queued;
	}
	return queued;
}

#endif /* ZCOPY_SELFTEST_STUCK_SEND_H */
