// SPDX-License-Identifier: GPL-2.0
/*
 * Page-cache lookup and pinning for a send.  A batch holds one reference
 * per folio part it lists; the socket takes its own references when it
 * attaches the pages to skbs, so the batch is released right after the
 * sendmsg and the module never pins more than one batch per call.
 */

#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/net.h>
#include <linux/pagemap.h>
#include <linux/slab.h>
#include <linux/swap.h>

#include "compat.h"
#include "pages.h"

/*
 * Pages all sends together may hold at once (0: a sixteenth of RAM), so
 * that no user can pin all memory through the module.  A batch that would
 * go past it ends early (a short batch, never a wait), but always takes
 * at least one page, so every call progresses: the limit can be exceeded
 * by at most one page per send in progress.  Counted, as in the
 * pages_pinned gauge, are the pages a batch spans: a reference on part of
 * a large folio keeps all of it in memory.
 */
static unsigned long max_pinned_pages;
module_param(max_pinned_pages, ulong, 0644);
MODULE_PARM_DESC(max_pinned_pages,
		 "Pages all sends may pin at once (0: a sixteenth of RAM)");

/* The module-wide limit on pinned pages, in pages. */
static s64 zc_pin_limit(void)
{
	unsigned long limit = READ_ONCE(max_pinned_pages);

	if (!limit)
		limit = totalram_pages() / 16;
	return min_t(u64, limit, S64_MAX);
}

int zc_batch_init(struct zc_batch *b, unsigned int max_pages,
		  struct zc_stats *stats)
{
	memset(b, 0, sizeof(*b));
	if (max_pages <= ZC_BATCH_INLINE)
		b->bv = b->inline_bv;
	else
		b->bv = kmalloc_array(max_pages, sizeof(*b->bv), GFP_KERNEL_ACCOUNT);
	if (!b->bv)
		return -ENOMEM;
	b->max_segs = max_pages;
	b->stats = stats;
	return 0;
}

void zc_batch_destroy(struct zc_batch *b)
{
	if (b->bv != b->inline_bv)
		kfree(b->bv);
	b->bv = NULL;
}

/* Pages of [@first, @last] that are not in the page cache at all. */
static unsigned long zc_count_absent(struct address_space *mapping,
				     pgoff_t first, pgoff_t last)
{
	unsigned long absent = 0;
	pgoff_t index = first;

	while (index <= last) {
		struct folio *folio = zc_filemap_get_folio(mapping, index);

		if (!folio) {
			absent++;
			index++;
			continue;
		}
		index = folio->index + folio_nr_pages(folio);
		folio_put(folio);
	}
	return absent;
}

/*
 * Read [@first, @last] in with one readahead.  A private readahead state
 * whose window is exactly the request makes the kernel read what this
 * batch needs and nothing past it, so every page read in is counted as
 * a miss of the batch that asked for it (the file's own state, shared
 * with read(2), is left alone).
 */
static void zc_readahead(struct file *file, pgoff_t first, pgoff_t last)
{
	unsigned long nr = last - first + 1;
	struct file_ra_state ra = {
		.ra_pages = nr,
		.prev_pos = -1,
	};

	page_cache_sync_readahead(file->f_mapping, &ra, file, first, nr);
}

/*
 * The uptodate folio holding @index, with a reference, read in if need
 * be; @folio is what a lookup found there (or NULL), and its reference
 * is either returned or dropped.  A folio truncated away after the lookup
 * (mapping cleared) is looked up again: read_mapping_folio() retries until
 * it holds one that belongs to the file.
 *
 * A folio is created and read only under the mapping's invalidate_lock
 * held shared, as read_cache_folio() expects and read(2) does: a hole
 * punch (or collapse/insert range) holds it exclusively from evicting the
 * range's pages until their blocks are freed, and a page read in between
 * would be the old block's data, left in the page cache for every later
 * reader of the hole.
 */
static struct folio *zc_get_folio(struct file *file, pgoff_t index,
				  struct folio *folio)
{
	struct address_space *mapping = file->f_mapping;

	if (folio && folio_test_uptodate(folio) &&
	    READ_ONCE(folio->mapping) == mapping)
		return folio;
	if (folio)
		folio_put(folio);
	filemap_invalidate_lock_shared(mapping);
	folio = read_mapping_folio(mapping, index, file);
	filemap_invalidate_unlock_shared(mapping);
	return folio;
}

