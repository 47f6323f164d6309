// SPDX-License-Identifier: GPL-2.0
/*
 * The copy ledger must reproduce the classic copy model on a real kernel:
 * read+write of N bytes costs ~2N CPU-copied bytes in the sender, mmap+write
 * ~N, sendfile ~0 on a scatter-gather route (loopback), and a cold read of
 * N bytes inserts N/4096 pages into the page cache.  "About" is a small
 * fixed slack for the sender's own bookkeeping syscalls.  The ledger must
 * stay exact while other processes copy, and say "incomplete", never a
 * number, when its probes miss events.
 */
#include <errno.h>
#include <linux/userfaultfd.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib.h"
#include "kselftest_harness.h"

#define ZC_MAXACTIVE	"/sys/module/zcopy/parameters/ledger_maxactive"
#define N		(4u << 20)
#define SLACK		(16u << 10)

static int write_file(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");
	int ret;

	if (!f)
		return -1;
	ret = fputs(s, f) >= 0 ? 0 : -1;
	if (fclose(f))
		ret = -1;
	return ret;
}

/*
 * Copies parked inside the kernel: a thread reads a pipe into, or writes
 * a pipe from, a page that userfaultfd leaves missing, so it sleeps in
 * the fault, inside _copy_to_iter or _copy_from_iter, until the page is
 * supplied (or the thread is killed).  Sleeping in a copy is what user
 * copies do all the time (faults on a cold mapping, on swap, on a
 * userfaultfd region); this makes it last.
 */
struct park {
	int uffd;
	char *pages;
	long page;
	int n;			/* threads parked, once park_wait() said so */
};

struct park_arg {
	int fd;
	char *at;
	int reading;
};

static void *park_thread(void *a)
{
	struct park_arg *p = a;

	if (p->reading)
		return (void *)(long)read(p->fd, p->at, 1);
	return (void *)(long)write(p->fd, p->at, 1);
}

/* 0, or -errno: ENOSYS/EPERM when the kernel cannot do userfaultfd. */
static int park_init(struct park *pk, int npages)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };

	pk->n = 0;
	pk->page = sysconf(_SC_PAGESIZE);
	pk->uffd = syscall(SYS_userfaultfd, O_CLOEXEC);
	if (pk->uffd < 0)
		return -errno;
	pk->pages = mmap(NULL, npages * pk->page, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	reg.range.start = (unsigned long)pk->pages;
	reg.range.len = npages * pk->page;
	if (pk->pages == MAP_FAILED || ioctl(pk->uffd, UFFDIO_API, &api) ||
	    ioctl(pk->uffd, UFFDIO_REGISTER, &reg))
		return -errno;
	return 0;
}

/*
 * Start a thread that reads (or writes) one byte of a pipe of its own
 * (each pipe has its own lock, so the threads do not queue on one) to or
 * from page i; tiny stacks, so hundreds are cheap.
 */
static int park_start(struct park *pk, int i, int reading)
{
	static struct park_arg args[256];
	pthread_attr_t attr;
	pthread_t t;
	int p[2];

	if (i >= 256 || pipe(p))
		return -1;
	if (reading && write(p[1], "x", 1) != 1)
		return -1;
	args[i] = (struct park_arg){ reading ? p[0] : p[1], pk->pages + i * pk->page,
				     reading };
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 << 10);
	if (pthread_create(&t, &attr, park_thread, &args[i]))
		return -1;
	pthread_detach(t);
	return 0;
}

/* Wait until n threads sleep in their faults: 0, or -1 after 120 s. */
static int park_wait(struct park *pk, int n)
{
	struct pollfd pfd = { .fd = pk->uffd, .events = POLLIN };
	struct uffd_msg msg;

	while (pk->n < n) {
		if (poll(&pfd, 1, 120000) != 1 ||
		    read(pk->uffd, &msg, sizeof(msg)) != sizeof(msg))
			return -1;
		if (msg.event == UFFD_EVENT_PAGEFAULT)
			pk->n++;
	}
	return 0;
}

