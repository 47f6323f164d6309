/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A batch: one stretch of a file's page cache, as bio_vecs over folios
 * the module holds references on until the socket has taken its own.
 */
#ifndef ZCOPY_PAGES_H
#define ZCOPY_PAGES_H

#include <linux/bvec.h>
#include <linux/fs.h>

#include "stats.h"

/*
 * A batch of at most this many pages keeps its bio_vecs in the batch
 * itself: a short call (a 16 KiB web response) allocates nothing.
 */
#define ZC_BATCH_INLINE	8

struct zc_batch {
	struct bio_vec *bv;	/* one per folio (part) in the batch */
	unsigned int max_segs;	/* room in @bv */
	unsigned int nr;	/* bio_vecs in use */
	size_t bytes;		/* sum of their lengths */
	unsigned long pinned;	/* pages they span, as counted in the gauge */
	bool spliceable;	/* every page may be attached by reference */
	bool nodiskio;		/* in: stop at the first page not cached */
	bool uncached;		/* out: the fill stopped at such a page */
	bool read_error;	/* out: it stopped at a page it could not read */
	struct zc_stats *stats;	/* the caller's per-file counters */
	struct bio_vec inline_bv[ZC_BATCH_INLINE];	/* @bv when it fits */
};

int zc_batch_init(struct zc_batch *b, unsigned int max_pages,
		  struct zc_stats *stats);
void zc_batch_destroy(struct zc_batch *b);

int zc_batch_fill(struct zc_batch *b, struct file *file, loff_t pos,
		  size_t len);
void zc_batch_release(struct zc_batch *b);
void zc_batch_view(const struct zc_batch *b, size_t skip, struct zc_batch *v);

/* Pages that bytes [@off, @off + @len) of a folio touch (@len > 0). */
static inline unsigned long zc_pages_spanned(size_t off, size_t len)
{
	return ((off + len - 1) >> PAGE_SHIFT) - (off >> PAGE_SHIFT) + 1;
}

#endif /* ZCOPY_PAGES_H */