/* Add a piece whose @pages pages the caller has taken from the limit. */
static void zc_batch_add(struct zc_batch *b, struct folio *folio,
			 size_t off, size_t len, unsigned long pages)
{
	unsigned long i;

	zc_bvec_set_folio(&b->bv[b->nr++], folio, len, off);
	b->bytes += len;
	b->pinned += pages;
	for (i = off >> PAGE_SHIFT; i < (off >> PAGE_SHIFT) + pages; i++)
		if (!sendpage_ok(folio_page(folio, i)))
			b->spliceable = false;
}

/* Drop everything past the first @keep bytes of the batch. */
static void zc_batch_trim(struct zc_batch *b, size_t keep)
{
	size_t seen = 0;
	unsigned int i, nr = 0;

	for (i = 0; i < b->nr; i++) {
		struct bio_vec *bv = &b->bv[i];
		struct folio *folio = page_folio(bv->bv_page);
		unsigned long pages = zc_pages_spanned(bv->bv_offset, bv->bv_len);

		if (seen < keep) {
			size_t len = min_t(size_t, bv->bv_len, keep - seen);
			unsigned long kept = zc_pages_spanned(bv->bv_offset, len);

			seen += len;
			bv->bv_len = len;
			b->pinned -= pages - kept;
			zc_stats_pin(b->stats, -(s64)(pages - kept));
			nr = i + 1;
			continue;
		}
		b->pinned -= pages;
		zc_stats_pin(b->stats, -(s64)pages);
		folio_put(folio);
	}
	b->nr = nr;
	b->bytes = seen;
}

/*
 * Cached folios from an index on, found a folio_batch at a time: one walk
 * of the page cache's xarray serves a batch's worth of folios (15 on 6.1,
 * 31 on 7.x), where a lookup per folio walks it from the root for each.
 * @next is the first of @fb's folios not yet handed out; each holds a
 * reference.
 */
struct zc_lookup {
	struct folio_batch fb;
	unsigned int next;
};

static void zc_lookup_init(struct zc_lookup *l)
{
	folio_batch_init(&l->fb);
	l->next = 0;
}

/* Drops the references on the folios found but not handed out. */
static void zc_lookup_end(struct zc_lookup *l)
{
	while (l->next < folio_batch_count(&l->fb))
		folio_put(l->fb.folios[l->next++]);
	zc_lookup_init(l);
}

/*
 * The cached folio holding @index, with a reference, or NULL where the
 * page cache has none (a hole, or a shadow entry).  Indices are asked for
 * in increasing order; @last bounds the walk.
 */
static struct folio *zc_lookup_folio(struct zc_lookup *l,
				     struct address_space *mapping,
				     pgoff_t index, pgoff_t last)
{
	pgoff_t start = index;
	struct folio *folio;

	while (l->next < folio_batch_count(&l->fb)) {
		folio = l->fb.folios[l->next];
		if (folio->index > index)
			return NULL;	/* found past a hole: not yet */
		l->next++;
		if (index < folio_next_index(folio))
			return folio;
		folio_put(folio);	/* behind @index: skipped over */
	}
	zc_lookup_end(l);
	/* Stops at the first hole, so the first folio found holds @index. */
	if (!filemap_get_folios_contig(mapping, &start, last, &l->fb))
		return NULL;
	folio = l->fb.folios[0];
	if (folio->index > index || index >= folio_next_index(folio))
		return NULL;
	l->next = 1;
	return folio;
}

/* Give back the pages of a @reserved-page reservation the batch left unused. */
static void zc_batch_unreserve(struct zc_batch *b, unsigned long reserved)
{
	if (reserved > b->pinned)
		zc_stats_pin(b->stats, -(s64)(reserved - b->pinned));
}

/*
 * Fill @b with bytes [@pos, @pos + @len) of @file, which must span at most
 * b->max_segs pages.  Stops early, without error, where the file now ends:
 * i_size is read again once every folio is held, so nothing past the end
 * of a file truncated meanwhile is ever listed.  On error the batch is
 * empty and holds nothing.
 *
 * The pin limit is taken once for the batch, up front: all the pages it
 * spans if they fit, else what fits but one page at least (see
 * max_pinned_pages), and the range is cut to that.  What the batch does
 * not use (it stopped early) is given back at the end.
 */