/* Supply page i (zeroes): its parked copy completes. */
static int park_release(struct park *pk, int i)
{
	struct uffdio_zeropage z = {
		.range = { (unsigned long)pk->pages + i * pk->page, pk->page },
	};

	return ioctl(pk->uffd, UFFDIO_ZEROPAGE, &z);
}

/*
 * Another process that copies heavily: it parks PARKED reads and PARKED
 * writes (more than the 64 return-probe instances an unfiltered ledger
 * had for every task in the system), then loops read()/write() on a
 * cached file and a pipe until killed.  *state: 1 once parked, 2 if the
 * kernel has no userfaultfd (it only loops), -1 if parking failed.
 */
#define PARKED	64

static void copier(int file, volatile int *state)
{
	static char buf[65536];
	struct park pk;
	int p[2], i, ret;

	/* Never outlive the test, even one the harness kills. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() == 1)
		_exit(1);
	ret = park_init(&pk, 2 * PARKED);
	if (ret == -ENOSYS || ret == -EPERM) {
		*state = 2;
	} else {
		for (i = 0; !ret && i < 2 * PARKED; i++)
			ret = park_start(&pk, i, i < PARKED);
		if (!ret)
			ret = park_wait(&pk, 2 * PARKED);
		*state = ret ? -1 : 1;
	}
	if (pipe(p))
		_exit(1);
	for (;;) {
		if (pread(file, buf, sizeof(buf), 0) != sizeof(buf) ||
		    write(p[1], buf, sizeof(buf)) != sizeof(buf) ||
		    read(p[0], buf, sizeof(buf)) != sizeof(buf))
			_exit(1);
	}
}

FIXTURE(ledger) {
	int file, sock;
	pid_t sink, copiers[2];
	char path[64];
};

/* Other processes copying flat out, stopped before each test ends. */
static void stop_copiers(pid_t *copiers)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (copiers[i] <= 0)
			continue;
		kill(copiers[i], SIGKILL);
		waitpid(copiers[i], NULL, 0);
		copiers[i] = 0;
	}
}

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
	stop_copiers(self->copiers);
	zc_ledger_arm(0);
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
	ASSERT_EQ(0, zc_ledger_arm(getpid()));
	while ((n = read(self->file, buf, 65536)) > 0)
		ASSERT_EQ(n, write(self->sock, buf, n));
	EXPECT_ABOUT(N, zc_ledger("copy_to_user_bytes"));
	EXPECT_ABOUT(N, zc_ledger("copy_from_user_bytes"));
	free(buf);
}

/*
 * Exact, not about: between the arm and the first ledger read this
 * process makes no copy but the transfer's (forking, and sleeping while
 * the copiers start, copy nothing through the iterators).  Two other
 * processes copy heavily all along, with copies parked in the probed
 * functions; the ledger must not give its probes' instances to them.
 */
TEST_F_TIMEOUT(ledger, read_write_exact_while_others_copy, 600)
{
	volatile int *state = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	char *buf = malloc(65536);
	long long to, from;
	int i, waited;
	ssize_t n;

	ASSERT_NE(NULL, buf);
	ASSERT_NE(MAP_FAILED, state);
	ASSERT_EQ(0, lseek(self->file, 0, SEEK_SET));
	/* Armed first, so that the parked copies meet the probes. */
	ASSERT_EQ(0, zc_ledger_arm(getpid()));
	for (i = 0; i < 2; i++) {
		self->copiers[i] = fork();
		ASSERT_LE(0, self->copiers[i]);
		if (!self->copiers[i])
			copier(self->file, &state[i]);
	}
	for (waited = 0; waited < 240000; waited += 10) {
		if (state[0] && state[1])
			break;
		usleep(10000);
	}
	ASSERT_TRUE(state[0] && state[1]) TH_LOG("the copiers did not start");
	ASSERT_NE(-1, state[0]) TH_LOG("copier 0 could not park its copies");
	ASSERT_NE(-1, state[1]) TH_LOG("copier 1 could not park its copies");

	while ((n = read(self->file, buf, 65536)) > 0)
		ASSERT_EQ(n, write(self->sock, buf, n));
	/* One read each, copy_to_user first: its own copy-out counts later. */
	to = zc_ledger("copy_to_user_bytes");
	from = zc_ledger("copy_from_user_bytes");
	stop_copiers(self->copiers);
	/* Logged only now: writing the line is a copy from user space. */
	if (state[0] == 2) {
		/* Looping copiers may miss the reads: parked ones cannot. */
		EXPECT_FALSE(zc_required("ZC_REQUIRE_LEDGER"))
			TH_LOG("userfaultfd is required here but missing");
		TH_LOG("no userfaultfd in this kernel: the copiers only loop, none parked");
	}
	EXPECT_EQ(N, to) TH_LOG("copy_to_user_bytes %lld (-3: incomplete), missed_events %lld",
				to, zc_ledger("missed_events"));
	EXPECT_EQ(N, from) TH_LOG("copy_from_user_bytes %lld (-3: incomplete)", from);
	free(buf);
}

