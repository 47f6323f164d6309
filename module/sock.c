// SPDX-License-Identifier: GPL-2.0
/*
 * Socket side of a send: which sockets are accepted, whether the stack
 * will take the pages by reference or copy them, and the one call that
 * queues a batch (sendmsg(MSG_SPLICE_PAGES) from 6.5, ->sendpage before).
 */

#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/socket.h>
#include <linux/uaccess.h>
#include <linux/uio.h>
#include <linux/zcopy.h>
#include <linux/udp.h>
#include <net/dst.h>
#include <net/inet_connection_sock.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <net/tcp_states.h>

#include "compat.h"
#include "sock.h"

/*
 * A TCP or UDP socket that cannot be sent to says why first: the error it
 * has pending (ECONNRESET after the peer's reset, ETIMEDOUT, ECONNREFUSED),
 * consumed as sendfile(2) consumes it (sk_stream_error() and
 * sk_stream_wait_connect() for TCP, sock_alloc_send_pskb() for UDP), so
 * that the caller learns the reset rather than EPIPE, and a later recv()
 * does not report it again.  A UNIX socket has no such error to give.
 */
static int zc_sock_refuse(struct sock *sk, int err)
{
	int pending = sk->sk_family == AF_UNIX ? 0 : sock_error(sk);

	return pending ? pending : err;
}

int zc_sock_kind(struct socket *sock, enum zc_sock_kind *kind)
{
	struct sock *sk = sock->sk;

	if (!sk)
		return -ENOTCONN;
	switch (sk->sk_family) {
	case AF_INET:
	case AF_INET6:
		if (sk->sk_type == SOCK_STREAM && sk->sk_protocol == IPPROTO_TCP) {
			*kind = sk->sk_family == AF_INET ? ZC_SOCK_TCP4 : ZC_SOCK_TCP6;
			return 0;
		}
		if (sk->sk_type == SOCK_DGRAM && sk->sk_protocol == IPPROTO_UDP) {
			*kind = ZC_SOCK_UDP;
			return 0;
		}
		return -EOPNOTSUPP;
	case AF_UNIX:
		if (sk->sk_type != SOCK_STREAM)
			return -EOPNOTSUPP;
		*kind = ZC_SOCK_UNIX;
		return 0;
	default:
		return -EAFNOSUPPORT;
	}
}

int zc_sock_classify(struct socket *sock, enum zc_sock_kind *kind)
{
	struct sock *sk = sock->sk;
	int state, ret;

	if (!sk)
		return -ENOTCONN;
	/* As send(2): a socket shut down for writing is EPIPE, not ENOTCONN. */
	if (READ_ONCE(sk->sk_shutdown) & SEND_SHUTDOWN)
		return zc_sock_refuse(sk, -EPIPE);
	ret = zc_sock_kind(sock, kind);
	if (ret)
		return ret;
	state = READ_ONCE(sk->sk_state);
	switch (*kind) {
	case ZC_SOCK_TCP4:
	case ZC_SOCK_TCP6:
		/* Close-wait: the peer is done sending, we are not. */
		if (state != TCP_ESTABLISHED && state != TCP_CLOSE_WAIT)
			return zc_sock_refuse(sk, -ENOTCONN);
		return 0;
	default:	/* UDP and UNIX stream: connected */
		return state == TCP_ESTABLISHED ? 0 : -ENOTCONN;
	}
}

enum zc_counter zc_sock_sends_counter(enum zc_sock_kind kind)
{
	switch (kind) {
	case ZC_SOCK_TCP4:	return ZC_SENDS_TCP4;
	case ZC_SOCK_TCP6:	return ZC_SENDS_TCP6;
	case ZC_SOCK_UDP:	return ZC_SENDS_UDP;
	default:		return ZC_SENDS_UNIX;
	}
}

/*
 * Most bytes one sendmsg may carry.  A UDP batch is one datagram, sized
 * to leave the host unfragmented: the stack computes the checksum of a
 * fragmented datagram from skb->csum, which spliced frags do not update
 * (6.5 .. 7.2), so a fragmented spliced datagram would go out with a bad
 * checksum.  IP options and IPv6 extension headers are not allowed for.
 */
size_t zc_sock_max_send(struct socket *sock, enum zc_sock_kind kind)
{
	struct sock *sk = sock->sk;
	size_t max = ZCOPY_UDP_DATAGRAM_MAX, hdr;
	struct dst_entry *dst;

	if (kind != ZC_SOCK_UDP)
		return SIZE_MAX;
	hdr = sizeof(struct udphdr) + (sk->sk_family == AF_INET6 ?
				       sizeof(struct ipv6hdr) : sizeof(struct iphdr));
	dst = sk_dst_get(sk);
	if (dst) {
		if (dst_mtu(dst) > hdr)
			max = min_t(size_t, max, dst_mtu(dst) - hdr);
		dst_release(dst);
	}
	return max;
}

