// SPDX-License-Identifier: GPL-2.0
/*
 * ZCOPY_SEND_NOTIFY: exactly one record per notifying call, with its
 * cookie and byte count, in completion order (not asserted: see uapi); none
 * for calls that did not ask; overflow reported with exact counts; rmmod
 * refused and close safe while notifications are outstanding; poll and
 * read semantics.  Every data path checks the bytes received.  No timing
 * is asserted: waits are for events or counters, however long they take.
 */
#include <fcntl.h>
#include <linux/sockios.h>
#include <poll.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "lib.h"
#include "kselftest_harness.h"

#define PAGE		4096ULL
#define CALLS		10000
#define OVERFLOW_EXTRA	100
#define REC		sizeof(struct zcopy_notification)

/* Wait, however long it takes, until no notifying call is outstanding. */
static void zc_wait_no_pending(void)
{
	while (zc_counter("notify_pending") > 0)
		usleep(10000);
}

/* Blocking read of exactly one record; 0 or -errno. */
static int zc_read_one(int dev, struct zcopy_notification *rec)
{
	ssize_t n;

	do {
		n = read(dev, rec, sizeof(*rec));
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == sizeof(*rec) ? 0 : -EIO;
}

FIXTURE(notify) {
	int dev;
	int fd;
	int tx, rx;
	char path[64];
	uint64_t size;
};

FIXTURE_SETUP(notify)
{
	if (!(zc_features() & ZCOPY_FEATURE_NOTIFY))
		SKIP(return, "module without ZCOPY_FEATURE_NOTIFY");
	self->dev = open(ZC_DEV, O_RDWR);
	ASSERT_LE(0, self->dev);
	self->size = CALLS * PAGE;
	snprintf(self->path, sizeof(self->path), ZC_SCRATCH "/notify.%d", getpid());
	self->fd = zc_make_file(self->path, self->size);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, zc_tcp_pair(AF_INET, &self->tx, &self->rx));
}

FIXTURE_TEARDOWN(notify)
{
	if (self->dev >= 0)
		close(self->dev);
	close(self->tx);
	close(self->rx);
	close(self->fd);
	unlink(self->path);
	zc_wait_no_pending();
	EXPECT_EQ(0, zc_counter("pages_pinned"));
}

TEST_F(notify, arguments)
{
	struct zcopy_target t = { .sock_fd = self->tx };
	struct zcopy_notification rec;
	struct zcopy_fanout f;
	char small[REC - 1];
	int utx, urx;

	/* A cookie is only meaningful with ZCOPY_SEND_NOTIFY. */
	EXPECT_EQ(-EINVAL, zc_send_cookie(self->dev, self->fd, self->tx, 0, PAGE,
					  0, 7, NULL));
	/* TCP only. */
	ASSERT_EQ(0, zc_udp_pair(AF_INET, &utx, &urx));
	EXPECT_EQ(-EOPNOTSUPP, zc_send_cookie(self->dev, self->fd, utx, 0, PAGE,
					      ZCOPY_SEND_NOTIFY, 7, NULL));
	close(utx);
	close(urx);
	/* Nor for a fan-out. */
	memset(&f, 0, sizeof(f));
	f.size = sizeof(f);
	f.cookie = 7;
	f.file_fd = self->fd;
	f.nr_targets = 1;
	f.length = PAGE;
	f.targets = (uintptr_t)&t;
	EXPECT_EQ(-1, ioctl(self->dev, ZCOPY_IOC_FANOUT, &f));
	EXPECT_EQ(EINVAL, errno);
	/* Reads: whole records only; none ready is EAGAIN when non-blocking. */
	EXPECT_EQ(-1, read(self->dev, small, sizeof(small)));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, fcntl(self->dev, F_SETFL, O_NONBLOCK));
	EXPECT_EQ(-1, read(self->dev, &rec, sizeof(rec)));
	EXPECT_EQ(EAGAIN, errno);
	/* No failed call left anything behind. */
	zc_wait_no_pending();
}

