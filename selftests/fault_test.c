// SPDX-License-Identifier: GPL-2.0
/*
 * Sends under fault injection: with failslab and fail_page_alloc failing
 * a tenth of this thread's allocations, every ZCOPY_IOC_SEND either
 * queues bytes (and the receiver gets exactly them, in order) or fails
 * with an errno uapi/linux/zcopy.h documents, having queued nothing.
 * Afterwards no page is pinned.  Needs CONFIG_FAILSLAB, CONFIG_FAIL_PAGE_ALLOC
 * and CONFIG_FAULT_INJECTION_DEBUG_FS (the debug kernel); elsewhere it is
 * skipped with that reason, unless ZC_REQUIRE_FAULT_INJECTION=1 makes the
 * absence a failure.  A second test fails each allocation of a call in
 * turn and checks that a socket's pending error is never lost.
 */
#include <errno.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib.h"
#include "kselftest_harness.h"

#define DBG		"/sys/kernel/debug/"
#define FILE_SIZE	(16u << 20)
/*
 * More pages than a batch keeps inline (ZC_BATCH_INLINE, 8): a shorter
 * SEND allocates nothing of zcopy's, and failslab would have nothing of
 * ours to fail (0 of 400 32 KiB calls failed once the batch went inline).
 */
#define CHUNK		(64u << 10)
#define CALLS		400

static int put(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY), ok;

	if (fd < 0)
		return -1;
	ok = write(fd, val, strlen(val)) == (ssize_t)strlen(val);
	close(fd);
	return ok ? 0 : -1;
}

/* Arm (or disarm) one fault-injection point for tasks that opt in. */
static int fault_point(const char *dir, int on)
{
	char p[128];
	static const char *const on_set[][2] = {
		{ "task-filter", "Y" }, { "probability", "10" }, { "interval", "1" },
		{ "times", "-1" }, { "space", "0" }, { "verbose", "0" },
		{ "ignore-gfp-wait", "N" },
	};

	if (!on) {
		snprintf(p, sizeof(p), DBG "%s/probability", dir);
		return put(p, "0");
	}
	for (size_t i = 0; i < sizeof(on_set) / sizeof(on_set[0]); i++) {
		snprintf(p, sizeof(p), DBG "%s/%s", dir, on_set[i][0]);
		if (put(p, on_set[i][1]))
			return -1;
	}
	if (!strcmp(dir, "fail_page_alloc")) {
		if (put(DBG "fail_page_alloc/ignore-gfp-highmem", "N") ||
		    put(DBG "fail_page_alloc/min-order", "0"))
			return -1;
	}
	return 0;
}

/*
 * Only this thread fails: the reader thread must see every byte.  The
 * file stays open, because opening it again while failing would itself
 * fail; writing it allocates nothing, but is retried all the same.
 */
static int make_me_fail(int on)
{
	static int fd = -1;

	if (fd < 0)
		fd = open("/proc/thread-self/make-it-fail", O_WRONLY | O_CLOEXEC);
	for (int i = 0; fd >= 0 && i < 100; i++)
		if (pwrite(fd, on ? "1" : "0", 1, 0) == 1)
			return 0;
	return -1;
}

/*
 * Skip where the kernel lacks fault injection (@missing), unless
 * ZC_REQUIRE_FAULT_INJECTION=1 makes that a failure.
 */
#define REQUIRE_FAULT_INJECTION(missing, why) do {				\
	if (missing) {								\
		const char *req = getenv("ZC_REQUIRE_FAULT_INJECTION");	\
										\
		ASSERT_FALSE(req && !strcmp(req, "1"))				\
			TH_LOG("fault injection is required here but missing");	\
		SKIP(return, why);						\
	}									\
} while (0)

static int documented(int err)
{
	static const int ok[] = { ENOMEM, EAGAIN, EINTR, EIO, ENOBUFS, EFAULT,
				  EPIPE, ECONNRESET };

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (ok[i] == err)
			return 1;
	return 0;
}

FIXTURE(fault) {
	int dev, file, tx, rx;
	char path[64];
};

FIXTURE_VARIANT(fault) {
	enum zc_send_mode mode;
};