/* Whether a send to @sock returns rather than wait for buffer space. */
static bool zc_sock_nowait(struct socket *sock, bool nowait)
{
	return nowait || (sock->file && (sock->file->f_flags & O_NONBLOCK));
}

/*
 * What a send to @sock that will not wait (@nowait, or a non-blocking
 * socket) should look up and pin: the room its send buffer has now, one
 * page at least.  Such a send queues what fits and returns, so pages
 * looked up past that were pinned only to be released unsent: a call
 * into a full socket (EAGAIN) would walk a whole batch for nothing, and
 * nginx's non-blocking sendfile calls, or a fan-out's targets, do that
 * all the time.  TCP may take a little more than this (the room is
 * counted in truesize): the send then simply goes on with another batch.
 * A blocking send waits for room, and a UDP or UNIX socket is not a TCP
 * byte stream: for those, no bound (SIZE_MAX).
 */
size_t zc_sock_room(struct socket *sock, enum zc_sock_kind kind, bool nowait)
{
	int room;

	if (kind != ZC_SOCK_TCP4 && kind != ZC_SOCK_TCP6)
		return SIZE_MAX;
	if (!zc_sock_nowait(sock, nowait))
		return SIZE_MAX;
	room = sk_stream_wspace(sock->sk);
	return room > (int)PAGE_SIZE ? room : PAGE_SIZE;
}

/* Why a device with @features makes the stack copy, or BYTES_BY_REF. */
static enum zc_counter zc_features_reason(netdev_features_t features)
{
	if (!(features & NETIF_F_SG))
		return ZC_BYTES_COPIED_NO_SG;
	/*
	 * Without checksum offload the checksum is computed in software, and
	 * skb_checksum_help() first copies frags that are shared (ours are).
	 */
	if (!(features & NETIF_F_CSUM_MASK))
		return ZC_BYTES_COPIED_SW_CSUM;
	return ZC_BYTES_BY_REF;
}

/*
 * Whether TCP's own sendmsg (and, before 6.5, ->sendpage) still takes
 * @sk's data.  A layer that put its own in sk_prot copies the data into
 * buffers of its own, whatever MSG_SPLICE_PAGES or msg_ubuf ask for:
 * kTLS with a transmit key (tls_sw_sendmsg()) and a sockmap with an
 * sk_msg program (tcp_bpf_sendmsg()).  Before 6.5 tcp_bpf_sendpage()
 * hands the page itself to the program, and whether TCP then gets it
 * by reference depends on the program (bpf_msg_pull_data() copies)
 * and on the 6.1 release (later stable updates copy in tcp_bpf_push()):
 * nothing to be promised, so it counts as a copy too.  A sockmap
 * without an sk_msg program leaves the send side alone.  tcp_bpf and
 * kTLS replace sk_prot under the socket lock, which a send that waits
 * for buffer space drops: unlocked, this is a snapshot.
 */
static bool zc_sock_tcp_own_send(const struct sock *sk)
{
	const struct proto *prot = READ_ONCE(sk->sk_prot);

	if (prot->sendmsg != tcp_sendmsg)
		return false;
#ifdef ZC_SEND_BY_SENDPAGE
	if (prot->sendpage != tcp_sendpage)
		return false;
#endif
	return true;
}

/*
 * Whether a notifying send may go to @sock: only TCP's own sendmsg
 * honours msghdr.msg_ubuf.  Through kTLS or a sockmap's sk_msg program
 * the data is copied and the completion would come before it left (or
 * the send fails), so such a socket cannot notify.  Returns 0 or
 * -EOPNOTSUPP.
 */
int zc_sock_check_notify(struct socket *sock)
{
	struct sock *sk = sock->sk;

	if (!sk || sk->sk_type != SOCK_STREAM || sk->sk_protocol != IPPROTO_TCP ||
	    (sk->sk_family != AF_INET && sk->sk_family != AF_INET6))
		return -EOPNOTSUPP;
	return zc_sock_tcp_own_send(sk) ? 0 : -EOPNOTSUPP;
}

/*
 * Predict whether @b's bytes will reach the wire from the page cache's
 * own pages or be copied by the CPU on the way, from the device the
 * socket's route leaves by: without NETIF_F_SG UDP copies in
 * __ip_append_data()/ip_append_page(), and TCP either in
 * tcp_sendmsg_locked() or, when GSO made sk_route_caps claim SG, when
 * software GSO segments the skb for that device; without checksum
 * offload skb_checksum_help() linearizes (copies) shared frags.  So the
 * device is asked, not sk_route_caps.  UNIX sockets never copy; TCP
 * under kTLS or a sockmap's sk_msg program always does.
 * Returns the counter the batch's bytes belong to.
 */
