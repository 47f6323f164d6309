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
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "lib.h"
#include "kselftest_harness.h"

static uint64_t rnd(void);

struct zc_ioctl_desc {
	const char *name;
	unsigned long cmd;
	size_t size;		/* argument struct size */
	size_t size_off;	/* offset of its __u32 size field, or -1 */
	int errnos[24];		/* documented errnos, 0-terminated */
	void (*fixup)(void *arg);	/* aim some fields at real objects */
};

/*
 * Descriptors worth aiming at: a file on the scratch disk, connected
 * sockets of every supported kind (their peers drained by a thread), and
 * things that are not: a listening socket, a UNIX datagram socket, a
 * directory, a pipe, /dev/zcopy itself, a closed number.
 */
static int fds[16], nfds;

static uint64_t rnd(void);
static uint64_t rnd_value(void);

static void send_fixup(void *arg)
{
	struct zcopy_send *s = arg;

	if (rnd() % 2) {
		s->file_fd = fds[rnd() % nfds];
		s->sock_fd = fds[rnd() % nfds];
	}
	if (rnd() % 2)
		s->length = rnd() % (1 << 20);
	if (rnd() % 2)
		s->offset = rnd() % (2 << 20);
}

static struct zcopy_target fuzz_targets[4];
static struct zcopy_segment fuzz_segs[4];
static char fuzz_mem[64];

static void fanout_fixup(void *arg)
{
	struct zcopy_fanout *f = arg;

	for (int i = 0; i < 4; i++) {
		memset(&fuzz_targets[i], 0, sizeof(fuzz_targets[i]));
		fuzz_targets[i].sock_fd = fds[rnd() % nfds];
		fuzz_targets[i].bytes_sent = rnd() % 3 ? 0 : rnd() % (1 << 20);
		if (rnd() % 16 == 0)
			fuzz_targets[i].reserved[rnd() % 2] = rnd();
	}
	f->targets = (uintptr_t)fuzz_targets;
	f->nr_targets = rnd() % 6;
	f->file_fd = fds[rnd() % nfds];
	f->length = rnd() % (1 << 20);
	f->offset = rnd() % (2 << 20);
}

static void sendv_fixup(void *arg)
{
	struct zcopy_sendv *v = arg;

	for (int i = 0; i < 4; i++) {
		memset(&fuzz_segs[i], 0, sizeof(fuzz_segs[i]));
		fuzz_segs[i].type = rnd() % 4;
		fuzz_segs[i].fd = rnd() % 2 ? -1 : fds[rnd() % nfds];
		fuzz_segs[i].addr = rnd() % 2 ? (uintptr_t)fuzz_mem : rnd_value();
		fuzz_segs[i].offset = rnd() % 2 ? 0 : rnd() % (2 << 20);
		fuzz_segs[i].length = rnd() % 2 ? rnd() % 65 : rnd_value();
	}
	v->segs = (uintptr_t)fuzz_segs;
	v->nr_segs = rnd() % 6;
	v->sock_fd = fds[rnd() % nfds];
}

/* Keep in step with the kernel-doc of each ioctl in uapi/linux/zcopy.h. */
static const struct zc_ioctl_desc zc_ioctls[] = {
	{ "VERSION", ZCOPY_IOC_VERSION, sizeof(struct zcopy_version),
	  offsetof(struct zcopy_version, size), { EFAULT, EINVAL } },
	{ "SEND", ZCOPY_IOC_SEND, sizeof(struct zcopy_send),
	  offsetof(struct zcopy_send, size),
	  { EFAULT, EINVAL, EBADF, ENOTSOCK, EAFNOSUPPORT, EOPNOTSUPP, ENOTCONN,
	    EXDEV, EAGAIN, EINTR, EPIPE, EIO, ENOMEM, ECONNRESET, ENOBUFS,
	    EMSGSIZE, EHOSTUNREACH, ENETUNREACH, ECONNREFUSED },
	  send_fixup },
	{ "STATS", ZCOPY_IOC_STATS, sizeof(struct zcopy_stats),
	  offsetof(struct zcopy_stats, size), { EFAULT, EINVAL } },
	{ "FANOUT", ZCOPY_IOC_FANOUT, sizeof(struct zcopy_fanout),
	  offsetof(struct zcopy_fanout, size),
	  { EFAULT, EINVAL, EBADF, EOPNOTSUPP, EINTR, EAGAIN, EIO, ENOMEM }, fanout_fixup },
	{ "SENDV", ZCOPY_IOC_SENDV, sizeof(struct zcopy_sendv),
	  offsetof(struct zcopy_sendv, size),
	  { EFAULT, EINVAL, EBADF, ENOTSOCK, EAFNOSUPPORT, ENOTCONN, EPIPE, EXDEV,
	    EAGAIN, EINTR, EIO, ENOMEM, ECONNRESET, ENOBUFS, EOPNOTSUPP },
	  sendv_fixup },
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

static void *drain(void *p)
{
	int fd = (int)(intptr_t)p;
	static __thread char buf[65536];

	while (recv(fd, buf, sizeof(buf), 0) != 0 || errno == EINTR)
		if (errno == EBADF)
			break;
	return NULL;
}

static void add_drained(int tx, int rx, struct __test_metadata *_metadata)
{
	pthread_t t;
	struct timeval tv = { .tv_sec = 1 };

	ASSERT_LE(0, tx);
	/* A send the drainer cannot keep up with ends, it does not hang. */
	setsockopt(tx, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	fds[nfds++] = tx;
	ASSERT_EQ(0, pthread_create(&t, NULL, drain, (void *)(intptr_t)rx));
	pthread_detach(t);
}

FIXTURE(fuzz) {
	char path[64];
};

FIXTURE_SETUP(fuzz)
{
	int tx, rx, sv[2], p[2];

	snprintf(self->path, sizeof(self->path), "/scratch/fuzz.%d", getpid());
	fds[nfds++] = zc_make_file(self->path, 1 << 20);
	ASSERT_LE(0, fds[0]);
	fds[nfds++] = open(self->path, O_RDONLY);
	ASSERT_EQ(0, zc_tcp_pair(AF_INET, &tx, &rx));
	add_drained(tx, rx, _metadata);
	ASSERT_EQ(0, zc_tcp_pair(AF_INET6, &tx, &rx));
	add_drained(tx, rx, _metadata);
	ASSERT_EQ(0, zc_udp_pair(AF_INET, &tx, &rx));
	add_drained(tx, rx, _metadata);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	add_drained(sv[0], sv[1], _metadata);
	fds[nfds++] = socket(AF_INET, SOCK_STREAM, 0);	/* not connected */
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	fds[nfds++] = sv[0];
	fds[nfds++] = open("/scratch", O_RDONLY | O_DIRECTORY);
	ASSERT_EQ(0, pipe(p));
	fds[nfds++] = p[0];
	fds[nfds++] = p[1];
	fds[nfds++] = open(ZC_DEV, O_RDWR);
	fds[nfds++] = -1;
	fds[nfds++] = 1000;
}

FIXTURE_TEARDOWN(fuzz)
{
	unlink(self->path);
}

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
			if (d->fixup && rnd() % 4)
				d->fixup(arg);
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
