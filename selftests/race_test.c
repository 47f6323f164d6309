// SPDX-License-Identifier: GPL-2.0
/*
 * Races: 64 threads at once.  Senders share files, some share sockets,
 * and every call goes one of the four ways (SEND, SEND with a completion
 * notification, FANOUT, SENDV);
 * meanwhile other threads truncate and regrow the files, punch holes,
 * rewrite them, make consumers disconnect, send signals to senders, try
 * to unload the module, and press on memory.  Data is checked wherever it
 * arrives: byte for byte against the file on sockets with one sender
 * (zero bytes allowed where a truncation or hole punch raced), by count
 * on sockets shared by two senders.  Afterwards no page is pinned and the
 * module is still loaded; the test bed fails the run on any kernel report.
 * ZC_RACE_SECONDS sets the length (default 20).
 */
#include <errno.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "lib.h"
#include "kselftest_harness.h"

#define NFILES		2
#define FILE_SIZE	(4u << 20)
#define NEXCL		24	/* senders with a socket of their own */
#define NSHARED		8	/* socket pairs shared by two senders */
#define NTHREADS	64

struct race {
	int dev;
	int files[NFILES];
	char paths[NFILES][64];
	volatile int stop;
	pthread_t senders[NEXCL + 2 * NSHARED];
	/* Per socket: its pair and reader; written by senders, read at end. */
	struct sock_slot {
		int tx, rx;
		struct zc_reader r;
		uint64_t claimed;	/* bytes the send calls said they queued */
		pthread_mutex_t lock;	/* shared sockets: one call at a time */
		int shared;
	} slots[NEXCL + NSHARED];
	long undocumented, sends, errors;
};

struct sender_arg {
	struct race *rc;
	struct sock_slot *slot;
	int file;
	unsigned int seed;
};

/* ZC_RACE_MODES: a bitmask of the zc_send_mode ways to use (default all). */
static enum zc_send_mode pick_mode(unsigned int *seed)
{
	static int mask = -1;
	int m;

	if (mask < 0) {
		const char *e = getenv("ZC_RACE_MODES");

		mask = e ? atoi(e) & 15 : 15;
		if (!mask)
			mask = 15;
	}
	do
		m = rand_r(seed) % 4;
	while (!(mask & (1 << m)));
	return m;
}

static void on_signal(int sig)
{
	(void)sig;
}

static int documented(int err)
{
	static const int ok[] = { EAGAIN, EINTR, EPIPE, ECONNRESET, EINVAL, EIO,
				  ENOMEM, ENOBUFS, ENOTCONN, ENODATA };

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (ok[i] == err)
			return 1;
	return 0;
}

/*
 * An exclusive socket's stream must be the file from offset 0 on, so a
 * sender there sends consecutive ranges; a shared socket's senders send
 * any range and only the byte count is checked.
 */
static void *sender(void *p)
{
	struct sender_arg *a = p;
	struct sock_slot *s = a->slot;
	uint64_t off = 0, sent;
	int err;

	while (!a->rc->stop) {
		uint64_t len = 1 + rand_r(&a->seed) % (256 << 10);

		if (s->shared) {
			off = rand_r(&a->seed) % FILE_SIZE;
			pthread_mutex_lock(&s->lock);
		} else if (off >= FILE_SIZE) {
			break;	/* the whole file went through */
		}
		sent = 0;
		/* Every way of sending, mixed on the same files and sockets. */
		err = zc_send_by(a->rc->dev, a->file, s->tx, pick_mode(&a->seed),
				 off, len, off + 1, &sent);
		if (!err) {
			__atomic_add_fetch(&s->claimed, sent, __ATOMIC_RELAXED);
			off += sent;
		}
		if (s->shared)
			pthread_mutex_unlock(&s->lock);
		__atomic_add_fetch(&a->rc->sends, 1, __ATOMIC_RELAXED);
		if (err) {
			__atomic_add_fetch(&a->rc->errors, 1, __ATOMIC_RELAXED);
			if (!documented(-err))
				__atomic_add_fetch(&a->rc->undocumented, 1, __ATOMIC_RELAXED);
			/* A truncated file ends an exclusive stream: EINVAL past EOF. */
			if (err == -EPIPE || err == -ECONNRESET ||
			    (!s->shared && err == -EINVAL))
				break;
		}
	}
	return NULL;
}

