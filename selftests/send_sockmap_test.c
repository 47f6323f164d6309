// SPDX-License-Identifier: GPL-2.0
/*
 * A TCP socket in a sockmap with an sk_msg program: tcp_bpf's sendmsg
 * (and sendpage on 6.1) copies the data for the program, whatever
 * MSG_SPLICE_PAGES, ->sendpage or msg_ubuf ask for.  So zcopy must count
 * such a send as copied (bytes_copied_unspliceable), ZCOPY_SEND_STRICT
 * must be EXDEV with nothing sent, and ZCOPY_SEND_NOTIFY EOPNOTSUPP (a
 * record would come before the data left).  Out of the map, or in one
 * without an sk_msg program, the socket is plain TCP again: by reference.
 *
 * A socket put in such a map while a send to it waits for buffer space
 * takes the rest of the send through the program: at most one page (6.1)
 * or one batch (6.5+) may still go out as plain TCP.
 *
 * The sockmap and the program (two instructions: return a verdict) are made
 * with raw bpf(2) calls: the guest is static, without libbpf.  A kernel
 * without the bpf syscall or sockmaps skips, saying which.
 */
#include <poll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <linux/bpf.h>

#include "lib.h"
#include "stuck_send.h"
#include "kselftest_harness.h"

#define LEN		((3ULL << 20) + 123)	/* several batches and a piece */

static int zc_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

/* A one-slot sockmap; -errno if this kernel has none. */
static int sockmap_create(void)
{
	union bpf_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_SOCKMAP;
	a.key_size = sizeof(__u32);
	a.value_size = sizeof(__u32);
	a.max_entries = 1;
	fd = zc_bpf(BPF_MAP_CREATE, &a);
	return fd < 0 ? -errno : fd;
}

/* The sk_msg program "return @verdict", attached to @map; 0 or -errno. */
static int sockmap_attach(int map, int verdict, int *prog)
{
	struct bpf_insn insns[] = {
		/* r0 = verdict; exit */
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0,
		  .imm = verdict },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_SK_MSG;
	a.insns = (uintptr_t)insns;
	a.insn_cnt = ARRAY_SIZE(insns);
	a.license = (uintptr_t)"GPL";
	*prog = zc_bpf(BPF_PROG_LOAD, &a);
	if (*prog < 0)
		return -errno;
	memset(&a, 0, sizeof(a));
	a.target_fd = map;
	a.attach_bpf_fd = *prog;
	a.attach_type = BPF_SK_MSG_VERDICT;
	return zc_bpf(BPF_PROG_ATTACH, &a) ? -errno : 0;
}

/* Put @sock in slot 0 of @map (or empty the slot: @sock < 0); 0 or -errno. */
static int sockmap_set(int map, int sock)
{
	__u32 key = 0, value = sock;
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = map;
	a.key = (uintptr_t)&key;
	if (sock < 0)
		return zc_bpf(BPF_MAP_DELETE_ELEM, &a) ? -errno : 0;
	a.value = (uintptr_t)&value;
	a.flags = BPF_ANY;
	return zc_bpf(BPF_MAP_UPDATE_ELEM, &a) ? -errno : 0;
}

/*
 * copy_from_user_bytes of the copy ledger (armed for this process): the
 * CPU copies of data into the kernel, which is where tcp_bpf copies.
 * -1 when the ledger cannot say: no ledger, or the counter reads
 * "unavailable" (no probe) or "incomplete" (the probes missed some).
 */
static long long ledger_copied_in(void)
{
	char n[64], v[32], *end;
	long long r = -1;
	FILE *f = fopen(ZC_LEDGER, "r");

	if (!f)
		return -1;
	while (fscanf(f, "%63s %31s", n, v) == 2) {
		if (strcmp(n, "copy_from_user_bytes"))
			continue;
		r = strtoll(v, &end, 10);
		if (end == v || *end)
			r = -1;
	}
	fclose(f);
	return r;
}

