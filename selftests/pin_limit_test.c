// SPDX-License-Identifier: GPL-2.0
/*
 * The module-wide pin limit (module parameter max_pinned_pages): with the
 * limit at 16 pages a 4 MiB send still completes, byte-exact, in short
 * batches, and never holds more than the limit.
 */
#include <errno.h>
#include <unistd.h>

#include "lib.h"
#include "kselftest_harness.h"

#define PARAM	"/sys/module/zcopy/parameters/max_pinned_pages"
#define SIZE	(4u << 20)

static int set_param(const char *v)
{
	FILE *f = fopen(PARAM, "w");
	int ret;

	if (!f)
		return -1;
	ret = fputs(v, f) < 0 ? -1 : 0;
	return fclose(f) ? -1 : ret;
}

TEST(send_respects_the_pin_limit)
{
	char path[64], old[32] = "0";
	struct zc_reader r = { 0 };
	int dev, fd, tx, rx;
	uint64_t sent = 0;
	FILE *f = fopen(PARAM, "r");

	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(old, sizeof(old), f));
	fclose(f);
	dev = open(ZC_DEV, O_RDWR);
	ASSERT_LE(0, dev);
	snprintf(path, sizeof(path), ZC_SCRATCH "/pin.%d", getpid());
	fd = zc_make_file(path, SIZE);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, zc_tcp_pair(AF_INET, &tx, &rx));
	ASSERT_EQ(0, zc_reader_start(&r, rx, 0));

	ASSERT_EQ(0, set_param("16"));
	EXPECT_EQ(0, zc_send(dev, fd, tx, 0, SIZE, 0, &sent));
	ASSERT_EQ(0, set_param(old));
	EXPECT_EQ(SIZE, sent);
	shutdown(tx, SHUT_WR);
	zc_reader_join(&r);
	EXPECT_EQ(SIZE, r.got);
	EXPECT_EQ(-1, r.first_bad);
	/* This file's own gauge: never above the limit (4 KiB folios). */
	EXPECT_GE(16, zc_fd_counter(dev, "pages_pinned_peak"));
	EXPECT_LT(0, zc_fd_counter(dev, "pages_pinned_peak"));
	EXPECT_EQ(0, zc_counter("pages_pinned"));
	unlink(path);
}

TEST_HARNESS_MAIN