TEST_F(ledger, mmap_write_copies_once)
{
	char *map = mmap(NULL, N, PROT_READ, MAP_SHARED, self->file, 0);

	ASSERT_NE(MAP_FAILED, map);
	ASSERT_EQ(0, zc_ledger_arm(getpid()));
	for (unsigned int off = 0; off < N; off += 65536)
		ASSERT_EQ(65536, write(self->sock, map + off, 65536));
	EXPECT_ABOUT(0, zc_ledger("copy_to_user_bytes"));
	EXPECT_ABOUT(N, zc_ledger("copy_from_user_bytes"));
	munmap(map, N);
}

TEST_F(ledger, sendfile_copies_nothing)
{
	long long xmit;
	off_t off = 0;

	ASSERT_EQ(0, zc_ledger_arm(getpid()));
	while (off < N)
		ASSERT_LT(0, sendfile(self->sock, self->file, &off, N - off));
	EXPECT_ABOUT(0, zc_ledger("copy_to_user_bytes"));
	EXPECT_ABOUT(0, zc_ledger("copy_from_user_bytes"));
	EXPECT_ABOUT(0, zc_ledger("skb_copy_ubufs_bytes"));
	/*
	 * Transmits are counted in the sender's context only; TCP defers many
	 * to softirq and to the receiver's ACKs, so this is a lower bound.
	 * A transmit in a softirq that interrupts a probe handler (any task's)
	 * is missed, and then the counter rightly has no value: say so.
	 */
	xmit = zc_ledger("dev_xmit_bytes");
	if (xmit == ZC_LEDGER_INCOMPLETE) {
		TH_LOG("dev_xmit_bytes incomplete (%lld events missed): not checked",
		       zc_ledger("missed_events"));
	} else {
		EXPECT_LT(0, xmit);
		EXPECT_GE(N + N / 10, xmit);
	}
}

TEST_F(ledger, cold_read_inserts_every_page)
{
	char *buf = malloc(65536);

	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, posix_fadvise(self->file, 0, 0, POSIX_FADV_DONTNEED));
	ASSERT_EQ(0, lseek(self->file, 0, SEEK_SET));
	ASSERT_EQ(0, zc_ledger_arm(getpid()));
	while (read(self->file, buf, 65536) > 0)
		;
	EXPECT_EQ(N / 4096, zc_ledger("pagecache_insert_pages"));
	free(buf);
}

/*
 * Misses on demand: one return-probe instance per function
 * (ledger_maxactive=1), and a thread of the armed process parked in
 * read() holding it (or having missed it already), so the next read()
 * finds none.  The counter must then read "incomplete", stay so after
 * the disarm, and be a number again after a fresh arm.
 */
FIXTURE(miss) {
	struct park pk;
	int parked, pipe[2];
};

