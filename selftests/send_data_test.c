// SPDX-License-Identifier: GPL-2.0
/*
 * ZCOPY_IOC_SEND data integrity and copy accounting over loopback: sizes
 * around page boundaries, unaligned offsets, TCP v4/v6, UDP (corked
 * too), UNIX, the end of file, warm and cold 64 MiB sends, a sparse 5 GiB
 * file in one call.  Every received byte is compared with what the file holds, and
 * a copy where zero-copy was expected fails the test.
 */
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/ip.h>
#include <netinet/udp.h>

#include "lib.h"
#include "kselftest_harness.h"

#define MIB	(1ULL << 20)

FIXTURE(send) {
	int dev;
	int fd;
	char path[64];
};

FIXTURE_SETUP(send)
{
	self->dev = open(ZC_DEV, O_RDWR);
	ASSERT_LE(0, self->dev) TH_LOG("open %s: %s", ZC_DEV, strerror(errno));
	snprintf(self->path, sizeof(self->path), ZC_SCRATCH "/data.%d", getpid());
	self->fd = -1;
}

FIXTURE_TEARDOWN(send)
{
	if (self->fd >= 0)
		close(self->fd);
	unlink(self->path);
	close(self->dev);
}

/* Send [off, off+len) over a fresh pair and check what arrives. */
static void send_and_check(struct __test_metadata *_metadata, int dev, int fd,
			   int tx, int rx, uint64_t off, uint64_t len,
			   uint64_t want_sent)
{
	struct zc_reader r = { 0 };
	uint64_t sent = 0;

	ASSERT_EQ(0, zc_reader_start(&r, rx, off));
	EXPECT_EQ(0, zc_send(dev, fd, tx, off, len, ZCOPY_SEND_STRICT, &sent));
	shutdown(tx, SHUT_WR);
	zc_reader_join(&r);
	EXPECT_EQ(want_sent, sent) TH_LOG("off %llu len %llu",
					  (unsigned long long)off, (unsigned long long)len);
	EXPECT_EQ(sent, r.got);
	EXPECT_EQ(-1, r.first_bad) TH_LOG("wrong byte at file offset %lld (off %llu len %llu)",
					  (long long)r.first_bad, (unsigned long long)off,
					  (unsigned long long)len);
}

static void expect_no_copy(struct __test_metadata *_metadata, int dev)
{
	EXPECT_EQ(0, zc_fd_counter(dev, "bytes_copied_no_sg"));
	EXPECT_EQ(0, zc_fd_counter(dev, "bytes_copied_sw_csum"));
	EXPECT_EQ(0, zc_fd_counter(dev, "bytes_copied_unspliceable"));
	EXPECT_EQ(0, zc_fd_counter(dev, "pages_pinned"));
	EXPECT_EQ(0, zc_fd_counter_flags(dev, "pages_pinned", ZCOPY_STATS_GLOBAL));
}

TEST_F_TIMEOUT(send, tcp4_sizes_and_offsets, 300)
{
	static const uint64_t sizes[] = { 1, 4095, 4096, 4097, MIB + 3 };
	static const uint64_t offs[] = { 0, 1, 4095, 4096 + 7 };
	uint64_t total = 0;
	unsigned int i, j;

	self->fd = zc_make_file(self->path, MIB + 3 + 8192);
	ASSERT_LE(0, self->fd);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		for (j = 0; j < sizeof(offs) / sizeof(offs[0]); j++) {
			int tx, rx;

			ASSERT_EQ(0, zc_tcp_pair(AF_INET, &tx, &rx));
			send_and_check(_metadata, self->dev, self->fd, tx, rx,
				       offs[j], sizes[i], sizes[i]);
			total += sizes[i];
			close(tx);
			close(rx);
		}
	}
	EXPECT_EQ(total, zc_fd_counter(self->dev, "bytes_by_reference"));
	EXPECT_EQ(20, zc_fd_counter(self->dev, "sends_tcp4"));
	EXPECT_EQ(20, zc_fd_counter(self->dev, "send_calls"));
	expect_no_copy(_metadata, self->dev);
}

