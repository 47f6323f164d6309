// SPDX-License-Identifier: GPL-2.0
/*
 * A socket that can no longer be sent to answers zcopy as it answers
 * sendfile(2): each scenario below breaks a fresh socket the same way,
 * then makes a call, a recv(MSG_DONTWAIT) and a second call, first with
 * sendfile(2) and then with each zcopy ioctl, and the three results must
 * be sendfile's.  After a peer's reset, sendfile returns ECONNRESET once
 * and consumes it (recv then says end of stream, the next call EPIPE);
 * zcopy said EPIPE at once and left the error for recv (found by review
 * in session 15).  Nothing may be sent in any of these calls.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "lib.h"
#include "kselftest_harness.h"

#define LEN	4096

enum how { BY_SENDFILE, BY_SEND, BY_FANOUT, BY_SENDV };
static const char *const how_name[] = { "sendfile", "SEND", "FANOUT", "SENDV" };

enum scenario {
	TCP_PEER_RESET,		/* the peer closes with SO_LINGER 0: an RST */
	TCP_SHUT_WR,		/* our own shutdown(SHUT_WR), the peer still there */
	TCP_SHUT_WR_THEN_RESET,	/* both: the reset comes after our FIN */
	TCP6_PEER_RESET,
	UDP_REFUSED_SHUT_WR,	/* an ICMP port unreachable pending, then SHUT_WR */
	UNIX_PEER_CLOSED,
};

/* Wait until @fd reports @events (the reset or ICMP error has arrived). */
static int wait_for(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };

	return poll(&p, 1, 10000) == 1 && (p.revents & events) ? 0 : -1;
}

static int reset_peer(int peer)
{
	struct linger l = { .l_onoff = 1, .l_linger = 0 };

	if (setsockopt(peer, SOL_SOCKET, SO_LINGER, &l, sizeof(l)))
		return -1;
	return close(peer);
}

/* A connected UDP socket with ECONNREFUSED pending: a datagram to a closed port. */
static int udp_refused(int *tx)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int closed = socket(AF_INET, SOCK_DGRAM, 0);

	if (closed < 0 || bind(closed, (struct sockaddr *)&a, len) ||
	    getsockname(closed, (struct sockaddr *)&a, &len) || close(closed))
		return -1;
	*tx = socket(AF_INET, SOCK_DGRAM, 0);
	if (*tx < 0 || connect(*tx, (struct sockaddr *)&a, len) ||
	    send(*tx, "x", 1, 0) != 1)
		return -1;
	return wait_for(*tx, POLLERR);
}

/* A socket broken the @s way in *@tx; *@keep is a peer to close afterwards. */
static int make_broken(enum scenario s, int *tx, int *keep)
{
	int rx, sv[2];

	*keep = -1;
	switch (s) {
	case TCP_PEER_RESET:
	case TCP6_PEER_RESET:
		if (zc_tcp_pair(s == TCP6_PEER_RESET ? AF_INET6 : AF_INET, tx, &rx) ||
		    reset_peer(rx))
			return -1;
		return wait_for(*tx, POLLHUP);
	case TCP_SHUT_WR:
		if (zc_tcp_pair(AF_INET, tx, keep))
			return -1;
		return shutdown(*tx, SHUT_WR);
	case TCP_SHUT_WR_THEN_RESET:
		if (zc_tcp_pair(AF_INET, tx, &rx) || shutdown(*tx, SHUT_WR))
			return -1;
		{
			char c;

			/* The peer has our FIN before it resets. */
			if (wait_for(rx, POLLIN) || recv(rx, &c, 1, 0) != 0)
				return -1;
		}
		if (reset_peer(rx))
			return -1;
		return wait_for(*tx, POLLHUP);
	case UDP_REFUSED_SHUT_WR:
		if (udp_refused(tx))
			return -1;
		return shutdown(*tx, SHUT_WR);
	case UNIX_PEER_CLOSED:
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
			return -1;
		*tx = sv[0];
		return close(sv[1]);
	}
	return -1;
}

/* One call the @how way: bytes sent, or -errno. */
static long long call(int dev, int file, int sock, enum how how)
{
	uint64_t sent = 0;
	off_t off = 0;
	ssize_t n;
	int ret;

	if (how == BY_SENDFILE) {
		n = sendfile(sock, file, &off, LEN);
		return n < 0 ? -errno : n;
	}
	ret = zc_send_by(dev, file, sock, how == BY_SEND ? ZC_BY_SEND :
			 how == BY_FANOUT ? ZC_BY_FANOUT : ZC_BY_SENDV, 0, LEN, 0, &sent);
	return ret ? ret : (long long)sent;
}

struct outcome { long long first, recv, second; };

static int run(int dev, int file, enum scenario s, enum how how, struct outcome *o)
{
	int tx = -1, keep;
	char c;

	if (make_broken(s, &tx, &keep))
		return -1;
	o->first = call(dev, file, tx, how);
	o->recv = recv(tx, &c, 1, MSG_DONTWAIT);
	if (o->recv < 0)
		o->recv = -errno;
	o->second = call(dev, file, tx, how);
	close(tx);
	if (keep >= 0)
		close(keep);
	return 0;
}

FIXTURE(sockerr) {
	int dev;
	int fd;
	char path[64];
};

FIXTURE_VARIANT(sockerr) {
	enum scenario s;
	bool udp;	/* SENDV takes no UDP socket (EOPNOTSUPP), nor its error */
};

