// SPDX-License-Identifier: GPL-2.0
/*
 * kTLS installed on a socket while a ZCOPY_IOC_SEND to it waits for
 * buffer space: everything queued after the transmit key is in place
 * must go out as TLS records, none of it as plaintext inside the TLS
 * stream.  Before 6.5 zcopy queues a plain TCP batch under the socket
 * lock page by page (tcp_sendpage_locked()); waiting for space drops the
 * lock, and a ULP installed then must be seen before the next page.
 *
 * Deterministic: the receiver does not read until the sender is stuck
 * (its queued byte count no longer moves), then the ULP and the key are
 * installed (setsockopt takes the socket lock, which only a waiting send
 * has released), then everything is read.  The stream must be the
 * file's first P' bytes in the clear, P' at most one page past what was
 * queued at the install (the page TCP was in when it waited, which TCP
 * finishes itself), then TLS records that decrypt, through a kTLS
 * receiver, to exactly the rest of the file.  From 6.5 a batch is one
 * sendmsg and TCP itself finishes the whole batch in the clear (as it
 * would a write(2)), so there the bound is one batch.
 *
 * And a socket with the TLS ULP but only a receive key sends by
 * reference (receive_key_only_sends_by_reference).
 *
 * Needs kTLS with AES-GCM-128 (the tls module loaded, gcm(aes)): skips
 * without it.
 */
#include <poll.h>
#include <sys/socket.h>
#include <linux/tls.h>

#include "lib.h"
#include "stuck_send.h"
#include "kselftest_harness.h"

#ifndef SOL_TLS
#define SOL_TLS		282
#endif

#define LEN		(8ULL << 20)
#define TLS_HDR		5
#define TLS_OVERHEAD	(8 + 16)	/* explicit nonce + GCM tag */

static void crypto_info(struct tls12_crypto_info_aes_gcm_128 *ci)
{
	unsigned int i;

	memset(ci, 0, sizeof(*ci));
	ci->info.version = TLS_1_2_VERSION;
	ci->info.cipher_type = TLS_CIPHER_AES_GCM_128;
	for (i = 0; i < sizeof(ci->key); i++)
		ci->key[i] = 0x10 + i;
	for (i = 0; i < sizeof(ci->iv); i++)
		ci->iv[i] = 0x40 + i;
	for (i = 0; i < sizeof(ci->salt); i++)
		ci->salt[i] = 0x70 + i;
}

/* The TLS ULP and a key for @dir (TLS_TX or TLS_RX) on @sock; 0 or -errno. */
static int ktls_install(int sock, int dir)
{
	struct tls12_crypto_info_aes_gcm_128 ci;

	if (setsockopt(sock, IPPROTO_TCP, TCP_ULP, "tls", sizeof("tls")))
		return -errno;
	crypto_info(&ci);
	return setsockopt(sock, SOL_TLS, dir, &ci, sizeof(ci)) ? -errno : 0;
}

struct writer {
	int sock;
	const unsigned char *buf;
	size_t len;
	pthread_t thread;
};

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	size_t off = 0;
	ssize_t n;

	while (off < w->len) {
		n = send(w->sock, w->buf + off, w->len - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += n;
	}
	shutdown(w->sock, SHUT_WR);
	return NULL;
}

FIXTURE(ktls) {
	int dev;
	int fd;
	int tx, rx;	/* the send under test */
	int dtx, drx;	/* a kTLS receiver that decrypts what tx sent */
	char path[64];
};

FIXTURE_SETUP(ktls)
{
	int small = 64 << 10, ret;

	self->dev = self->fd = self->tx = self->rx = self->dtx = self->drx = -1;
	ASSERT_EQ(0, zc_tcp_pair(AF_INET, &self->dtx, &self->drx));
	ret = ktls_install(self->drx, TLS_RX);
	/* 524: the kernel's internal ENOTSUPP, which some versions leak. */
	if (ret == -ENOENT || ret == -ENOPROTOOPT || ret == -EOPNOTSUPP ||
	    ret == -524)
		SKIP(return, "no kTLS with AES-GCM-128 here (tls module, gcm(aes)): %s",
		     strerror(-ret));
	ASSERT_EQ(0, ret) TH_LOG("kTLS receiver: %s", strerror(-ret));

	self->dev = open(ZC_DEV, O_RDWR);
	ASSERT_LE(0, self->dev);
	snprintf(self->path, sizeof(self->path), ZC_SCRATCH "/ktls.%d", getpid());
	self->fd = zc_make_file(self->path, LEN);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, zc_tcp_pair(AF_INET, &self->tx, &self->rx));
	/* Small buffers: the send has to wait long before the file is out. */
	ASSERT_EQ(0, setsockopt(self->tx, SOL_SOCKET, SO_SNDBUF, &small, sizeof(small)));
	ASSERT_EQ(0, setsockopt(self->rx, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)));
}

FIXTURE_TEARDOWN(ktls)
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
	if (self->dtx >= 0)
		close(self->dtx);
	if (self->drx >= 0)
		close(self->drx);
}

