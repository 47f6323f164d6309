// SPDX-License-Identifier: GPL-2.0
/*
 * Seeded ioctl fuzzer: every zcopy ioctl with random and edge arguments
 * (bad pointers, random bytes, size/flags/reserved set or not, unknown
 * command numbers).  Every call must succeed or fail with an errno that
 * uapi/linux/zcopy.h documents for that ioctl; the test bed fails the run
 * on any kernel report.  ZC_FUZZ_SEED and ZC_FUZZ_ITERS (default 100000)
 * steer it; the seed is printed so a failure can be replayed.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "lib.h"
#include "kselftest_harness.h"

struct zc_ioctl_desc {
	const char *name;
	unsigned long cmd;
	size_t size;		/* argument struct size */
	size_t size_off;	/* offset of its __u32 size field, or -1 */
	int errnos[16];		/* documented errnos, 0-terminated */
};

/* Keep in step with the kernel-doc of each ioctl in uapi/linux/zcopy.h. */
static const struct zc_ioctl_desc zc_ioctls[] = {
	{ "VERSION", ZCOPY_IOC_VERSION, sizeof(struct zcopy_version),
	  offsetof(struct zcopy_version, size), { EFAULT, EINVAL } },
};

#define NR_IOCTLS (sizeof(zc_ioctls) / sizeof(zc_ioctls[0]))

static uint64_t rng_state;

/* xorshift64*: small, fast, reproducible from the seed. */
static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

/* Edge values first, then anything. */
static uint64_t rnd_value(void)
{
	static const uint64_t edge[] = {
		0, 1, 2, 4095, 4096, 4097, 0x7ffff000, 0x7fffffff, 0x80000000,
		0xffffffff, 0x100000000ULL, 0x7fffffffffffffffULL,
		0x8000000000000000ULL, ~0ULL, ~0ULL - 4095, (uint64_t)-1 << 12,
	};

	switch (rnd() % 4) {
	case 0:
		return edge[rnd() % (sizeof(edge) / sizeof(edge[0]))];
	case 1:
		return rnd() % 64;	/* small: plausible fds, counts */
	default:
		return rnd();
	}
}

static bool documented(const struct zc_ioctl_desc *d, int err)
{
	for (int i = 0; d->errnos[i]; i++)
		if (d->errnos[i] == err)
			return true;
	return false;
}

FIXTURE(fuzz) {
	int unused;
};

FIXTURE_SETUP(fuzz) {}
FIXTURE_TEARDOWN(fuzz) {}

/* 100k calls take ~10 s under emulation, minutes on the KASAN kernel. */
TEST_F_TIMEOUT(fuzz, ioctls, 900)
{
	const char *s = getenv("ZC_FUZZ_SEED"), *it = getenv("ZC_FUZZ_ITERS");
	long iters = it ? atol(it) : 100000, ok = 0, succeeded = 0, failed = 0;
	unsigned char *page, *none;
	uint64_t seed;
	int fd;

	seed = s ? strtoull(s, NULL, 0) : (uint64_t)time(NULL) * 2654435761u + getpid();
	rng_state = seed | 1;
	TH_LOG("seed=0x%llx iterations=%ld", (unsigned long long)seed, iters);
	fd = open(ZC_DEV, O_RDWR);
	ASSERT_LE(0, fd);
	page = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, page);
	none = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, none);

	for (long n = 0; n < iters; n++) {
		const struct zc_ioctl_desc *d = &zc_ioctls[rnd() % NR_IOCTLS];
		unsigned long cmd = d->cmd;
		bool known = true;
		void *arg;
		long ret;

		/* One call in eight: a command number that is not ours. */
		if (rnd() % 8 == 0) {
			cmd = _IOC(rnd() % 4, ZCOPY_IOCTL_MAGIC, rnd() % 256, rnd() % 512);
			for (size_t i = 0; i < NR_IOCTLS; i++)
				if (zc_ioctls[i].cmd == cmd)
					goto keep;
			known = false;
		}
keep:
		switch (rnd() % 8) {
		case 0:
			arg = NULL;
			break;
		case 1:
			arg = none;
			break;
		case 2:
			/* The struct straddles the end of valid memory. */
			arg = page + 8192 - (rnd() % (d->size + 1));
			break;
		case 3:
			arg = (void *)(uintptr_t)0xffff888000000000ULL;
			break;
		default:
			/* Valid memory, random bytes, usually a right size. */
			arg = page + (rnd() % 8) * (rnd() % 2);
			for (size_t i = 0; i < d->size; i += 8) {
				uint64_t v = rnd_value();

				memcpy((char *)arg + i, &v,
				       d->size - i < 8 ? d->size - i : 8);
			}
			if (d->size_off != (size_t)-1 && rnd() % 4)
				*(uint32_t *)((char *)arg + d->size_off) = d->size;
			if (rnd() % 2)	/* flags and the rest zero */
				memset((char *)arg + d->size_off + 4, 0,
				       d->size - d->size_off - 4);
			break;
		}
		ret = ioctl(fd, cmd, arg);
		if (ret == 0 && known) {
			ok++;
			succeeded++;
			continue;
		}
		if (ret == -1 && (known ? documented(d, errno) : errno == ENOTTY)) {
			ok++;
			continue;
		}
		if (failed++ < 10)
			TH_LOG("call %ld: %s cmd 0x%lx returned %ld errno %d (%s)",
			       n, known ? d->name : "unknown", cmd, ret, errno,
			       strerror(errno));
	}
	TH_LOG("%ld calls as documented (%ld succeeded), %ld not", ok, succeeded, failed);
	EXPECT_EQ(0, failed);
	/* A generator that never gets past validation tests nothing. */
	EXPECT_LT(0, succeeded);
	close(fd);
}

TEST_HARNESS_MAIN
