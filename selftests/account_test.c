// SPDX-License-Identifier: GPL-2.0
/*
 * What a user makes zcopy allocate is charged to the user's memory cgroup
 * (GFP_KERNEL_ACCOUNT), as the kernel's own per-open objects are: a
 * process confined by memory.max cannot make the module hold unbounded
 * unaccounted memory by opening /dev/zcopy (each open allocates its
 * counters and its notification queue).
 *
 * Measured as the growth of memory.current in a cgroup of its own while a
 * child opens N descriptors of /dev/zcopy, against the same number of
 * /dev/null opens (which allocate the same struct file and descriptor
 * slot, and nothing of zcopy's).  memcg charges in batches of up to 64
 * pages per CPU, so N is large enough that zcopy's share stands well
 * above that: 16384 opens of at least 128 bytes each are 2 MiB (8192, 1 MiB,
 * on a debug kernel, where KASAN, kmemleak and lockdep make each open cost
 * a millisecond under emulation).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib.h"
#include "kselftest_harness.h"

#define CGROOT		"/sys/fs/cgroup"
#define NOPENS		16384
#define NOPENS_DEBUG	8192
/* A lower bound of what one open of /dev/zcopy allocates. */
#define PER_OPEN_MIN	128

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -EIO;
}

static long long read_ll(const char *path)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? strtoll(buf, NULL, 10) : -1;
}

/* cgroup v2 with the memory controller for children of the root, or why not. */
static const char *cgroup2_memory(void)
{
	static char ctl[256];
	int fd;
	ssize_t n;

	if (access(CGROOT "/cgroup.controllers", F_OK) &&
	    mount("none", CGROOT, "cgroup2", 0, NULL))
		return "cannot mount cgroup2 on " CGROOT;
	fd = open(CGROOT "/cgroup.controllers", O_RDONLY);
	if (fd < 0)
		return "no cgroup.controllers";
	n = read(fd, ctl, sizeof(ctl) - 1);
	close(fd);
	ctl[n > 0 ? n : 0] = '\0';
	if (!strstr(ctl, "memory"))
		return "no memory controller (CONFIG_MEMCG)";
	if (write_file(CGROOT "/cgroup.subtree_control", "+memory"))
		return "cannot enable +memory in the root's subtree_control";
	return NULL;
}

FIXTURE(account) {
	char cg[128];
	int made;
};

FIXTURE_SETUP(account)
{
	const char *why = cgroup2_memory();

	/* The bed's kernels all have it (selftests/config lists CONFIG_MEMCG). */
	if (why)
		SKIP(return, "%s", why);
	snprintf(self->cg, sizeof(self->cg), CGROOT "/zcopy_account.%d", getpid());
	ASSERT_EQ(0, mkdir(self->cg, 0755));
	self->made = 1;
}

FIXTURE_TEARDOWN(account)
{
	if (self->made)
		EXPECT_EQ(0, rmdir(self->cg));
}

/* Open @n descriptors of @path; the growth of memory.current, in bytes. */
static long long charge_of_opens(const char *cur, const char *path, int n, int *fds)
{
	long long before, after;
	int i;

	before = read_ll(cur);
	for (i = 0; i < n; i++) {
		fds[i] = open(path, O_RDWR);
		if (fds[i] < 0)
			return -1;
	}
	after = read_ll(cur);
	return before < 0 || after < 0 ? -1 : after - before;
}

/*
 * In a child inside the cgroup: the charge of NOPENS /dev/null opens, then
 * of NOPENS /dev/zcopy opens, written to @pipefd as two numbers.
 */
static void child(const char *cg, int pipefd, int n)
{
	static int nulls[NOPENS], zcs[NOPENS];
	char procs[160], cur[160], out[64];
	struct rlimit rl = { 2 * NOPENS + 256, 2 * NOPENS + 256 };
	long long dnull, dzc;
	int len;

	/* Killed with the test (its timeout): nothing keeps zcopy open. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL))
		_exit(1);
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", cg);
	snprintf(cur, sizeof(cur), "%s/memory.current", cg);
	if (write_file(procs, "0") || setrlimit(RLIMIT_NOFILE, &rl))
		_exit(2);
	/* Grow the descriptor table to its final size before measuring. */
	if (dup2(0, 2 * NOPENS + 128) < 0)
		_exit(3);
	close(2 * NOPENS + 128);
	dnull = charge_of_opens(cur, "/dev/null", n, nulls);
	dzc = charge_of_opens(cur, ZC_DEV, n, zcs);
	if (dnull < 0 || dzc < 0)
		_exit(4);
	len = snprintf(out, sizeof(out), "%lld %lld\n", dnull, dzc);
	if (write(pipefd, out, len) != len)
		_exit(5);
	_exit(0);
}

TEST_F_TIMEOUT(account, opens_are_charged_to_the_opener, 600)
{
	const int n = zc_debug_kernel() ? NOPENS_DEBUG : NOPENS;
	long long dnull = -1, dzc = -1;
	char buf[64] = "";
	int p[2], status;
	pid_t pid;

	ASSERT_EQ(0, pipe(p));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(p[0]);
		child(self->cg, p[1], n);
	}
	close(p[1]);
	ASSERT_LT(0, read(p[0], buf, sizeof(buf) - 1));
	close(p[0]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(2, sscanf(buf, "%lld %lld", &dnull, &dzc));
	TH_LOG("%d opens: /dev/null +%lld bytes, /dev/zcopy +%lld bytes (%lld more per open)",
	       n, dnull, dzc, (dzc - dnull) / n);
	/* Without GFP_KERNEL_ACCOUNT the two are the same, within batching. */
	ASSERT_LE((long long)n * PER_OPEN_MIN, dzc - dnull);
	/* The child's exit closed them all: nothing left open or pinned. */
	EXPECT_EQ(0, zc_counter("pages_pinned"));
}

TEST_HARNESS_MAIN
