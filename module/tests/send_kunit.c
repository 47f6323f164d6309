// SPDX-License-Identifier: GPL-2.0
/* KUnit: ZCOPY_IOC_SEND argument checks and batch splitting. */

#include <kunit/test.h>
#include <linux/limits.h>

#include "pages.h"
#include "send.h"

static void zc_good_args(struct zcopy_send *a)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->length = 1;
}

static void zc_send_args_test(struct kunit *test)
{
	struct zcopy_send a;

	zc_good_args(&a);
	KUNIT_EXPECT_EQ(test, zc_send_check_args(&a), 0);
	a.size--;
	KUNIT_EXPECT_EQ(test, zc_send_check_args(&a), -EINVAL);

	zc_good_args(&a);
	a.flags = ZCOPY_SEND_STRICT;
	KUNIT_EXPECT_EQ(test, zc_send_check_args(&a), 0);
	a.flags = 1U << 30;
	KUNIT_EXPECT_EQ(test, zc_send_check_args(&a), -EINVAL);

	/* A cookie is only meaningful with ZCOPY_SEND_NOTIFY. */
	zc_good_args(&a);
	a.cookie = 7;
	KUNIT_EXPECT_EQ(test, zc_send_check_args(&a), -EINVAL);
	a.flags = ZCOPY_SEND_NOTIFY;
	KUNIT_EXPECT_EQ(test, zc_send_check_args(&a), 0);

	zc_good_args(&a);
	a.reserved[2] = 1;
	KUNIT_EXPECT_EQ(test, zc_send_check_args(&a), -EINVAL);

	zc_good_args(&a);
	a.length = 0;
	KUNIT_EXPECT_EQ(test, zc_send_check_args(&a), -EINVAL);

	/* The range must end at or before LLONG_MAX, without wrapping. */
	zc_good_args(&a);
	a.offset = LLONG_MAX - 1;
	KUNIT_EXPECT_EQ(test, zc_send_check_args(&a), 0);
	a.length = 2;
	KUNIT_EXPECT_EQ(test, zc_send_check_args(&a), -EINVAL);
	a.offset = U64_MAX;
	a.length = 2;
	KUNIT_EXPECT_EQ(test, zc_send_check_args(&a), -EINVAL);
	a.offset = 0;
	a.length = 6ULL << 30;	/* more than 4 GiB is fine */
	KUNIT_EXPECT_EQ(test, zc_send_check_args(&a), 0);
}

static void zc_send_batch_len_test(struct kunit *test)
{
	/* Aligned: whole pages. */
	KUNIT_EXPECT_EQ(test, zc_send_batch_len(0, 1ULL << 40, 256, SIZE_MAX),
			256 * PAGE_SIZE);
	/* Unaligned start: the first page counts, so 256 pages are spanned. */
	KUNIT_EXPECT_EQ(test, zc_send_batch_len(10, 1ULL << 40, 256, SIZE_MAX),
			256 * PAGE_SIZE - 10);
	KUNIT_EXPECT_EQ(test, zc_pages_spanned(10, 256 * PAGE_SIZE - 10), 256);
	/* The tail is shorter than a batch. */
	KUNIT_EXPECT_EQ(test, zc_send_batch_len(PAGE_SIZE, 3, 256, SIZE_MAX), 3);
	/* A UDP batch is one datagram. */
	KUNIT_EXPECT_EQ(test, zc_send_batch_len(0, 1 << 20, 256, 65507), 65507);
}

static void zc_pages_spanned_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, zc_pages_spanned(0, 1), 1);
	KUNIT_EXPECT_EQ(test, zc_pages_spanned(0, PAGE_SIZE), 1);
	KUNIT_EXPECT_EQ(test, zc_pages_spanned(0, PAGE_SIZE + 1), 2);
	KUNIT_EXPECT_EQ(test, zc_pages_spanned(PAGE_SIZE - 1, 2), 2);
	KUNIT_EXPECT_EQ(test, zc_pages_spanned(PAGE_SIZE, PAGE_SIZE), 1);
}

static struct kunit_case zc_send_cases[] = {
	KUNIT_CASE(zc_send_args_test),
	KUNIT_CASE(zc_send_batch_len_test),
	KUNIT_CASE(zc_pages_spanned_test),
	{}
};

static struct kunit_suite zc_send_suite = {
	.name = "zcopy_send",
	.test_cases = zc_send_cases,
};

kunit_test_suite(zc_send_suite);
