// SPDX-License-Identifier: GPL-2.0
/* kernel_sendpage(): pages to a TCP socket by reference before 6.5. */
#include <linux/module.h>
#include <linux/net.h>
int zc_probe(struct socket *sock, struct page *page);
int zc_probe(struct socket *sock, struct page *page)
{
	return kernel_sendpage(sock, page, 0, PAGE_SIZE, 0);
}
MODULE_LICENSE("GPL");
