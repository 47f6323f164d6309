// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the compat.h wrappers behave the same whichever form the kernel
 * has.  zc_filemap_get_folio() says "absent" with NULL (never the
 * ERR_PTR(-ENOENT) of 6.4+ kernels), and zc_bvec_set_folio() gives a
 * bio_vec that addresses exactly the folio bytes asked for, also past the
 * folio's first page (bvec_set_folio() or its pre-6.3 stand-in).
 */

#include <kunit/test.h>
#include <linux/shmem_fs.h>
#include <linux/uio.h>

#include "compat.h"

static void zc_compat_get_folio_test(struct kunit *test)
{
	struct file *file;
	struct folio *folio;
	struct page *page;

	file = zc_shmem_kernel_file("zcopy-kunit", 4 * PAGE_SIZE);
	KUNIT_ASSERT_FALSE(test, IS_ERR(file));
	page = shmem_read_mapping_page(file->f_mapping, 1);
	KUNIT_ASSERT_FALSE(test, IS_ERR(page));

	folio = zc_filemap_get_folio(file->f_mapping, 1);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, folio);
	if (!IS_ERR_OR_NULL(folio)) {
		KUNIT_EXPECT_PTR_EQ(test, folio, page_folio(page));
		folio_put(folio);
	}
	/* Index 3 was never read in: NULL, not an error pointer. */
	KUNIT_EXPECT_NULL(test, zc_filemap_get_folio(file->f_mapping, 3));

	put_page(page);
	fput(file);
}

/* Copy what @bv addresses out through an iov_iter, as a socket would. */
static void zc_expect_bvec_bytes(struct kunit *test, struct bio_vec *bv,
				 const u8 *want, size_t len)
{
	struct iov_iter it;
	u8 *got = kunit_kzalloc(test, len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, got);
	KUNIT_EXPECT_EQ(test, bv->bv_len, len);
	KUNIT_EXPECT_PTR_EQ(test, (u8 *)page_address(bv->bv_page) + bv->bv_offset,
			    want);
	iov_iter_bvec(&it, ITER_SOURCE, bv, 1, len);
	KUNIT_EXPECT_EQ(test, copy_from_iter(got, len, &it), len);
	KUNIT_EXPECT_EQ(test, memcmp(got, want, len), 0);
}

static void zc_compat_bvec_set_folio_test(struct kunit *test)
{
	struct folio *folio = folio_alloc(GFP_KERNEL, 1);	/* two pages */
	struct bio_vec bv;
	u8 *p;
	size_t i;

	KUNIT_ASSERT_NOT_NULL(test, folio);
	p = folio_address(folio);
	for (i = 0; i < folio_size(folio); i++)
		p[i] = i * 7 + (i >> 12);

	/* Across the page boundary, from inside the first page. */
	zc_bvec_set_folio(&bv, folio, 2 * PAGE_SIZE - 150, 50);
	zc_expect_bvec_bytes(test, &bv, p + 50, 2 * PAGE_SIZE - 150);
	/* Entirely inside the second page. */
	zc_bvec_set_folio(&bv, folio, 100, PAGE_SIZE + 10);
	zc_expect_bvec_bytes(test, &bv, p + PAGE_SIZE + 10, 100);
	/* The whole folio. */
	zc_bvec_set_folio(&bv, folio, folio_size(folio), 0);
	zc_expect_bvec_bytes(test, &bv, p, folio_size(folio));

	folio_put(folio);
}

static struct kunit_case zc_compat_cases[] = {
	KUNIT_CASE(zc_compat_get_folio_test),
	KUNIT_CASE(zc_compat_bvec_set_folio_test),
	{}
};

static struct kunit_suite zc_compat_suite = {
	.name = "zcopy_compat",
	.test_cases = zc_compat_cases,
};

kunit_test_suite(zc_compat_suite);
