// SPDX-License-Identifier: GPL-2.0
/*
 * Which files zcopy sends from: only those whose page cache is their data,
 * so that the bytes sent are what read(2) returns.  sysfs (kernfs) files
 * have a ->read_folio that zero-fills: sending them put NULs on the wire
 * where read() returns text; they are refused with EINVAL, and nothing is
 * sent.  Cache hits mark the folios accessed as read() does, so that a
 * file served only by zcopy ages in the page cache like one served by
 * read() (seen in /proc/kpageflags through a mapping of the file).
 */
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "lib.h"
#include "kselftest_harness.h"

#define KPF_REFERENCED	2
#define KPF_ACTIVE	6
#define PAGES		16

/* A file read() has text in, which zcopy must refuse rather than zero. */
static void refused_like_read_sees_text(struct __test_metadata *_metadata, int dev,
					const char *path)
{
	char buf[256], c;
	uint64_t sent = 0;
	ssize_t n;
	int fd, tx, rx, i, nonzero = 0;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		SKIP(return, "%s: %s", path, strerror(errno));
	n = read(fd, buf, sizeof(buf));
	ASSERT_LT(0, n) TH_LOG("read() of %s returned nothing to compare with", path);
	for (i = 0; i < n; i++)
		nonzero += buf[i] != 0;
	ASSERT_LT(0, nonzero);
	ASSERT_EQ(0, zc_tcp_pair(AF_INET, &tx, &rx));
	EXPECT_EQ(-EINVAL, zc_send(dev, fd, tx, 0, n, 0, &sent)) TH_LOG("%s was sent", path);
	EXPECT_EQ(-1, recv(rx, &c, 1, MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
	close(tx);
	close(rx);
	close(fd);
}

TEST(sysfs_files_are_refused)
{
	int dev = open(ZC_DEV, O_RDWR);

	ASSERT_LE(0, dev);
	refused_like_read_sees_text(_metadata, dev, "/sys/kernel/notes");
	refused_like_read_sees_text(_metadata, dev, "/sys/kernel/mm/transparent_hugepage/enabled");
	EXPECT_EQ(0, zc_counter("pages_pinned"));
	close(dev);
}

/* `zcopy send` says why a sysfs file is refused. */
TEST(tool_says_why_sysfs_is_refused)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof(sin);
	char cmd[256], out[1024] = "";
	int lis, status;

	ASSERT_EQ(0, system("command -v zcopy >/dev/null 2>&1")) TH_LOG("no zcopy on PATH");
	/* A listener that never accepts: the kernel completes the connect. */
	lis = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, lis);
	ASSERT_EQ(0, bind(lis, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, listen(lis, 4));
	ASSERT_EQ(0, getsockname(lis, (struct sockaddr *)&sin, &sl));
	snprintf(cmd, sizeof(cmd), "zcopy send /sys/kernel/notes 127.0.0.1:%d",
		 ntohs(sin.sin_port));
	status = zc_run_capture(cmd, out, sizeof(out));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1) TH_LOG("status %d", status);
	EXPECT_NE(NULL, strstr(out, "Invalid argument")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "is on sysfs")) TH_LOG("%s", out);
	close(lis);
}

/*
 * The kpageflags of each of the file's first PAGES pages, through a
 * mapping of it (a fault maps the folios without marking them accessed).
 * A folio marked twice has its activation queued in a per-CPU batch,
 * where it is neither referenced nor active; mlock() drains every CPU's
 * batches first (of a page of its own, which it leaves alone).
 */