FIXTURE_VARIANT_ADD(fault, send) { .mode = ZC_BY_SEND };
FIXTURE_VARIANT_ADD(fault, send_notify) { .mode = ZC_BY_SEND_NOTIFY };
FIXTURE_VARIANT_ADD(fault, fanout) { .mode = ZC_BY_FANOUT };
FIXTURE_VARIANT_ADD(fault, sendv) { .mode = ZC_BY_SENDV };


FIXTURE_SETUP(fault)
{
	struct timeval tv = { .tv_sec = 2 };

	REQUIRE_FAULT_INJECTION(access(DBG "failslab/probability", W_OK) ||
				access(DBG "fail_page_alloc/probability", W_OK) ||
				access("/proc/thread-self/make-it-fail", W_OK),
				"kernel without failslab/fail_page_alloc debugfs");
	self->dev = open(ZC_DEV, O_RDWR);
	ASSERT_LE(0, self->dev);
	snprintf(self->path, sizeof(self->path), ZC_SCRATCH "/fault.%d", getpid());
	self->file = zc_make_file(self->path, FILE_SIZE);
	ASSERT_LE(0, self->file);
	ASSERT_EQ(0, zc_tcp_pair(AF_INET, &self->tx, &self->rx));
	/* A send stuck waiting for memory ends with EAGAIN, not a hang. */
	ASSERT_EQ(0, setsockopt(self->tx, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)));
}

FIXTURE_TEARDOWN(fault)
{
	make_me_fail(0);
	fault_point("failslab", 0);
	fault_point("fail_page_alloc", 0);
	if (self->path[0])
		unlink(self->path);
}

TEST_F_TIMEOUT(fault, send_under_failing_allocations, 900)
{
	struct zc_reader r = { 0 };
	uint64_t off = 0, sent;
	int ok = 0, failed = 0, undocumented = 0, err;

	ASSERT_EQ(0, zc_reader_start(&r, self->rx, 0));
	ASSERT_EQ(0, fault_point("failslab", 1));
	ASSERT_EQ(0, fault_point("fail_page_alloc", 1));
	for (int i = 0; i < CALLS && off < FILE_SIZE; i++) {
		uint64_t len = FILE_SIZE - off < CHUNK ? FILE_SIZE - off : CHUNK;

		sent = 0;
		ASSERT_EQ(0, make_me_fail(1));
		err = zc_send_by(self->dev, self->file, self->tx, variant->mode,
				off, len, i + 1, &sent);
		ASSERT_EQ(0, make_me_fail(0));
		if (!err) {
			ASSERT_LT(0, sent);
			ASSERT_GE(len, sent);
			off += sent;
			ok++;
			continue;
		}
		failed++;
		if (!documented(-err) && undocumented++ < 5)
			TH_LOG("call %d: undocumented errno %d (%s)", i, -err, strerror(-err));
	}
	ASSERT_EQ(0, fault_point("failslab", 0));
	ASSERT_EQ(0, fault_point("fail_page_alloc", 0));
	shutdown(self->tx, SHUT_WR);
	zc_reader_join(&r);
	close(self->tx);
	close(self->rx);

	TH_LOG("%d calls queued %llu bytes, %d failed", ok,
	       (unsigned long long)off, failed);
	EXPECT_EQ(0, undocumented);
	/* The injection really reached the send path, and sends got through. */
	EXPECT_LT(0, failed);
	EXPECT_LT(0, ok);
	/* The receiver got exactly what the calls claimed, byte for byte. */
	EXPECT_EQ(off, r.got);
	EXPECT_EQ(-1, r.first_bad);
	EXPECT_EQ(0, zc_fd_counter(self->dev, "pages_pinned"));
	EXPECT_EQ(0, zc_counter("pages_pinned"));
	if (variant->mode == ZC_BY_SEND_NOTIFY) {
		/* Exactly one record per call that succeeded. */
		struct zcopy_notification rec[64];
		long records = 0;
		ssize_t n;

		ASSERT_EQ(0, fcntl(self->dev, F_SETFL, O_NONBLOCK));
		for (int tries = 0; tries < 100 && records < ok; ) {
			n = read(self->dev, rec, sizeof(rec));
			if (n > 0) {
				for (size_t k = 0; k < n / sizeof(rec[0]); k++)
					EXPECT_EQ(0, rec[k].flags & ZCOPY_NOTIFY_OVERFLOW);
				records += n / sizeof(rec[0]);
				continue;
			}
			tries++;
			usleep(100000);
		}
		EXPECT_EQ(ok, records);
	}
}

