// SPDX-License-Identifier: GPL-2.0
/*
 * A file with pages that cannot be read (tools/vm/run --eio-disk: /eio/f,
 * 2 MiB, whose pages 5 and 300 fail every read with EIO, as bad sectors
 * would).  read(2) is the reference: it returns the bytes before a bad
 * page as a short count, then EIO.  A send must do the same: send those
 * bytes and say how many, then fail with EIO and nothing sent when called
 * at the bad page; never drop the readable part of a batch, never send a
 * byte past the bad page, and leave no page pinned.
 */
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>

#include "lib.h"
#include "kselftest_harness.h"

#define EIO_FILE	"/eio/f"
#define FILE_LEN	(2U << 20)
#define PAGE		4096U

struct collector {
	int rx;
	unsigned char *buf;
	size_t got;
	pthread_t thread;
};

static void *collect_main(void *arg)
{
	struct collector *c = arg;
	ssize_t n;

	while ((n = recv(c->rx, c->buf + c->got, FILE_LEN + 1 - c->got, 0)) > 0)
		c->got += n;
	return NULL;
}

FIXTURE(eio) {
	int dev, fd;
	unsigned char *ref, *got;
};

FIXTURE_VARIANT(eio) {
	enum zc_send_mode mode;
};

FIXTURE_VARIANT_ADD(eio, send) { .mode = ZC_BY_SEND };
FIXTURE_VARIANT_ADD(eio, fanout) { .mode = ZC_BY_FANOUT };
FIXTURE_VARIANT_ADD(eio, sendv) { .mode = ZC_BY_SENDV };

/* Both fixtures: the device, the file, and buffers for a whole file. */
static void open_eio(struct __test_metadata *_metadata, int *dev, int *fd,
		      unsigned char **ref, unsigned char **got)
{
	*ref = malloc(FILE_LEN + 1);
	*got = malloc(FILE_LEN + 1);
	ASSERT_NE(NULL, *ref);
	ASSERT_NE(NULL, *got);
	*dev = open(ZC_DEV, O_RDWR);
	ASSERT_LE(0, *dev);
	*fd = open(EIO_FILE, O_RDONLY | O_CLOEXEC);
	if (*fd < 0 && !zc_required("ZC_REQUIRE_EIO_DISK"))
		SKIP(return, "no %s (tools/vm/run --eio-disk)", EIO_FILE);
	ASSERT_LE(0, *fd) TH_LOG("%s: %s", EIO_FILE, strerror(errno));
}

static void close_eio(struct __test_metadata *_metadata, int dev, int fd,
			 unsigned char *ref, unsigned char *got)
{
	if (dev >= 0) {
		EXPECT_EQ(0, zc_fd_counter(dev, "pages_pinned"));
		close(dev);
	}
	if (fd >= 0)
		close(fd);
	free(ref);
	free(got);
}

FIXTURE_SETUP(eio)
{
	open_eio(_metadata, &self->dev, &self->fd, &self->ref, &self->got);
}

FIXTURE_TEARDOWN(eio)
{
	close_eio(_metadata, self->dev, self->fd, self->ref, self->got);
}

/* Evict the file's pages, the good ones and the failed ones. */
static int evict(int fd)
{
	return posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
}

/*
 * read(2) from @off in 1 MiB reads until it fails: the bytes into @buf,
 * their count returned, the error in *@err.
 */
static size_t read_until_error(int fd, uint64_t off, unsigned char *buf, int *err)
{
	size_t got = 0;
	ssize_t n;

	*err = 0;
	while (off + got < FILE_LEN) {
		n = pread(fd, buf + got, 1U << 20, off + got);
		if (n < 0) {
			*err = errno;
			break;
		}
		if (!n)
			break;
		got += n;
	}
	return got;
}

/*
 * Calls of @mode's ioctl (ZCOPY_IOC_SEND with @flags when @flags) for
 * [@off, end of file) to a UNIX stream pair, each from where the last one
 * stopped, as a caller does, until one fails (or the range is sent): the
 * bytes sent in *@total, the first call's in *@first, what arrived in
 * @got and its count in *@arrived.  Returns the last call's 0 or -errno.
 */
static int send_collect(int dev, int fd, enum zc_send_mode mode, __u32 flags,
			uint64_t off, unsigned char *got, uint64_t *first,
			uint64_t *total, size_t *arrived)
{
	struct collector c = { .buf = got };
	int sv[2], ret, calls = 0;
	uint64_t sent;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return -errno;
	c.rx = sv[1];
	if (pthread_create(&c.thread, NULL, collect_main, &c)) {
		close(sv[0]);
		close(sv[1]);
		return -EAGAIN;
	}
	*first = *total = 0;
	for (;;) {
		uint64_t at = off + *total;
		struct pollfd p = { .fd = sv[0], .events = POLLOUT };

		sent = 0;
		if (flags)
			ret = zc_send(dev, fd, sv[0], at, FILE_LEN - at, flags, &sent);
		else
			ret = zc_send_by(dev, fd, sv[0], mode, at, FILE_LEN - at, 0, &sent);
		if (!calls++)
			*first = sent;
		/* FANOUT's full socket: wait for room, as its caller must. */
		if (ret == -EAGAIN && mode == ZC_BY_FANOUT && !flags && calls < 10000) {
			poll(&p, 1, 1000);
			continue;
		}
		if (ret)
			break;
		*total += sent;
		if (!sent || off + *total >= FILE_LEN || calls >= 10000)
			break;
	}
	shutdown(sv[0], SHUT_WR);
	pthread_join(c.thread, NULL);
	*arrived = c.got;
	close(sv[0]);
	close(sv[1]);
	return ret;
}

