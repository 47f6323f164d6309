// SPDX-License-Identifier: GPL-2.0
/* struct ubuf_info_ops replaces ubuf_info's ->callback (6.10). */
#include <linux/module.h>
#include <linux/skbuff.h>
static const struct ubuf_info_ops zc_probe_ops;
void zc_probe(struct ubuf_info *uarg);
void zc_probe(struct ubuf_info *uarg)
{
	uarg->ops = &zc_probe_ops;
}
MODULE_LICENSE("GPL");
