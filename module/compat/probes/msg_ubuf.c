// SPDX-License-Identifier: GPL-2.0
/* msghdr.msg_ubuf: a caller's completion object for a sendmsg (6.0). */
#include <linux/module.h>
#include <linux/skbuff.h>
#include <linux/socket.h>
void zc_probe(struct msghdr *msg, struct ubuf_info *uarg);
void zc_probe(struct msghdr *msg, struct ubuf_info *uarg)
{
	msg->msg_ubuf = uarg;
}
MODULE_LICENSE("GPL");
