// SPDX-License-Identifier: GPL-2.0
/*
 * ZCOPY_IOC_SEND over a real device path: a veth pair between this
 * network namespace and a new one, built with rtnetlink.  The pages must
 * go by reference (veth has scatter-gather and checksum offload); with
 * scatter-gather turned off on the sending end, the stack copies, which
 * must be counted as bytes_copied_no_sg and refused with STRICT (EXDEV).
 */
#include <fcntl.h>
#include <sched.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <sys/socket.h>

#include "lib.h"
#include "netlink.h"
#include "kselftest_harness.h"

#define MIB	(1ULL << 20)
#define LEN	(16 * MIB)

FIXTURE(veth) {
	int dev;
	int fd;
	int orig_ns, peer_ns;
	char path[64];
};

static int in_ns(int ns, int back, int domain, int type)
{
	int s;

	if (setns(ns, CLONE_NEWNET))
		return -1;
	s = socket(domain, type | SOCK_CLOEXEC, 0);
	if (setns(back, CLONE_NEWNET))
		return -1;
	return s;
}

FIXTURE_SETUP(veth)
{
	struct in_addr a4;
	struct in6_addr a6;

	self->dev = open(ZC_DEV, O_RDWR);
	ASSERT_LE(0, self->dev);
	snprintf(self->path, sizeof(self->path), ZC_SCRATCH "/veth.%d", getpid());
	self->fd = zc_make_file(self->path, LEN);
	ASSERT_LE(0, self->fd);

	self->orig_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, self->orig_ns);
	ASSERT_EQ(0, unshare(CLONE_NEWNET)) TH_LOG("unshare: %s", strerror(errno));
	self->peer_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, self->peer_ns);
	ASSERT_EQ(0, setns(self->orig_ns, CLONE_NEWNET));

	zc_link_del("zc0");	/* left over from a crashed run */
	ASSERT_EQ(0, zc_veth_create("zc0", "zc1", self->peer_ns));
	inet_pton(AF_INET, "10.77.0.1", &a4);
	ASSERT_EQ(0, zc_addr_add("zc0", AF_INET, &a4, 24));
	inet_pton(AF_INET6, "fd77::1", &a6);
	ASSERT_EQ(0, zc_addr_add("zc0", AF_INET6, &a6, 64));
	ASSERT_EQ(0, zc_link_up("zc0"));

	ASSERT_EQ(0, setns(self->peer_ns, CLONE_NEWNET));
	inet_pton(AF_INET, "10.77.0.2", &a4);
	ASSERT_EQ(0, zc_addr_add("zc1", AF_INET, &a4, 24));
	inet_pton(AF_INET6, "fd77::2", &a6);
	ASSERT_EQ(0, zc_addr_add("zc1", AF_INET6, &a6, 64));
	ASSERT_EQ(0, zc_link_up("zc1"));
	ASSERT_EQ(0, zc_link_up("lo"));
	ASSERT_EQ(0, setns(self->orig_ns, CLONE_NEWNET));
}

FIXTURE_TEARDOWN(veth)
{
	EXPECT_EQ(0, zc_fd_counter(self->dev, "pages_pinned"));
	zc_link_del("zc0");
	close(self->peer_ns);
	close(self->orig_ns);
	close(self->fd);
	unlink(self->path);
	close(self->dev);
}

/* A TCP connection from here to the peer namespace over the veth. */
static int veth_tcp_pair(struct __test_metadata *_metadata, FIXTURE_DATA(veth) *self,
			 int family, int *tx, int *rx)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int ls;

	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *)&ss;

		s->sin_family = AF_INET;
		inet_pton(AF_INET, "10.77.0.2", &s->sin_addr);
		len = sizeof(*s);
	} else {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)&ss;

		s->sin6_family = AF_INET6;
		inet_pton(AF_INET6, "fd77::2", &s->sin6_addr);
		len = sizeof(*s);
	}
	ls = in_ns(self->peer_ns, self->orig_ns, family, SOCK_STREAM);
	if (ls < 0 || bind(ls, (struct sockaddr *)&ss, len) || listen(ls, 1) ||
	    getsockname(ls, (struct sockaddr *)&ss, &len))
		return -1;
	*tx = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (*tx < 0 || connect(*tx, (struct sockaddr *)&ss, len))
		return -1;
	*rx = accept(ls, NULL, NULL);
	close(ls);
	return *rx < 0 ? -1 : 0;
}

static void tcp_over_veth(struct __test_metadata *_metadata, FIXTURE_DATA(veth) *self,
			  int family)
{
	struct zc_reader r = { 0 };
	uint64_t sent = 0;
	int tx, rx;

	ASSERT_EQ(0, veth_tcp_pair(_metadata, self, family, &tx, &rx));
	ASSERT_EQ(0, zc_reader_start(&r, rx, 4097));
	EXPECT_EQ(0, zc_send(self->dev, self->fd, tx, 4097, LEN - 4097 - 5,
			     ZCOPY_SEND_STRICT, &sent));
	shutdown(tx, SHUT_WR);
	zc_reader_join(&r);
	EXPECT_EQ(LEN - 4097 - 5, sent);
	EXPECT_EQ(sent, r.got);
	EXPECT_EQ(-1, r.first_bad);
	EXPECT_EQ(sent, zc_fd_counter(self->dev, "bytes_by_reference"));
	EXPECT_EQ(0, zc_fd_counter(self->dev, "bytes_copied_no_sg"));
	EXPECT_EQ(0, zc_fd_counter(self->dev, "bytes_copied_sw_csum"));
	EXPECT_EQ(0, zc_fd_counter(self->dev, "bytes_copied_unspliceable"));
	close(tx);
	close(rx);
}