/* Truncate a file to a random size and grow it back, rewriting it. */
static void *truncator(void *p)
{
	struct race *rc = p;
	unsigned int seed = 1;
	/* Per thread: two truncators filling one static buffer would write
	 * one offset's bytes at another's (64 KiB-shifted file content).
	 */
	static __thread unsigned char buf[64 << 10];

	while (!rc->stop) {
		int fd = rc->files[rand_r(&seed) % NFILES];
		off_t cut = (rand_r(&seed) % (FILE_SIZE / 4096)) * 4096 + rand_r(&seed) % 4096;

		ftruncate(fd, cut);
		ftruncate(fd, FILE_SIZE);
		for (off_t o = cut & ~(off_t)(sizeof(buf) - 1); o < FILE_SIZE; o += sizeof(buf)) {
			zc_pattern_fill(buf, o, sizeof(buf));
			pwrite(fd, buf, sizeof(buf), o);
		}
		usleep(20000);
	}
	return NULL;
}

static void *puncher(void *p)
{
	struct race *rc = p;
	unsigned int seed = 2;
	unsigned char buf[8192];

	while (!rc->stop) {
		int fd = rc->files[rand_r(&seed) % NFILES];
		off_t o = (rand_r(&seed) % (FILE_SIZE / 8192)) * 8192;

		fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, o, 8192);
		usleep(5000);
		zc_pattern_fill(buf, o, sizeof(buf));
		pwrite(fd, buf, sizeof(buf), o);
	}
	return NULL;
}

/* Rewrite the same bytes: dirty pages under the senders' feet. */
static void *writer(void *p)
{
	struct race *rc = p;
	unsigned int seed = 3;
	unsigned char buf[4096];

	while (!rc->stop) {
		int fd = rc->files[rand_r(&seed) % NFILES];
		off_t o = (rand_r(&seed) % (FILE_SIZE / 4096)) * 4096;

		zc_pattern_fill(buf, o, sizeof(buf));
		pwrite(fd, buf, sizeof(buf), o);
		if (rand_r(&seed) % 64 == 0)
			fdatasync(fd);
	}
	return NULL;
}

static void *signaller(void *p)
{
	struct race *rc = p;
	unsigned int seed = 4;
	int n = NEXCL + 2 * NSHARED;

	while (!rc->stop) {
		pthread_kill(rc->senders[rand_r(&seed) % n], SIGUSR1);
		usleep(2000);
	}
	return NULL;
}

/* Consumers hanging up: the last few shared pairs lose their reader. */
static void *disconnector(void *p)
{
	struct race *rc = p;

	sleep(2);
	for (int i = NEXCL + NSHARED - 2; i < NEXCL + NSHARED && !rc->stop; i++) {
		shutdown(rc->slots[i].rx, SHUT_RDWR);
		sleep(1);
	}
	return NULL;
}

/* The module is in use: unloading must be refused, never half done. */
static void *unloader(void *p)
{
	struct race *rc = p;

	while (!rc->stop) {
		if (!syscall(SYS_delete_module, "zcopy", O_NONBLOCK))
			__atomic_add_fetch(&rc->undocumented, 1000000, __ATOMIC_RELAXED);
		usleep(100000);
	}
	return NULL;
}