FIXTURE_SETUP(miss)
{
	int ret = park_init(&self->pk, 1);

	self->parked = 0;
	if (ret == -ENOSYS || ret == -EPERM) {
		ASSERT_FALSE(zc_required("ZC_REQUIRE_LEDGER"))
			TH_LOG("userfaultfd is required here but missing");
		SKIP(return, "no userfaultfd in this kernel: no way to park a copy");
	}
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, pipe(self->pipe));
	ASSERT_EQ(8, write(self->pipe[1], "12345678", 8));
}

FIXTURE_TEARDOWN(miss)
{
	zc_ledger_arm(0);
	write_file(ZC_MAXACTIVE, "0\n");
	if (self->parked)
		park_release(&self->pk, 0);
}

TEST_F_TIMEOUT(miss, incomplete_not_a_number, 300)
{
	char buf[8];

	ASSERT_EQ(0, write_file(ZC_MAXACTIVE, "1\n"))
		TH_LOG("no %s: the module cannot limit its instances", ZC_MAXACTIVE);
	ASSERT_EQ(0, zc_ledger_arm(getpid()));
	ASSERT_EQ(0, park_start(&self->pk, 0, 1));
	self->parked = 1;
	ASSERT_EQ(0, park_wait(&self->pk, 1));
	ASSERT_EQ(4, read(self->pipe[0], buf, 4));
	EXPECT_EQ(ZC_LEDGER_INCOMPLETE, zc_ledger("copy_to_user_bytes"));
	EXPECT_LT(0, zc_ledger("missed_events"));

	ASSERT_EQ(0, park_release(&self->pk, 0));
	self->parked = 0;
	ASSERT_EQ(0, zc_ledger_arm(0));
	EXPECT_EQ(ZC_LEDGER_INCOMPLETE, zc_ledger("copy_to_user_bytes"));

	/* A fresh arm starts from no misses (and counts the last read's copy-out). */
	ASSERT_EQ(0, write_file(ZC_MAXACTIVE, "0\n"));
	ASSERT_EQ(0, zc_ledger_arm(getpid()));
	EXPECT_EQ(0, zc_ledger("copy_to_user_bytes"));
	ASSERT_EQ(4, read(self->pipe[0], buf, 4));
	EXPECT_LE(4, zc_ledger("copy_to_user_bytes"));
}

/*
 * Is there a return probe on symbol?  debugfs kprobes/list has a line
 * "ADDR  r  SYMBOL+0xOFF ..." for each (kernel/kprobes.c report_probe).
 */
static int kretprobe_listed(const char *symbol)
{
	char line[256], want[128];
	int found = 0;
	FILE *f = fopen("/sys/kernel/debug/kprobes/list", "r");

	if (!f)
		return -1;
	snprintf(want, sizeof(want), "  r  %s+0x", symbol);
	while (fgets(line, sizeof(line), f))
		found |= strstr(line, want) != NULL;
	fclose(f);
	return found;
}

/*
 * A disarm stops the counting but keeps the probes (ledger.c: removing
 * them at every disarm made probed calls trap on breakpoints already
 * gone): the process's copies after it are not counted, and the return
 * probe on _copy_to_iter is still listed.
 */
TEST(disarm_stops_counting_and_keeps_the_probes)
{
	char buf[8];
	int p[2];
	long long n;

	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(8, write(p[1], "12345678", 8));
	ASSERT_EQ(0, zc_ledger_arm(getpid()));
	ASSERT_EQ(4, read(p[0], buf, 4));
	ASSERT_EQ(0, zc_ledger_arm(0));
	/* Read after the disarm: reading the ledger copies to user too. */
	n = zc_ledger("copy_to_user_bytes");
	EXPECT_LE(4, n);
	EXPECT_EQ(1, kretprobe_listed("_copy_to_iter"));
	ASSERT_EQ(4, read(p[0], buf, 4));
	EXPECT_EQ(n, zc_ledger("copy_to_user_bytes"));
	EXPECT_EQ(0, zc_ledger("armed_pid"));
	close(p[0]);
	close(p[1]);
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
	EXPECT_EQ(0, zc_ledger("armed_pid"));
}

TEST_HARNESS_MAIN
