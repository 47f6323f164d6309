// SPDX-License-Identifier: GPL-2.0
/*
 * bvec_set_page(): fill a bio_vec (6.2; backported to later 6.1 releases
 * only, and dkms.conf accepts any 6.1).
 */
#include <linux/bvec.h>
#include <linux/module.h>
void zc_probe(struct bio_vec *bv, struct page *page);
void zc_probe(struct bio_vec *bv, struct page *page)
{
	bvec_set_page(bv, page, 1, 0);
}
MODULE_LICENSE("GPL");
