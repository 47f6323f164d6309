// SPDX-License-Identifier: GPL-2.0
/* bvec_set_folio(): a whole large folio as one bio_vec (6.3). */
#include <linux/module.h>
#include <linux/bvec.h>
void zc_probe(struct bio_vec *bv, struct folio *folio);
void zc_probe(struct bio_vec *bv, struct folio *folio)
{
	bvec_set_folio(bv, folio, folio_size(folio), 0);
}
MODULE_LICENSE("GPL");