TEST_F(notify, poll_and_read)
{
	struct zcopy_notification rec[4];
	struct pollfd p = { .fd = self->dev, .events = POLLIN };
	struct zc_reader r = { 0 };
	uint64_t sent = 0;
	int i;

	ASSERT_EQ(0, zc_reader_start(&r, self->rx, 0));
	EXPECT_EQ(0, poll(&p, 1, 0));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, zc_send_cookie(self->dev, self->fd, self->tx, i * PAGE,
					    PAGE, ZCOPY_SEND_NOTIFY, 100 + i, &sent));
		ASSERT_EQ(PAGE, sent);
	}
	ASSERT_EQ(0, shutdown(self->tx, SHUT_WR));
	zc_reader_join(&r);
	EXPECT_EQ(3 * PAGE, r.got);
	EXPECT_EQ(-1, r.first_bad);
	/* Blocks until the first record is there. */
	ASSERT_EQ(1, poll(&p, 1, -1));
	EXPECT_EQ(POLLIN, p.revents & (POLLIN | POLLOUT | POLLERR));
	zc_wait_no_pending();
	/* One read takes every record that fits. */
	ASSERT_EQ(3 * REC, read(self->dev, rec, sizeof(rec)));
	/* The three cookies, each once, in any order. */
	EXPECT_EQ(100 + 101 + 102, rec[0].cookie + rec[1].cookie + rec[2].cookie);
	EXPECT_EQ(100 * 100 + 101 * 101 + 102 * 102, rec[0].cookie * rec[0].cookie +
		  rec[1].cookie * rec[1].cookie + rec[2].cookie * rec[2].cookie);
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(PAGE, rec[i].bytes);
		EXPECT_EQ(0, rec[i].dropped);
		EXPECT_EQ(0, rec[i].flags & ZCOPY_NOTIFY_OVERFLOW);
	}
	EXPECT_EQ(0, poll(&p, 1, 0));
}

/* What a stream of records from calls 0..CALLS-1 showed so far. */
struct seen {
	unsigned char once[CALLS];
	uint64_t recs, at_delivery, out_of_order;
	int64_t highest;
};

/*
 * A record of a one-page call that asked (@ask(cookie)), seen once.  The
 * order is only counted: calls on one socket usually complete in the
 * order they were made, but that is not guaranteed (see the uapi).
 */
static void seen_record(struct __test_metadata *_metadata, struct seen *s,
			const struct zcopy_notification *rec, int (*ask)(uint64_t))
{
	ASSERT_EQ(0, rec->flags & ZCOPY_NOTIFY_OVERFLOW);
	ASSERT_GT(CALLS, rec->cookie);
	ASSERT_TRUE(ask(rec->cookie)) TH_LOG("record for call %llu, which did not ask",
					     (unsigned long long)rec->cookie);
	ASSERT_EQ(0, s->once[rec->cookie]) TH_LOG("second record for %llu",
						  (unsigned long long)rec->cookie);
	ASSERT_EQ(PAGE, rec->bytes);
	ASSERT_EQ(0, rec->dropped);
	s->once[rec->cookie] = 1;
	s->recs++;
	s->at_delivery += !!(rec->flags & ZCOPY_NOTIFY_COPIED_AT_DELIVERY);
	if ((int64_t)rec->cookie < s->highest)
		s->out_of_order++;
	else
		s->highest = rec->cookie;
}

static int every_call(uint64_t i)
{
	return 1;
}

/* In the long run every fifth call does not ask for a record. */
static int four_in_five(uint64_t i)
{
	return i % 5 != 4;
}

/*
 * CALLS calls of one page each (a tenth of that on a debug kernel); every
 * fifth does not ask.  Records are read as they come, while a reader
 * thread checks the bytes.
 */
