// SPDX-License-Identifier: GPL-2.0
/*
 * A send reads the file as read(2) does, so it makes read()'s checks and
 * reports: a fanotify FAN_ACCESS_PERM listener that denies makes the call
 * fail with EPERM and nothing sent (as read() fails), one that allows lets
 * it through; inotify sees IN_ACCESS; atime is updated (relatime: an atime
 * older than mtime is).
 */
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/fanotify.h>
#include <sys/inotify.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "lib.h"
#include "kselftest_harness.h"

#define SIZE	65536

FIXTURE(access) {
	int dev, tx, rx;
	char path[64];
};

FIXTURE_SETUP(access)
{
	int fd;

	self->dev = open(ZC_DEV, O_RDWR);
	ASSERT_LE(0, self->dev);
	snprintf(self->path, sizeof(self->path), ZC_SCRATCH "/access.%d", getpid());
	fd = zc_make_file(self->path, SIZE);
	ASSERT_LE(0, fd);
	close(fd);
	ASSERT_EQ(0, zc_tcp_pair(AF_INET, &self->tx, &self->rx));
}

FIXTURE_TEARDOWN(access)
{
	close(self->tx);
	close(self->rx);
	close(self->dev);
	unlink(self->path);
	EXPECT_EQ(0, zc_counter("pages_pinned"));
}

/* Pre-content (HSM) events, 6.14 and later; the host's headers may lack them. */
#ifndef FAN_PRE_ACCESS
#define FAN_PRE_ACCESS			0x00100000
#endif
#ifndef FAN_EVENT_INFO_TYPE_RANGE
#define FAN_EVENT_INFO_TYPE_RANGE	6
#endif
struct zc_fan_range {
	struct fanotify_event_info_header hdr;
	__u32 pad;
	__u64 offset;
	__u64 count;
};

/*
 * A fanotify listener answering every permission event in @mask with
 * @answer, counting them, and keeping the last range an event named.
 */
struct listener {
	int fan;
	unsigned int answer;
	__u64 mask;
	int events;
	__u64 offset, count;
	pthread_t thread;
};

static void listener_range(struct listener *l, const struct fanotify_event_metadata *m)
{
	const char *info = (const char *)m + m->metadata_len;

	while (info < (const char *)m + m->event_len) {
		const struct zc_fan_range *rg = (const void *)info;

		if (rg->hdr.info_type == FAN_EVENT_INFO_TYPE_RANGE) {
			__atomic_store_n(&l->offset, rg->offset, __ATOMIC_SEQ_CST);
			__atomic_store_n(&l->count, rg->count, __ATOMIC_SEQ_CST);
		}
		if (!rg->hdr.len)
			break;
		info += rg->hdr.len;
	}
}

static void *listener_main(void *arg)
{
	struct listener *l = arg;
	char buf[4096] __attribute__((aligned(8)));
	ssize_t n;

	while ((n = read(l->fan, buf, sizeof(buf))) > 0) {
		struct fanotify_event_metadata *m = (void *)buf;

		for (; FAN_EVENT_OK(m, n); m = FAN_EVENT_NEXT(m, n)) {
			struct fanotify_response r = { .fd = m->fd, .response = l->answer };

			listener_range(l, m);
			if (m->mask & l->mask) {
				__atomic_add_fetch(&l->events, 1, __ATOMIC_SEQ_CST);
				if (write(l->fan, &r, sizeof(r)) != sizeof(r))
					return NULL;
			}
			close(m->fd);
		}
	}
	return NULL;
}

/* Whether nothing is in flight on the pair (sender queue and peer). */
static int nothing_sent(int tx, int rx)
{
	char c;
	int outq = -1;

	if (ioctl(tx, TIOCOUTQ, &outq) || outq)
		return 0;
	return recv(rx, &c, 1, MSG_DONTWAIT) < 0 && errno == EAGAIN;
}

/*
 * A send of @len bytes from the start of the file (more than its SIZE is
 * allowed) to the pair: the whole file, checked byte for byte at the peer.
 */
static void send_whole_file(struct __test_metadata *_metadata,
			    FIXTURE_DATA(access) *self, int fd, uint64_t len)
{
	struct zc_reader r = { 0 };
	uint64_t sent = 0;

	ASSERT_EQ(0, zc_reader_start(&r, self->rx, 0));
	EXPECT_EQ(0, zc_send(self->dev, fd, self->tx, 0, len, 0, &sent));
	EXPECT_EQ(SIZE, sent);
	shutdown(self->tx, SHUT_WR);
	zc_reader_join(&r);
	EXPECT_EQ(SIZE, r.got);
	EXPECT_EQ(-1, r.first_bad);
}

