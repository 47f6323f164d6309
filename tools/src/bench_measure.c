// SPDX-License-Identifier: GPL-2.0
/*
 * zcopy bench: what is measured around one delivery.  The sender's own CPU
 * and context switches (getrusage), the whole machine's CPU (/proc/stat,
 * so receivers and softirq work are counted too), the sender's disk reads
 * (/proc/self/io), the module's bytes sent by reference and the copy
 * ledger, both from debugfs when the loaded module has them.
 */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "zcopy.h"

const char *const bench_ledger_names[LEDGER_NR] = {
	"copy_to_user_bytes", "copy_from_user_bytes", "skb_copy_ubufs_bytes",
	"pagecache_insert_pages", "dev_xmit_bytes",
	/* kprobe hits lost since the arm; the counters they spoil read "incomplete" */
	"missed_events",
};

#define LEDGER		ZCOPY_DEBUGFS "/ledger"
#define LEDGER_PID	ZCOPY_DEBUGFS "/ledger_pid"
#define COUNTERS	ZCOPY_DEBUGFS "/counters"

/* Busy CPU time of the whole machine: everything but idle and iowait. */
static double machine_cpu(void)
{
	unsigned long long v[10] = { 0 };
	FILE *f = fopen("/proc/stat", "r");
	double busy;

	if (!f)
		return 0;
	if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu",
		   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) != 8)
		memset(v, 0, sizeof(v));
	fclose(f);
	busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
	return busy / sysconf(_SC_CLK_TCK);
}

static uint64_t self_read_bytes(void)
{
	FILE *f = fopen("/proc/self/io", "r");
	char line[128];
	unsigned long long v = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "read_bytes: %llu", &v) == 1)
			break;
	fclose(f);
	return v;
}

/*
 * Values of the named counters in a "name value" file, read in one pass
 * (one open, one read of the whole file): -1 where absent or not a number
 * ("unavailable"), -2 where "incomplete" (the ledger missed events: the
 * count would be low).  One pass matters for the ledger: a second read
 * would count the copy-out of the first.  Returns -1 if the file cannot
 * be read.
 */
static int named_values(const char *path, const char *const *names, int n, int64_t *out)
{
	FILE *f = fopen(path, "r");
	char name[128], val[64];
	int i;

	for (i = 0; i < n; i++)
		out[i] = -1;
	if (!f)
		return -1;
	setvbuf(f, NULL, _IOFBF, 1 << 16);
	while (fscanf(f, "%127s %63s", name, val) == 2)
		for (i = 0; i < n; i++)
			if (!strcmp(name, names[i]) &&
			    sscanf(val, "%lld", (long long *)&out[i]) != 1)
				out[i] = strcmp(val, "incomplete") ? -1 : -2;
	fclose(f);
	return 0;
}

void bench_snap_take(struct bench_snap *s)
{
	struct rusage ru;
	struct timespec ts;
	static const char *const by_ref[] = { "bytes_by_reference" };

	named_values(COUNTERS, by_ref, 1, &s->by_ref);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	getrusage(RUSAGE_SELF, &ru);
	s->wall = ts.tv_sec + ts.tv_nsec / 1e9;
	s->user = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6;
	s->sys = ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	s->nvcsw = ru.ru_nvcsw;
	s->nivcsw = ru.ru_nivcsw;
	s->machine = machine_cpu();
	s->read_bytes = self_read_bytes();
}

int bench_ledger_arm(pid_t pid)
{
	int fd = open(LEDGER_PID, O_WRONLY | O_CLOEXEC);
	char buf[32];
	int len, ok;

	if (fd < 0)
		return -1;
	len = snprintf(buf, sizeof(buf), "%d\n", (int)pid);
	ok = write(fd, buf, len) == len;
	close(fd);
	return ok ? 0 : -1;
}

int bench_ledger_read(int64_t v[LEDGER_NR])
{
	return named_values(LEDGER, bench_ledger_names, LEDGER_NR, v);
}

/*
 * A profiler's window around each delivery: with ZCOPY_BENCH_PERF_CTL
 * naming the control FIFO of `perf record --control fifo:CTL,ACK -D -1`
 * (started with its events disabled), the sender enables the events
 * right before a method starts and disables them when it is done, so the
 * profile holds the methods' sends and nothing of the file's creation,
 * the cache warming or the reports.  With ZCOPY_BENCH_PERF_ACK it waits
 * for perf's acknowledgement each time.  tools/vm/bench-profile uses it.
 */
void bench_profile(int on)
{
	static int ctl = -2, ack = -1;
	const char *cmd = on ? "enable\n" : "disable\n";
	char buf[16];

	if (ctl == -2) {
		const char *c = getenv("ZCOPY_BENCH_PERF_CTL");
		const char *a = getenv("ZCOPY_BENCH_PERF_ACK");

		ctl = c ? open(c, O_WRONLY | O_CLOEXEC) : -1;
		if (c && ctl < 0)
			perror(c);
		if (ctl >= 0 && a) {
			ack = open(a, O_RDONLY | O_CLOEXEC);
			if (ack < 0)
				perror(a);
		}
	}
	if (ctl < 0)
		return;
	if (write(ctl, cmd, strlen(cmd)) < 0)
		perror("perf control");
	if (ack >= 0 && read(ack, buf, sizeof(buf)) < 0)
		perror("perf ack");
}

/* Cold cache: write back, then drop the file's pages; system_wide also
 * drops every clean page (root only; the test bed passes it). */
int bench_drop_caches(int fd, int system_wide)
{
	int ret = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);

	if (system_wide) {
		int d = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);

		sync();
		if (d < 0 || write(d, "1\n", 2) != 2)
			ret = -1;
		if (d >= 0)
			close(d);
	}
	return ret;
}

/* Warm cache: read the whole file once, off the clock. */
int bench_warm(int fd, size_t size)
{
	static char buf[1 << 16];
	size_t off = 0;

	while (off < size) {
		ssize_t n = pread(fd, buf, sizeof(buf), off);

		if (n <= 0)
			return -1;
		off += n;
	}
	return 0;
}