TEST_F_TIMEOUT(notify, many_calls_one_record_each, 1800)
{
	const int calls = zc_debug_kernel() ? CALLS / 10 : CALLS;
	long long copied0 = zc_counter("notify_bytes_copied_at_delivery");
	long long queued0 = zc_counter("notify_queued");
	struct zcopy_notification rec[64];
	struct zc_reader r = { 0 };
	struct seen *s = calloc(1, sizeof(*s));
	uint64_t sent, asked = 0;
	ssize_t n;
	int i, k;

	ASSERT_NE(NULL, s);
	s->highest = -1;
	ASSERT_EQ(0, zc_reader_start(&r, self->rx, 0));
	ASSERT_EQ(0, fcntl(self->dev, F_SETFL, O_NONBLOCK));
	TH_LOG("%d calls", calls);
	for (i = 0; i < calls; i++) {
		int ask = four_in_five(i);

		ASSERT_EQ(0, zc_send_cookie(self->dev, self->fd, self->tx, i * PAGE,
					    PAGE, ask ? ZCOPY_SEND_NOTIFY : 0,
					    ask ? (__u64)i : 0, &sent));
		ASSERT_EQ(PAGE, sent);
		asked += ask;
		/* Drain what is ready, so that the queue never overflows. */
		while ((n = read(self->dev, rec, sizeof(rec))) > 0)
			for (k = 0; k < n / (ssize_t)REC; k++)
				seen_record(_metadata, s, &rec[k], four_in_five);
		ASSERT_EQ(EAGAIN, errno);
	}
	ASSERT_EQ(0, shutdown(self->tx, SHUT_WR));
	zc_reader_join(&r);
	EXPECT_EQ(calls * PAGE, r.got);
	EXPECT_EQ(-1, r.first_bad);
	ASSERT_EQ(0, fcntl(self->dev, F_SETFL, 0));
	while (s->recs < asked) {
		ASSERT_EQ(0, zc_read_one(self->dev, rec));
		seen_record(_metadata, s, rec, four_in_five);
	}
	/* Exactly one each: nothing more comes. */
	zc_wait_no_pending();
	ASSERT_EQ(0, fcntl(self->dev, F_SETFL, O_NONBLOCK));
	EXPECT_EQ(-1, read(self->dev, rec, sizeof(rec)));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(asked, zc_counter("notify_queued") - queued0);
	TH_LOG("%llu records, %llu out of call order, %llu copied at delivery (loopback), %lld bytes copied",
	       (unsigned long long)asked, (unsigned long long)s->out_of_order,
	       (unsigned long long)s->at_delivery,
	       zc_counter("notify_bytes_copied_at_delivery") - copied0);
	free(s);
}

/*
 * QUEUE_MAX + OVERFLOW_EXTRA notifying calls, no record read until all
 * are complete: QUEUE_MAX records, then one overflow record
 * counting the rest.
 */
TEST_F_TIMEOUT(notify, overflow_is_reported, 900)
{
	const int calls = ZCOPY_NOTIFY_QUEUE_MAX + OVERFLOW_EXTRA;
	long long dropped0 = zc_counter("notify_dropped_overflow");
	struct seen *s = calloc(1, sizeof(*s));
	struct zcopy_notification rec;
	struct pollfd p = { .fd = self->dev, .events = POLLIN };
	struct zc_reader r = { 0 };
	uint64_t sent = 0;
	int i;

	ASSERT_EQ(0, zc_reader_start(&r, self->rx, 0));
	for (i = 0; i < calls; i++) {
		ASSERT_EQ(0, zc_send_cookie(self->dev, self->fd, self->tx, i * PAGE,
					    PAGE, ZCOPY_SEND_NOTIFY, i, &sent));
		ASSERT_EQ(PAGE, sent);
	}
	ASSERT_EQ(0, shutdown(self->tx, SHUT_WR));
	zc_reader_join(&r);
	EXPECT_EQ(calls * PAGE, r.got);
	EXPECT_EQ(-1, r.first_bad);
	zc_wait_no_pending();
	EXPECT_EQ(OVERFLOW_EXTRA, zc_counter("notify_dropped_overflow") - dropped0);
	ASSERT_NE(NULL, s);
	s->highest = -1;
	for (i = 0; i < ZCOPY_NOTIFY_QUEUE_MAX; i++) {
		ASSERT_EQ(0, zc_read_one(self->dev, &rec));
		seen_record(_metadata, s, &rec, every_call);
	}
	free(s);
	ASSERT_EQ(0, zc_read_one(self->dev, &rec));
	EXPECT_EQ(ZCOPY_NOTIFY_OVERFLOW, rec.flags);
	EXPECT_EQ(OVERFLOW_EXTRA, rec.dropped);
	EXPECT_EQ(0, rec.cookie);
	EXPECT_EQ(0, rec.bytes);
	EXPECT_EQ(0, poll(&p, 1, 0));
}

/*
 * A receiver that does not read keeps part of a notifying call in the
 * sender's queue.  Closing /dev/zcopy then is safe; the module stays
 * loaded until the call completes; its record is dropped and counted.
 */
