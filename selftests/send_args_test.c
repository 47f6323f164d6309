// SPDX-License-Identifier: GPL-2.0
/*
 * ZCOPY_IOC_SEND and ZCOPY_IOC_STATS: every bad argument gets the errno
 * uapi/linux/zcopy.h documents, is counted under it, and leaves nothing
 * behind (no pinned page, nothing on the socket).
 */
#include <fcntl.h>
#include <linux/netlink.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "lib.h"
#include "kselftest_harness.h"

FIXTURE(args) {
	int dev;
	int fd;		/* a 64 KiB test file, O_RDWR */
	int tx, rx;	/* a connected TCP pair */
	char path[64];
	struct zcopy_send r;
};

FIXTURE_SETUP(args)
{
	self->dev = open(ZC_DEV, O_RDWR);
	ASSERT_LE(0, self->dev);
	snprintf(self->path, sizeof(self->path), ZC_SCRATCH "/args.%d", getpid());
	self->fd = zc_make_file(self->path, 65536);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, zc_tcp_pair(AF_INET, &self->tx, &self->rx));
	memset(&self->r, 0, sizeof(self->r));
	self->r.size = sizeof(self->r);
	self->r.file_fd = self->fd;
	self->r.sock_fd = self->tx;
	self->r.length = 4096;
}

FIXTURE_TEARDOWN(args)
{
	int avail = -1;

	/* A failed call must not have queued anything. */
	if (ioctl(self->rx, FIONREAD, &avail) == 0 && avail)
		TH_LOG("unexpected: %d bytes arrived", avail);
	close(self->tx);
	close(self->rx);
	close(self->fd);
	unlink(self->path);
	close(self->dev);
}

/* Issue self->r, expect failure with @err and its counter to move. */
#define EXPECT_SEND_ERRNO(err, counter) do {					\
	long long before = zc_fd_counter(self->dev, counter);			\
	int avail = -1;								\
	self->r.bytes_sent = 12345;						\
	EXPECT_EQ(-1, ioctl(self->dev, ZCOPY_IOC_SEND, &self->r));		\
	EXPECT_EQ(err, errno) TH_LOG("got %s", strerror(errno));		\
	EXPECT_EQ(before + 1, zc_fd_counter(self->dev, counter));		\
	EXPECT_EQ(12345, self->r.bytes_sent);					\
	EXPECT_EQ(0, zc_fd_counter(self->dev, "pages_pinned"));		\
	EXPECT_EQ(0, ioctl(self->rx, FIONREAD, &avail));			\
	EXPECT_EQ(0, avail);							\
} while (0)

TEST_F(args, good_request_works)
{
	ASSERT_EQ(0, ioctl(self->dev, ZCOPY_IOC_SEND, &self->r));
	EXPECT_EQ(4096, self->r.bytes_sent);
	EXPECT_EQ(1, zc_fd_counter(self->dev, "send_calls"));
	/* Drain, so the teardown sees an empty socket. */
	{
		char buf[4096];

		EXPECT_EQ(4096, recv(self->rx, buf, sizeof(buf), MSG_WAITALL));
	}
}

TEST_F(args, wrong_size_is_einval)
{
	self->r.size = sizeof(self->r) - 8;
	EXPECT_SEND_ERRNO(EINVAL, "errors_einval");
	self->r.size = 0;
	EXPECT_SEND_ERRNO(EINVAL, "errors_einval");
}

TEST_F(args, unknown_flag_is_einval)
{
	/* The lowest bit no ZCOPY_SEND_* flag uses, and the highest. */
	self->r.flags = ((__u32)ZCOPY_SEND_FLAGS_ALL + 1) & ~(__u32)ZCOPY_SEND_FLAGS_ALL;
	EXPECT_SEND_ERRNO(EINVAL, "errors_einval");
	self->r.flags = 1u << 31;
	EXPECT_SEND_ERRNO(EINVAL, "errors_einval");
}