TEST_F(send, stops_at_eof_with_short_count)
{
	int tx, rx;

	self->fd = zc_make_file(self->path, 10000);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, zc_tcp_pair(AF_INET, &tx, &rx));
	send_and_check(_metadata, self->dev, self->fd, tx, rx, 5000, 1 << 30, 5000);
	close(tx);
	close(rx);
}

TEST_F(send, tcp6)
{
	int tx, rx;

	self->fd = zc_make_file(self->path, MIB + 100);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, zc_tcp_pair(AF_INET6, &tx, &rx));
	send_and_check(_metadata, self->dev, self->fd, tx, rx, 5, MIB + 3, MIB + 3);
	close(tx);
	close(rx);
	EXPECT_EQ(1, zc_fd_counter(self->dev, "sends_tcp6"));
	EXPECT_EQ(MIB + 3, zc_fd_counter(self->dev, "bytes_by_reference"));
	expect_no_copy(_metadata, self->dev);
}

TEST_F(send, unix_stream)
{
	int sv[2];

	self->fd = zc_make_file(self->path, 3 * MIB);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	send_and_check(_metadata, self->dev, self->fd, sv[0], sv[1], 4097, 2 * MIB + 3,
		       2 * MIB + 3);
	close(sv[0]);
	close(sv[1]);
	EXPECT_EQ(1, zc_fd_counter(self->dev, "sends_unix"));
	EXPECT_EQ(2 * MIB + 3, zc_fd_counter(self->dev, "bytes_by_reference"));
	expect_no_copy(_metadata, self->dev);
}

/* UDP: the range is cut into datagrams of ZCOPY_UDP_DATAGRAM_MAX bytes. */
static void udp_case(struct __test_metadata *_metadata, int dev, int fd, int family)
{
	const uint64_t len = 3 * ZCOPY_UDP_DATAGRAM_MAX + 1000;
	struct zc_reader r = { 0 };
	uint64_t sent = 0;
	int tx, rx;

	int mtu = 0;
	socklen_t ml = sizeof(mtu);
	uint64_t dgram;

	ASSERT_EQ(0, zc_udp_pair(family, &tx, &rx));
	/* The documented datagram size: the MTU's payload, at most 65507. */
	ASSERT_EQ(0, getsockopt(tx, family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6,
				family == AF_INET ? IP_MTU : IPV6_MTU, &mtu, &ml));
	dgram = mtu - (family == AF_INET ? 28 : 48);
	if (dgram > ZCOPY_UDP_DATAGRAM_MAX)
		dgram = ZCOPY_UDP_DATAGRAM_MAX;
	r.dgram = 1;
	r.expect = len;
	ASSERT_EQ(0, zc_reader_start(&r, rx, 3));
	EXPECT_EQ(0, zc_send(dev, fd, tx, 3, len, 0, &sent));
	zc_reader_join(&r);
	EXPECT_EQ(len, sent);
	EXPECT_EQ(len, r.got) TH_LOG("%llu datagrams, largest %llu",
				     (unsigned long long)r.datagrams,
				     (unsigned long long)r.max_datagram);
	EXPECT_EQ((len + dgram - 1) / dgram, r.datagrams);
	EXPECT_EQ(dgram, r.max_datagram);
	EXPECT_EQ(-1, r.first_bad);
	close(tx);
	close(rx);
}

TEST_F(send, udp4)
{
	self->fd = zc_make_file(self->path, MIB);
	ASSERT_LE(0, self->fd);
	udp_case(_metadata, self->dev, self->fd, AF_INET);
	EXPECT_EQ(1, zc_fd_counter(self->dev, "sends_udp"));
	EXPECT_EQ(3 * ZCOPY_UDP_DATAGRAM_MAX + 1000,
		  zc_fd_counter(self->dev, "bytes_by_reference"));
	expect_no_copy(_metadata, self->dev);
}