/*
 * A socket's pending error is reported once, whatever allocation fails.
 * A call that classifies a socket consumes its pending error (as
 * sendfile(2) does) and must then hand it to the caller; failing with
 * ENOMEM after that loses it: the caller sees neither the error nor, on
 * its next call or getsockopt(SO_ERROR), the socket's.  Each round breaks
 * a fresh connection with the peer's reset and makes the call with its
 * Nth fault-injection point failing (/proc/thread-self/fail-nth), N = 1,
 * 2, ... until a call gets through without reaching the Nth: then every
 * allocation of the call has been failed once.  A notifying fan-out to
 * the reset socket and a healthy one lost the reset this way until
 * session 16 (its completion records were allocated after the targets
 * were classified).
 */
#define ONCE_LEN	(64u << 10)	/* more than a batch keeps inline */
#define ONCE_ROUNDS	200

FIXTURE(once) {
	int file;
	char path[64];
};

FIXTURE_VARIANT(once) {
	enum zc_send_mode mode;	/* ZC_BY_FANOUT here: notifying, two targets */
};

FIXTURE_VARIANT_ADD(once, send) { .mode = ZC_BY_SEND };
FIXTURE_VARIANT_ADD(once, send_notify) { .mode = ZC_BY_SEND_NOTIFY };
FIXTURE_VARIANT_ADD(once, fanout_notify) { .mode = ZC_BY_FANOUT };
FIXTURE_VARIANT_ADD(once, sendv) { .mode = ZC_BY_SENDV };

FIXTURE_SETUP(once)
{
	REQUIRE_FAULT_INJECTION(access(DBG "failslab/ignore-gfp-wait", W_OK) ||
				access(DBG "fail_page_alloc/ignore-gfp-wait", W_OK) ||
				access("/proc/thread-self/fail-nth", W_OK),
				"kernel without fail-nth or failslab/fail_page_alloc debugfs");
	/* Only fail-nth injects: no random failures, no stack traces. */
	ASSERT_EQ(0, put(DBG "failslab/probability", "0"));
	ASSERT_EQ(0, put(DBG "fail_page_alloc/probability", "0"));
	ASSERT_EQ(0, put(DBG "failslab/verbose", "0"));
	ASSERT_EQ(0, put(DBG "fail_page_alloc/verbose", "0"));
	/* GFP_KERNEL allocations, which are zcopy's, are failed too. */
	ASSERT_EQ(0, put(DBG "failslab/ignore-gfp-wait", "N"));
	ASSERT_EQ(0, put(DBG "fail_page_alloc/ignore-gfp-wait", "N"));
	snprintf(self->path, sizeof(self->path), ZC_SCRATCH "/once.%d", getpid());
	self->file = zc_make_file(self->path, ONCE_LEN);
	ASSERT_LE(0, self->file);
}

FIXTURE_TEARDOWN(once)
{
	if (self->path[0])
		unlink(self->path);
}

/* Fail this thread's @n-th fault-injection point from now on (0: none). */
static int fail_nth(int fd, int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%d", n);

	return pwrite(fd, buf, len, 0) == len ? 0 : -1;
}

/* 0 if the armed fault was injected, > 0 if the call never reached it. */
static int fail_nth_left(int fd)
{
	char buf[16] = "";

	if (pread(fd, buf, sizeof(buf) - 1, 0) <= 0)
		return -1;
	return atoi(buf);
}

struct once_call {
	int err;		/* the call's -errno, or 0 */
	int reported;		/* ECONNRESET reached the caller */
	uint64_t sent;		/* bytes claimed for the reset socket */
	uint64_t good;		/* bytes claimed for the healthy one (fan-out) */
};

static void once_call(int dev, int file, int reset, int good,
		      enum zc_send_mode mode, struct once_call *c)
{
	struct zcopy_target t[2] = { { .sock_fd = reset }, { .sock_fd = good } };
	struct zcopy_fanout f = {
		.size = sizeof(f), .flags = ZCOPY_SEND_NOTIFY, .file_fd = file,
		.nr_targets = 2, .length = ONCE_LEN, .targets = (uintptr_t)t,
		.cookie = 1,
	};

