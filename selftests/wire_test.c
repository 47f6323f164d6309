// SPDX-License-Identifier: GPL-2.0
/*
 * zcopy across a real network driver: the guest booted with
 * `tools/vm/run --wire` has two emulated Intel e1000e NICs on one qemu
 * hub, the second in a peer network namespace (tools/vm/guest-wire).
 * Everything sent here leaves through e1000e's xmit, which maps each skb
 * fragment for DMA, and arrives through the other NIC's receive path: no
 * local delivery of our skbs, hence no deferred copy.
 *
 * On that route SEND, FANOUT (10 consumers on the peer), SENDV and a
 * notifying SEND must go by reference with ZCOPY_SEND_STRICT, arrive byte
 * for byte, count bytes_by_reference equal to what was sent, leave the
 * sender's copy ledger at 0 CPU-copied bytes, and complete with no copied
 * flag.  MSG_ZEROCOPY must complete without SO_EE_CODE_ZEROCOPY_COPIED.
 * The same notifying sends over loopback are flagged copied: the check
 * can see a copy, and the loopback penalty is loopback's.
 *
 * The receivers run in a child process, so that their copies to user
 * memory are not the sender's in the ledger.  Without the wire (no
 * ZCOPY_WIRE_NETNS) the tests skip, unless ZC_REQUIRE_WIRE=1 (make check)
 * makes that a failure.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <linux/errqueue.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "lib.h"
#include "kselftest_harness.h"

#define MIB		(1ULL << 20)
/*
 * The stream of one call: 4 MiB over either family (a quarter of it on a
 * debug kernel).  IPv6 was given 1 MiB while the wire's NICs had TSO on:
 * qemu 7.2's emulation of it retransmitted about a quarter of IPv6's
 * segments and moved about a tenth as fast (tools/vm/guest-wire).
 */
#define LEN		(self->len)
#define OFF		4097ULL
#define FAN		10
#define FAN_LEN		(LEN / 4 + 3)	/* to each of the FAN consumers */
#define LEDGER_SLACK	4096	/* the sender's own small syscalls */

#ifndef SO_EE_ORIGIN_ZEROCOPY
#define SO_EE_ORIGIN_ZEROCOPY	5
#endif
#ifndef SO_EE_CODE_ZEROCOPY_COPIED
#define SO_EE_CODE_ZEROCOPY_COPIED	1
#endif

FIXTURE(wire) {
	int dev, file, self_ns, peer_ns;
	uint64_t len;
	int64_t reasm;	/* the peer's IP reassemblies at setup */
	char path[64];
	const char *self4, *peer4, *self6, *peer6;
};

FIXTURE_VARIANT(wire) {
	int family;
	uint64_t len;
};

FIXTURE_VARIANT_ADD(wire, v4) { .family = AF_INET, .len = 4 * MIB + 5 };
FIXTURE_VARIANT_ADD(wire, v6) { .family = AF_INET6, .len = 4 * MIB + 5 };

/*
 * IP datagrams the peer's namespace has reassembled from fragments, IPv4
 * and IPv6 together, or -1.  A TCP stream on a real wire arrives as
 * segments: a fragment here means the emulated NIC fragmented a TSO
 * segment instead of cutting it (tools/vm/guest-wire turns TSO off for
 * that), and then one lost fragment loses 64 KiB.
 */
static int64_t peer_reassemblies(int peer_ns, int self_ns)
{
	char line[4096], names[4096];
	int64_t n = 0, v;
	FILE *f4, *f6;
	char *name, *val, *sn, *sv;

	if (setns(peer_ns, CLONE_NEWNET))
		return -1;
	f4 = fopen("/proc/self/net/snmp", "re");
	f6 = fopen("/proc/self/net/snmp6", "re");
	if (setns(self_ns, CLONE_NEWNET) || !f4 || !f6) {
		n = -1;
		goto out;
	}
	/* snmp: an "Ip:" line of names, then one of values. */
	while (fgets(names, sizeof(names), f4)) {
		if (strncmp(names, "Ip: ", 4) || !fgets(line, sizeof(line), f4))
			continue;
		name = strtok_r(names, " \n", &sn);
		val = strtok_r(line, " \n", &sv);
		while (name && val) {
			if (!strcmp(name, "ReasmReqds"))
				n += strtoll(val, NULL, 10);
			name = strtok_r(NULL, " \n", &sn);
			val = strtok_r(NULL, " \n", &sv);
		}
		break;
	}
	/* snmp6: "Name value" lines. */
	while (fgets(line, sizeof(line), f6))
		if (sscanf(line, "Ip6ReasmReqds %" SCNd64, &v) == 1)
			n += v;
out:
	if (f4)
		fclose(f4);
	if (f6)
		fclose(f6);
	return n;
}

