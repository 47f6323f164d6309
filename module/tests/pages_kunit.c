// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: batching page-cache folios into bio_vecs.  zc_batch_fill() runs
 * on a small shmem file whose pages are all in memory (shmem has no
 * ->read_folio, so nothing may need reading: zcopy's ioctls refuse such
 * files, this suite only borrows its page cache), and every batch is read
 * back through an iov_iter and compared with the file.  zc_batch_view(),
 * the fan-out's view of a batch from a target's own position, is checked
 * on hand-made bio_vecs.
 */

#include <kunit/test.h>
#include <linux/highmem.h>
#include <linux/shmem_fs.h>
#include <linux/uio.h>

#include "compat.h"
#include "pages.h"

/* More pages than two folio_batches hold (15 on 6.1, 31 on 7.x). */
#define ZC_KT_PAGES	70

struct zc_kt_file {
	struct file *file;
	struct zc_stats *stats;
};

static u8 zc_kt_byte(loff_t pos)
{
	return pos * 13 + (pos >> 12);
}

/* A shmem file of ZC_KT_PAGES pages of zc_kt_byte(), all in memory. */
static void zc_kt_file_init(struct kunit *test, struct zc_kt_file *f)
{
	unsigned long i;

	f->stats = kunit_kzalloc(test, sizeof(*f->stats), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f->stats);
	f->file = zc_shmem_kernel_file("zcopy-kunit", ZC_KT_PAGES * PAGE_SIZE);
	KUNIT_ASSERT_FALSE(test, IS_ERR(f->file));
	for (i = 0; i < ZC_KT_PAGES; i++) {
		struct page *page = shmem_read_mapping_page(f->file->f_mapping, i);
		u8 *p;
		size_t j;

		KUNIT_ASSERT_FALSE(test, IS_ERR(page));
		p = kmap_local_page(page);
		for (j = 0; j < PAGE_SIZE; j++)
			p[j] = zc_kt_byte(i * PAGE_SIZE + j);
		kunmap_local(p);
		set_page_dirty(page);
		put_page(page);
	}
}

/* The batch holds exactly bytes [@pos, @pos + @len) of the file. */
static void zc_kt_expect_bytes(struct kunit *test, struct zc_batch *b,
			       loff_t pos, size_t len)
{
	u8 *got = kunit_kzalloc(test, len + 1, GFP_KERNEL);
	struct iov_iter it;
	size_t i;

	KUNIT_ASSERT_NOT_NULL(test, got);
	KUNIT_ASSERT_EQ(test, b->bytes, len);
	iov_iter_bvec(&it, ITER_SOURCE, b->bv, b->nr, b->bytes);
	KUNIT_ASSERT_EQ(test, copy_from_iter(got, len, &it), len);
	for (i = 0; i < len; i++)
		if (got[i] != zc_kt_byte(pos + i)) {
			KUNIT_FAIL(test, "byte %zu of the batch at %lld differs", i, pos);
			return;
		}
}

static s64 zc_kt_pinned(struct zc_kt_file *f)
{
	return atomic64_read(&f->stats->v[ZC_PAGES_PINNED]);
}

