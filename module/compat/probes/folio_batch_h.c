// SPDX-License-Identifier: GPL-2.0
/*
 * <linux/folio_batch.h>: struct folio_batch's own header, which replaced
 * <linux/pagevec.h> in 7.x.
 */
#include <linux/module.h>
#include <linux/folio_batch.h>
void zc_probe(struct folio_batch *fb);
void zc_probe(struct folio_batch *fb)
{
	folio_batch_init(fb);
}
MODULE_LICENSE("GPL");