FIXTURE(sockmap) {
	int dev;
	int fd;
	int tx, rx;
	int map, prog;
	char path[64];
};

FIXTURE_SETUP(sockmap)
{
	int ret;

	self->dev = self->fd = self->tx = self->rx = -1;
	self->map = self->prog = -1;
	ret = sockmap_create();
	if (ret == -ENOSYS)
		SKIP(return, "kernel without the bpf(2) syscall (CONFIG_BPF_SYSCALL)");
	if (ret == -EINVAL)
		SKIP(return, "kernel without sockmaps (BPF_MAP_TYPE_SOCKMAP)");
	if (ret == -EPERM)
		SKIP(return, "not allowed to create BPF maps here");
	ASSERT_LE(0, ret) TH_LOG("BPF_MAP_CREATE: %s", strerror(-ret));
	self->map = ret;
	ret = sockmap_attach(self->map, SK_PASS, &self->prog);
	ASSERT_EQ(0, ret) TH_LOG("sk_msg program: %s", strerror(-ret));

	self->dev = open(ZC_DEV, O_RDWR);
	ASSERT_LE(0, self->dev);
	snprintf(self->path, sizeof(self->path), ZC_SCRATCH "/sockmap.%d", getpid());
	self->fd = zc_make_file(self->path, LEN);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, zc_tcp_pair(AF_INET, &self->tx, &self->rx));
}

FIXTURE_TEARDOWN(sockmap)
{
	if (self->dev >= 0) {
		EXPECT_EQ(0, zc_fd_counter(self->dev, "pages_pinned"));
		close(self->dev);
	}
	if (self->fd >= 0) {
		close(self->fd);
		unlink(self->path);
	}
	if (self->tx >= 0)
		close(self->tx);
	if (self->rx >= 0)
		close(self->rx);
	if (self->prog >= 0)
		close(self->prog);
	if (self->map >= 0)
		close(self->map);
}

/* Send the whole file to tx; rx must get exactly its bytes. */
static void send_all(struct __test_metadata *_metadata,
		     FIXTURE_DATA(sockmap) *self)
{
	struct zc_reader r = { 0 };
	uint64_t sent = 0;
	int ret;

	ASSERT_EQ(0, zc_reader_start(&r, self->rx, 0));
	ret = zc_send(self->dev, self->fd, self->tx, 0, LEN, 0, &sent);
	shutdown(self->tx, SHUT_WR);
	zc_reader_join(&r);
	ASSERT_EQ(0, ret) TH_LOG("send: %s", strerror(-ret));
	EXPECT_EQ(LEN, sent);
	EXPECT_EQ(LEN, r.got);
	EXPECT_EQ(-1, r.first_bad);
}

/* Nothing reached rx (the sender has not shut down: EAGAIN, not EOF). */
static int nothing_received(int rx)
{
	char c;

	return recv(rx, &c, 1, MSG_DONTWAIT) < 0 && errno == EAGAIN;
}

TEST_F(sockmap, send_is_counted_as_copied)
{
	long long in0 = -1, in1;

	ASSERT_EQ(0, sockmap_set(self->map, self->tx));
	if (!zc_ledger_arm(getpid()))
		in0 = ledger_copied_in();
	send_all(_metadata, self);
	in1 = ledger_copied_in();
	zc_ledger_arm(0);
	EXPECT_EQ(LEN, zc_fd_counter(self->dev, "bytes_copied_unspliceable"));
	EXPECT_EQ(0, zc_fd_counter(self->dev, "bytes_by_reference"));
	/*
	 * From 6.5 tcp_bpf_sendmsg() always copies, and the ledger must see
	 * it (where it can count).  Before, ->sendpage hands the page itself
	 * to the sk_msg layer, and whether TCP then takes it by reference
	 * depends on the program (bpf_msg_pull_data() copies) and on the
	 * release (tcp_bpf_push() used do_tcp_sendpages() until a 6.1
	 * stable update made it tcp_sendmsg_locked(), which copies there):
	 * zcopy cannot know, counts it as copied and STRICT refuses it.
	 */
	if (in0 < 0 || in1 < 0) {
		/* Every bed kernel has the ledger's kprobes: there, a failure. */
		EXPECT_FALSE(zc_required("ZC_REQUIRE_LEDGER"))
			TH_LOG("copy ledger %lld/%lld (-2 unavailable, -3 incomplete)", in0, in1);
		TH_LOG("copy ledger unavailable or incomplete: the copy itself not checked");
	} else if (zc_features() & ZCOPY_FEATURE_SPLICE_PAGES) {
		EXPECT_LE((long long)LEN, in1 - in0);
	} else {
		TH_LOG("->sendpage kernel: the ledger saw %lld bytes copied in for %llu sent",
		       in1 - in0, (unsigned long long)LEN);
	}
}