TEST_F_TIMEOUT(notify, close_pending_and_rmmod_refused, 900)
{
	long long closed0 = zc_counter("notify_dropped_closed");
	const uint64_t len = 32ULL << 20;
	struct zc_reader r = { 0 };
	uint64_t sent = 0;
	long ret;

	ASSERT_EQ(0, fcntl(self->tx, F_SETFL, O_NONBLOCK));
	ASSERT_EQ(0, zc_send_cookie(self->dev, self->fd, self->tx, 0, len,
				    ZCOPY_SEND_NOTIFY, 42, &sent));
	ASSERT_LT(0, sent);
	ASSERT_GT(len, sent);
	ASSERT_EQ(1, zc_counter("notify_pending"));
	/* The only /dev/zcopy reference goes: the call's must remain. */
	close(self->dev);
	self->dev = -1;
	ret = syscall(SYS_delete_module, "zcopy", O_NONBLOCK);
	ASSERT_EQ(-1, ret);
	EXPECT_TRUE(errno == EWOULDBLOCK || errno == EBUSY);
	EXPECT_EQ(1, zc_counter("notify_pending"));
	/* Release the data and reap: the record goes nowhere, counted. */
	ASSERT_EQ(0, zc_reader_start(&r, self->rx, 0));
	ASSERT_EQ(0, shutdown(self->tx, SHUT_WR));
	zc_reader_join(&r);
	EXPECT_EQ(sent, r.got);
	EXPECT_EQ(-1, r.first_bad);
	zc_wait_no_pending();
	EXPECT_EQ(1, zc_counter("notify_dropped_closed") - closed0);
}

/*
 * A fan-out to two TCP targets and a UDP one, call after call until both
 * TCP targets have the range: one record per target per call that gave
 * it bytes, with the target's index; the UDP target is EOPNOTSUPP.
 */
TEST_F_TIMEOUT(notify, fanout_one_record_per_target, 900)
{
	const uint64_t len = 4ULL << 20;
	struct zcopy_target t[3];
	struct zcopy_notification rec;
	struct zc_reader r[2] = { 0 };
	int tx2, rx2, utx, urx, i;
	uint64_t recs = 0, calls = 0, rec_bytes[2] = { 0, 0 };
	uint64_t took[2] = { 0, 0 };
	struct zcopy_fanout f;

	ASSERT_EQ(0, zc_tcp_pair(AF_INET, &tx2, &rx2));
	ASSERT_EQ(0, zc_udp_pair(AF_INET, &utx, &urx));
	ASSERT_EQ(0, zc_reader_start(&r[0], self->rx, 0));
	ASSERT_EQ(0, zc_reader_start(&r[1], rx2, 0));
	memset(t, 0, sizeof(t));
	t[0].sock_fd = self->tx;
	t[1].sock_fd = tx2;
	t[2].sock_fd = utx;
	while (t[0].bytes_sent < len || t[1].bytes_sent < len) {
		struct pollfd p[2] = { { .fd = self->tx, .events = POLLOUT },
				       { .fd = tx2, .events = POLLOUT } };
		uint64_t before[2] = { t[0].bytes_sent, t[1].bytes_sent };

		memset(&f, 0, sizeof(f));
		f.size = sizeof(f);
		f.flags = ZCOPY_SEND_NOTIFY;
		f.file_fd = self->fd;
		f.nr_targets = 3;
		f.length = len;
		f.targets = (uintptr_t)t;
		f.cookie = 1000 + calls;
		if (ioctl(self->dev, ZCOPY_IOC_FANOUT, &f)) {
			ASSERT_EQ(EAGAIN, errno);
		}
		EXPECT_EQ(EOPNOTSUPP, t[2].error);
		EXPECT_EQ(0, t[2].bytes_sent);
		for (i = 0; i < 2; i++)
			took[i] += t[i].bytes_sent != before[i];
		calls++;
		poll(p, 2, -1);
	}
	ASSERT_EQ(0, shutdown(self->tx, SHUT_WR));
	ASSERT_EQ(0, shutdown(tx2, SHUT_WR));
	for (i = 0; i < 2; i++) {
		zc_reader_join(&r[i]);
		EXPECT_EQ(len, r[i].got);
		EXPECT_EQ(-1, r[i].first_bad);
	}
	while (recs < took[0] + took[1]) {
		ASSERT_EQ(0, zc_read_one(self->dev, &rec));
		ASSERT_EQ(0, rec.flags & ZCOPY_NOTIFY_OVERFLOW);
		ASSERT_GT(2, rec.target);
		ASSERT_LE(1000, rec.cookie);
		ASSERT_GT(1000 + calls, rec.cookie);
		rec_bytes[rec.target] += rec.bytes;
		recs++;
	}
	EXPECT_EQ(len, rec_bytes[0]);
	EXPECT_EQ(len, rec_bytes[1]);
	zc_wait_no_pending();
	ASSERT_EQ(0, fcntl(self->dev, F_SETFL, O_NONBLOCK));
	EXPECT_EQ(-1, read(self->dev, &rec, sizeof(rec)));
	EXPECT_EQ(EAGAIN, errno);
	close(tx2);
	close(rx2);
	close(utx);
	close(urx);
}

