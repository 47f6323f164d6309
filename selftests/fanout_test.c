// SPDX-License-Identifier: GPL-2.0
/*
 * ZCOPY_IOC_FANOUT and ZCOPY_SEND_NODISKIO: every consumer of a fan-out
 * gets the file byte for byte; each page is looked up once for all of
 * them; a consumer that hangs up or stalls neither fails nor holds up the
 * others; bad requests get their documented errno; a cold file sent with
 * no disk I/O is EAGAIN first and goes out once readahead has run.
 */
#include <errno.h>
#include <poll.h>
#include <unistd.h>

#include "lib.h"
#include "kselftest_harness.h"

#define SIZE	(4u << 20)
#define NCONS	10

FIXTURE(fan) {
	int dev, file, tx[ZCOPY_FANOUT_MAX], rx[ZCOPY_FANOUT_MAX];
	struct zc_reader r[NCONS];
	struct zcopy_target t[ZCOPY_FANOUT_MAX];
	char path[64];
};

FIXTURE_SETUP(fan)
{
	self->dev = open(ZC_DEV, O_RDWR);
	ASSERT_LE(0, self->dev);
	snprintf(self->path, sizeof(self->path), ZC_SCRATCH "/fan.%d", getpid());
	self->file = zc_make_file(self->path, SIZE);
	ASSERT_LE(0, self->file);
	memset(self->t, 0, sizeof(self->t));
	memset(self->r, 0, sizeof(self->r));
	for (int i = 0; i < NCONS; i++) {
		ASSERT_EQ(0, zc_tcp_pair(i % 2 ? AF_INET6 : AF_INET, &self->tx[i], &self->rx[i]));
		self->t[i].sock_fd = self->tx[i];
	}
}

FIXTURE_TEARDOWN(fan)
{
	unlink(self->path);
}

static int fanout(int dev, int file, struct zcopy_target *t, unsigned int n,
		  __u64 off, __u64 len, __u32 flags)
{
	struct zcopy_fanout f = {
		.size = sizeof(f), .flags = flags, .file_fd = file,
		.nr_targets = n, .offset = off, .length = len,
		.targets = (uintptr_t)t,
	};

	return ioctl(dev, ZCOPY_IOC_FANOUT, &f) ? -errno : 0;
}

/* Call until every target in @want has the whole range (or 200 rounds). */
static int fan_until_done(int dev, int file, struct zcopy_target *t, unsigned int n,
			  const int *want, int *calls)
{
	for (*calls = 1; *calls <= 200; (*calls)++) {
		struct pollfd p[ZCOPY_FANOUT_MAX];
		int done = 1, np = 0, err;

		err = fanout(dev, file, t, n, 0, SIZE, 0);
		if (err)
			return err;
		for (unsigned int i = 0; i < n; i++) {
			if (want[i] && t[i].bytes_sent < SIZE) {
				done = 0;
				p[np++] = (struct pollfd){ .fd = t[i].sock_fd, .events = POLLOUT };
			}
		}
		if (done)
			return 0;
		poll(p, np, 2000);
	}
	return -ETIMEDOUT;
}

TEST_F_TIMEOUT(fan, ten_consumers_one_lookup_per_page, 300)
{
	long long before = zc_fd_counter(self->dev, "pagecache_hits") +
			   zc_fd_counter(self->dev, "pagecache_misses");
	int bufsz = 4 * SIZE;

	/* Room for the whole file in every socket: one call does it all. */
	for (int i = 0; i < NCONS; i++) {
		ASSERT_EQ(0, setsockopt(self->tx[i], SOL_SOCKET, SO_SNDBUFFORCE,
					&bufsz, sizeof(bufsz)));
		ASSERT_EQ(0, zc_reader_start(&self->r[i], self->rx[i], 0));
	}
	ASSERT_EQ(0, fanout(self->dev, self->file, self->t, NCONS, 0, SIZE, 0));
	for (int i = 0; i < NCONS; i++) {
		EXPECT_EQ(SIZE, self->t[i].bytes_sent) TH_LOG("target %d", i);
		EXPECT_EQ(0, self->t[i].error);
		shutdown(self->tx[i], SHUT_WR);
	}
	for (int i = 0; i < NCONS; i++) {
		zc_reader_join(&self->r[i]);
		EXPECT_EQ(SIZE, self->r[i].got);
		EXPECT_EQ(-1, self->r[i].first_bad);
	}
	/* One lookup per page for all ten, not ten. */
	EXPECT_EQ(before + SIZE / 4096,
		  zc_fd_counter(self->dev, "pagecache_hits") +
		  zc_fd_counter(self->dev, "pagecache_misses"));
	EXPECT_EQ((long long)SIZE * NCONS, zc_fd_counter(self->dev, "bytes_by_reference"));
	EXPECT_EQ(1, zc_fd_counter(self->dev, "fanout_calls"));
	EXPECT_EQ(0, zc_counter("pages_pinned"));
}

