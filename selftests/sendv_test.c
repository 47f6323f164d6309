// SPDX-License-Identifier: GPL-2.0
/*
 * ZCOPY_IOC_SENDV: header + file + trailer (and several files) arrive
 * byte-exact as one stream; memory segments are counted as CPU-copied
 * and file segments as by reference; MSG_MORE keeps a small header from
 * leaving in a segment of its own; bad vectors send nothing.
 */
#include <errno.h>
#include <linux/tcp.h>
#include <unistd.h>

#include "lib.h"
#include "kselftest_harness.h"

#define FSIZE	((1u << 20) + 3)

struct sink {
	int fd;
	size_t got;
	unsigned char *buf;
	pthread_t thread;
};

/* Read everything into one buffer, to compare with the expected stream. */
static void *sink_main(void *p)
{
	struct sink *s = p;
	ssize_t n;

	while ((n = read(s->fd, s->buf + s->got, 8u << 20)) > 0 ||
	       (n < 0 && errno == EINTR))
		if (n > 0)
			s->got += n;
	return NULL;
}

static void sink_start(struct sink *s, int fd)
{
	s->fd = fd;
	s->got = 0;
	s->buf = malloc(16u << 20);
	pthread_create(&s->thread, NULL, sink_main, s);
}

static int sendv(int dev, int sock, struct zcopy_segment *segs, unsigned int n,
		 uint64_t *sent)
{
	struct zcopy_sendv v = {
		.size = sizeof(v), .sock_fd = sock, .nr_segs = n,
		.segs = (uintptr_t)segs,
	};

	if (ioctl(dev, ZCOPY_IOC_SENDV, &v))
		return -errno;
	*sent = v.bytes_sent;
	return 0;
}

static struct zcopy_segment mem_seg(const void *p, size_t len)
{
	return (struct zcopy_segment){ .type = ZCOPY_SEG_MEM, .fd = -1,
				       .addr = (uintptr_t)p, .length = len };
}

static struct zcopy_segment file_seg(int fd, uint64_t off, uint64_t len)
{
	return (struct zcopy_segment){ .type = ZCOPY_SEG_FILE, .fd = fd,
				       .offset = off, .length = len };
}

FIXTURE(vec) {
	int dev, a, b, tx, rx;
	char pa[64], pb[64];
};

FIXTURE_SETUP(vec)
{
	self->dev = open(ZC_DEV, O_RDWR);
	ASSERT_LE(0, self->dev);
	snprintf(self->pa, sizeof(self->pa), ZC_SCRATCH "/vec.a.%d", getpid());
	snprintf(self->pb, sizeof(self->pb), ZC_SCRATCH "/vec.b.%d", getpid());
	self->a = zc_make_file(self->pa, FSIZE);
	self->b = zc_make_file(self->pb, FSIZE);
	ASSERT_LE(0, self->a);
	ASSERT_LE(0, self->b);
	ASSERT_EQ(0, zc_tcp_pair(AF_INET, &self->tx, &self->rx));
}

FIXTURE_TEARDOWN(vec)
{
	unlink(self->pa);
	unlink(self->pb);
}

TEST_F(vec, header_file_trailer_byte_exact)
{
	static const char hdr[] = "HTTP/1.1 200 OK\r\nContent-Length: 1048576\r\n\r\n";
	static const char trl[] = "\r\n0\r\n\r\n";
	uint64_t body = FSIZE - 7, sent = 0;
	struct zcopy_segment segs[3] = {
		mem_seg(hdr, strlen(hdr)), file_seg(self->a, 5, body),
		mem_seg(trl, strlen(trl)),
	};
	long long byref = zc_fd_counter(self->dev, "bytes_by_reference");
	unsigned char *want;
	struct sink s;

	sink_start(&s, self->rx);
	ASSERT_EQ(0, sendv(self->dev, self->tx, segs, 3, &sent));
	EXPECT_EQ(strlen(hdr) + body + strlen(trl), sent);
	shutdown(self->tx, SHUT_WR);
	pthread_join(s.thread, NULL);
	ASSERT_EQ(sent, s.got);
	want = malloc(sent);
	memcpy(want, hdr, strlen(hdr));
	zc_pattern_fill(want + strlen(hdr), 5, body);
	memcpy(want + strlen(hdr) + body, trl, strlen(trl));
	EXPECT_EQ(0, memcmp(want, s.buf, sent));
	EXPECT_EQ(strlen(hdr) + strlen(trl),
		  zc_fd_counter(self->dev, "bytes_copied_user_segments"));
	EXPECT_EQ(byref + body, zc_fd_counter(self->dev, "bytes_by_reference"));
	EXPECT_EQ(1, zc_fd_counter(self->dev, "sendv_calls"));
	free(want);
	free(s.buf);
}

TEST_F(vec, two_files_and_memory_in_order)
{
	static const char sep[] = "--sep--";
	uint64_t sent = 0, la = 4097, lb = 70000;
	struct zcopy_segment segs[4] = {
		file_seg(self->a, 100, la), mem_seg(sep, 7),
		file_seg(self->b, 0, lb), mem_seg(sep, 7),
	};
	unsigned char *want = malloc(la + lb + 14);
	struct sink s;

	sink_start(&s, self->rx);
	ASSERT_EQ(0, sendv(self->dev, self->tx, segs, 4, &sent));
	EXPECT_EQ(la + lb + 14, sent);
	shutdown(self->tx, SHUT_WR);
	pthread_join(s.thread, NULL);
	ASSERT_EQ(sent, s.got);
	zc_pattern_fill(want, 100, la);
	memcpy(want + la, sep, 7);
	zc_pattern_fill(want + la + 7, 0, lb);
	memcpy(want + la + 7 + lb, sep, 7);
	EXPECT_EQ(0, memcmp(want, s.buf, sent));
	free(want);
	free(s.buf);
}