#define RACE_CALLS	1000
#define RACE_READERS	12
#define RACE_STOP	(1ULL << 40)

struct race_reader {
	int dev;
	int spin;		/* a non-blocking reader, spinning */
	uint64_t records, zero_reads, errors;
	pthread_t thread;
};

/* Reads of one record each, until a RACE_STOP record. */
static void *race_reader_main(void *arg)
{
	struct race_reader *r = arg;
	struct zcopy_notification rec;

	for (;;) {
		ssize_t n = read(r->dev, &rec, sizeof(rec));

		if (n == 0) {
			r->zero_reads++;
			continue;
		}
		if (n != sizeof(rec)) {
			/* None there (or another reader took it): EAGAIN. */
			if (n < 0 && (errno == EINTR || (r->spin && errno == EAGAIN)))
				continue;
			r->errors++;
			return NULL;
		}
		if (rec.cookie == RACE_STOP)
			return NULL;
		r->records++;
	}
}

/*
 * Many readers of one descriptor: each record wakes them all, one takes
 * it, and the others must wait again (blocking); readers spinning on a
 * non-blocking descriptor all see a record arrive and race for it, and
 * the losers get EAGAIN.  A read never returns 0 (end of file).
 */
static void racing_readers(struct __test_metadata *_metadata,
			   FIXTURE_DATA(notify) *self, int spin)
{
	const uint64_t calls = zc_debug_kernel() ? RACE_CALLS / 4 : RACE_CALLS;
	/* 12 readers spinning on 2 vCPUs under KASAN starve the sender. */
	const int readers = zc_debug_kernel() && spin ? 4 : RACE_READERS;
	struct race_reader rr[RACE_READERS];
	struct zc_reader r = { 0 };
	uint64_t i, sent, records = 0, zeros = 0, errors = 0;

	if (spin)
		ASSERT_EQ(0, fcntl(self->dev, F_SETFL, O_NONBLOCK));
	ASSERT_EQ(0, zc_reader_start(&r, self->rx, 0));
	for (i = 0; i < (uint64_t)readers; i++) {
		rr[i] = (struct race_reader){ .dev = self->dev, .spin = spin };
		ASSERT_EQ(0, pthread_create(&rr[i].thread, NULL, race_reader_main, &rr[i]));
	}
	TH_LOG("%llu calls, %d readers", (unsigned long long)calls, readers);
	for (i = 0; i < calls; i++) {
		ASSERT_EQ(0, zc_send_cookie(self->dev, self->fd, self->tx, i * PAGE, PAGE,
					    ZCOPY_SEND_NOTIFY, i + 1, &sent));
		ASSERT_EQ(PAGE, sent);
	}
	/* Every reader's last record: one each. */
	for (i = 0; i < (uint64_t)readers; i++) {
		uint64_t pos = (calls + i) * PAGE;

		ASSERT_EQ(0, zc_send_cookie(self->dev, self->fd, self->tx, pos, PAGE,
					    ZCOPY_SEND_NOTIFY, RACE_STOP, &sent));
		ASSERT_EQ(PAGE, sent);
	}
	ASSERT_EQ(0, shutdown(self->tx, SHUT_WR));
	zc_reader_join(&r);
	EXPECT_EQ((calls + readers) * PAGE, r.got);
	EXPECT_EQ(-1, r.first_bad);
	for (i = 0; i < (uint64_t)readers; i++) {
		pthread_join(rr[i].thread, NULL);
		records += rr[i].records;
		zeros += rr[i].zero_reads;
		errors += rr[i].errors;
	}
	EXPECT_EQ(0, zeros) TH_LOG("%llu reads returned 0", (unsigned long long)zeros);
	EXPECT_EQ(0, errors);
	EXPECT_EQ(calls, records);
}