TEST_F(args, reserved_is_einval)
{
	self->r.reserved[0] = 1;
	EXPECT_SEND_ERRNO(EINVAL, "errors_einval");
	self->r.reserved[0] = 0;
	self->r.reserved[2] = 1ULL << 63;
	EXPECT_SEND_ERRNO(EINVAL, "errors_einval");
}

TEST_F(args, length_zero_is_einval)
{
	self->r.length = 0;
	EXPECT_SEND_ERRNO(EINVAL, "errors_einval");
}

TEST_F(args, range_overflow_is_einval)
{
	self->r.offset = ~0ULL - 10;
	self->r.length = 100;
	EXPECT_SEND_ERRNO(EINVAL, "errors_einval");
	self->r.offset = 1ULL << 63;
	self->r.length = 1;
	EXPECT_SEND_ERRNO(EINVAL, "errors_einval");
	self->r.offset = 0;
	self->r.length = ~0ULL;
	EXPECT_SEND_ERRNO(EINVAL, "errors_einval");
}

TEST_F(args, offset_at_or_past_eof_is_einval)
{
	self->r.offset = 65536;
	EXPECT_SEND_ERRNO(EINVAL, "errors_einval");
	self->r.offset = 1 << 30;
	EXPECT_SEND_ERRNO(EINVAL, "errors_einval");
}

TEST_F(args, bad_file_fd_is_ebadf)
{
	int wo = open(self->path, O_WRONLY), op = open(self->path, O_PATH);

	ASSERT_LE(0, wo);
	ASSERT_LE(0, op);
	self->r.file_fd = -1;
	EXPECT_SEND_ERRNO(EBADF, "errors_ebadf");
	self->r.file_fd = 1000;
	EXPECT_SEND_ERRNO(EBADF, "errors_ebadf");
	self->r.file_fd = wo;
	EXPECT_SEND_ERRNO(EBADF, "errors_ebadf");
	self->r.file_fd = op;
	EXPECT_SEND_ERRNO(EBADF, "errors_ebadf");
	close(wo);
	close(op);
}

TEST_F(args, non_regular_source_is_einval)
{
	int dir = open(ZC_SCRATCH, O_RDONLY | O_DIRECTORY), p[2], sv[2];
	int null = open("/dev/null", O_RDONLY);

	ASSERT_LE(0, dir);
	ASSERT_LE(0, null);
	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	self->r.file_fd = dir;
	EXPECT_SEND_ERRNO(EINVAL, "errors_einval");
	self->r.file_fd = p[0];
	EXPECT_SEND_ERRNO(EINVAL, "errors_einval");
	self->r.file_fd = sv[0];
	EXPECT_SEND_ERRNO(EINVAL, "errors_einval");
	self->r.file_fd = null;
	EXPECT_SEND_ERRNO(EINVAL, "errors_einval");
	close(dir);
	close(null);
	close(p[0]);
	close(p[1]);
	close(sv[0]);
	close(sv[1]);
}

TEST_F(args, o_direct_source_uses_page_cache)
{
	char buf[4096];
	int d = open(self->path, O_RDONLY | O_DIRECT);

	ASSERT_LE(0, d);
	self->r.file_fd = d;
	ASSERT_EQ(0, ioctl(self->dev, ZCOPY_IOC_SEND, &self->r));
	EXPECT_EQ(4096, self->r.bytes_sent);
	EXPECT_EQ(4096, recv(self->rx, buf, sizeof(buf), MSG_WAITALL));
	EXPECT_EQ(zc_pattern(0), (unsigned char)buf[0]);
	EXPECT_EQ(zc_pattern(4095), (unsigned char)buf[4095]);
	close(d);
}

/*
 * ZCOPY_SEND_SENDFILE refuses, before anything is sent, what sendfile(2)
 * does otherwise (libzcopy-preload.so hands those calls to sendfile):
 * a socket that is not TCP, an O_APPEND socket, an O_DIRECT source.
 */