TEST_F(vec, unix_stream_too)
{
	static const char hdr[] = "hdr";
	uint64_t sent = 0;
	int sv[2];
	struct zcopy_segment segs[2];
	unsigned char *want = malloc(3 + 8192);
	struct sink s;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	segs[0] = mem_seg(hdr, 3);
	segs[1] = file_seg(self->a, 0, 8192);
	sink_start(&s, sv[1]);
	ASSERT_EQ(0, sendv(self->dev, sv[0], segs, 2, &sent));
	EXPECT_EQ(3 + 8192, sent);
	shutdown(sv[0], SHUT_WR);
	pthread_join(s.thread, NULL);
	memcpy(want, hdr, 3);
	zc_pattern_fill(want + 3, 0, 8192);
	ASSERT_EQ(sent, s.got);
	EXPECT_EQ(0, memcmp(want, s.buf, sent));
	free(want);
	free(s.buf);
}

/*
 * With MSG_MORE between the pieces, header + 1000 file bytes + trailer
 * leave as one TCP segment; without it the header would go out alone.
 */
TEST_F(vec, small_header_does_not_leave_alone)
{
	static const char hdr[] = "H:10\r\n", trl[] = "\r\n";
	struct zcopy_segment segs[3] = {
		mem_seg(hdr, 6), file_seg(self->a, 0, 1000), mem_seg(trl, 2),
	};
	struct tcp_info before, after;
	socklen_t l = sizeof(before);
	uint64_t sent = 0;
	struct sink s;

	sink_start(&s, self->rx);
	ASSERT_EQ(0, getsockopt(self->tx, IPPROTO_TCP, TCP_INFO, &before, &l));
	ASSERT_EQ(0, sendv(self->dev, self->tx, segs, 3, &sent));
	EXPECT_EQ(1008, sent);
	/* Wait (on a loaded machine, a while) for the data to leave. */
	for (int i = 0; i < 100; i++) {
		usleep(50000);
		l = sizeof(after);
		ASSERT_EQ(0, getsockopt(self->tx, IPPROTO_TCP, TCP_INFO, &after, &l));
		if (after.tcpi_segs_out != before.tcpi_segs_out && s.got == 1008)
			break;
	}
	EXPECT_EQ(before.tcpi_segs_out + 1, after.tcpi_segs_out);
	shutdown(self->tx, SHUT_WR);
	pthread_join(s.thread, NULL);
	EXPECT_EQ(1008, s.got);
	free(s.buf);
}

TEST_F(vec, bad_vectors_send_nothing)
{
	static const char hdr[] = "hdr";
	struct zcopy_segment segs[ZCOPY_SENDV_MAX_SEGS + 1];
	long long calls_ok = zc_fd_counter(self->dev, "bytes_by_reference");
	uint64_t sent;
	int u1, u2;

	for (int i = 0; i < ZCOPY_SENDV_MAX_SEGS + 1; i++)
		segs[i] = mem_seg(hdr, 3);
	EXPECT_EQ(-EINVAL, sendv(self->dev, self->tx, segs, 0, &sent));
	EXPECT_EQ(-EINVAL, sendv(self->dev, self->tx, segs, ZCOPY_SENDV_MAX_SEGS + 1, &sent));
	/* A bad segment anywhere: nothing at all is sent. */
	segs[1] = file_seg(self->a, FSIZE, 1);			/* past EOF */
	EXPECT_EQ(-EINVAL, sendv(self->dev, self->tx, segs, 2, &sent));
	segs[1] = file_seg(-1, 0, 1);
	EXPECT_EQ(-EBADF, sendv(self->dev, self->tx, segs, 2, &sent));
	segs[1] = mem_seg(hdr, 0);
	EXPECT_EQ(-EINVAL, sendv(self->dev, self->tx, segs, 2, &sent));
	segs[1] = mem_seg(hdr, ZCOPY_SEG_MEM_MAX + 1);
	EXPECT_EQ(-EINVAL, sendv(self->dev, self->tx, segs, 2, &sent));
	segs[1] = mem_seg(hdr, 3);
	segs[1].fd = 0;
	EXPECT_EQ(-EINVAL, sendv(self->dev, self->tx, segs, 2, &sent));
	segs[1] = mem_seg((void *)16, 3);
	EXPECT_EQ(-EFAULT, sendv(self->dev, self->tx, segs, 2, &sent));
	segs[1] = file_seg(self->a, 0, 10);
	segs[1].type = 7;
	EXPECT_EQ(-EINVAL, sendv(self->dev, self->tx, segs, 2, &sent));
	segs[1] = file_seg(self->a, 0, 10);
	segs[1].reserved[0] = 1;
	EXPECT_EQ(-EINVAL, sendv(self->dev, self->tx, segs, 2, &sent));
	ASSERT_EQ(0, zc_udp_pair(AF_INET, &u1, &u2));
	segs[1] = file_seg(self->a, 0, 10);
	EXPECT_EQ(-EOPNOTSUPP, sendv(self->dev, u1, segs, 2, &sent));
	EXPECT_EQ(-ENOTSOCK, sendv(self->dev, self->a, segs, 2, &sent));
	EXPECT_EQ(0, zc_fd_counter(self->dev, "bytes_copied_user_segments"));
	EXPECT_EQ(calls_ok, zc_fd_counter(self->dev, "bytes_by_reference"));
	/* And the receiver saw nothing. */
	{
		char c;

		shutdown(self->tx, SHUT_WR);
		EXPECT_EQ(0, read(self->rx, &c, 1));
	}
}

TEST_HARNESS_MAIN