TEST_F_TIMEOUT(ktls, installed_while_send_waits, 600)
{
	struct zc_stuck_send s = {
		.dev = self->dev, .file = self->fd, .sock = self->tx, .len = LEN,
	};
	unsigned long long bound, plain, pos, payload = 0;
	size_t cap = LEN * 2, got = 0;
	unsigned char *buf = malloc(cap), *dec;
	struct writer w = { 0 };
	long long queued;
	int ok;
	ssize_t n;

	ASSERT_NE(NULL, buf);
	queued = zc_stuck_send_start(&s);
	ASSERT_LE(0, queued) TH_LOG("the send did not wait (%d, %llu sent)",
				    s.ret, (unsigned long long)s.sent);
	ASSERT_GT((long long)LEN, queued);
	/* It has released the socket lock to wait: these take it. */
	ASSERT_EQ(0, ktls_install(self->tx, TLS_TX));
	/* Nothing moves until rx reads: what was queued at the install. */
	queued = zc_tcp_queued(self->tx);
	ASSERT_LE(0, queued);

	/* Now read the whole stream. */
	for (;;) {
		ASSERT_GT(cap, got) TH_LOG("more than %zu bytes received", cap);
		n = recv(self->rx, buf + got, cap - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		ASSERT_LE(0, n) TH_LOG("recv: %s", strerror(errno));
		if (!n)
			break;
		got += n;
	}
	pthread_join(s.thread, NULL);
	ASSERT_EQ(0, s.ret) TH_LOG("send: %s", strerror(-s.ret));
	EXPECT_EQ(LEN, s.sent);

	/* The clear part: the file's bytes up to where the TLS records start. */
	for (plain = 0; plain < got && plain < LEN; plain++)
		if (buf[plain] != zc_pattern(plain))
			break;
	bound = zc_stuck_send_bound();
	TH_LOG("queued at the install %lld, in the clear %llu, allowed %llu",
	       queued, plain, (unsigned long long)queued + bound);
	EXPECT_LE((unsigned long long)queued, plain);
	EXPECT_GE((unsigned long long)queued + bound, plain)
		TH_LOG("%llu bytes went out in the clear after the TLS key was set",
		       plain - queued);
	ASSERT_GT(LEN, plain) TH_LOG("no TLS record at all");

	/* Then nothing but TLS 1.2 application data records, to the end. */
	for (pos = plain; pos < got; ) {
		unsigned int len;

		ASSERT_LE(pos + TLS_HDR, got);
		ASSERT_EQ(0x17, buf[pos]) TH_LOG("not a TLS record at %llu", pos);
		ASSERT_EQ(0x03, buf[pos + 1]);
		ASSERT_EQ(0x03, buf[pos + 2]);
		len = buf[pos + 3] << 8 | buf[pos + 4];
		ASSERT_LT(TLS_OVERHEAD, len);
		payload += len - TLS_OVERHEAD;
		pos += TLS_HDR + len;
	}
	EXPECT_EQ(got, pos);
	EXPECT_EQ(LEN - plain, payload);

	/* And they decrypt to the rest of the file. */
	w.sock = self->dtx;
	w.buf = buf + plain;
	w.len = got - plain;
	ASSERT_EQ(0, pthread_create(&w.thread, NULL, writer_main, &w));
	dec = malloc(LEN);
	ASSERT_NE(NULL, dec);
	for (got = 0; got < LEN - plain; ) {
		n = recv(self->drx, dec + got, LEN - plain - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += n;
	}
	pthread_join(w.thread, NULL);
	EXPECT_EQ(LEN - plain, got);
	ok = 1;
	for (pos = 0; pos < got && ok; pos++)
		ok = dec[pos] == zc_pattern(plain + pos);
	EXPECT_TRUE(ok) TH_LOG("decrypted byte %llu is not the file's", plain + pos - 1);
	free(dec);
	free(buf);
}

/*
 * The TLS ULP with a receive key only keeps TCP's own sendmsg: the file
 * goes out in the clear and by reference, so ZCOPY_SEND_STRICT must not
 * refuse it and bytes_by_reference counts every byte (before session 15
 * any ULP counted as a copy, and STRICT said EXDEV).
 */
TEST_F_TIMEOUT(ktls, receive_key_only_sends_by_reference, 300)
{
	struct zc_reader r = { 0 };
	long long ref = zc_fd_counter(self->dev, "bytes_by_reference");
	struct zcopy_send a = {
		.size = sizeof(a), .file_fd = self->fd, .sock_fd = self->tx,
		.flags = ZCOPY_SEND_STRICT,
	};
	uint64_t pos = 0;

	ASSERT_EQ(0, ktls_install(self->tx, TLS_RX));
	ASSERT_EQ(0, zc_reader_start(&r, self->rx, 0));
	while (pos < LEN) {
		a.offset = pos;
		a.length = LEN - pos;
		ASSERT_EQ(0, ioctl(self->dev, ZCOPY_IOC_SEND, &a))
			TH_LOG("at %llu: %s", (unsigned long long)pos, strerror(errno));
		ASSERT_LT(0, a.bytes_sent);
		pos += a.bytes_sent;
	}
	shutdown(self->tx, SHUT_WR);
	zc_reader_join(&r);
	EXPECT_EQ(LEN, r.got);
	EXPECT_EQ(-1, r.first_bad);
	EXPECT_EQ(ref + (long long)LEN, zc_fd_counter(self->dev, "bytes_by_reference"));
}

TEST_HARNESS_MAIN