TEST_F(args, sendfile_flag_refuses_what_sendfile_does_otherwise)
{
	int sv[2], utx, urx, d;
	char b;

	EXPECT_TRUE(zc_features() & ZCOPY_FEATURE_SEND_SENDFILE);
	self->r.flags = ZCOPY_SEND_SENDFILE;
	/* UNIX stream and UDP, which zcopy takes without the flag. */
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	self->r.sock_fd = sv[0];
	EXPECT_SEND_ERRNO(EOPNOTSUPP, "errors_eopnotsupp");
	EXPECT_EQ(-1, recv(sv[1], &b, 1, MSG_DONTWAIT));
	ASSERT_EQ(0, zc_udp_pair(AF_INET, &utx, &urx));
	self->r.sock_fd = utx;
	EXPECT_SEND_ERRNO(EOPNOTSUPP, "errors_eopnotsupp");
	EXPECT_EQ(-1, recv(urx, &b, 1, MSG_DONTWAIT));
	/* The TCP socket with O_APPEND (sendfile: EINVAL). */
	self->r.sock_fd = self->tx;
	ASSERT_EQ(0, fcntl(self->tx, F_SETFL, fcntl(self->tx, F_GETFL) | O_APPEND));
	EXPECT_SEND_ERRNO(EINVAL, "errors_einval");
	ASSERT_EQ(0, fcntl(self->tx, F_SETFL, fcntl(self->tx, F_GETFL) & ~O_APPEND));
	/* An O_DIRECT source (sendfile reads it directly). */
	d = open(self->path, O_RDONLY | O_DIRECT);
	ASSERT_LE(0, d);
	self->r.file_fd = d;
	EXPECT_SEND_ERRNO(EINVAL, "errors_einval");
	close(d);
	close(sv[0]);
	close(sv[1]);
	close(utx);
	close(urx);
}

/* What sendfile would send too, the flag sends byte for byte. */
TEST_F(args, sendfile_flag_sends_over_tcp)
{
	unsigned char buf[4096];
	int i, bad = 0;

	self->r.flags = ZCOPY_SEND_SENDFILE | ZCOPY_SEND_STRICT;
	self->r.offset = 12345;
	ASSERT_EQ(0, ioctl(self->dev, ZCOPY_IOC_SEND, &self->r)) TH_LOG("%s", strerror(errno));
	EXPECT_EQ(4096, self->r.bytes_sent);
	ASSERT_EQ(4096, recv(self->rx, buf, sizeof(buf), MSG_WAITALL));
	for (i = 0; i < 4096; i++)
		bad += buf[i] != zc_pattern(12345 + i);
	EXPECT_EQ(0, bad);
}

/* FANOUT and SENDV do not take it. */
TEST_F(args, sendfile_flag_is_send_only)
{
	struct zcopy_fanout f = { .size = sizeof(f), .flags = ZCOPY_SEND_SENDFILE };
	struct zcopy_sendv v = { .size = sizeof(v), .flags = ZCOPY_SEND_SENDFILE };

	EXPECT_EQ(-1, ioctl(self->dev, ZCOPY_IOC_FANOUT, &f));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->dev, ZCOPY_IOC_SENDV, &v));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(args, bad_sock_fd)
{
	self->r.sock_fd = -1;
	EXPECT_SEND_ERRNO(EBADF, "errors_ebadf");
	self->r.sock_fd = self->fd;	/* a regular file */
	EXPECT_SEND_ERRNO(ENOTSOCK, "errors_enotsock");
}

