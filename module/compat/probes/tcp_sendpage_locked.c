// SPDX-License-Identifier: GPL-2.0
/*
 * tcp_sendpage_locked(): a page to TCP under a socket lock the caller
 * holds (4.15 for kTLS; gone with ->sendpage in 6.5).
 */
#include <linux/module.h>
#include <net/tcp.h>
int zc_probe(struct sock *sk, struct page *page);
int zc_probe(struct sock *sk, struct page *page)
{
	if (READ_ONCE(sk->sk_prot)->sendpage != tcp_sendpage)
		return 0;
	return tcp_sendpage_locked(sk, page, 0, 1, 0);
}
MODULE_LICENSE("GPL");