TEST_F_TIMEOUT(fan, a_consumer_hangs_up_mid_transfer, 300)
{
	int want[NCONS], calls, err;

	for (int i = 0; i < NCONS; i++) {
		want[i] = i != 3;
		if (want[i])
			ASSERT_EQ(0, zc_reader_start(&self->r[i], self->rx[i], 0));
	}
	/* Consumer 3 reads a little, then goes away. */
	{
		char buf[4096];

		ASSERT_EQ(0, fanout(self->dev, self->file, self->t, NCONS, 0, SIZE, 0));
		ASSERT_LT(0, read(self->rx[3], buf, sizeof(buf)));
		close(self->rx[3]);
	}
	err = fan_until_done(self->dev, self->file, self->t, NCONS, want, &calls);
	ASSERT_EQ(0, err) TH_LOG("after %d calls", calls);
	EXPECT_GT(SIZE, self->t[3].bytes_sent);
	EXPECT_TRUE(self->t[3].error == EPIPE || self->t[3].error == ECONNRESET)
		TH_LOG("hung-up target: error %u", self->t[3].error);
	for (int i = 0; i < NCONS; i++) {
		if (!want[i])
			continue;
		shutdown(self->tx[i], SHUT_WR);
		zc_reader_join(&self->r[i]);
		EXPECT_EQ(SIZE, self->r[i].got) TH_LOG("consumer %d", i);
		EXPECT_EQ(-1, self->r[i].first_bad);
	}
	EXPECT_EQ(0, zc_counter("pages_pinned"));
}

TEST_F_TIMEOUT(fan, a_stalled_consumer_holds_up_nobody, 300)
{
	int want[NCONS], calls;

	/* Consumer 0 never reads, and its socket is a blocking one. */
	for (int i = 0; i < NCONS; i++) {
		want[i] = i != 0;
		if (want[i])
			ASSERT_EQ(0, zc_reader_start(&self->r[i], self->rx[i], 0));
	}
	ASSERT_EQ(0, fan_until_done(self->dev, self->file, self->t, NCONS, want, &calls));
	TH_LOG("%d calls; the stalled consumer has %llu bytes", calls,
	       (unsigned long long)self->t[0].bytes_sent);
	EXPECT_GT(SIZE, self->t[0].bytes_sent);
	/* Once its buffer is full, it is EAGAIN, never a sleep. */
	ASSERT_EQ(0, fanout(self->dev, self->file, self->t, NCONS, 0, SIZE, 0));
	EXPECT_EQ(EAGAIN, self->t[0].error);
	for (int i = 1; i < NCONS; i++) {
		shutdown(self->tx[i], SHUT_WR);
		zc_reader_join(&self->r[i]);
		EXPECT_EQ(SIZE, self->r[i].got);
		EXPECT_EQ(-1, self->r[i].first_bad);
	}
}

TEST_F(fan, bad_requests)
{
	struct zcopy_fanout f = {
		.size = sizeof(f), .file_fd = self->file, .nr_targets = 2,
		.length = SIZE, .targets = (uintptr_t)self->t,
	};
	struct zc_reader r = { 0 };

	EXPECT_EQ(-EINVAL, fanout(self->dev, self->file, self->t, 0, 0, SIZE, 0));
	EXPECT_EQ(-EINVAL, fanout(self->dev, self->file, self->t, ZCOPY_FANOUT_MAX + 1, 0, SIZE, 0));
	EXPECT_EQ(-EINVAL, fanout(self->dev, self->file, self->t, 2, 0, 0, 0));
	EXPECT_EQ(-EINVAL, fanout(self->dev, self->file, self->t, 2, SIZE, 1, 0));
	EXPECT_EQ(-EINVAL, fanout(self->dev, self->file, self->t, 2, 0, SIZE, 1u << 31));
	EXPECT_EQ(-EBADF, fanout(self->dev, -1, self->t, 2, 0, SIZE, 0));
	self->t[1].reserved[1] = 1;
	EXPECT_EQ(-EINVAL, fanout(self->dev, self->file, self->t, 2, 0, SIZE, 0));
	self->t[1].reserved[1] = 0;
	self->t[1].bytes_sent = SIZE + 1;
	EXPECT_EQ(-EINVAL, fanout(self->dev, self->file, self->t, 2, 0, SIZE, 0));
	self->t[1].bytes_sent = 0;
	f.reserved[2] = 1;
	EXPECT_EQ(-1, ioctl(self->dev, ZCOPY_IOC_FANOUT, &f));
	EXPECT_EQ(EINVAL, errno);
	f.reserved[2] = 0;
	f.targets = 8;
	EXPECT_EQ(-1, ioctl(self->dev, ZCOPY_IOC_FANOUT, &f));
	EXPECT_EQ(EFAULT, errno);

	/* A bad target is its own error; the good one still gets its bytes. */
	ASSERT_EQ(0, zc_reader_start(&r, self->rx[0], 0));
	self->t[1].sock_fd = self->file;
	EXPECT_EQ(0, fanout(self->dev, self->file, self->t, 2, 0, 65536, 0));
	EXPECT_EQ(ENOTSOCK, self->t[1].error);
	EXPECT_EQ(0, self->t[1].bytes_sent);
	EXPECT_EQ(65536, self->t[0].bytes_sent);
	shutdown(self->tx[0], SHUT_WR);
	zc_reader_join(&r);
	EXPECT_EQ(65536, r.got);
	EXPECT_EQ(-1, r.first_bad);
}