FIXTURE_SETUP(wire)
{
	const char *ns = getenv("ZCOPY_WIRE_NETNS");
	const char *need = getenv("ZC_REQUIRE_WIRE");

	self->dev = self->file = self->self_ns = self->peer_ns = -1;
	if (!ns) {
		ASSERT_FALSE(need && !strcmp(need, "1"))
			TH_LOG("no wire (ZCOPY_WIRE_NETNS unset): boot with tools/vm/run --wire");
		SKIP(return, "no wire: boot the guest with tools/vm/run --wire");
	}
	self->self4 = getenv("ZCOPY_WIRE_SELF");
	self->peer4 = getenv("ZCOPY_WIRE_PEER");
	self->self6 = getenv("ZCOPY_WIRE_SELF6");
	self->peer6 = getenv("ZCOPY_WIRE_PEER6");
	ASSERT_TRUE(self->self4 && self->peer4 && self->self6 && self->peer6);
	self->peer_ns = open(ns, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, self->peer_ns) TH_LOG("%s: %s", ns, strerror(errno));
	self->self_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, self->self_ns);
	self->dev = open(ZC_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->dev);
	self->reasm = peer_reassemblies(self->peer_ns, self->self_ns);
	ASSERT_LE(0, self->reasm) TH_LOG("the peer's /proc/net/snmp{,6}: %s", strerror(errno));
	self->len = zc_debug_kernel() ? variant->len / 4 : variant->len;
	snprintf(self->path, sizeof(self->path), ZC_SCRATCH "/wire.%d", getpid());
	self->file = zc_make_file(self->path, OFF + LEN);
	ASSERT_LE(0, self->file);
}

FIXTURE_TEARDOWN(wire)
{
	zc_ledger_arm(0);
	if (self->dev >= 0)
		EXPECT_EQ(0, zc_fd_counter(self->dev, "pages_pinned"));
	if (self->peer_ns >= 0 && self->reasm >= 0)
		EXPECT_EQ(self->reasm, peer_reassemblies(self->peer_ns, self->self_ns))
			TH_LOG("the peer reassembled IP fragments: TSO on the wire's NIC?");
	if (self->file >= 0) {
		close(self->file);
		unlink(self->path);
	}
	close(self->dev);
	close(self->self_ns);
	close(self->peer_ns);
}

static socklen_t wire_addr(FIXTURE_DATA(wire) *self, int family, int peer,
			   struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	ss->ss_family = family;
	if (family == AF_INET) {
		inet_pton(AF_INET, peer ? self->peer4 : self->self4,
			  &((struct sockaddr_in *)ss)->sin_addr);
		return sizeof(struct sockaddr_in);
	}
	inet_pton(AF_INET6, peer ? self->peer6 : self->self6,
		  &((struct sockaddr_in6 *)ss)->sin6_addr);
	return sizeof(struct sockaddr_in6);
}

/*
 * @n TCP connections from this side to a listener on the peer side of the
 * wire (the listener is created in the peer's namespace; a socket keeps
 * its namespace).  tx[i] here, rx[i] the peer's end.
 */
static int wire_connect(FIXTURE_DATA(wire) *self, int family, int n, int *tx, int *rx)
{
	struct sockaddr_storage ss;
	socklen_t len = wire_addr(self, family, 1, &ss);
	int ls;

	if (setns(self->peer_ns, CLONE_NEWNET))
		return -1;
	ls = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (setns(self->self_ns, CLONE_NEWNET) || ls < 0)
		return -1;
	return zc_tcp_connect_n(ls, &ss, len, n, tx, rx);
}

