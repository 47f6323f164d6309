// SPDX-License-Identifier: GPL-2.0
/*
 * The module-wide pin limit (module parameter max_pinned_pages): with the
 * limit at 16 pages a 4 MiB send still completes, byte-exact, in short
 * batches, and never holds more than the limit; with several senders at
 * once, all of them blocked on slow readers, the module holds at most the
 * limit plus one page per send in progress (the documented bound).
 */
#include <errno.h>
#include <pthread.h>
#include <unistd.h>

#include "lib.h"
#include "kselftest_harness.h"

#define PARAM	"/sys/module/zcopy/parameters/max_pinned_pages"
#define SIZE	(4u << 20)

/* The parameter's value now, into @old (@len bytes): 0 or -1. */
static int get_param(char *old, int len)
{
	FILE *f = fopen(PARAM, "r");
	int ret;

	if (!f)
		return -1;
	ret = fgets(old, len, f) ? 0 : -1;
	fclose(f);
	return ret;
}

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

	ASSERT_EQ(0, get_param(old, sizeof(old)));
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

#define SENDERS	6

struct sender {
	int dev, fd, tx;
	uint64_t sent;
	int ret;
	pthread_t thread;
};

static void *sender_main(void *arg)
{
	struct sender *s = arg;

	s->ret = zc_send(s->dev, s->fd, s->tx, 0, SIZE, 0, &s->sent);
	shutdown(s->tx, SHUT_WR);
	return NULL;
}

/*
 * SENDERS sends through one /dev/zcopy file (whose pages_pinned_peak is
 * then what all of them held at once), each to a reader that only starts
 * once every sender has had time to block on a full socket buffer while
 * holding a batch.
 */
TEST(concurrent_senders_respect_the_pin_limit)
{
	struct zc_reader r[SENDERS] = { 0 };
	struct sender s[SENDERS];
	char path[64], old[32] = "0";
	int dev, fd, rx[SENDERS], i;

	ASSERT_EQ(0, get_param(old, sizeof(old)));
	dev = open(ZC_DEV, O_RDWR);
	ASSERT_LE(0, dev);
	snprintf(path, sizeof(path), ZC_SCRATCH "/pinc.%d", getpid());
	fd = zc_make_file(path, SIZE);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, set_param("16"));
	for (i = 0; i < SENDERS; i++) {
		s[i] = (struct sender){ .dev = dev, .fd = fd };
		ASSERT_EQ(0, zc_tcp_pair(AF_INET, &s[i].tx, &rx[i]));
		ASSERT_EQ(0, pthread_create(&s[i].thread, NULL, sender_main, &s[i]));
	}
	sleep(3);
	for (i = 0; i < SENDERS; i++)
		ASSERT_EQ(0, zc_reader_start(&r[i], rx[i], 0));
	for (i = 0; i < SENDERS; i++) {
		pthread_join(s[i].thread, NULL);
		zc_reader_join(&r[i]);
		EXPECT_EQ(0, s[i].ret);
		EXPECT_EQ(SIZE, s[i].sent);
		EXPECT_EQ(SIZE, r[i].got);
		EXPECT_EQ(-1, r[i].first_bad);
		close(s[i].tx);
		close(rx[i]);
	}
	ASSERT_EQ(0, set_param(old));
	/* The limit, plus at most one page per send in progress. */
	EXPECT_GE(16 + SENDERS, zc_fd_counter(dev, "pages_pinned_peak"));
	EXPECT_LT(0, zc_fd_counter(dev, "pages_pinned_peak"));
	EXPECT_EQ(0, zc_counter("pages_pinned"));
	close(dev);
	close(fd);
	unlink(path);
}

TEST_HARNESS_MAIN