TEST_F(send, udp6)
{
	long long ref, copied;

	self->fd = zc_make_file(self->path, MIB);
	ASSERT_LE(0, self->fd);
	udp_case(_metadata, self->dev, self->fd, AF_INET6);
	EXPECT_EQ(1, zc_fd_counter(self->dev, "sends_udp"));
	/*
	 * Before 6.5 (->sendpage) IPv6 UDP has no sendpage and copies; that
	 * must show as "unspliceable", never as by-reference.
	 */
	ref = zc_fd_counter(self->dev, "bytes_by_reference");
	copied = zc_fd_counter(self->dev, "bytes_copied_unspliceable");
	TH_LOG("udp6: %lld bytes by reference, %lld copied", ref, copied);
	if (zc_features() & ZCOPY_FEATURE_SPLICE_PAGES) {
		EXPECT_EQ(3 * ZCOPY_UDP_DATAGRAM_MAX + 1000, ref);
		expect_no_copy(_metadata, self->dev);
	} else {
		EXPECT_EQ(3 * ZCOPY_UDP_DATAGRAM_MAX + 1000, copied);
	}
}

/*
 * A socket corked with UDP_CORK ends no datagram: what each call sends
 * joins the corked one until the cork is removed, as send(2)'s data
 * does.  Two calls under one cork must arrive as one datagram, the same
 * as two send(2)s, byte for byte the file's.
 */
TEST_F(send, udp4_cork_joins_calls_as_send)
{
	static const struct { uint64_t off, len; } part[] = { { 3, 1000 }, { 1003, 2000 } };
	static unsigned char want[3000], buf[4000];
	int tx, rx, on = 1, off = 0;

	self->fd = zc_make_file(self->path, MIB);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(sizeof(want), pread(self->fd, want, sizeof(want), 3));
	ASSERT_EQ(0, zc_udp_pair(AF_INET, &tx, &rx));
	for (int how = 0; how < 2; how++) {
		uint64_t sent = 0;

		ASSERT_EQ(0, setsockopt(tx, IPPROTO_UDP, UDP_CORK, &on, sizeof(on)));
		for (int i = 0; i < 2; i++) {
			if (how == 0) {	/* send(2), the reference */
				ASSERT_EQ(part[i].len, send(tx, want + part[i].off - 3,
							    part[i].len, 0));
				continue;
			}
			ASSERT_EQ(0, zc_send(self->dev, self->fd, tx, part[i].off,
					     part[i].len, 0, &sent));
			EXPECT_EQ(part[i].len, sent);
		}
		/* Nothing leaves while corked. */
		EXPECT_EQ(-1, recv(rx, buf, sizeof(buf), MSG_DONTWAIT));
		ASSERT_EQ(0, setsockopt(tx, IPPROTO_UDP, UDP_CORK, &off, sizeof(off)));
		EXPECT_EQ(sizeof(want), recv(rx, buf, sizeof(buf), 0))
			TH_LOG("%s", how ? "zcopy" : "send(2)");
		EXPECT_EQ(0, memcmp(buf, want, sizeof(want)));
		EXPECT_EQ(-1, recv(rx, buf, sizeof(buf), MSG_DONTWAIT));
	}
	close(tx);
	close(rx);
	EXPECT_EQ(sizeof(want), zc_fd_counter(self->dev, "bytes_by_reference"));
	expect_no_copy(_metadata, self->dev);
}

/* Warm 64 MiB: every page a hit, every byte by reference, none copied. */
TEST_F_TIMEOUT(send, warm_64m_counters, 300)
{
	const uint64_t len = 64 * MIB;
	int tx, rx;
	char buf[4096];
	uint64_t pos;

	self->fd = zc_make_file(self->path, len);
	ASSERT_LE(0, self->fd);
	/* Make sure every page is cached: read it all once. */
	for (pos = 0; pos < len; pos += sizeof(buf))
		ASSERT_EQ(sizeof(buf), pread(self->fd, buf, sizeof(buf), pos));
	ASSERT_EQ(0, zc_tcp_pair(AF_INET, &tx, &rx));
	send_and_check(_metadata, self->dev, self->fd, tx, rx, 0, len, len);
	close(tx);
	close(rx);
	EXPECT_EQ(len, zc_fd_counter(self->dev, "bytes_by_reference"));
	EXPECT_EQ(16384, zc_fd_counter(self->dev, "pagecache_hits"));
	EXPECT_EQ(0, zc_fd_counter(self->dev, "pagecache_misses"));
	EXPECT_LT(0, zc_fd_counter(self->dev, "pages_pinned_peak"));
	EXPECT_GE(256, zc_fd_counter(self->dev, "pages_pinned_peak"));
	expect_no_copy(_metadata, self->dev);
}