/* What the receiving child found on each socket. */
struct wire_result {
	uint64_t got;
	int64_t first_bad;
};

struct wire_rx {
	pid_t pid;
	int pipe;
	int n;
};

/*
 * Read the @n sockets to end of file in a child process, each checked
 * against the file's pattern from @offset; the results come back through
 * a pipe.  The parent closes its copies of the sockets.
 */
static int wire_rx_start(struct wire_rx *w, int *rx, int n, uint64_t offset)
{
	int p[2], i;

	if (pipe(p))
		return -1;
	w->n = n;
	w->pid = fork();
	if (w->pid < 0)
		return -1;
	if (!w->pid) {
		struct zc_reader r[ZCOPY_FANOUT_MAX] = { 0 };
		struct pollfd pfd[ZCOPY_FANOUT_MAX];
		unsigned char *buf = malloc(1 << 17);
		int open_fds = n;

		close(p[0]);
		for (i = 0; i < n; i++) {
			r[i].offset = offset;
			r[i].first_bad = -1;
			pfd[i].fd = rx[i];
			pfd[i].events = POLLIN;
		}
		while (buf && open_fds > 0 && poll(pfd, n, 120000) > 0) {
			for (i = 0; i < n; i++) {
				ssize_t got;

				if (pfd[i].fd < 0 || !pfd[i].revents)
					continue;
				got = recv(pfd[i].fd, buf, 1 << 17, MSG_DONTWAIT);
				if (got < 0 && (errno == EAGAIN || errno == EINTR))
					continue;
				if (got <= 0) {
					close(pfd[i].fd);
					pfd[i].fd = -1;
					open_fds--;
					continue;
				}
				zc_reader_check(&r[i], buf, got);
				r[i].got += got;
			}
		}
		for (i = 0; i < n; i++) {
			struct wire_result res = { r[i].got, r[i].first_bad };

			if (write(p[1], &res, sizeof(res)) != sizeof(res))
				_exit(1);
		}
		_exit(open_fds ? 2 : 0);
	}
	close(p[1]);
	for (i = 0; i < n; i++)
		close(rx[i]);
	w->pipe = p[0];
	return 0;
}