TEST_F(args, unconnected_sockets_are_enotconn)
{
	int ls, tcp = socket(AF_INET, SOCK_STREAM, 0), udp = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET };
	int un = socket(AF_UNIX, SOCK_STREAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ls = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_EQ(0, bind(ls, (struct sockaddr *)&a, sizeof(a)));
	ASSERT_EQ(0, listen(ls, 1));
	self->r.sock_fd = ls;
	EXPECT_SEND_ERRNO(ENOTCONN, "errors_enotconn");
	self->r.sock_fd = tcp;
	EXPECT_SEND_ERRNO(ENOTCONN, "errors_enotconn");
	self->r.sock_fd = udp;
	EXPECT_SEND_ERRNO(ENOTCONN, "errors_enotconn");
	self->r.sock_fd = un;
	EXPECT_SEND_ERRNO(ENOTCONN, "errors_enotconn");
	close(ls);
	close(tcp);
	close(udp);
	close(un);
}

TEST_F(args, unsupported_sockets)
{
	int sv[2], nl = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	self->r.sock_fd = sv[0];
	EXPECT_SEND_ERRNO(EOPNOTSUPP, "errors_eopnotsupp");
	close(sv[0]);
	close(sv[1]);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv));
	self->r.sock_fd = sv[0];
	EXPECT_SEND_ERRNO(EOPNOTSUPP, "errors_eopnotsupp");
	close(sv[0]);
	close(sv[1]);
	ASSERT_LE(0, nl);
	self->r.sock_fd = nl;
	EXPECT_SEND_ERRNO(EAFNOSUPPORT, "errors_eafnosupport");
	close(nl);
}

TEST_F(args, shut_down_socket_is_epipe_without_sigpipe)
{
	ASSERT_EQ(0, shutdown(self->tx, SHUT_WR));
	/* SIGPIPE would kill the test: none must be raised. */
	EXPECT_SEND_ERRNO(EPIPE, "errors_epipe");
}

TEST_F(args, bad_pointer_is_efault)
{
	void *p = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long long before = zc_fd_counter(self->dev, "errors_efault");

	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(-1, ioctl(self->dev, ZCOPY_IOC_SEND, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->dev, ZCOPY_IOC_SEND, p));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(before + 2, zc_fd_counter(self->dev, "errors_efault"));
	munmap(p, 4096);
}

TEST_F(args, stats_ioctl_checks_its_arguments)
{
	struct zcopy_stats st;
	__u64 v[4];

	memset(&st, 0, sizeof(st));
	st.size = sizeof(st);
	st.count = 4;
	st.values = (uintptr_t)v;
	ASSERT_EQ(0, ioctl(self->dev, ZCOPY_IOC_STATS, &st));
	EXPECT_LT(4, st.count);		/* it has more than we asked for */
	EXPECT_EQ(1, v[0]);		/* opens: this file was opened once */
	st.count = 0;
	st.values = 0;			/* no room: only the count comes back */
	EXPECT_EQ(0, ioctl(self->dev, ZCOPY_IOC_STATS, &st));
	st.count = 4;
	st.values = 8;			/* unmapped */
	EXPECT_EQ(-1, ioctl(self->dev, ZCOPY_IOC_STATS, &st));
	EXPECT_EQ(EFAULT, errno);
	st.values = (uintptr_t)v;
	st.flags = 2;
	EXPECT_EQ(-1, ioctl(self->dev, ZCOPY_IOC_STATS, &st));
	EXPECT_EQ(EINVAL, errno);
	st.flags = 0;
	st.reserved0 = 1;
	EXPECT_EQ(-1, ioctl(self->dev, ZCOPY_IOC_STATS, &st));
	EXPECT_EQ(EINVAL, errno);
	st.reserved0 = 0;
	st.reserved[1] = 1;
	EXPECT_EQ(-1, ioctl(self->dev, ZCOPY_IOC_STATS, &st));
	EXPECT_EQ(EINVAL, errno);
	st.reserved[1] = 0;
	st.size++;
	EXPECT_EQ(-1, ioctl(self->dev, ZCOPY_IOC_STATS, &st));
	EXPECT_EQ(EINVAL, errno);
}

TEST_HARNESS_MAIN