	memset(c, 0, sizeof(*c));
	if (mode != ZC_BY_FANOUT) {
		c->err = zc_send_by(dev, file, reset, mode, 0, ONCE_LEN, 1, &c->sent);
		c->reported = c->err == -ECONNRESET;
		return;
	}
	c->err = ioctl(dev, ZCOPY_IOC_FANOUT, &f) ? -errno : 0;
	if (!c->err) {
		c->reported = t[0].error == ECONNRESET;
		c->sent = t[0].bytes_sent;
		c->good = t[1].bytes_sent;
	}
}

/* The healthy target's peer has exactly @len bytes, the file's first. */
static int got_exactly(int rx, uint64_t len)
{
	static unsigned char buf[ONCE_LEN + 1];
	ssize_t n = len ? recv(rx, buf, len, MSG_WAITALL) : 0;

	if (n != (ssize_t)len)
		return 0;
	for (uint64_t i = 0; i < len; i++)
		if (buf[i] != zc_pattern(i))
			return 0;
	return recv(rx, buf, 1, MSG_DONTWAIT) < 0 && errno == EAGAIN;
}

TEST_F_TIMEOUT(once, pending_error_reported_once, 600)
{
	struct linger l = { .l_onoff = 1, .l_linger = 0 };
	int nth = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	int n, left = 0, injected = 0;

	ASSERT_LE(0, nth);
	for (n = 1; n <= ONCE_ROUNDS && !left; n++) {
		struct pollfd p = { .events = POLLHUP };
		int dev, tx, rx, gtx = -1, grx = -1, so_err = 0;
		socklen_t len = sizeof(so_err);
		struct once_call c;

		/* A fresh device: no completion record of an earlier round. */
		dev = open(ZC_DEV, O_RDWR | O_CLOEXEC);
		ASSERT_LE(0, dev);
		ASSERT_EQ(0, zc_tcp_pair(AF_INET, &tx, &rx));
		ASSERT_EQ(0, setsockopt(rx, SOL_SOCKET, SO_LINGER, &l, sizeof(l)));
		ASSERT_EQ(0, close(rx));
		p.fd = tx;
		ASSERT_EQ(1, poll(&p, 1, 10000));
		if (variant->mode == ZC_BY_FANOUT)
			ASSERT_EQ(0, zc_tcp_pair(AF_INET, &gtx, &grx));

		ASSERT_EQ(0, fail_nth(nth, n));
		once_call(dev, self->file, tx, gtx, variant->mode, &c);
		left = fail_nth_left(nth);
		ASSERT_EQ(0, fail_nth(nth, 0));
		ASSERT_LE(0, left);
		injected += !left;

		ASSERT_EQ(0, getsockopt(tx, SOL_SOCKET, SO_ERROR, &so_err, &len));
		/* Either the call said ECONNRESET or the socket still holds it. */
		EXPECT_EQ(1, c.reported + (so_err == ECONNRESET))
			TH_LOG("fault %d: call %d (%s), reported %d, SO_ERROR %d",
			       n, c.err, strerror(-c.err), c.reported, so_err);
		EXPECT_EQ(0, c.sent);
		if (!c.reported)
			EXPECT_TRUE(c.err == -ENOMEM || c.err == -EFAULT)
				TH_LOG("fault %d: call %d (%s)", n, c.err, strerror(-c.err));
		if (gtx >= 0) {
			EXPECT_TRUE(got_exactly(grx, c.good))
				TH_LOG("fault %d: the healthy target's bytes", n);
			close(gtx);
			close(grx);
		}
		close(tx);
		close(dev);
	}
	close(nth);
	TH_LOG("%d of %d calls had a fault injected", injected, n - 1);
	/* The last call ran clean: every injection point was failed once. */
	EXPECT_LT(0, left);
	/*
	 * A fan-out allocates before it classifies (its targets' state, their
	 * records); SEND and SENDV may refuse the reset socket allocating
	 * nothing, and then have no fault to take.
	 */
	if (variant->mode == ZC_BY_FANOUT)
		EXPECT_LT(2, injected);
	EXPECT_EQ(0, zc_counter("pages_pinned"));
}

TEST_HARNESS_MAIN
