// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: counter names and arithmetic.  Built into zcopy.ko whenever the
 * target kernel has CONFIG_KUNIT, so the suite runs at every insmod there.
 */

#include <kunit/test.h>

#include "stats.h"

static void zc_counter_names_test(struct kunit *test)
{
	int i;

	for (i = 0; i < ZC_NR_COUNTERS; i++) {
		KUNIT_ASSERT_NOT_NULL(test, zc_counter_name(i));
		KUNIT_EXPECT_GT(test, strlen(zc_counter_name(i)), 0);
	}
	KUNIT_EXPECT_NULL(test, zc_counter_name(ZC_NR_COUNTERS));
	KUNIT_EXPECT_NULL(test, zc_counter_name(-1));
	KUNIT_EXPECT_STREQ(test, zc_counter_name(ZC_OPENS), "opens");
}

static void zc_stats_add_test(struct kunit *test)
{
	struct zc_stats *local;
	s64 before;

	local = kunit_kzalloc(test, sizeof(*local), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, local);
	before = atomic64_read(&zc_global_stats.v[ZC_IOCTLS]);

	zc_stats_add(local, ZC_IOCTLS, 5);
	zc_stats_inc(local, ZC_IOCTLS);
	zc_stats_add(NULL, ZC_IOCTLS, 2);

	KUNIT_EXPECT_EQ(test, atomic64_read(&local->v[ZC_IOCTLS]), 6);
	KUNIT_EXPECT_EQ(test, atomic64_read(&zc_global_stats.v[ZC_IOCTLS]),
			before + 8);
	/* Undo, so the test leaves the global counters as it found them. */
	zc_stats_add(NULL, ZC_IOCTLS, -8);
}

static struct kunit_case zc_stats_cases[] = {
	KUNIT_CASE(zc_counter_names_test),
	KUNIT_CASE(zc_stats_add_test),
	{}
};

static struct kunit_suite zc_stats_suite = {
	.name = "zcopy_stats",
	.test_cases = zc_stats_cases,
};

kunit_test_suite(zc_stats_suite);