TEST_F_TIMEOUT(veth, tcp4_by_reference, 120)
{
	tcp_over_veth(_metadata, self, AF_INET);
	EXPECT_EQ(1, zc_fd_counter(self->dev, "sends_tcp4"));
}

TEST_F_TIMEOUT(veth, tcp6_by_reference, 120)
{
	tcp_over_veth(_metadata, self, AF_INET6);
	EXPECT_EQ(1, zc_fd_counter(self->dev, "sends_tcp6"));
}

TEST_F_TIMEOUT(veth, udp4_datagrams_fit_the_mtu, 120)
{
	struct sockaddr_in a = { .sin_family = AF_INET }, b = { .sin_family = AF_INET };
	const uint64_t len = 100 * 1472 + 7;
	struct zc_reader r = { 0 };
	socklen_t l = sizeof(a);
	int tx, rx, big = 8 << 20;
	uint64_t sent = 0;

	inet_pton(AF_INET, "10.77.0.1", &a.sin_addr);
	inet_pton(AF_INET, "10.77.0.2", &b.sin_addr);
	tx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	rx = in_ns(self->peer_ns, self->orig_ns, AF_INET, SOCK_DGRAM);
	ASSERT_LE(0, tx);
	ASSERT_LE(0, rx);
	setsockopt(rx, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
	ASSERT_EQ(0, bind(tx, (struct sockaddr *)&a, l));
	ASSERT_EQ(0, bind(rx, (struct sockaddr *)&b, l));
	ASSERT_EQ(0, getsockname(tx, (struct sockaddr *)&a, &l));
	ASSERT_EQ(0, getsockname(rx, (struct sockaddr *)&b, &l));
	ASSERT_EQ(0, connect(tx, (struct sockaddr *)&b, l));
	ASSERT_EQ(0, connect(rx, (struct sockaddr *)&a, l));
	/*
	 * Resolve the neighbour first: a burst sent while ARP is pending is
	 * queued only up to unres_qlen_bytes, and the rest dropped.
	 */
	{
		char c = 'x';

		ASSERT_EQ(1, send(tx, &c, 1, 0));
		ASSERT_EQ(1, recv(rx, &c, 1, 0));
	}
	r.dgram = 1;
	r.expect = len;
	ASSERT_EQ(0, zc_reader_start(&r, rx, 0));
	EXPECT_EQ(0, zc_send(self->dev, self->fd, tx, 0, len, ZCOPY_SEND_STRICT, &sent));
	zc_reader_join(&r);
	EXPECT_EQ(len, sent);
	EXPECT_EQ(len, r.got);
	/* MTU 1500: 1472-byte datagrams, none fragmented. */
	EXPECT_EQ(101, r.datagrams);
	EXPECT_EQ(1472, r.max_datagram);
	EXPECT_EQ(-1, r.first_bad);
	EXPECT_EQ(len, zc_fd_counter(self->dev, "bytes_by_reference"));
	close(tx);
	close(rx);
}

static int set_sg(const char *name, int on)
{
	struct ethtool_value ev = { .cmd = ETHTOOL_SSG, .data = on };
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM, 0), ret;

	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
	ifr.ifr_data = (void *)&ev;
	ret = ioctl(s, SIOCETHTOOL, &ifr);
	close(s);
	return ret;
}

TEST_F_TIMEOUT(veth, no_sg_route_is_counted_and_strict_refuses, 120)
{
	struct zc_reader r = { 0 };
	uint64_t sent = 0;
	int tx, rx;

	ASSERT_EQ(0, set_sg("zc0", 0)) TH_LOG("ETHTOOL_SSG: %s", strerror(errno));
	ASSERT_EQ(0, veth_tcp_pair(_metadata, self, AF_INET, &tx, &rx));
	/* Reading from the start: a wrongly accepted strict send cannot hang. */
	ASSERT_EQ(0, zc_reader_start(&r, rx, 0));

	EXPECT_EQ(-EXDEV, zc_send(self->dev, self->fd, tx, 0, LEN, ZCOPY_SEND_STRICT, &sent));
	EXPECT_EQ(1, zc_fd_counter(self->dev, "errors_exdev"));

	EXPECT_EQ(0, zc_send(self->dev, self->fd, tx, 0, MIB, 0, &sent));
	shutdown(tx, SHUT_WR);
	zc_reader_join(&r);
	EXPECT_EQ(MIB, sent);
	EXPECT_EQ(MIB, r.got);
	EXPECT_EQ(-1, r.first_bad);
	EXPECT_EQ(MIB, zc_fd_counter(self->dev, "bytes_copied_no_sg"));
	EXPECT_EQ(0, zc_fd_counter(self->dev, "bytes_by_reference"));
	close(tx);
	close(rx);
}

TEST_HARNESS_MAIN
