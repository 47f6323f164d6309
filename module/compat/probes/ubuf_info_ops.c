// SPDX-License-Identifier: GPL-2.0
/* struct ubuf_info_ops replaces ubuf_info's ->callback (6.10). */
#include <linux/module.h>
#include <linux/skbuff.h>
void zc_probe(struct ubuf_info *uarg, const struct ubuf_info_ops *ops);
void zc_probe(struct ubuf_info *uarg, const struct ubuf_info_ops *ops)
{
	uarg->ops = ops;
}
MODULE_LICENSE("GPL");