TEST_F_TIMEOUT(notify, racing_blocking_readers_never_read_0, 1800)
{
	racing_readers(_metadata, self, 0);
}

TEST_F_TIMEOUT(notify, racing_spinning_readers_get_eagain_not_0, 1800)
{
	racing_readers(_metadata, self, 1);
}

/* Nothing on the socket: neither queued at the sender nor at the peer. */
static void expect_nothing_sent(struct __test_metadata *_metadata, int tx, int rx)
{
	char c;
	int outq = -1;

	ASSERT_EQ(0, ioctl(tx, SIOCOUTQ, &outq));
	EXPECT_EQ(0, outq);
	EXPECT_EQ(-1, recv(rx, &c, 1, MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
}

/*
 * A good notifying call with @cookie, then records are read up to its
 * own: none of them may carry @bad (a record of a call that failed).
 */
static void expect_no_record_of(struct __test_metadata *_metadata, int dev, int fd,
				int tx, int rx, uint64_t bad, uint64_t cookie)
{
	struct zcopy_notification rec;
	unsigned char buf[PAGE];
	uint64_t sent = 0;
	size_t got = 0;

	ASSERT_EQ(0, zc_send_cookie(dev, fd, tx, 0, PAGE, ZCOPY_SEND_NOTIFY, cookie, &sent));
	ASSERT_EQ(PAGE, sent);
	while (got < PAGE) {
		ssize_t n = recv(rx, buf + got, PAGE - got, 0);

		ASSERT_LT(0, n);
		got += n;
	}
	do {
		ASSERT_EQ(0, zc_read_one(dev, &rec));
		EXPECT_NE(bad, rec.cookie) TH_LOG("a record for a call that failed");
	} while (rec.cookie != cookie);
}

/*
 * An argument in read-only memory: the result cannot be written back, so
 * the call fails with EFAULT before anything is sent, and queues no record.
 */
TEST_F(notify, readonly_argument_is_efault_with_nothing_sent)
{
	long pg = sysconf(_SC_PAGESIZE);
	struct zcopy_send *r;
	struct zcopy_fanout *f;
	struct zcopy_target *t;
	void *mem;

	mem = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, mem);
	r = mem;
	*r = (struct zcopy_send){
		.size = sizeof(*r), .flags = ZCOPY_SEND_NOTIFY, .file_fd = self->fd,
		.sock_fd = self->tx, .length = PAGE, .cookie = 55,
	};
	f = (void *)((char *)mem + 512);
	t = (void *)((char *)mem + 1024);
	*t = (struct zcopy_target){ .sock_fd = self->tx };
	*f = (struct zcopy_fanout){
		.size = sizeof(*f), .flags = ZCOPY_SEND_NOTIFY, .file_fd = self->fd,
		.nr_targets = 1, .length = PAGE, .targets = (uintptr_t)t, .cookie = 66,
	};
	ASSERT_EQ(0, mprotect(mem, pg, PROT_READ));

	EXPECT_EQ(-1, ioctl(self->dev, ZCOPY_IOC_SEND, r));
	EXPECT_EQ(EFAULT, errno);
	expect_nothing_sent(_metadata, self->tx, self->rx);
	expect_no_record_of(_metadata, self->dev, self->fd, self->tx, self->rx, 55, 56);

	EXPECT_EQ(-1, ioctl(self->dev, ZCOPY_IOC_FANOUT, f));
	EXPECT_EQ(EFAULT, errno);
	expect_nothing_sent(_metadata, self->tx, self->rx);
	expect_no_record_of(_metadata, self->dev, self->fd, self->tx, self->rx, 66, 67);
	munmap(mem, pg);
}

TEST_HARNESS_MAIN