int zc_batch_fill(struct zc_batch *b, struct file *file, loff_t pos,
		  size_t len)
{
	struct address_space *mapping = file->f_mapping;
	pgoff_t first = pos >> PAGE_SHIFT;
	pgoff_t last = (pos + len - 1) >> PAGE_SHIFT;
	unsigned long misses = 0, reserved;
	bool read_ahead = false;
	loff_t end = pos + len, isize;
	struct zc_lookup l;

	b->nr = 0;
	b->bytes = 0;
	b->pinned = 0;
	b->spliceable = true;
	b->uncached = false;
	b->read_error = false;
	reserved = zc_stats_pin_upto(b->stats, last - first + 1, 1,
				     zc_pin_limit());
	if (reserved < last - first + 1) {
		last = first + reserved - 1;
		end = min_t(loff_t, end, (loff_t)(last + 1) << PAGE_SHIFT);
	}
	zc_lookup_init(&l);
	while (pos < end && b->nr < b->max_segs) {
		pgoff_t index = pos >> PAGE_SHIFT;
		struct folio *folio;
		size_t off, part;

		folio = zc_lookup_folio(&l, mapping, index, last);
		if (b->nodiskio && (!folio || !folio_test_uptodate(folio) ||
				    READ_ONCE(folio->mapping) != mapping)) {
			/*
			 * No-disk-I/O: stop here, and start reading the rest in
			 * (readahead submits the reads and returns) so that a
			 * later call finds it cached.  A folio truncated away
			 * since the lookup stops it too: zc_get_folio() would
			 * read its replacement in and wait for the disk.
			 */
			if (folio)
				folio_put(folio);
			else
				zc_readahead(file, index, last);
			b->uncached = true;
			break;
		}
		if (!folio && !read_ahead) {
			/* The first miss: read the rest of the batch at once. */
			zc_lookup_end(&l);
			misses = zc_count_absent(mapping, index, last);
			zc_readahead(file, index, last);
			read_ahead = true;
		}
		/*
		 * No-disk-I/O has just seen this folio uptodate and in the
		 * mapping; zc_get_folio() would look again, and a truncation in
		 * between would make it read (and wait for) a replacement.  A
		 * folio truncated after either look is trimmed by the i_size
		 * check below, as in the reading path.
		 */
		if (!b->nodiskio)
			folio = zc_get_folio(file, index, folio);
		if (IS_ERR(folio)) {
			/*
			 * A page that cannot be read ends the batch after the
			 * pages before it, which go out: read(2) returns them
			 * as a short count too, and fails only when called at
			 * the bad page.
			 */
			if (b->nr) {
				b->read_error = true;
				break;
			}
			zc_lookup_end(&l);
			zc_batch_unreserve(b, reserved);
			return PTR_ERR(folio);
		}
		off = pos - folio_pos(folio);
		part = min_t(size_t, folio_size(folio) - off, end - pos);
		/* Ages in the page cache as a read(2) of it would. */
		folio_mark_accessed(folio);
		zc_batch_add(b, folio, off, part, zc_pages_spanned(off, part));
		pos += part;
	}
	zc_lookup_end(&l);
	zc_batch_unreserve(b, reserved);
	zc_stats_add(b->stats, ZC_PAGECACHE_MISSES, misses);
	zc_stats_add(b->stats, ZC_PAGECACHE_HITS,
		     b->pinned - min(b->pinned, misses));

	isize = i_size_read(file_inode(file));
	end = pos;
	pos = end - b->bytes;
	if (end > isize)
		zc_batch_trim(b, isize > pos ? isize - pos : 0);
	return 0;
}

void zc_batch_release(struct zc_batch *b)
{
	unsigned int i;

	for (i = 0; i < b->nr; i++)
		folio_put(page_folio(b->bv[i].bv_page));
	zc_stats_pin(b->stats, -(s64)b->pinned);
	b->nr = 0;
	b->bytes = 0;
	b->pinned = 0;
}

/*
 * The part of @b from byte @skip on, as a batch @v that shares @b's pages
 * and holds no references of its own (it is never released).
 */
void zc_batch_view(const struct zc_batch *b, size_t skip, struct zc_batch *v)
{
	unsigned int i;

	v->nr = 0;
	v->bytes = 0;
	v->spliceable = b->spliceable;
	for (i = 0; i < b->nr; i++) {
		struct bio_vec bv = b->bv[i];

		if (skip >= bv.bv_len) {
			skip -= bv.bv_len;
			continue;
		}
		bv.bv_offset += skip;
		bv.bv_len -= skip;
		skip = 0;
		v->bv[v->nr++] = bv;
		v->bytes += bv.bv_len;
	}
}