/* Memory pressure: touch most of the free memory, then let it go. */
static void *hog(void *p)
{
	struct race *rc = p;
	size_t sz = (size_t)sysconf(_SC_AVPHYS_PAGES) * sysconf(_SC_PAGESIZE) / 2;

	while (!rc->stop) {
		char *m = mmap(NULL, sz, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (m == MAP_FAILED)
			break;
		for (size_t o = 0; o < sz && !rc->stop; o += 4096)
			m[o] = 1;
		munmap(m, sz);
		usleep(100000);
	}
	return NULL;
}

/* Shared sockets: positions are unknowable, so count the bytes only. */
static void *counter(void *p)
{
	struct zc_reader *r = p;
	static __thread unsigned char buf[1 << 16];
	ssize_t n;

	while ((n = recv(r->rx, buf, sizeof(buf), 0)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		r->got += n;
	}
	return NULL;
}

FIXTURE(race) {
	struct race rc;
};

FIXTURE_SETUP(race)
{
	struct sigaction sa = { .sa_handler = on_signal };	/* no SA_RESTART */

	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	self->rc.dev = open(ZC_DEV, O_RDWR);
	ASSERT_LE(0, self->rc.dev);
	for (int i = 0; i < NFILES; i++) {
		snprintf(self->rc.paths[i], sizeof(self->rc.paths[i]),
			 ZC_SCRATCH "/race.%d.%d", getpid(), i);
		self->rc.files[i] = zc_make_file(self->rc.paths[i], FILE_SIZE);
		ASSERT_LE(0, self->rc.files[i]);
	}
}

FIXTURE_TEARDOWN(race)
{
	for (int i = 0; i < NFILES; i++)
		unlink(self->rc.paths[i]);
}

TEST_F_TIMEOUT(race, everything_at_once, 900)
{
	struct race *rc = &self->rc;
	struct sender_arg args[NEXCL + 2 * NSHARED];
	void *(*others[])(void *) = {
		truncator, truncator, puncher, puncher, puncher, puncher, puncher,
		puncher, writer, writer, writer, writer, writer, writer, writer,
		writer, writer, writer, signaller, signaller, disconnector,
		unloader, hog, hog,
	};
	pthread_t other[sizeof(others) / sizeof(others[0])];
	const char *secs = getenv("ZC_RACE_SECONDS");
	int nsend = NEXCL + 2 * NSHARED, nslots = NEXCL + NSHARED;

	ASSERT_EQ(NTHREADS, nsend + (int)(sizeof(others) / sizeof(others[0])));
	for (int i = 0; i < nslots; i++) {
		struct sock_slot *sl = &rc->slots[i];

		sl->shared = i >= NEXCL;
		pthread_mutex_init(&sl->lock, NULL);
		ASSERT_EQ(0, zc_tcp_pair(i % 2 ? AF_INET6 : AF_INET, &sl->tx, &sl->rx));
		if (sl->shared) {
			sl->r.rx = sl->rx;
			ASSERT_EQ(0, pthread_create(&sl->r.thread, NULL, counter, &sl->r));
		} else {
			sl->r.zero_ok = 1;	/* truncation and holes read as 0 */
			ASSERT_EQ(0, zc_reader_start(&sl->r, sl->rx, 0));
		}
	}
	for (int i = 0; i < nsend; i++) {
		args[i] = (struct sender_arg){ .rc = rc, .seed = 100 + i,
			.slot = &rc->slots[i < NEXCL ? i : NEXCL + (i - NEXCL) / 2],
			.file = rc->files[i % NFILES] };
		ASSERT_EQ(0, pthread_create(&rc->senders[i], NULL, sender, &args[i]));
	}
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		ASSERT_EQ(0, pthread_create(&other[i], NULL, others[i], rc));

	sleep(secs ? atoi(secs) : 20);
	rc->stop = 1;
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		pthread_join(other[i], NULL);
	for (int i = 0; i < nsend; i++)
		pthread_join(rc->senders[i], NULL);
	for (int i = 0; i < nslots; i++) {
		shutdown(rc->slots[i].tx, SHUT_WR);
		pthread_join(rc->slots[i].r.thread, NULL);
	}

	TH_LOG("%ld sends, %ld errors", rc->sends, rc->errors);
	EXPECT_EQ(0, rc->undocumented);
	for (int i = 0; i < nslots; i++) {
		struct sock_slot *sl = &rc->slots[i];
		int hung_up = i >= nslots - 2;

		if (!sl->shared) {
			EXPECT_EQ(-1, sl->r.first_bad) TH_LOG("socket %d: bad byte at %lld",
							    i, (long long)sl->r.first_bad);
		}
		if (hung_up) {
			EXPECT_GE(sl->claimed, sl->r.got);
		} else {
			EXPECT_EQ(sl->claimed, sl->r.got) TH_LOG("socket %d", i);
		}
		close(sl->tx);
		close(sl->rx);
	}
	EXPECT_LT(0, rc->sends - rc->errors);
	EXPECT_EQ(0, zc_counter("pages_pinned"));
	/* Still loaded, still working. */
	EXPECT_EQ(0, close(open(ZC_DEV, O_RDWR)));
	close(rc->dev);
}

TEST_HARNESS_MAIN
