/* SPDX-License-Identifier: GPL-2.0 */
/* Which sockets a send may go to, and how a batch is handed to one. */
#ifndef ZCOPY_SOCK_H
#define ZCOPY_SOCK_H

#include <linux/net.h>

#include "pages.h"
#include "stats.h"

enum zc_sock_kind {
	ZC_SOCK_TCP4,
	ZC_SOCK_TCP6,
	ZC_SOCK_UDP,
	ZC_SOCK_UNIX,
};

/* @sock's kind by family, type and protocol alone: nothing is consumed. */
int zc_sock_kind(struct socket *sock, enum zc_sock_kind *kind);
/* 0, or why @sock cannot be sent to: its pending error is consumed then. */
int zc_sock_classify(struct socket *sock, enum zc_sock_kind *kind);
enum zc_counter zc_sock_sends_counter(enum zc_sock_kind kind);
size_t zc_sock_max_send(struct socket *sock, enum zc_sock_kind kind);
size_t zc_sock_room(struct socket *sock, enum zc_sock_kind kind, bool nowait);
enum zc_counter zc_sock_copy_reason(struct socket *sock, enum zc_sock_kind kind,
				    const struct zc_batch *b);
int zc_sock_send(struct socket *sock, enum zc_sock_kind kind,
		 const struct zc_batch *b, bool more);
int zc_sock_send_user(struct socket *sock, void __user *buf, size_t len,
		      bool more);
int zc_sock_check_notify(struct socket *sock);
struct ubuf_info;
int zc_sock_send_notify(struct socket *sock, const struct zc_batch *b,
			bool more, bool nowait, struct ubuf_info *uarg);
int zc_sock_send_nowait(struct socket *sock, enum zc_sock_kind kind,
			const struct zc_batch *b, bool more);

#endif /* ZCOPY_SOCK_H */
