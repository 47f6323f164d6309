// SPDX-License-Identifier: GPL-2.0
/*
 * The end of a call's stream.  A call hands TCP its batches with MSG_MORE
 * while more of the call is to follow, so that TCP holds back a partial
 * segment between batches.  A call that then ends anywhere else than
 * where the last batch said (short at end of file, stopped by a signal,
 * a full buffer or an error) must push what TCP holds back, or the peer
 * waits for the tail until the next send, an ACK or the probe timer, and
 * kTLS keeps its record open.  sendfile(2) does the same through
 * ->splice_eof since 6.5.  A socket the user corked (TCP_CORK) stays
 * corked: TCP's push honours the cork.
 */

#include <net/sock.h>
#include <net/tcp.h>

#include "compat.h"
#include "sock_eof.h"

void zc_sock_eof(struct socket *sock, enum zc_sock_kind kind)
{
	if (kind != ZC_SOCK_TCP4 && kind != ZC_SOCK_TCP6)
		return;
#ifdef ZC_HAVE_SPLICE_EOF
	if (sock->ops->splice_eof)
		sock->ops->splice_eof(sock);
#else
	/*
	 * Uncorking a socket that is not corked only pushes (as
	 * setsockopt(TCP_CORK, 0) does); one the user corked is left alone.
	 * This pushes TCP's queue, not an open kTLS record, which these
	 * kernels (no ->splice_eof) cannot close from outside.
	 */
	if (!data_race(tcp_sk(sock->sk)->nonagle & TCP_NAGLE_CORK))
		tcp_sock_set_cork(sock->sk, false);
#endif
}