TEST_F(access, fanotify_access_perm_decides)
{
	struct listener l = { .answer = FAN_DENY, .mask = FAN_ACCESS_PERM };
	uint64_t sent = 0;
	char buf[16];
	int fd;

	l.fan = fanotify_init(FAN_CLASS_CONTENT | FAN_CLOEXEC, O_RDONLY);
	if (l.fan < 0 && (errno == ENOSYS || errno == EINVAL))
		SKIP(return, "fanotify permission events unavailable (%s)", strerror(errno));
	ASSERT_LE(0, l.fan);
	ASSERT_EQ(0, fanotify_mark(l.fan, FAN_MARK_ADD, FAN_ACCESS_PERM, AT_FDCWD, self->path));
	ASSERT_EQ(0, pthread_create(&l.thread, NULL, listener_main, &l));
	fd = open(self->path, O_RDONLY);
	ASSERT_LE(0, fd);

	/* The reference: read() is denied. */
	EXPECT_EQ(-1, read(fd, buf, sizeof(buf)));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-EPERM, zc_send(self->dev, fd, self->tx, 0, SIZE, 0, &sent));
	EXPECT_TRUE(nothing_sent(self->tx, self->rx));
	EXPECT_LE(2, __atomic_load_n(&l.events, __ATOMIC_SEQ_CST));

	/* Allowed: the send goes through, byte for byte. */
	__atomic_store_n(&l.answer, FAN_ALLOW, __ATOMIC_SEQ_CST);
	send_whole_file(_metadata, self, fd, SIZE);
	close(fd);
	close(l.fan);
	pthread_cancel(l.thread);
	pthread_join(l.thread, NULL);
}

/*
 * A hierarchical storage manager fills a file's content on demand from
 * FAN_PRE_ACCESS, for the range the event names: a send must name the
 * range it may read, as sendfile(2) does (its whole count, not a read(2)
 * call's 0x7ffff000), or the manager leaves the rest unfilled and the
 * send reads what is there.  The call asks for 3 GiB of a 64 KiB file
 * (a length past end of file is allowed): the event's range must be
 * sendfile(2)'s for the same request.
 */
TEST_F(access, pre_access_range_is_sendfiles)
{
	const __u64 len = 3ULL << 30;
	struct listener l = { .answer = FAN_ALLOW, .mask = FAN_PRE_ACCESS };
	__u64 sf_off, sf_count;
	struct zc_reader r = { 0 };
	off_t off = 0;
	int fd, tx, rx;
	ssize_t n;

	l.fan = fanotify_init(FAN_CLASS_PRE_CONTENT | FAN_CLOEXEC, O_RDONLY | O_LARGEFILE);
	if (l.fan < 0 && (errno == ENOSYS || errno == EINVAL))
		SKIP(return, "fanotify permission events unavailable (%s)", strerror(errno));
	ASSERT_LE(0, l.fan);
	if (fanotify_mark(l.fan, FAN_MARK_ADD, FAN_PRE_ACCESS, AT_FDCWD, self->path) &&
	    (errno == EINVAL || errno == EOPNOTSUPP)) {
		close(l.fan);
		SKIP(return, "no FAN_PRE_ACCESS on ext4 before 6.14 (%s)", strerror(errno));
	}
	ASSERT_EQ(0, pthread_create(&l.thread, NULL, listener_main, &l));
	/* Opened after the mark: pre-content events are decided at open. */
	fd = open(self->path, O_RDONLY);
	ASSERT_LE(0, fd);

	/* The reference: sendfile(2) for the same range, to another pair. */
	ASSERT_EQ(0, zc_tcp_pair(AF_INET, &tx, &rx));
	ASSERT_EQ(0, zc_reader_start(&r, rx, 0));
	n = sendfile(tx, fd, &off, len);
	EXPECT_EQ(SIZE, n);
	shutdown(tx, SHUT_WR);
	zc_reader_join(&r);
	EXPECT_EQ(SIZE, r.got);
	EXPECT_EQ(-1, r.first_bad);
	close(tx);
	close(rx);
	ASSERT_LE(1, __atomic_load_n(&l.events, __ATOMIC_SEQ_CST));
	sf_off = __atomic_load_n(&l.offset, __ATOMIC_SEQ_CST);
	sf_count = __atomic_load_n(&l.count, __ATOMIC_SEQ_CST);
	EXPECT_EQ(0, sf_off);
	EXPECT_EQ(len, sf_count);
	__atomic_store_n(&l.count, 0, __ATOMIC_SEQ_CST);

	send_whole_file(_metadata, self, fd, len);
	EXPECT_EQ(sf_off, __atomic_load_n(&l.offset, __ATOMIC_SEQ_CST));
	EXPECT_EQ(sf_count, __atomic_load_n(&l.count, __ATOMIC_SEQ_CST))
		TH_LOG("the send's pre-access range has %llu bytes, sendfile's %llu",
		       (unsigned long long)l.count, (unsigned long long)sf_count);
	close(fd);
	close(l.fan);
	pthread_cancel(l.thread);
	pthread_join(l.thread, NULL);
}

/* This thread's I/O accounting (/proc/thread-self/io): 0, or -1 if absent. */
struct io_acct {
	unsigned long long rchar, wchar, syscr, syscw;
};