/* 0 when the child read every socket to its end; results in @res. */
static int wire_rx_join(struct wire_rx *w, struct wire_result *res)
{
	int status, i, ret = 0;

	for (i = 0; i < w->n; i++)
		if (read(w->pipe, &res[i], sizeof(res[i])) != sizeof(res[i]))
			ret = -1;
	close(w->pipe);
	if (waitpid(w->pid, &status, 0) != w->pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		ret = -1;
	return ret;
}

/* The stack copied nothing of ours: every copy counter of @dev is 0. */
static void expect_no_copy(struct __test_metadata *_metadata, int dev)
{
	static const char *const copied[] = {
		"bytes_copied_no_sg", "bytes_copied_sw_csum",
		"bytes_copied_unspliceable", "bytes_copied_user_segments",
	};
	unsigned int i;

	for (i = 0; i < sizeof(copied) / sizeof(copied[0]); i++)
		EXPECT_EQ(0, zc_fd_counter(dev, copied[i])) TH_LOG("%s", copied[i]);
}

/*
 * The sender's ledger after a disarm (reading it while armed would count
 * the read): no CPU copy of the data, no deferred copy.
 */
static void expect_ledger_clean(struct __test_metadata *_metadata)
{
	ASSERT_EQ(0, zc_ledger_arm(0));
	EXPECT_LE(0, zc_ledger("copy_to_user_bytes"));
	EXPECT_GT(LEDGER_SLACK, zc_ledger("copy_to_user_bytes"));
	EXPECT_LE(0, zc_ledger("copy_from_user_bytes"));
	EXPECT_GT(LEDGER_SLACK, zc_ledger("copy_from_user_bytes"));
	EXPECT_EQ(0, zc_ledger("skb_copy_ubufs_bytes"));
}

static int read_record(int dev, struct zcopy_notification *rec)
{
	struct pollfd p = { .fd = dev, .events = POLLIN };

	if (poll(&p, 1, 60000) != 1)
		return -1;
	return read(dev, rec, sizeof(*rec)) == sizeof(*rec) ? 0 : -1;
}

/* One SEND of [OFF, OFF + LEN) with @flags over @tx; the peer reads it. */
static void send_one(struct __test_metadata *_metadata, FIXTURE_DATA(wire) *self,
		     int tx, int rx, uint32_t flags, uint64_t cookie)
{
	struct zcopy_send s = {
		.size = sizeof(s), .flags = flags, .file_fd = self->file,
		.sock_fd = tx, .offset = OFF, .length = LEN, .cookie = cookie,
	};
	struct wire_result res;
	struct wire_rx w;

	ASSERT_EQ(0, wire_rx_start(&w, &rx, 1, OFF));
	EXPECT_EQ(0, ioctl(self->dev, ZCOPY_IOC_SEND, &s)) TH_LOG("%s", strerror(errno));
	shutdown(tx, SHUT_WR);
	ASSERT_EQ(0, wire_rx_join(&w, &res));
	EXPECT_EQ(LEN, s.bytes_sent);
	EXPECT_EQ(LEN, res.got);
	EXPECT_EQ(-1, res.first_bad);
}

TEST_F_TIMEOUT(wire, send_strict_by_reference, 300)
{
	int tx, rx;

	ASSERT_EQ(0, wire_connect(self, variant->family, 1, &tx, &rx));
	ASSERT_EQ(0, zc_ledger_arm(getpid()));
	send_one(_metadata, self, tx, rx, ZCOPY_SEND_STRICT, 0);
	expect_ledger_clean(_metadata);
	EXPECT_EQ(LEN, zc_fd_counter(self->dev, "bytes_by_reference"));
	expect_no_copy(_metadata, self->dev);
	close(tx);
}

/*
 * The same notifying send over loopback and over the wire: loopback's
 * record says copied at delivery, the wire's says nothing was copied.
 */
TEST_F_TIMEOUT(wire, notify_copied_on_loopback_not_on_the_wire, 300)
{
	struct zcopy_notification rec;
	int tx, rx;

	ASSERT_EQ(0, zc_tcp_pair(variant->family, &tx, &rx));
	send_one(_metadata, self, tx, rx, ZCOPY_SEND_STRICT | ZCOPY_SEND_NOTIFY, 1);
	close(tx);
	ASSERT_EQ(0, read_record(self->dev, &rec));
	EXPECT_EQ(1, rec.cookie);
	EXPECT_EQ(LEN, rec.bytes);
	EXPECT_EQ(ZCOPY_NOTIFY_COPIED | ZCOPY_NOTIFY_COPIED_AT_DELIVERY, rec.flags);

	ASSERT_EQ(0, wire_connect(self, variant->family, 1, &tx, &rx));
	ASSERT_EQ(0, zc_ledger_arm(getpid()));
	send_one(_metadata, self, tx, rx, ZCOPY_SEND_STRICT | ZCOPY_SEND_NOTIFY, 2);
	ASSERT_EQ(0, read_record(self->dev, &rec));
	expect_ledger_clean(_metadata);
	EXPECT_EQ(2, rec.cookie);
	EXPECT_EQ(LEN, rec.bytes);
	EXPECT_EQ(0, rec.flags);
	EXPECT_EQ(2 * LEN, zc_fd_counter(self->dev, "bytes_by_reference"));
	expect_no_copy(_metadata, self->dev);
	close(tx);
}

/*
 * A fan-out never waits on a socket: call again with the same targets
 * (their @bytes_sent is their progress) after waiting for room on the
 * short ones, until every target has the range or an error.  0 or -1.
 */
static int fanout_all(int dev, struct zcopy_fanout *f)
{
	struct zcopy_target *t = (struct zcopy_target *)(uintptr_t)f->targets;
	struct pollfd p[ZCOPY_FANOUT_MAX];
	unsigned int i, n;

	for (;;) {
		if (ioctl(dev, ZCOPY_IOC_FANOUT, f))
			return -1;
		for (i = n = 0; i < f->nr_targets; i++) {
			if (t[i].bytes_sent == f->length)
				continue;
			if (t[i].error && t[i].error != EAGAIN)
				continue;
			t[i].error = 0;
			p[n].fd = t[i].sock_fd;
			p[n++].events = POLLOUT;
		}
		if (!n)
			return 0;
		if (poll(p, n, 60000) <= 0)
			return -1;
	}
}

TEST_F_TIMEOUT(wire, fanout_to_ten_consumers_on_the_peer, 300)
{
	struct zcopy_target t[FAN];
	struct zcopy_fanout f = {
		.size = sizeof(f), .flags = ZCOPY_SEND_STRICT, .file_fd = self->file,
		.nr_targets = FAN, .offset = OFF, .length = FAN_LEN,
		.targets = (uintptr_t)t,
	};
	struct wire_result res[FAN];
	int tx[FAN], rx[FAN], i;
	struct wire_rx w;

	ASSERT_EQ(0, wire_connect(self, variant->family, FAN, tx, rx));
	memset(t, 0, sizeof(t));
	for (i = 0; i < FAN; i++)
		t[i].sock_fd = tx[i];
	ASSERT_EQ(0, wire_rx_start(&w, rx, FAN, OFF));
	ASSERT_EQ(0, zc_ledger_arm(getpid()));
	ASSERT_EQ(0, fanout_all(self->dev, &f)) TH_LOG("%s", strerror(errno));
	for (i = 0; i < FAN; i++)
		shutdown(tx[i], SHUT_WR);
	ASSERT_EQ(0, wire_rx_join(&w, res));
	expect_ledger_clean(_metadata);
	for (i = 0; i < FAN; i++) {
		EXPECT_EQ(0, t[i].error) TH_LOG("target %d", i);
		EXPECT_EQ(FAN_LEN, t[i].bytes_sent) TH_LOG("target %d", i);
		EXPECT_EQ(FAN_LEN, res[i].got) TH_LOG("consumer %d", i);
		EXPECT_EQ(-1, res[i].first_bad) TH_LOG("consumer %d", i);
		close(tx[i]);
	}
	EXPECT_EQ(FAN * FAN_LEN, zc_fd_counter(self->dev, "bytes_by_reference"));
	expect_no_copy(_metadata, self->dev);
}

/* Three file segments, unaligned, one stream. */
TEST_F_TIMEOUT(wire, sendv_strict_by_reference, 300)
{
	struct zcopy_segment seg[3] = {
		{ .type = ZCOPY_SEG_FILE, .fd = self->file, .offset = OFF, .length = 1000 },
		{ .type = ZCOPY_SEG_FILE, .fd = self->file, .offset = OFF + 1000,
		  .length = LEN / 2 },
		{ .type = ZCOPY_SEG_FILE, .fd = self->file, .offset = OFF + 1000 + LEN / 2,
		  .length = LEN - 1000 - LEN / 2 },
	};
	struct zcopy_sendv v = {
		.size = sizeof(v), .flags = ZCOPY_SEND_STRICT, .nr_segs = 3,
		.segs = (uintptr_t)seg,
	};
	struct wire_result res;
	struct wire_rx w;
	int tx, rx;

	ASSERT_EQ(0, wire_connect(self, variant->family, 1, &tx, &rx));
	v.sock_fd = tx;
	ASSERT_EQ(0, wire_rx_start(&w, &rx, 1, OFF));
	ASSERT_EQ(0, zc_ledger_arm(getpid()));
	EXPECT_EQ(0, ioctl(self->dev, ZCOPY_IOC_SENDV, &v)) TH_LOG("%s", strerror(errno));
	shutdown(tx, SHUT_WR);
	ASSERT_EQ(0, wire_rx_join(&w, &res));
	expect_ledger_clean(_metadata);
	EXPECT_EQ(LEN, v.bytes_sent);
	EXPECT_EQ(LEN, res.got);
	EXPECT_EQ(-1, res.first_bad);
	EXPECT_EQ(LEN, zc_fd_counter(self->dev, "bytes_by_reference"));
	expect_no_copy(_metadata, self->dev);
	close(tx);
}

/*
 * MSG_ZEROCOPY of the file's bytes (mapped) over @tx: every completion
 * read from the error queue; *copied says whether any said
 * SO_EE_CODE_ZEROCOPY_COPIED.  0 or -1.
 */
static int msg_zerocopy_send(int tx, const unsigned char *data, uint64_t len, int *copied)
{
	uint32_t calls = 0, done = 0;
	uint64_t pos = 0;
	int one = 1;

	*copied = 0;
	if (setsockopt(tx, SOL_SOCKET, SO_ZEROCOPY, &one, sizeof(one)))
		return -1;
	while (pos < len || done < calls) {
		char control[128];
		struct msghdr msg = { .msg_control = control,
				      .msg_controllen = sizeof(control) };
		struct pollfd p = { .fd = tx, .events = pos < len ? POLLOUT : 0 };
		struct cmsghdr *cm;

		if (poll(&p, 1, 60000) != 1)
			return -1;
		if (pos < len && (p.revents & POLLOUT)) {
			size_t n = len - pos < 256 * 1024 ? len - pos : 256 * 1024;
			ssize_t s = send(tx, data + pos, n, MSG_ZEROCOPY | MSG_DONTWAIT);

			if (s < 0 && errno != EAGAIN && errno != ENOBUFS)
				return -1;
			if (s > 0) {
				pos += s;
				calls++;
			}
		}
		if (!(p.revents & POLLERR))
			continue;
		if (recvmsg(tx, &msg, MSG_ERRQUEUE) < 0)
			continue;
		for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
			struct sock_extended_err *ee = (void *)CMSG_DATA(cm);

			if (ee->ee_origin != SO_EE_ORIGIN_ZEROCOPY || ee->ee_errno)
				return -1;
			done += ee->ee_data - ee->ee_info + 1;
			if (ee->ee_code & SO_EE_CODE_ZEROCOPY_COPIED)
				*copied = 1;
		}
	}
	return 0;
}