FIXTURE_VARIANT_ADD(sockerr, tcp_peer_reset) { .s = TCP_PEER_RESET };
FIXTURE_VARIANT_ADD(sockerr, tcp6_peer_reset) { .s = TCP6_PEER_RESET };
FIXTURE_VARIANT_ADD(sockerr, tcp_shut_wr) { .s = TCP_SHUT_WR };
FIXTURE_VARIANT_ADD(sockerr, tcp_shut_wr_then_reset) { .s = TCP_SHUT_WR_THEN_RESET };
FIXTURE_VARIANT_ADD(sockerr, udp_refused_shut_wr) { .s = UDP_REFUSED_SHUT_WR, .udp = true };
FIXTURE_VARIANT_ADD(sockerr, unix_peer_closed) { .s = UNIX_PEER_CLOSED };

FIXTURE_SETUP(sockerr)
{
	/* sendfile raises SIGPIPE with its EPIPE; zcopy never does. */
	signal(SIGPIPE, SIG_IGN);
	self->dev = open(ZC_DEV, O_RDWR);
	ASSERT_LE(0, self->dev);
	snprintf(self->path, sizeof(self->path), ZC_SCRATCH "/sockerr.%d", getpid());
	self->fd = zc_make_file(self->path, LEN);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(sockerr)
{
	EXPECT_EQ(0, zc_fd_counter(self->dev, "pages_pinned"));
	close(self->fd);
	unlink(self->path);
	close(self->dev);
}

TEST_F(sockerr, answers_as_sendfile)
{
	long long by_ref = zc_fd_counter(self->dev, "bytes_by_reference");
	struct outcome want, got;
	enum how how;

	ASSERT_EQ(0, run(self->dev, self->fd, variant->s, BY_SENDFILE, &want));
	TH_LOG("sendfile: %lld, recv %lld, then %lld", want.first, want.recv, want.second);
	/* The scenario really broke the socket: sendfile sent nothing. */
	ASSERT_GT(0, want.first);
	ASSERT_GT(0, want.second);
	for (how = BY_SEND; how <= BY_SENDV; how++) {
		ASSERT_EQ(0, run(self->dev, self->fd, variant->s, how, &got));
		if (how == BY_SENDV && variant->udp) {
			/* Refused for its kind, the socket keeps its error for recv. */
			EXPECT_EQ(-EOPNOTSUPP, got.first);
			EXPECT_EQ(-ECONNREFUSED, got.recv);
			EXPECT_EQ(-EOPNOTSUPP, got.second);
			continue;
		}
		EXPECT_EQ(want.first, got.first) TH_LOG("%s: first call", how_name[how]);
		EXPECT_EQ(want.recv, got.recv) TH_LOG("%s: recv after it", how_name[how]);
		EXPECT_EQ(want.second, got.second) TH_LOG("%s: second call", how_name[how]);
	}
	EXPECT_EQ(by_ref, zc_fd_counter(self->dev, "bytes_by_reference"));
}

/*
 * A call refused for the socket's kind (ZCOPY_SEND_NOTIFY or
 * ZCOPY_SEND_SENDFILE to a UDP socket, a fan-out's notifying target)
 * says EOPNOTSUPP and leaves the socket's pending error for the next
 * recv(), as it leaves everything else: it consumed it until session 16.
 */
TEST(refused_for_its_kind_keeps_the_error)
{
	static const char *const name[] = { "SEND|NOTIFY", "SEND|SENDFILE", "FANOUT|NOTIFY" };
	int dev = open(ZC_DEV, O_RDWR), file;
	char path[64], c;

	ASSERT_LE(0, dev);
	snprintf(path, sizeof(path), ZC_SCRATCH "/sockerr-kind.%d", getpid());
	file = zc_make_file(path, LEN);
	ASSERT_LE(0, file);
	for (int i = 0; i < 3; i++) {
		struct zcopy_send r = {
			.size = sizeof(r), .file_fd = file, .length = LEN,
			.flags = i == 1 ? ZCOPY_SEND_SENDFILE : ZCOPY_SEND_NOTIFY,
		};
		struct zcopy_target t = { 0 };
		struct zcopy_fanout f = {
			.size = sizeof(f), .flags = ZCOPY_SEND_NOTIFY, .file_fd = file,
			.nr_targets = 1, .length = LEN, .targets = (uintptr_t)&t,
		};
		int tx, keep, err;

		ASSERT_EQ(0, make_broken(UDP_REFUSED_SHUT_WR, &tx, &keep));
		r.sock_fd = t.sock_fd = tx;
		if (i < 2)
			err = ioctl(dev, ZCOPY_IOC_SEND, &r) ? errno : 0;
		else
			err = ioctl(dev, ZCOPY_IOC_FANOUT, &f) ? errno : t.error;
		EXPECT_EQ(EOPNOTSUPP, err) TH_LOG("%s: %s", name[i], strerror(err));
		EXPECT_EQ(-1, recv(tx, &c, 1, MSG_DONTWAIT));
		EXPECT_EQ(ECONNREFUSED, errno) TH_LOG("%s: recv after it", name[i]);
		close(tx);
	}
	EXPECT_EQ(0, zc_fd_counter(dev, "pages_pinned"));
	close(file);
	unlink(path);
	close(dev);
}

TEST_HARNESS_MAIN