enum zc_counter zc_sock_copy_reason(struct socket *sock, enum zc_sock_kind kind,
				    const struct zc_batch *b)
{
	struct sock *sk = sock->sk;
	enum zc_counter reason = ZC_BYTES_BY_REF;
	struct dst_entry *dst;

	if (!b->spliceable)
		return ZC_BYTES_COPIED_UNSPLICEABLE;
#ifdef ZC_SEND_BY_SENDPAGE
	/* Such sockets (UDP over IPv6 on 6.1) copy in sock_no_sendpage(). */
	if (!sock->ops->sendpage || sock->ops->sendpage == sock_no_sendpage)
		return ZC_BYTES_COPIED_UNSPLICEABLE;
#endif
	if (kind == ZC_SOCK_UNIX)
		return ZC_BYTES_BY_REF;
	/*
	 * kTLS with a transmit key encrypts into its own buffers, and a
	 * sockmap's sk_msg layer copies (see zc_sock_tcp_own_send()).  The
	 * TLS ULP with no transmit key (a receive key only, or none yet)
	 * keeps TCP's own sendmsg, and the pages go by reference.
	 */
	if (kind != ZC_SOCK_UDP && !zc_sock_tcp_own_send(sk))
		return ZC_BYTES_COPIED_UNSPLICEABLE;
	dst = sk_dst_get(sk);
	if (dst) {
		if (dst->dev)
			reason = zc_features_reason(dst->dev->features);
		dst_release(dst);
	} else if (kind != ZC_SOCK_UDP) {
		/* No cached route (yet): what TCP itself decides on. */
		reason = zc_features_reason(sk->sk_route_caps);
	}
	return reason;
}

static int zc_sock_msg_flags(struct socket *sock, bool nowait)
{
	int flags = MSG_NOSIGNAL;

	if (zc_sock_nowait(sock, nowait))
		flags |= MSG_DONTWAIT;
	return flags;
}

#ifdef ZC_SEND_BY_SPLICE
/*
 * One sendmsg for the whole batch.  MSG_MORE tells TCP more follows (so
 * it does not push a small segment between batches); a UDP batch is a
 * whole datagram and must not be corked.  A batch with a page the stack
 * may not take by reference is sent without MSG_SPLICE_PAGES: copied.
 * So is a UDP datagram whose checksum is computed in software: the stack
 * would not checksum spliced frags (see zc_sock_max_send()).
 */
static int __zc_sock_send(struct socket *sock, enum zc_sock_kind kind,
			  const struct zc_batch *b, bool more, bool nowait)
{
	struct msghdr msg = {};
	bool splice = b->spliceable;

	if (kind == ZC_SOCK_UDP &&
	    zc_sock_copy_reason(sock, kind, b) != ZC_BYTES_BY_REF)
		splice = false;
	msg.msg_flags = zc_sock_msg_flags(sock, nowait);
	if (splice)
		msg.msg_flags |= MSG_SPLICE_PAGES;
	if (more && (kind == ZC_SOCK_TCP4 || kind == ZC_SOCK_TCP6))
		msg.msg_flags |= MSG_MORE;
	iov_iter_bvec(&msg.msg_iter, ITER_SOURCE, b->bv, b->nr, b->bytes);
	return sock_sendmsg(sock, &msg);
}
#else
/*
 * Plain TCP (no kTLS or sockmap in sk_prot) takes the whole batch under
 * one socket lock, page by page with tcp_sendpage_locked() as kTLS does,
 * instead of locking and releasing the socket (and running its backlog)
 * once per page as ->sendpage, and sendfile, do.  Whether the socket is
 * plain TCP is known only under the lock, and only until the lock is
 * dropped: tcp_sendpage_locked() drops it while it waits for buffer
 * space, and kTLS or a sockmap may replace sk_prot meanwhile.  So it is
 * asked again before every page, and once the answer is no the rest of
 * the batch goes through kernel_sendpage(), to that layer, unlocked.
 */
static bool zc_sock_plain_tcp(struct sock *sk)
{
#ifdef ZC_HAVE_TCP_SENDPAGE_LOCKED
	return READ_ONCE(sk->sk_prot)->sendpage == tcp_sendpage;
#else
	return false;
#endif
}

static int zc_sock_sendpage(struct socket *sock, bool locked, struct page *page,
			    int off, size_t len, int flags)
{
#ifdef ZC_HAVE_TCP_SENDPAGE_LOCKED
	if (locked)
		return tcp_sendpage_locked(sock->sk, page, off, len, flags);
#endif
	return kernel_sendpage(sock, page, off, len, flags);
}