/*
 * From the start of the file (bad page 5, in the first batch) and from
 * page 6 (bad page 300, in the second batch of 256 pages): the calls send
 * read(2)'s bytes, as many as read(2) returns before its EIO, and then
 * fail with EIO, sending nothing more.  SEND and SENDV to a blocking
 * socket do it in one call, as read(2) returns them in one short count;
 * FANOUT returns when its socket is full, and is called again.  Each
 * starts with nothing cached, so that the calls read the pages.
 */
TEST_F_TIMEOUT(eio, stops_where_read_stops, 120)
{
	static const uint64_t starts[] = { 0, 6 * PAGE };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(starts); i++) {
		uint64_t off = starts[i], first, total;
		size_t want, arrived;
		int err, ret;

		ASSERT_EQ(0, evict(self->fd));
		want = read_until_error(self->fd, off, self->ref, &err);
		/* The disk is what it says: the reference stops at a bad page. */
		ASSERT_EQ(EIO, err);
		ASSERT_LT(0, want);
		ASSERT_EQ(0, want % PAGE);

		ASSERT_EQ(0, evict(self->fd));
		ret = send_collect(self->dev, self->fd, variant->mode, 0, off, self->got,
				   &first, &total, &arrived);
		EXPECT_EQ(-EIO, ret) TH_LOG("from %llu: %s after %llu bytes (read(2): %zu)",
					    (unsigned long long)off, strerror(-ret),
					    (unsigned long long)total, want);
		EXPECT_EQ(want, total);
		if (variant->mode != ZC_BY_FANOUT)
			EXPECT_EQ(want, first);
		ASSERT_EQ(total, arrived);
		EXPECT_EQ(0, memcmp(self->got, self->ref, arrived));
	}
}

/*
 * ZCOPY_SEND_NODISKIO never waits for the disk, as preadv2(RWF_NOWAIT)
 * does not: a page whose read failed is not cached, and such a call says
 * EAGAIN there until a call without the flag reads it again.  Before and
 * after a plain call has read the good pages, a no-disk-I/O call sends
 * the file's bytes and never a byte at or past the bad page; once they
 * are cached it sends exactly them, and at the bad page says EAGAIN.
 */
FIXTURE(eio_nodiskio) {
	int dev, fd;
	unsigned char *ref, *got;
};

FIXTURE_SETUP(eio_nodiskio)
{
	open_eio(_metadata, &self->dev, &self->fd, &self->ref, &self->got);
}

FIXTURE_TEARDOWN(eio_nodiskio)
{
	close_eio(_metadata, self->dev, self->fd, self->ref, self->got);
}

TEST_F_TIMEOUT(eio_nodiskio, never_sends_past_a_bad_page, 120)
{
	uint64_t first, total;
	size_t want, arrived;
	int err, ret, i;

	ASSERT_EQ(0, evict(self->fd));
	want = read_until_error(self->fd, 0, self->ref, &err);
	ASSERT_EQ(EIO, err);
	ASSERT_EQ(0, evict(self->fd));
	/* Nothing cached: EAGAIN (the readahead it starts fails), or a part
	 * of the good pages if that read them; never more. */
	for (i = 0; i < 10; i++) {
		ret = send_collect(self->dev, self->fd, ZC_BY_SEND, ZCOPY_SEND_NODISKIO, 0,
				   self->got, &first, &total, &arrived);
		ASSERT_EQ(-EAGAIN, ret) TH_LOG("%s", strerror(-ret));
		ASSERT_EQ(total, arrived);
		ASSERT_GE(want, arrived);
		ASSERT_EQ(0, memcmp(self->got, self->ref, arrived));
		usleep(20000);
	}
	/* A call without the flag reads the good pages, and fails at the bad. */
	ret = send_collect(self->dev, self->fd, ZC_BY_SEND, 0, 0, self->got, &first,
			   &total, &arrived);
	ASSERT_EQ(-EIO, ret);
	ASSERT_EQ(want, total);

	/* The good pages are cached: sent whole, in one call, and no further. */
	ret = send_collect(self->dev, self->fd, ZC_BY_SEND, ZCOPY_SEND_NODISKIO, 0,
			   self->got, &first, &total, &arrived);
	EXPECT_EQ(-EAGAIN, ret);
	EXPECT_EQ(want, first);
	EXPECT_EQ(want, total);
	ASSERT_EQ(total, arrived);
	EXPECT_EQ(0, memcmp(self->got, self->ref, arrived));
}

TEST_HARNESS_MAIN
