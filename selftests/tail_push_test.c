// SPDX-License-Identifier: GPL-2.0
/*
 * A call's stream is pushed when the call ends, as sendfile(2) pushes it
 * (->splice_eof): a 1000-byte file sent with a length of 1 MiB (past end
 * of file, which the uapi allows) to a peer that keeps the connection
 * open.  Right after the call returns no byte may still be held back in
 * the socket (SIOCOUTQNSD, bytes queued but not yet sent, is 0: the
 * discriminating check, with no timing in it), and the peer then has all
 * 1000 bytes, byte for byte, without any shutdown.  sendfile(2) is run
 * the same way first, as the reference.  SEND, FANOUT and SENDV, TCP over
 * IPv4 and IPv6.
 */
#include <linux/sockios.h>
#include <poll.h>
#include <sys/sendfile.h>
#include <sys/socket.h>

#include "lib.h"
#include "kselftest_harness.h"

#define FILE_SIZE	1000
#define LENGTH		(1 << 20)

enum how { BY_SENDFILE, BY_SEND, BY_FANOUT, BY_SENDV };

FIXTURE(tail) {
	int dev, fd, tx, rx;
	char path[64];
};

FIXTURE_VARIANT(tail) {
	int family;
	enum how how;
};

FIXTURE_VARIANT_ADD(tail, sendfile_v4) { .family = AF_INET, .how = BY_SENDFILE };
FIXTURE_VARIANT_ADD(tail, send_v4) { .family = AF_INET, .how = BY_SEND };
FIXTURE_VARIANT_ADD(tail, fanout_v4) { .family = AF_INET, .how = BY_FANOUT };
FIXTURE_VARIANT_ADD(tail, sendv_v4) { .family = AF_INET, .how = BY_SENDV };
FIXTURE_VARIANT_ADD(tail, sendfile_v6) { .family = AF_INET6, .how = BY_SENDFILE };
FIXTURE_VARIANT_ADD(tail, send_v6) { .family = AF_INET6, .how = BY_SEND };
FIXTURE_VARIANT_ADD(tail, fanout_v6) { .family = AF_INET6, .how = BY_FANOUT };
FIXTURE_VARIANT_ADD(tail, sendv_v6) { .family = AF_INET6, .how = BY_SENDV };

FIXTURE_SETUP(tail)
{
	self->dev = open(ZC_DEV, O_RDWR);
	ASSERT_LE(0, self->dev);
	snprintf(self->path, sizeof(self->path), ZC_SCRATCH "/tail.%d", getpid());
	self->fd = zc_make_file(self->path, FILE_SIZE);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, zc_tcp_pair(variant->family, &self->tx, &self->rx));
}

FIXTURE_TEARDOWN(tail)
{
	close(self->tx);
	close(self->rx);
	close(self->fd);
	close(self->dev);
	unlink(self->path);
}

/* Bytes [0, LENGTH) of the file to the socket, the variant's way. */
static int send_past_eof(int dev, int fd, int tx, enum how how, uint64_t *sent)
{
	struct zcopy_target t = { .sock_fd = tx };
	struct zcopy_segment seg = {
		.type = ZCOPY_SEG_FILE, .fd = fd, .offset = 0, .length = LENGTH,
	};
	struct zcopy_fanout f = {
		.size = sizeof(f), .file_fd = fd, .nr_targets = 1,
		.length = LENGTH, .targets = (uintptr_t)&t,
	};
	struct zcopy_sendv v = {
		.size = sizeof(v), .sock_fd = tx, .nr_segs = 1, .segs = (uintptr_t)&seg,
	};
	off_t off = 0;
	ssize_t n;

	switch (how) {
	case BY_SENDFILE:
		n = sendfile(tx, fd, &off, LENGTH);
		if (n < 0)
			return -errno;
		*sent = n;
		return 0;
	case BY_SEND:
		return zc_send(dev, fd, tx, 0, LENGTH, 0, sent);
	case BY_FANOUT:
		if (ioctl(dev, ZCOPY_IOC_FANOUT, &f))
			return -errno;
		*sent = t.bytes_sent;
		return t.bytes_sent ? 0 : -(int)t.error;
	case BY_SENDV:
		if (ioctl(dev, ZCOPY_IOC_SENDV, &v))
			return -errno;
		*sent = v.bytes_sent;
		return 0;
	}
	return -EINVAL;
}

TEST_F(tail, pushed_when_the_call_ends_at_end_of_file)
{
	unsigned char buf[FILE_SIZE], want[FILE_SIZE];
	struct pollfd p = { .fd = self->rx, .events = POLLIN };
	uint64_t sent = 0;
	size_t got = 0;
	int unsent = -1;

	ASSERT_EQ(0, send_past_eof(self->dev, self->fd, self->tx, variant->how, &sent));
	ASSERT_EQ(0, ioctl(self->tx, SIOCOUTQNSD, &unsent));
	EXPECT_EQ(FILE_SIZE, sent);
	EXPECT_EQ(0, unsent) TH_LOG("%d bytes held back after the call returned", unsent);
	/* The peer gets the bytes with the connection still open. */
	while (got < FILE_SIZE) {
		ssize_t n;

		ASSERT_EQ(1, poll(&p, 1, 30000)) TH_LOG("peer still waiting with %zu bytes", got);
		n = recv(self->rx, buf + got, sizeof(buf) - got, MSG_DONTWAIT);
		ASSERT_LT(0, n);
		got += n;
	}
	zc_pattern_fill(want, 0, FILE_SIZE);
	EXPECT_EQ(0, memcmp(buf, want, FILE_SIZE));
}

TEST_HARNESS_MAIN