/*
 * ->sendpage takes one page at a time.  Every piece but the batch's last
 * carries MSG_MORE: for TCP that avoids pushing partial segments, for
 * UDP it keeps the datagram corked until its last piece.  Returns the
 * bytes queued, or an error if none were.
 */
static int __zc_sock_send(struct socket *sock, enum zc_sock_kind kind,
			  const struct zc_batch *b, bool more, bool nowait)
{
	bool tcp = kind == ZC_SOCK_TCP4 || kind == ZC_SOCK_TCP6;
	int base = zc_sock_msg_flags(sock, nowait);
	struct sock *sk = sock->sk;
	size_t left = b->bytes;
	bool locked = false;
	int sent = 0, ret = 0;
	unsigned int i;

	/* Unlocked, only a hint that the lock is worth taking. */
	if (tcp && zc_sock_plain_tcp(sk)) {
		lock_sock(sk);
		locked = true;
	}
	for (i = 0; i < b->nr; i++) {
		const struct bio_vec *bv = &b->bv[i];
		size_t off = bv->bv_offset, len = bv->bv_len;

		while (len) {
			struct page *page = nth_page(bv->bv_page, off >> PAGE_SHIFT);
			size_t poff = offset_in_page(off);
			size_t part = min_t(size_t, len, PAGE_SIZE - poff);
			int flags = base;

			left -= part;
			if (kind != ZC_SOCK_UNIX && (left || (tcp && more)))
				flags |= MSG_MORE;
			if (tcp && (left || more))
				flags |= MSG_SENDPAGE_NOTLAST;
			if (locked && !zc_sock_plain_tcp(sk)) {
				release_sock(sk);
				locked = false;
			}
			ret = zc_sock_sendpage(sock, locked, page, poff, part, flags);
			if (ret <= 0)
				goto out;
			sent += ret;
			if ((size_t)ret < part)
				goto out;
			off += part;
			len -= part;
		}
	}
out:
	if (locked)
		release_sock(sk);
	/* A failed UDP piece flushes the whole corked datagram. */
	if (ret <= 0 && (!sent || kind == ZC_SOCK_UDP))
		return ret;
	return sent;
}
#endif

int zc_sock_send(struct socket *sock, enum zc_sock_kind kind,
		 const struct zc_batch *b, bool more)
{
	return __zc_sock_send(sock, kind, b, more, false);
}

#ifdef ZC_HAVE_MSG_UBUF
/*
 * A batch of a notifying call (TCP only): sendmsg(MSG_ZEROCOPY) with the
 * call's completion object as msg_ubuf, on every kernel.  TCP then
 * attaches the bvec's pages by reference (skb_zerocopy_iter_stream(),
 * which takes its own page references) to skbs that each hold a
 * reference on @uarg, so the last one freed completes the call.  A batch
 * whose pages may not be attached is copied, with no msg_ubuf.  A socket
 * that cannot notify (zc_sock_check_notify(); it may have been put in a
 * sockmap or under kTLS since the call began) gets nothing: EOPNOTSUPP.
 */
int zc_sock_send_notify(struct socket *sock, const struct zc_batch *b,
			bool more, bool nowait, struct ubuf_info *uarg)
{
	struct msghdr msg = {};
	int ret;

	ret = zc_sock_check_notify(sock);
	if (ret)
		return ret;
	msg.msg_flags = zc_sock_msg_flags(sock, nowait);
	if (b->spliceable) {
		msg.msg_flags |= MSG_ZEROCOPY;
		msg.msg_ubuf = uarg;
	}
	if (more)
		msg.msg_flags |= MSG_MORE;
	iov_iter_bvec(&msg.msg_iter, ITER_SOURCE, b->bv, b->nr, b->bytes);
	return sock_sendmsg(sock, &msg);
}
#endif

/* As zc_sock_send(), but never sleeping for buffer space (fan-out). */
int zc_sock_send_nowait(struct socket *sock, enum zc_sock_kind kind,
			const struct zc_batch *b, bool more)
{
	return __zc_sock_send(sock, kind, b, more, true);
}

/*
 * @len bytes of user memory at @buf to @sock, copied by the socket as
 * send(2) would.  Returns the bytes queued, or an error if none were.
 */
int zc_sock_send_user(struct socket *sock, void __user *buf, size_t len,
		      bool more)
{
	struct msghdr msg = {};

	if (!access_ok(buf, len))
		return -EFAULT;
	msg.msg_flags = zc_sock_msg_flags(sock, false) | (more ? MSG_MORE : 0);
	iov_iter_ubuf(&msg.msg_iter, ITER_SOURCE, buf, len);
	return sock_sendmsg(sock, &msg);
}