static void zc_batch_fill_test(struct kunit *test)
{
	struct zc_kt_file f;
	struct zc_batch b;

	zc_kt_file_init(test, &f);
	KUNIT_ASSERT_EQ(test, zc_batch_init(&b, ZC_KT_PAGES, f.stats), 0);

	/* Unaligned start and end: three pages spanned and pinned. */
	KUNIT_ASSERT_EQ(test, zc_batch_fill(&b, f.file, 100, 2 * PAGE_SIZE), 0);
	zc_kt_expect_bytes(test, &b, 100, 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, b.pinned, 3);
	KUNIT_EXPECT_EQ(test, zc_kt_pinned(&f), 3);
	KUNIT_EXPECT_TRUE(test, b.spliceable);
	KUNIT_EXPECT_FALSE(test, b.uncached);
	KUNIT_EXPECT_EQ(test, atomic64_read(&f.stats->v[ZC_PAGECACHE_HITS]), 3);
	KUNIT_EXPECT_EQ(test, atomic64_read(&f.stats->v[ZC_PAGECACHE_MISSES]), 0);
	zc_batch_release(&b);
	KUNIT_EXPECT_EQ(test, b.nr, 0);
	KUNIT_EXPECT_EQ(test, zc_kt_pinned(&f), 0);

	/* One byte, the last of the file. */
	KUNIT_ASSERT_EQ(test, zc_batch_fill(&b, f.file, ZC_KT_PAGES * PAGE_SIZE - 1, 1), 0);
	zc_kt_expect_bytes(test, &b, ZC_KT_PAGES * PAGE_SIZE - 1, 1);
	KUNIT_EXPECT_EQ(test, b.pinned, 1);
	zc_batch_release(&b);

	zc_batch_destroy(&b);
	fput(f.file);
}

/*
 * A batch longer than one folio_batch of lookups: the walk goes on from
 * where the last one stopped, every page is listed once and in order.
 */
static void zc_batch_fill_long_test(struct kunit *test)
{
	size_t len = ZC_KT_PAGES * PAGE_SIZE - 200;
	struct zc_kt_file f;
	struct zc_batch b;

	zc_kt_file_init(test, &f);
	KUNIT_ASSERT_EQ(test, zc_batch_init(&b, ZC_KT_PAGES, f.stats), 0);
	KUNIT_ASSERT_EQ(test, zc_batch_fill(&b, f.file, 100, len), 0);
	zc_kt_expect_bytes(test, &b, 100, len);
	KUNIT_EXPECT_EQ(test, b.pinned, ZC_KT_PAGES);
	KUNIT_EXPECT_EQ(test, zc_kt_pinned(&f), ZC_KT_PAGES);
	KUNIT_EXPECT_EQ(test, atomic64_read(&f.stats->v[ZC_PAGECACHE_HITS]),
			ZC_KT_PAGES);
	zc_batch_release(&b);
	KUNIT_EXPECT_EQ(test, zc_kt_pinned(&f), 0);
	zc_batch_destroy(&b);
	fput(f.file);
}