TEST_F(sockmap, strict_is_exdev_and_sends_nothing)
{
	uint64_t sent = 0;

	ASSERT_EQ(0, sockmap_set(self->map, self->tx));
	/* Non-blocking: a send that wrongly goes ahead does not hang the test. */
	ASSERT_EQ(0, fcntl(self->tx, F_SETFL, O_NONBLOCK));
	EXPECT_EQ(-EXDEV, zc_send(self->dev, self->fd, self->tx, 0, LEN,
				  ZCOPY_SEND_STRICT, &sent));
	EXPECT_EQ(1, zc_fd_counter(self->dev, "errors_exdev"));
	EXPECT_EQ(0, zc_fd_counter(self->dev, "bytes_by_reference"));
	EXPECT_EQ(0, zc_fd_counter(self->dev, "bytes_copied_unspliceable"));
	EXPECT_TRUE(nothing_received(self->rx));
}

TEST_F(sockmap, notify_is_eopnotsupp_and_sends_nothing)
{
	struct pollfd p = { .fd = self->dev, .events = POLLIN };
	uint64_t sent = 0;

	ASSERT_EQ(0, sockmap_set(self->map, self->tx));
	ASSERT_EQ(0, fcntl(self->tx, F_SETFL, O_NONBLOCK));
	EXPECT_EQ(-EOPNOTSUPP, zc_send_cookie(self->dev, self->fd, self->tx, 0,
					      LEN, ZCOPY_SEND_NOTIFY, 7, &sent));
	EXPECT_EQ(1, zc_fd_counter(self->dev, "errors_eopnotsupp"));
	EXPECT_EQ(0, zc_fd_counter(self->dev, "bytes_by_reference"));
	EXPECT_EQ(0, zc_fd_counter(self->dev, "bytes_copied_unspliceable"));
	EXPECT_TRUE(nothing_received(self->rx));
	/* No record either. */
	EXPECT_EQ(0, poll(&p, 1, 0));
}

/* A fan-out target in the map: the same answers, in its @error. */
TEST_F(sockmap, fanout_target_strict_exdev_notify_eopnotsupp)
{
	struct zcopy_target t = { .sock_fd = self->tx };
	struct zcopy_fanout f = {
		.size = sizeof(f), .file_fd = self->fd, .nr_targets = 1,
		.offset = 0, .length = LEN, .targets = (uintptr_t)&t,
	};

	ASSERT_EQ(0, sockmap_set(self->map, self->tx));
	f.flags = ZCOPY_SEND_STRICT;
	ASSERT_EQ(0, ioctl(self->dev, ZCOPY_IOC_FANOUT, &f));
	EXPECT_EQ(EXDEV, t.error);
	EXPECT_EQ(0, t.bytes_sent);
	if (zc_features() & ZCOPY_FEATURE_NOTIFY) {
		f.flags = ZCOPY_SEND_NOTIFY;
		f.cookie = 9;
		ASSERT_EQ(0, ioctl(self->dev, ZCOPY_IOC_FANOUT, &f));
		EXPECT_EQ(EOPNOTSUPP, t.error);
		EXPECT_EQ(0, t.bytes_sent);
	}
	EXPECT_EQ(0, zc_fd_counter(self->dev, "bytes_by_reference"));
	EXPECT_EQ(0, zc_fd_counter(self->dev, "bytes_copied_unspliceable"));
	EXPECT_TRUE(nothing_received(self->rx));
}

