// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: a read() of /dev/zcopy whose record another reader took.
 *
 * Two readers can both see "a record is ready" and only one gets it.  The
 * other must wait again (or say EAGAIN), never return 0, which reads as
 * end of file.  Racing threads hit that window rarely; here a static stub
 * of zc_notify_ready() forces it every time: the first time the reader
 * under test asks, the stub queues a record, lets a second (non-blocking)
 * reader take it, and answers "ready"; the next time, it queues the
 * record the reader under test must return.
 */

#include <kunit/test.h>
#include <linux/mman.h>
#include <linux/uaccess.h>
#include <linux/zcopy.h>

#include "compat.h"
#include "notify.h"
#include "stats.h"

#ifdef ZC_KUNIT_STUBS

#define ZC_TAKEN	0x7a6b656eULL	/* the record the other reader takes */
#define ZC_KEPT		0x6b657074ULL	/* the record left for the reader */

struct zc_notify_race {
	struct zc_notify_queue *q;
	struct zc_notif *taken, *kept;	/* not yet committed while set */
	char __user *ubuf;		/* a user page of the test's task */
	unsigned int checks;		/* answers the stub gave */
	s64 commits;
	bool taking;			/* the other reader is reading */
	ssize_t other;			/* what the other reader's read returned */
};

static void zc_race_commit(struct zc_notify_race *r, struct zc_notif **n)
{
	zc_notif_commit(*n, 0);
	*n = NULL;
	r->commits++;
}

static bool zc_race_ready(struct zc_notify_queue *q)
{
	struct kunit *test = kunit_get_current_test();
	struct zc_notify_race *r = test->priv;

	if (r->taking)
		return true;	/* the record just queued is there */
	if (r->checks++ == 0) {
		zc_race_commit(r, &r->taken);
		r->taking = true;
		r->other = zc_notify_read(q, r->ubuf + PAGE_SIZE / 2,
					  sizeof(struct zcopy_notification),
					  true);
		r->taking = false;
		/* What this reader saw before the other took the record. */
		return true;
	}
	zc_race_commit(r, &r->kept);
	/* Any later question gets the real answer. */
	kunit_deactivate_static_stub(test, zc_notify_ready);
	return true;
}

static int zc_notify_race_init(struct kunit *test)
{
	struct zc_notify_race *r;
	unsigned long addr;

	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	test->priv = r;
	addr = kunit_vm_mmap(test, NULL, 0, PAGE_SIZE, PROT_READ | PROT_WRITE,
			     MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_NE_MSG(test, addr, 0, "no user memory for the test");
	KUNIT_ASSERT_LT(test, addr, (unsigned long)TASK_SIZE);
	r->ubuf = (char __user *)addr;
	r->q = zc_notify_queue_create();
	KUNIT_ASSERT_NOT_NULL(test, r->q);
	r->taken = zc_notif_create(r->q, ZC_TAKEN, 0);
	r->kept = zc_notif_create(r->q, ZC_KEPT, 0);
	KUNIT_ASSERT_NOT_NULL(test, r->taken);
	KUNIT_ASSERT_NOT_NULL(test, r->kept);
	kunit_activate_static_stub(test, zc_notify_ready, zc_race_ready);
	return 0;
}

static void zc_notify_race_exit(struct kunit *test)
{
	struct zc_notify_race *r = test->priv;

	if (!r)
		return;
	if (r->taken)
		zc_notif_cancel(r->taken);
	if (r->kept)
		zc_notif_cancel(r->kept);
	if (r->q)
		zc_notify_queue_close(r->q);
	/* Leave the counters as the suite found them. */
	zc_stats_add(NULL, ZC_NOTIFY_CALLS, -r->commits);
	zc_stats_add(NULL, ZC_NOTIFY_QUEUED, -r->commits);
}

/* A blocking read whose record was taken waits, and returns the next. */
static void zc_blocking_read_waits_again_test(struct kunit *test)
{
	struct zc_notify_race *r = test->priv;
	struct zcopy_notification rec;
	ssize_t ret;

	ret = zc_notify_read(r->q, r->ubuf, sizeof(rec), false);
	KUNIT_ASSERT_GE_MSG(test, r->checks, 1, "the race was not forced");
	KUNIT_EXPECT_EQ(test, r->other, (ssize_t)sizeof(rec));
	KUNIT_ASSERT_EQ(test, ret, (ssize_t)sizeof(rec));
	KUNIT_ASSERT_EQ(test, copy_from_user(&rec, r->ubuf, sizeof(rec)), 0);
	KUNIT_EXPECT_EQ(test, rec.cookie, ZC_KEPT);
}

/* A non-blocking read that finds nothing says EAGAIN, never 0. */
static void zc_nonblocking_read_says_eagain_test(struct kunit *test)
{
	struct zc_notify_race *r = test->priv;

	KUNIT_EXPECT_EQ(test, zc_notify_read(r->q, r->ubuf,
					     sizeof(struct zcopy_notification),
					     true),
			(ssize_t)-EAGAIN);
}

static struct kunit_case zc_notify_read_cases[] = {
	KUNIT_CASE(zc_blocking_read_waits_again_test),
	KUNIT_CASE(zc_nonblocking_read_says_eagain_test),
	{}
};

static struct kunit_suite zc_notify_read_suite = {
	.name = "zcopy_notify_read",
	.init = zc_notify_race_init,
	.exit = zc_notify_race_exit,
	.test_cases = zc_notify_read_cases,
};

#else /* !ZC_KUNIT_STUBS */

static void zc_notify_read_needs_stubs_test(struct kunit *test)
{
	kunit_skip(test, "needs KUnit static stubs (6.2) and kunit_vm_mmap() (6.10)");
}

static struct kunit_case zc_notify_read_cases[] = {
	KUNIT_CASE(zc_notify_read_needs_stubs_test),
	{}
};

static struct kunit_suite zc_notify_read_suite = {
	.name = "zcopy_notify_read",
	.test_cases = zc_notify_read_cases,
};

#endif /* ZC_KUNIT_STUBS */

kunit_test_suite(zc_notify_read_suite);