/* A batch has room for max_segs bio_vecs: the fill stops there, short. */
static void zc_batch_fill_segs_test(struct kunit *test)
{
	struct zc_kt_file f;
	struct zc_batch b;

	zc_kt_file_init(test, &f);
	KUNIT_ASSERT_EQ(test, zc_batch_init(&b, 1, f.stats), 0);
	KUNIT_ASSERT_EQ(test, zc_batch_fill(&b, f.file, 10, 3 * PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, b.nr, 1);
	KUNIT_EXPECT_GT(test, b.bytes, 0);
	KUNIT_EXPECT_LT(test, b.bytes, 3 * PAGE_SIZE);
	zc_kt_expect_bytes(test, &b, 10, b.bytes);
	zc_batch_release(&b);
	KUNIT_EXPECT_EQ(test, zc_kt_pinned(&f), 0);
	zc_batch_destroy(&b);
	fput(f.file);
}

/*
 * The file shrank while the pages were still cached (a truncate racing
 * with the send): nothing past the new end is listed or stays pinned.
 */
static void zc_batch_fill_trim_test(struct kunit *test)
{
	struct zc_kt_file f;
	struct zc_batch b;
	struct inode *inode;

	zc_kt_file_init(test, &f);
	inode = file_inode(f.file);
	KUNIT_ASSERT_EQ(test, zc_batch_init(&b, ZC_KT_PAGES, f.stats), 0);

	i_size_write(inode, PAGE_SIZE + 10);
	KUNIT_ASSERT_EQ(test, zc_batch_fill(&b, f.file, 0, 3 * PAGE_SIZE), 0);
	zc_kt_expect_bytes(test, &b, 0, PAGE_SIZE + 10);
	KUNIT_EXPECT_EQ(test, b.pinned, 2);
	KUNIT_EXPECT_EQ(test, zc_kt_pinned(&f), 2);
	zc_batch_release(&b);

	/* Entirely past the new end: an empty batch holding nothing. */
	KUNIT_ASSERT_EQ(test, zc_batch_fill(&b, f.file, 2 * PAGE_SIZE, PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, b.nr, 0);
	KUNIT_EXPECT_EQ(test, b.bytes, 0);
	KUNIT_EXPECT_EQ(test, zc_kt_pinned(&f), 0);

	i_size_write(inode, ZC_KT_PAGES * PAGE_SIZE);
	zc_batch_destroy(&b);
	fput(f.file);
}

static void zc_batch_view_test(struct kunit *test)
{
	struct bio_vec bv[3], vbv[3];
	struct zc_batch b = { .bv = bv, .max_segs = 3, .nr = 3, .spliceable = true };
	struct zc_batch v = { .bv = vbv, .max_segs = 3 };
	/*
	 * Never dereferenced.  Set with compat.h's wrapper, as module code
	 * does: early 6.1 releases lack bvec_set_page().
	 */
	struct folio *folio = page_folio(ZERO_PAGE(0));

	zc_bvec_set_folio(&bv[0], folio, 100, 4000);
	zc_bvec_set_folio(&bv[1], folio, 4096, 0);
	zc_bvec_set_folio(&bv[2], folio, 50, 0);
	b.bytes = 100 + 4096 + 50;

	zc_batch_view(&b, 0, &v);
	KUNIT_EXPECT_EQ(test, v.nr, 3);
	KUNIT_EXPECT_EQ(test, v.bytes, b.bytes);
	KUNIT_EXPECT_TRUE(test, v.spliceable);
	KUNIT_EXPECT_EQ(test, vbv[0].bv_offset, 4000);

	/* Inside the first piece. */
	zc_batch_view(&b, 30, &v);
	KUNIT_EXPECT_EQ(test, v.nr, 3);
	KUNIT_EXPECT_EQ(test, v.bytes, b.bytes - 30);
	KUNIT_EXPECT_EQ(test, vbv[0].bv_offset, 4030);
	KUNIT_EXPECT_EQ(test, vbv[0].bv_len, 70);

	/* Exactly at a boundary: the next piece, untouched. */
	zc_batch_view(&b, 100, &v);
	KUNIT_EXPECT_EQ(test, v.nr, 2);
	KUNIT_EXPECT_EQ(test, v.bytes, 4096 + 50);
	KUNIT_EXPECT_EQ(test, vbv[0].bv_offset, 0);
	KUNIT_EXPECT_EQ(test, vbv[0].bv_len, 4096);

	/* Inside the last piece. */
	zc_batch_view(&b, 100 + 4096 + 49, &v);
	KUNIT_EXPECT_EQ(test, v.nr, 1);
	KUNIT_EXPECT_EQ(test, v.bytes, 1);
	KUNIT_EXPECT_EQ(test, vbv[0].bv_offset, 49);

	/* All of it skipped: an empty view; the batch itself is unchanged. */
	b.spliceable = false;
	zc_batch_view(&b, b.bytes, &v);
	KUNIT_EXPECT_EQ(test, v.nr, 0);
	KUNIT_EXPECT_EQ(test, v.bytes, 0);
	KUNIT_EXPECT_FALSE(test, v.spliceable);
	KUNIT_EXPECT_EQ(test, bv[0].bv_offset, 4000);
	KUNIT_EXPECT_EQ(test, bv[0].bv_len, 100);
}

static struct kunit_case zc_pages_cases[] = {
	KUNIT_CASE(zc_batch_fill_test),
	KUNIT_CASE(zc_batch_fill_long_test),
	KUNIT_CASE(zc_batch_fill_segs_test),
	KUNIT_CASE(zc_batch_fill_trim_test),
	KUNIT_CASE(zc_batch_view_test),
	{}
};

static struct kunit_suite zc_pages_suite = {
	.name = "zcopy_pages",
	.test_cases = zc_pages_cases,
};

kunit_test_suite(zc_pages_suite);
