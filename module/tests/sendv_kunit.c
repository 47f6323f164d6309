// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: ZCOPY_IOC_SENDV request and segment checks, the part that must
 * refuse a bad vector before a byte is sent.  The checks that need a real
 * file or user memory (a readable regular file, faulting a header in) are
 * the selftests' (selftests/sendv_test.c).
 */

#include <kunit/test.h>
#include <linux/limits.h>

#include "sendv.h"

static void zc_good_sendv(struct zcopy_sendv *a)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->nr_segs = 1;
}

static void zc_sendv_args_test(struct kunit *test)
{
	struct zcopy_sendv a;

	zc_good_sendv(&a);
	KUNIT_EXPECT_EQ(test, zc_sendv_check_args(&a), 0);
	a.size++;
	KUNIT_EXPECT_EQ(test, zc_sendv_check_args(&a), -EINVAL);

	zc_good_sendv(&a);
	a.flags = ZCOPY_SEND_STRICT | ZCOPY_SEND_NODISKIO;
	KUNIT_EXPECT_EQ(test, zc_sendv_check_args(&a), 0);
	/* Notifications belong to SEND and FANOUT only. */
	a.flags = ZCOPY_SEND_NOTIFY;
	KUNIT_EXPECT_EQ(test, zc_sendv_check_args(&a), -EINVAL);
	a.flags = 1U << 31;
	KUNIT_EXPECT_EQ(test, zc_sendv_check_args(&a), -EINVAL);

	zc_good_sendv(&a);
	a.reserved[3] = 1;
	KUNIT_EXPECT_EQ(test, zc_sendv_check_args(&a), -EINVAL);

	zc_good_sendv(&a);
	a.nr_segs = 0;
	KUNIT_EXPECT_EQ(test, zc_sendv_check_args(&a), -EINVAL);
	a.nr_segs = ZCOPY_SENDV_MAX_SEGS;
	KUNIT_EXPECT_EQ(test, zc_sendv_check_args(&a), 0);
	a.nr_segs = ZCOPY_SENDV_MAX_SEGS + 1;
	KUNIT_EXPECT_EQ(test, zc_sendv_check_args(&a), -EINVAL);
	a.nr_segs = U32_MAX;	/* would overflow nr_segs * sizeof(segment) */
	KUNIT_EXPECT_EQ(test, zc_sendv_check_args(&a), -EINVAL);
}

static void zc_mem_seg(struct zcopy_segment *s)
{
	memset(s, 0, sizeof(*s));
	s->type = ZCOPY_SEG_MEM;
	s->fd = -1;
	s->length = 10;
}

static void zc_seg_mem_test(struct kunit *test)
{
	struct file *file = NULL;
	struct zcopy_segment s;

	zc_mem_seg(&s);
	s.fd = 0;
	KUNIT_EXPECT_EQ(test, zc_seg_check(&s, &file), -EINVAL);
	zc_mem_seg(&s);
	s.offset = 1;
	KUNIT_EXPECT_EQ(test, zc_seg_check(&s, &file), -EINVAL);
	zc_mem_seg(&s);
	s.length = 0;
	KUNIT_EXPECT_EQ(test, zc_seg_check(&s, &file), -EINVAL);
	zc_mem_seg(&s);
	s.length = ZCOPY_SEG_MEM_MAX + 1;
	KUNIT_EXPECT_EQ(test, zc_seg_check(&s, &file), -EINVAL);
	zc_mem_seg(&s);
	s.reserved[1] = 1;
	KUNIT_EXPECT_EQ(test, zc_seg_check(&s, &file), -EINVAL);

	/*
	 * A kernel address is not user memory: refused by access_ok()
	 * before anything touches it.
	 */
	zc_mem_seg(&s);
	s.addr = (unsigned long)&s;
	KUNIT_EXPECT_EQ(test, zc_seg_check(&s, &file), -EFAULT);
	s.addr = U64_MAX - 4;	/* and addr + length wraps */
	KUNIT_EXPECT_EQ(test, zc_seg_check(&s, &file), -EFAULT);
	KUNIT_EXPECT_NULL(test, file);
}

static void zc_file_seg(struct zcopy_segment *s)
{
	memset(s, 0, sizeof(*s));
	s->type = ZCOPY_SEG_FILE;
	s->fd = -1;
	s->length = 10;
}

static void zc_seg_file_test(struct kunit *test)
{
	struct file *file = NULL;
	struct zcopy_segment s;

	zc_file_seg(&s);
	s.addr = 4096;
	KUNIT_EXPECT_EQ(test, zc_seg_check(&s, &file), -EINVAL);
	zc_file_seg(&s);
	s.offset = LLONG_MAX;	/* the range would pass LLONG_MAX */
	KUNIT_EXPECT_EQ(test, zc_seg_check(&s, &file), -EINVAL);
	zc_file_seg(&s);
	s.offset = U64_MAX;
	KUNIT_EXPECT_EQ(test, zc_seg_check(&s, &file), -EINVAL);
	zc_file_seg(&s);
	s.length = 0;
	KUNIT_EXPECT_EQ(test, zc_seg_check(&s, &file), -EINVAL);
	/* Well formed, but fd -1 is no file. */
	zc_file_seg(&s);
	KUNIT_EXPECT_EQ(test, zc_seg_check(&s, &file), -EBADF);
	KUNIT_EXPECT_NULL(test, file);

	zc_file_seg(&s);
	s.type = 0;
	KUNIT_EXPECT_EQ(test, zc_seg_check(&s, &file), -EINVAL);
	s.type = ZCOPY_SEG_MEM + 1;
	KUNIT_EXPECT_EQ(test, zc_seg_check(&s, &file), -EINVAL);
	KUNIT_EXPECT_NULL(test, file);
}

static struct kunit_case zc_sendv_cases[] = {
	KUNIT_CASE(zc_sendv_args_test),
	KUNIT_CASE(zc_seg_mem_test),
	KUNIT_CASE(zc_seg_file_test),
	{}
};

static struct kunit_suite zc_sendv_suite = {
	.name = "zcopy_sendv",
	.test_cases = zc_sendv_cases,
};

kunit_test_suite(zc_sendv_suite);