static int io_acct_read(struct io_acct *a)
{
	FILE *f = fopen("/proc/thread-self/io", "re");
	char key[32];
	unsigned long long v;
	int n = 0;

	if (!f)
		return -1;
	while (fscanf(f, "%31[^:]: %llu\n", key, &v) == 2) {
		if (!strcmp(key, "rchar"))
			a->rchar = v, n++;
		else if (!strcmp(key, "wchar"))
			a->wchar = v, n++;
		else if (!strcmp(key, "syscr"))
			a->syscr = v, n++;
		else if (!strcmp(key, "syscw"))
			a->syscw = v, n++;
	}
	fclose(f);
	return n == 4 ? 0 : -1;
}

/*
 * The task's I/O accounting (what iotop and pidstat show) counts a send
 * as it counts sendfile(2) of the same range: the bytes in rchar and
 * wchar, one read and one write system call.  Each is measured between
 * two reads of the accounting file, whose own read adds the same system
 * call and about the same bytes to both.
 */
TEST_F(access, io_accounting_is_sendfiles)
{
	struct io_acct a0, a1, b0, b1;
	struct zc_reader r = { 0 };
	uint64_t sent = 0;
	off_t off = 0;
	int fd, tx, rx;

	if (io_acct_read(&a0))
		SKIP(return, "no /proc/thread-self/io (CONFIG_TASK_IO_ACCOUNTING)");
	fd = open(self->path, O_RDONLY);
	ASSERT_LE(0, fd);

	ASSERT_EQ(0, zc_tcp_pair(AF_INET, &tx, &rx));
	ASSERT_EQ(0, zc_reader_start(&r, rx, 0));
	ASSERT_EQ(0, io_acct_read(&a0));
	EXPECT_EQ(SIZE, sendfile(tx, fd, &off, SIZE));
	ASSERT_EQ(0, io_acct_read(&a1));
	shutdown(tx, SHUT_WR);
	zc_reader_join(&r);
	EXPECT_EQ(SIZE, r.got);
	close(tx);
	close(rx);

	memset(&r, 0, sizeof(r));
	ASSERT_EQ(0, zc_reader_start(&r, self->rx, 0));
	ASSERT_EQ(0, io_acct_read(&b0));
	EXPECT_EQ(0, zc_send(self->dev, fd, self->tx, 0, SIZE, 0, &sent));
	ASSERT_EQ(0, io_acct_read(&b1));
	EXPECT_EQ(SIZE, sent);
	shutdown(self->tx, SHUT_WR);
	zc_reader_join(&r);
	EXPECT_EQ(SIZE, r.got);
	EXPECT_EQ(-1, r.first_bad);
	close(fd);

	/* The reference counts what the test says it does. */
	ASSERT_EQ(SIZE, a1.wchar - a0.wchar);
	ASSERT_LE(SIZE, a1.rchar - a0.rchar);
	/* The send, the same. */
	EXPECT_EQ(a1.wchar - a0.wchar, b1.wchar - b0.wchar);
	EXPECT_EQ(a1.syscr - a0.syscr, b1.syscr - b0.syscr);
	EXPECT_EQ(a1.syscw - a0.syscw, b1.syscw - b0.syscw);
	/* rchar also has the first accounting read's bytes, a digit or two
	 * apart between the two measurements. */
	EXPECT_LE(SIZE, b1.rchar - b0.rchar);
	EXPECT_GE(16, llabs((long long)(b1.rchar - b0.rchar) - (long long)(a1.rchar - a0.rchar)))
		TH_LOG("rchar: the send added %llu, sendfile %llu",
		       b1.rchar - b0.rchar, a1.rchar - a0.rchar);
}

TEST_F(access, inotify_sees_access_and_atime_moves)
{
	struct timespec old[2] = { { .tv_sec = 1000000 }, { .tv_nsec = UTIME_OMIT } };
	struct inotify_event ev[4];
	struct pollfd p;
	struct stat st;
	int in, fd;

	/* atime well before mtime: relatime updates it on the next read. */
	ASSERT_EQ(0, utimensat(AT_FDCWD, self->path, old, 0));
	in = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	ASSERT_LE(0, in);
	ASSERT_LE(0, inotify_add_watch(in, self->path, IN_ACCESS));
	fd = open(self->path, O_RDONLY);
	ASSERT_LE(0, fd);
	send_whole_file(_metadata, self, fd, SIZE);

	p = (struct pollfd){ .fd = in, .events = POLLIN };
	ASSERT_EQ(1, poll(&p, 1, 10000)) TH_LOG("no inotify event");
	ASSERT_LT(0, read(in, ev, sizeof(ev)));
	EXPECT_TRUE(ev[0].mask & IN_ACCESS);
	ASSERT_EQ(0, fstat(fd, &st));
	EXPECT_LT(1000000, st.st_atim.tv_sec) TH_LOG("atime not updated");
	close(fd);
	close(in);
}

TEST_HARNESS_MAIN