/*
 * One socket named by two targets (the same descriptor twice, or a dup of
 * it) is EINVAL, with nothing sent: each target would be sent the range,
 * interleaved batch by batch into the one stream.  Then the socket alone
 * gets the range once, byte for byte.
 */
TEST_F(fan, one_socket_twice_is_einval)
{
	struct zc_reader r = { 0 };
	int dup_fd, outq = -1;
	char c;

	self->t[1].sock_fd = self->tx[0];
	EXPECT_EQ(-EINVAL, fanout(self->dev, self->file, self->t, 2, 0, 65536, 0));
	dup_fd = dup(self->tx[0]);
	ASSERT_LE(0, dup_fd);
	self->t[1].sock_fd = dup_fd;
	EXPECT_EQ(-EINVAL, fanout(self->dev, self->file, self->t, 2, 0, 65536, 0));
	/* Not first: the third of three. */
	self->t[1].sock_fd = self->tx[1];
	self->t[2].sock_fd = dup_fd;
	EXPECT_EQ(-EINVAL, fanout(self->dev, self->file, self->t, 3, 0, 65536, 0));
	EXPECT_EQ(0, ioctl(self->tx[0], TIOCOUTQ, &outq));
	EXPECT_EQ(0, outq);
	EXPECT_EQ(-1, recv(self->rx[0], &c, 1, MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
	close(dup_fd);
	EXPECT_EQ(0, zc_fd_counter(self->dev, "pages_pinned"));

	memset(self->t, 0, sizeof(self->t));
	self->t[0].sock_fd = self->tx[0];
	ASSERT_EQ(0, zc_reader_start(&r, self->rx[0], 0));
	EXPECT_EQ(0, fanout(self->dev, self->file, self->t, 1, 0, 65536, 0));
	EXPECT_EQ(65536, self->t[0].bytes_sent);
	shutdown(self->tx[0], SHUT_WR);
	zc_reader_join(&r);
	EXPECT_EQ(65536, r.got);
	EXPECT_EQ(-1, r.first_bad);
}

TEST_F_TIMEOUT(fan, nodiskio_is_eagain_cold_then_sends_after_readahead, 120)
{
	struct zc_reader r = { 0 };
	uint64_t sent = 0, total = 0;
	int err, tries;

	ASSERT_EQ(0, zc_drop_cache(self->file));
	ASSERT_EQ(0, zc_reader_start(&r, self->rx[0], 0));
	err = zc_send(self->dev, self->file, self->tx[0], 0, 1 << 20,
		      ZCOPY_SEND_NODISKIO, &sent);
	EXPECT_EQ(-EAGAIN, err);
	/* The call started the reads: soon the pages are there. */
	/* The reads may take a while on a loaded, emulated machine. */
	for (tries = 0; tries < 600 && total < (1 << 20); tries++) {
		err = zc_send(self->dev, self->file, self->tx[0], total,
			      (1 << 20) - total, ZCOPY_SEND_NODISKIO, &sent);
		if (!err)
			total += sent;
		else
			usleep(100000);
	}
	EXPECT_EQ(1 << 20, total);
	shutdown(self->tx[0], SHUT_WR);
	zc_reader_join(&r);
	EXPECT_EQ(1 << 20, r.got);
	EXPECT_EQ(-1, r.first_bad);
	EXPECT_EQ(0, zc_counter("pages_pinned"));
}

/*
 * A range that runs past end of file: the call that takes the file's last
 * bytes reports no error; the next one, with nothing left for any target,
 * says ENODATA in each target's @error (the end of file, distinctly: not
 * a short count a caller would wait for POLLOUT on and call again).
 */
TEST_F_TIMEOUT(fan, end_of_file_is_enodata_per_target, 120)
{
	uint64_t i;

	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, zc_reader_start(&self->r[i], self->rx[i], SIZE - 4096));
	ASSERT_EQ(0, fanout(self->dev, self->file, self->t, 2, SIZE - 4096, 1 << 20, 0));
	for (i = 0; i < 2; i++) {
		EXPECT_EQ(4096, self->t[i].bytes_sent);
		EXPECT_EQ(0, self->t[i].error);
	}
	ASSERT_EQ(0, fanout(self->dev, self->file, self->t, 2, SIZE - 4096, 1 << 20, 0));
	for (i = 0; i < 2; i++) {
		EXPECT_EQ(4096, self->t[i].bytes_sent);
		EXPECT_EQ(ENODATA, self->t[i].error);
		shutdown(self->tx[i], SHUT_WR);
		zc_reader_join(&self->r[i]);
		EXPECT_EQ(4096, self->r[i].got);
		EXPECT_EQ(-1, self->r[i].first_bad);
	}
	EXPECT_EQ(0, zc_counter("pages_pinned"));
}

TEST_HARNESS_MAIN