/* Taken out of the map, the socket is plain TCP again. */
TEST_F(sockmap, removed_from_map_is_by_reference)
{
	ASSERT_EQ(0, sockmap_set(self->map, self->tx));
	ASSERT_EQ(0, sockmap_set(self->map, -1));
	send_all(_metadata, self);
	EXPECT_EQ(LEN, zc_fd_counter(self->dev, "bytes_by_reference"));
	EXPECT_EQ(0, zc_fd_counter(self->dev, "bytes_copied_unspliceable"));
}

/* A sockmap without an sk_msg program leaves the send side alone. */
TEST_F(sockmap, map_without_sk_msg_program_is_by_reference)
{
	int map = sockmap_create();

	ASSERT_LE(0, map);
	ASSERT_EQ(0, sockmap_set(map, self->tx));
	send_all(_metadata, self);
	EXPECT_EQ(LEN, zc_fd_counter(self->dev, "bytes_by_reference"));
	EXPECT_EQ(0, zc_fd_counter(self->dev, "bytes_copied_unspliceable"));
	close(map);
}

/*
 * Put in a map whose program drops everything while a send waits: what
 * reaches rx is what went out as plain TCP, which must stop within one
 * page (6.1, re-checked under the socket lock after every wait) or one
 * batch (6.5+) of what was queued when the socket joined the map.
 */
TEST_F_TIMEOUT(sockmap, added_while_send_waits_drop_program, 300)
{
	struct zc_stuck_send s = {
		.dev = self->dev, .file = self->fd, .sock = self->tx, .len = LEN,
	};
	int small = 64 << 10, drop = -1, map;
	struct zc_reader r = { 0 };
	unsigned long long bound;
	long long queued;

	map = sockmap_create();
	ASSERT_LE(0, map);
	ASSERT_EQ(0, sockmap_attach(map, SK_DROP, &drop));
	/* Small buffers: the send has to wait long before the file is out. */
	ASSERT_EQ(0, setsockopt(self->tx, SOL_SOCKET, SO_SNDBUF, &small, sizeof(small)));
	ASSERT_EQ(0, setsockopt(self->rx, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)));
	queued = zc_stuck_send_start(&s);
	ASSERT_LE(0, queued) TH_LOG("the send did not wait (%d, %llu sent)",
				    s.ret, (unsigned long long)s.sent);
	/* It has released the socket lock to wait: the update takes it. */
	ASSERT_EQ(0, sockmap_set(map, self->tx));
	/* Nothing moves until rx reads: what was queued when it joined. */
	queued = zc_tcp_queued(self->tx);
	ASSERT_LE(0, queued);
	ASSERT_EQ(0, zc_reader_start(&r, self->rx, 0));
	pthread_join(s.thread, NULL);
	zc_reader_join(&r);

	bound = zc_stuck_send_bound();
	TH_LOG("queued when it joined %lld, received %llu, allowed %llu",
	       queued, (unsigned long long)r.got,
	       (unsigned long long)queued + bound);
	ASSERT_GT((long long)LEN, queued + (long long)bound)
		TH_LOG("the file is too short to tell");
	EXPECT_LE((unsigned long long)queued, r.got);
	EXPECT_GE((unsigned long long)queued + bound, r.got)
		TH_LOG("%llu bytes went past the sk_msg program",
		       (unsigned long long)r.got - queued);
	EXPECT_EQ(-1, r.first_bad);
	/* The dropped bytes are not claimed as sent. */
	EXPECT_EQ(0, s.ret) TH_LOG("send: %s", strerror(-s.ret));
	EXPECT_EQ(r.got, s.sent);
	close(drop);
	close(map);
}

TEST_HARNESS_MAIN
