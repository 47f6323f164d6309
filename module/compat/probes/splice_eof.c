// SPDX-License-Identifier: GPL-2.0
/*
 * proto_ops.splice_eof: end a spliced stream, pushing what MSG_MORE held
 * back (6.5, with MSG_SPLICE_PAGES).
 */
#include <linux/module.h>
#include <linux/net.h>
void zc_probe(struct socket *sock);
void zc_probe(struct socket *sock)
{
	if (sock->ops->splice_eof)
		sock->ops->splice_eof(sock);
}
MODULE_LICENSE("GPL");
