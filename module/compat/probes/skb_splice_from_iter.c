// SPDX-License-Identifier: GPL-2.0
/*
 * skb_splice_from_iter(): present once TCP honours MSG_SPLICE_PAGES (6.5).
 * MSG_SPLICE_PAGES itself is defined earlier in 6.1.y stable (for UDP
 * only), so it cannot serve as the probe.
 */
#include <linux/module.h>
#include <linux/skbuff.h>
static void *zc_probe __used = skb_splice_from_iter;
MODULE_LICENSE("GPL");