/* Cold 64 MiB: every page read from disk, counted once as a miss. */
TEST_F_TIMEOUT(send, cold_64m_counters, 300)
{
	const uint64_t len = 64 * MIB;
	int tx, rx;

	self->fd = zc_make_file(self->path, len);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, zc_drop_cache(self->fd));
	ASSERT_EQ(0, zc_tcp_pair(AF_INET, &tx, &rx));
	send_and_check(_metadata, self->dev, self->fd, tx, rx, 0, len, len);
	close(tx);
	close(rx);
	EXPECT_EQ(16384, zc_fd_counter(self->dev, "pagecache_misses"));
	EXPECT_EQ(0, zc_fd_counter(self->dev, "pagecache_hits"));
	EXPECT_EQ(len, zc_fd_counter(self->dev, "bytes_by_reference"));
	expect_no_copy(_metadata, self->dev);
}

/*
 * One call, more than 4 GiB (sendfile would stop at 0x7ffff000), from a
 * sparse file with data pages at the start, past 4 GiB and at the end.
 * A debug kernel (kmemleak, KASAN, lockdep) under emulation moves data
 * about ten times slower: there the call covers 64 MiB across the 4 GiB
 * boundary instead, which still exercises 64-bit offsets.  So does every
 * kernel but one of a `make check` (ZC_SPARSE_5G_ELSEWHERE=1, set by
 * tools/vm/guest-check): the 5 GiB are about a minute per kernel, and the
 * arithmetic they check is the core's, the same on every kernel.
 */
TEST_F_TIMEOUT(send, sparse_5g_one_call, 600)
{
	const uint64_t size = 5ULL << 30, mark = (4ULL << 30) + 8192;
	uint64_t off = 0, len = size;
	unsigned char page[4096];
	struct zc_reader r = { 0 };
	uint64_t sent = 0;
	int tx, rx;

	if (zc_debug_kernel() || getenv("ZC_SPARSE_5G_ELSEWHERE")) {
		off = (4ULL << 30) - (32 << 20);
		len = 64 << 20;
		TH_LOG("%s: %llu bytes from offset %llu",
		       zc_debug_kernel() ? "debug kernel" : "5 GiB on another kernel",
		       (unsigned long long)len, (unsigned long long)off);
	}
	self->fd = open(self->path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, ftruncate(self->fd, size));
	zc_pattern_fill(page, 0, sizeof(page));
	ASSERT_EQ(sizeof(page), pwrite(self->fd, page, sizeof(page), 0));
	zc_pattern_fill(page, mark, sizeof(page));
	ASSERT_EQ(sizeof(page), pwrite(self->fd, page, sizeof(page), mark));
	zc_pattern_fill(page, size - 4096, sizeof(page));
	ASSERT_EQ(sizeof(page), pwrite(self->fd, page, sizeof(page), size - 4096));

	ASSERT_EQ(0, zc_tcp_pair(AF_INET, &tx, &rx));
	r.sparse_size = size;
	r.sparse_mark = mark;
	ASSERT_EQ(0, zc_reader_start(&r, rx, off));
	EXPECT_EQ(0, zc_send(self->dev, self->fd, tx, off, len, ZCOPY_SEND_STRICT, &sent));
	shutdown(tx, SHUT_WR);
	zc_reader_join(&r);
	EXPECT_EQ(len, sent);
	EXPECT_EQ(len, r.got);
	EXPECT_EQ(-1, r.first_bad) TH_LOG("wrong byte at %lld", (long long)r.first_bad);
	EXPECT_EQ(len, zc_fd_counter(self->dev, "bytes_by_reference"));
	expect_no_copy(_metadata, self->dev);
	close(tx);
	close(rx);
}

TEST_HARNESS_MAIN