/*
 * MSG_ZEROCOPY pays a deferred copy on loopback (the receiver is on this
 * host) and none across the wire: the penalty is loopback's.
 */
TEST_F_TIMEOUT(wire, msg_zerocopy_copied_on_loopback_not_on_the_wire, 300)
{
	unsigned char *data = mmap(NULL, OFF + LEN, PROT_READ, MAP_SHARED, self->file, 0);
	struct wire_result res;
	struct wire_rx w;
	int tx, rx, copied;

	ASSERT_NE(MAP_FAILED, data);
	ASSERT_EQ(0, zc_tcp_pair(variant->family, &tx, &rx));
	ASSERT_EQ(0, wire_rx_start(&w, &rx, 1, OFF));
	ASSERT_EQ(0, msg_zerocopy_send(tx, data + OFF, LEN, &copied));
	shutdown(tx, SHUT_WR);
	ASSERT_EQ(0, wire_rx_join(&w, &res));
	EXPECT_EQ(LEN, res.got);
	EXPECT_EQ(-1, res.first_bad);
	EXPECT_EQ(1, copied);
	close(tx);

	ASSERT_EQ(0, wire_connect(self, variant->family, 1, &tx, &rx));
	ASSERT_EQ(0, wire_rx_start(&w, &rx, 1, OFF));
	ASSERT_EQ(0, zc_ledger_arm(getpid()));
	ASSERT_EQ(0, msg_zerocopy_send(tx, data + OFF, LEN, &copied));
	shutdown(tx, SHUT_WR);
	ASSERT_EQ(0, wire_rx_join(&w, &res));
	expect_ledger_clean(_metadata);
	EXPECT_EQ(LEN, res.got);
	EXPECT_EQ(-1, res.first_bad);
	EXPECT_EQ(0, copied);
	close(tx);
	munmap(data, OFF + LEN);
}

TEST_HARNESS_MAIN