static int page_flags(int fd, uint64_t *flags)
{
	long pg = sysconf(_SC_PAGESIZE);
	int pm, kpf, i, ret = -1;
	volatile char *m;
	void *drain;

	drain = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (drain == MAP_FAILED || mlock(drain, pg))
		return -1;
	munlock(drain, pg);
	munmap(drain, pg);

	m = mmap(NULL, PAGES * pg, PROT_READ, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		return -1;
	pm = open("/proc/self/pagemap", O_RDONLY);
	kpf = open("/proc/kpageflags", O_RDONLY);
	if (pm < 0 || kpf < 0)
		goto out;
	for (i = 0; i < PAGES; i++) {
		uint64_t ent;

		(void)m[i * pg];
		if (pread(pm, &ent, 8, ((uintptr_t)m / pg + i) * 8) != 8 ||
		    !(ent >> 63))
			goto out;
		ent &= (1ULL << 55) - 1;
		if (pread(kpf, &flags[i], 8, ent * 8) != 8)
			goto out;
	}
	ret = 0;
out:
	if (pm >= 0)
		close(pm);
	if (kpf >= 0)
		close(kpf);
	munmap((void *)m, PAGES * pg);
	return ret;
}

/* Pages of the file that were marked accessed (referenced or active). */
static int accessed_pages(struct __test_metadata *_metadata, int fd)
{
	uint64_t flags[PAGES];
	int i, n = 0;

	if (page_flags(fd, flags))
		return -1;
	for (i = 0; i < PAGES; i++)
		n += !!(flags[i] & (1ULL << KPF_REFERENCED | 1ULL << KPF_ACTIVE));
	return n;
}

enum warm { BY_WILLNEED, BY_READ, BY_ZCOPY };

/* All PAGES pages of @fd to a fresh TCP pair, checked byte for byte. */
static int zcopy_whole(int dev, int fd, long pg)
{
	struct zc_reader r = { 0 };
	uint64_t sent = 0;
	int tx, rx, ret;

	if (zc_tcp_pair(AF_INET, &tx, &rx) || zc_reader_start(&r, rx, 0))
		return -1;
	ret = zc_send(dev, fd, tx, 0, PAGES * pg, 0, &sent);
	shutdown(tx, SHUT_WR);
	zc_reader_join(&r);
	close(tx);
	close(rx);
	if (ret || sent != PAGES * pg || r.got != sent || r.first_bad != -1)
		return -1;
	return 0;
}

/*
 * A fresh uncached file, read in the @how way once.
 */
static int accessed_after(struct __test_metadata *_metadata, int dev, enum warm how)
{
	long pg = sysconf(_SC_PAGESIZE);
	char path[64], *buf = malloc(PAGES * pg);
	int fd, n;

	snprintf(path, sizeof(path), ZC_SCRATCH "/acc.%d.%d", getpid(), how);
	fd = zc_make_file(path, PAGES * pg);
	if (fd < 0 || !buf || zc_drop_cache(fd))
		return -1;
	switch (how) {
	case BY_WILLNEED:
		posix_fadvise(fd, 0, 0, POSIX_FADV_WILLNEED);
		break;
	case BY_READ:
		if (pread(fd, buf, PAGES * pg, 0) != PAGES * pg)
			return -1;
		break;
	case BY_ZCOPY:
		if (zcopy_whole(dev, fd, pg))
			return -1;
		break;
	}
	n = accessed_pages(_metadata, fd);
	close(fd);
	unlink(path);
	free(buf);
	return n;
}

TEST(cache_hits_mark_folios_accessed_as_read_does)
{
	int dev = open(ZC_DEV, O_RDWR);

	ASSERT_LE(0, dev);
	ASSERT_EQ(0, access("/proc/kpageflags", R_OK)) TH_LOG("no /proc/kpageflags");
	/*
	 * The method: readahead and the mapping mark nothing, read() marks
	 * what it reads (filemap_read() marks the first folio of each batch
	 * it gets, so not always every page).
	 */
	EXPECT_EQ(0, accessed_after(_metadata, dev, BY_WILLNEED));
	EXPECT_LT(0, accessed_after(_metadata, dev, BY_READ));
	/* zcopy marks every folio it sends. */
	EXPECT_EQ(PAGES, accessed_after(_metadata, dev, BY_ZCOPY));
	close(dev);
}

TEST_HARNESS_MAIN
