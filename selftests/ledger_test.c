// SPDX-License-Identifier: GPL-2.0
/*
 * The copy ledger must reproduce the classic copy model on a real kernel:
 * read+write of N bytes costs ~2N CPU-copied bytes in the sender, mmap+write
 * ~N, sendfile ~0 on a scatter-gather route (loopback), and a cold read of
 * N bytes inserts N/4096 pages into the page cache.  "About" is a small
 * fixed slack for the sender's own bookkeeping syscalls.
 */
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib.h"
#include "kselftest_harness.h"

#define ZC_LEDGER	"/sys/kernel/debug/zcopy/ledger"
#define ZC_LEDGER_PID	"/sys/kernel/debug/zcopy/ledger_pid"
#define N		(4u << 20)
#define SLACK		(16u << 10)

static long long ledger(const char *name)
{
	char n[64], v[32];
	long long r = -1;
	FILE *f = fopen(ZC_LEDGER, "r");

	if (!f)
		return -1;
	while (fscanf(f, "%63s %31s", n, v) == 2)
		if (!strcmp(n, name))
			r = strcmp(v, "unavailable") ? atoll(v) : -2;
	fclose(f);
	return r;
}

static int arm(pid_t pid)
{
	FILE *f = fopen(ZC_LEDGER_PID, "w");
	int ret;

	if (!f)
		return -1;
	ret = fprintf(f, "%d\n", pid) > 0 ? 0 : -1;
	if (fclose(f))
		ret = -1;
	return ret;
}

FIXTURE(ledger) {
	int file, sock;
	pid_t sink;
	char path[64];
};

/* A child process reads the socket to the end: its copies are not ours. */
FIXTURE_SETUP(ledger)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);
	char *buf = malloc(N);
	int lsn, fd;

	ASSERT_NE(NULL, buf);
	for (unsigned int i = 0; i < N; i++)
		buf[i] = (char)(i * 7 + i / 4096);
	snprintf(self->path, sizeof(self->path), "/scratch/ledger.%d", getpid());
	self->file = open(self->path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, self->file);
	ASSERT_EQ(N, write(self->file, buf, N));
	ASSERT_EQ(0, fsync(self->file));
	free(buf);

	lsn = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_LE(0, lsn);
	ASSERT_EQ(0, bind(lsn, (struct sockaddr *)&a, sizeof(a)));
	ASSERT_EQ(0, listen(lsn, 1));
	ASSERT_EQ(0, getsockname(lsn, (struct sockaddr *)&a, &alen));
	self->sink = fork();
	ASSERT_LE(0, self->sink);
	if (!self->sink) {
		char b[65536];

		fd = accept(lsn, NULL, NULL);
		while (read(fd, b, sizeof(b)) > 0)
			;
		_exit(0);
	}
	close(lsn);
	self->sock = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_LE(0, self->sock);
	ASSERT_EQ(0, connect(self->sock, (struct sockaddr *)&a, sizeof(a)));
}

FIXTURE_TEARDOWN(ledger)
{
	arm(0);
	close(self->sock);
	waitpid(self->sink, NULL, 0);
	close(self->file);
	unlink(self->path);
}

#define EXPECT_ABOUT(lo, v) do {					\
	long long __v = (v);						\
	EXPECT_LE((long long)(lo), __v);				\
	EXPECT_GE((long long)(lo) + SLACK, __v);			\
} while (0)

TEST_F(ledger, read_write_copies_twice)
{
	char *buf = malloc(65536);
	ssize_t n;

	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, lseek(self->file, 0, SEEK_SET));
	ASSERT_EQ(0, arm(getpid()));
	while ((n = read(self->file, buf, 65536)) > 0)
		ASSERT_EQ(n, write(self->sock, buf, n));
	EXPECT_ABOUT(N, ledger("copy_to_user_bytes"));
	EXPECT_ABOUT(N, ledger("copy_from_user_bytes"));
	free(buf);
}

TEST_F(ledger, mmap_write_copies_once)
{
	char *map = mmap(NULL, N, PROT_READ, MAP_SHARED, self->file, 0);

	ASSERT_NE(MAP_FAILED, map);
	ASSERT_EQ(0, arm(getpid()));
	for (unsigned int off = 0; off < N; off += 65536)
		ASSERT_EQ(65536, write(self->sock, map + off, 65536));
	EXPECT_ABOUT(0, ledger("copy_to_user_bytes"));
	EXPECT_ABOUT(N, ledger("copy_from_user_bytes"));
	munmap(map, N);
}

TEST_F(ledger, sendfile_copies_nothing)
{
	off_t off = 0;

	ASSERT_EQ(0, arm(getpid()));
	while (off < N)
		ASSERT_LT(0, sendfile(self->sock, self->file, &off, N - off));
	EXPECT_ABOUT(0, ledger("copy_to_user_bytes"));
	EXPECT_ABOUT(0, ledger("copy_from_user_bytes"));
	EXPECT_ABOUT(0, ledger("skb_copy_ubufs_bytes"));
	/*
	 * Transmits are counted in the sender's context only; TCP defers many
	 * to softirq and to the receiver's ACKs, so this is a lower bound.
	 */
	EXPECT_LT(0, ledger("dev_xmit_bytes"));
	EXPECT_GE(N + N / 10, ledger("dev_xmit_bytes"));
}

TEST_F(ledger, cold_read_inserts_every_page)
{
	char *buf = malloc(65536);

	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, posix_fadvise(self->file, 0, 0, POSIX_FADV_DONTNEED));
	ASSERT_EQ(0, lseek(self->file, 0, SEEK_SET));
	ASSERT_EQ(0, arm(getpid()));
	while (read(self->file, buf, 65536) > 0)
		;
	EXPECT_EQ(N / 4096, ledger("pagecache_insert_pages"));
	free(buf);
}

TEST(ledger_rejects_bad_pids)
{
	FILE *f = fopen(ZC_LEDGER_PID, "w");

	ASSERT_NE(NULL, f);
	fprintf(f, "-5\n");
	EXPECT_NE(0, fclose(f));
	EXPECT_EQ(EINVAL, errno);
	/* Far above pid_max: no such process. */
	f = fopen(ZC_LEDGER_PID, "w");
	ASSERT_NE(NULL, f);
	fprintf(f, "999999999\n");
	EXPECT_NE(0, fclose(f));
	EXPECT_EQ(ESRCH, errno);
	EXPECT_EQ(0, ledger("armed_pid"));
}

TEST_HARNESS_MAIN
