/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the zcopy selftests. */
#ifndef ZCOPY_SELFTEST_LIB_H
#define ZCOPY_SELFTEST_LIB_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/zcopy.h>

#define ZC_DEV		"/dev/zcopy"
#define ZC_COUNTERS	"/sys/kernel/debug/zcopy/counters"

/* Value of the global counter @name, or -1 if there is no such counter. */
static inline long long zc_counter(const char *name)
{
	char n[128];
	long long v, found = -1;
	FILE *f = fopen(ZC_COUNTERS, "r");

	if (!f)
		return -1;
	while (fscanf(f, "%127s %lld", n, &v) == 2)
		if (!strcmp(n, name))
			found = v;
	fclose(f);
	return found;
}

#define ZC_LEDGER	"/sys/kernel/debug/zcopy/ledger"
#define ZC_LEDGER_PID	"/sys/kernel/debug/zcopy/ledger_pid"

/* Arm the copy ledger for process @pid (0 disarms): 0 or -1. */
static inline int zc_ledger_arm(pid_t pid)
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

/* What zc_ledger() returns when the value is not a number. */
#define ZC_LEDGER_ABSENT	-1	/* no ledger or no such line */
#define ZC_LEDGER_UNAVAILABLE	-2
#define ZC_LEDGER_INCOMPLETE	-3

/* The value of one ledger line; never 0 for a word that is not a number. */
static inline long long zc_ledger(const char *name)
{
	char n[64], v[32], *end;
	long long r = ZC_LEDGER_ABSENT, x;
	FILE *f = fopen(ZC_LEDGER, "r");

	if (!f)
		return ZC_LEDGER_ABSENT;
	while (fscanf(f, "%63s %31s", n, v) == 2) {
		if (strcmp(n, name))
			continue;
		errno = 0;
		x = strtoll(v, &end, 10);
		if (!strcmp(v, "unavailable"))
			r = ZC_LEDGER_UNAVAILABLE;
		else if (!strcmp(v, "incomplete"))
			r = ZC_LEDGER_INCOMPLETE;
		else
			r = !errno && end != v && !*end && x >= 0 ? x : ZC_LEDGER_ABSENT;
	}
	fclose(f);
	return r;
}

/*
 * Whether the environment variable @name is "1": make check's guest sets
 * ZC_REQUIRE_* for what every kernel of the bed has, so that a missing
 * piece fails there instead of skipping a check (or logging that it could
 * not make it).
 */
static inline int zc_required(const char *name)
{
	const char *v = getenv(name);

	return v && !strcmp(v, "1");
}

/*
 * Run @cmd with sh, its stdout and stderr into @out (NUL-terminated, at
 * most @size - 1 bytes); returns its wait status, or -1.
 */
static inline int zc_run_capture(const char *cmd, char *out, size_t size)
{
	char *full = NULL;
	size_t n = 0;
	FILE *p;

	if (asprintf(&full, "%s 2>&1", cmd) < 0)
		return -1;
	p = popen(full, "r");
	free(full);
	if (!p)
		return -1;
	out[0] = 0;
	while (n + 1 < size && fgets(out + n, size - n, p))
		n = strlen(out);
	return pclose(p);
}

/* ---- helpers for the ZCOPY_IOC_SEND tests ---- */
#include <errno.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

/* Test files live on the ext4 scratch disk: a real page cache. */
#define ZC_SCRATCH	"/scratch"

/* ZCOPY_FEATURE_* bits of the loaded module (0 if it cannot tell). */
static inline __u64 zc_features(void)
{
	struct zcopy_version v;
	int fd = open(ZC_DEV, O_RDWR);

	memset(&v, 0, sizeof(v));
	v.size = sizeof(v);
	if (fd < 0 || ioctl(fd, ZCOPY_IOC_VERSION, &v))
		v.features = 0;
	if (fd >= 0)
		close(fd);
	return v.features;
}

/* Index of counter @name in debugfs order (= ZCOPY_IOC_STATS order). */
static inline int zc_counter_index(const char *name)
{
	char n[128];
	long long v;
	int i = 0, found = -1;
	FILE *f = fopen(ZC_COUNTERS, "r");

	if (!f)
		return -1;
	while (fscanf(f, "%127s %lld", n, &v) == 2) {
		if (!strcmp(n, name))
			found = i;
		i++;
	}
	fclose(f);
	return found;
}

/* Counter @name of the open /dev/zcopy file @dev (or global), or -1. */
static inline long long zc_fd_counter_flags(int dev, const char *name, __u32 flags)
{
	__u64 values[256];
	struct zcopy_stats st;
	int i = zc_counter_index(name);

	if (i < 0)
		return -1;
	memset(&st, 0, sizeof(st));
	st.size = sizeof(st);
	st.flags = flags;
	st.count = 256;
	st.values = (uintptr_t)values;
	if (ioctl(dev, ZCOPY_IOC_STATS, &st) || (unsigned int)i >= st.count)
		return -1;
	return values[i];
}

static inline long long zc_fd_counter(int dev, const char *name)
{
	return zc_fd_counter_flags(dev, name, 0);
}

/* The 8 bytes a test file holds at 8 * @word (byte k of them is bits
 * 8k..8k+7): position-dependent, not periodic at any power of two, so a
 * misplaced page or offset shows. */
static inline uint64_t zc_pattern_word(uint64_t word)
{
	uint64_t x = word * 0x9E3779B97F4A7C15ULL + 0x632BE59BD9B4E019ULL;

	x ^= x >> 29;
	x *= 0xBF58476D1CE4E5B9ULL;
	x ^= x >> 32;
	return x;
}

/* The byte a test file holds at @pos. */
static inline unsigned char zc_pattern(uint64_t pos)
{
	return (unsigned char)(zc_pattern_word(pos / 8) >> (8 * (pos % 8)));
}

/*
 * A word at a time: under emulation a byte-by-byte fill or check cost the
 * data tests more than the transfers they check.
 */
static inline void zc_pattern_fill(unsigned char *buf, uint64_t pos, size_t len)
{
	size_t i = 0;

	for (; i < len && (pos + i) % 8; i++)
		buf[i] = zc_pattern(pos + i);
	for (; len - i >= 8; i += 8) {
		uint64_t x = zc_pattern_word((pos + i) / 8);
		int k;

		for (k = 0; k < 8; k++)
			buf[i + k] = (unsigned char)(x >> (8 * k));
	}
	for (; i < len; i++)
		buf[i] = zc_pattern(pos + i);
}

/*
 * The bed's debug kernels (KASAN, lockdep, kmemleak) run the data path
 * about ten times slower under emulation.  What they check is the paths,
 * not how often one is taken: tests that repeat a path thousands of times
 * or move hundreds of MiB do less of it there, and log that they did.
 */
static inline int zc_debug_kernel(void)
{
	return !access("/sys/kernel/debug/kmemleak", F_OK);
}

/* Create @path with @size bytes of the pattern; returns an O_RDWR fd. */
static inline int zc_make_file(const char *path, uint64_t size)
{
	static unsigned char buf[1 << 20];
	uint64_t pos = 0;
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return -1;
	while (pos < size) {
		size_t n = size - pos < sizeof(buf) ? size - pos : sizeof(buf);

		zc_pattern_fill(buf, pos, n);
		if (pwrite(fd, buf, n, pos) != (ssize_t)n) {
			close(fd);
			return -1;
		}
		pos += n;
	}
	return fd;
}

/* One ZCOPY_IOC_SEND (@cookie for ZCOPY_SEND_NOTIFY); returns 0 or -errno,
 * *sent gets bytes_sent. */
static inline int zc_send_cookie(int dev, int file_fd, int sock_fd, uint64_t off,
				 uint64_t len, __u32 flags, __u64 cookie, uint64_t *sent)
{
	struct zcopy_send r;

	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	r.flags = flags;
	r.file_fd = file_fd;
	r.sock_fd = sock_fd;
	r.offset = off;
	r.length = len;
	r.cookie = cookie;
	r.bytes_sent = 0xdeadbeef;
	if (ioctl(dev, ZCOPY_IOC_SEND, &r))
		return -errno;
	if (sent)
		*sent = r.bytes_sent;
	return 0;
}

static inline int zc_send(int dev, int file_fd, int sock_fd, uint64_t off,
			  uint64_t len, __u32 flags, uint64_t *sent)
{
	return zc_send_cookie(dev, file_fd, sock_fd, off, len, flags, 0, sent);
}

/*
 * Bind @ls to @ss (port 0: any), listen, and make @n connections to it:
 * tx[i] connected, rx[i] accepted.  @ls is closed.  0 or -1.
 */
static inline int zc_tcp_connect_n(int ls, struct sockaddr_storage *ss, socklen_t len,
				   int n, int *tx, int *rx)
{
	int i;

	if (bind(ls, (struct sockaddr *)ss, len) || listen(ls, n) ||
	    getsockname(ls, (struct sockaddr *)ss, &len))
		goto err;
	for (i = 0; i < n; i++) {
		tx[i] = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (tx[i] < 0 || connect(tx[i], (struct sockaddr *)ss, len))
			goto err;
		rx[i] = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
		if (rx[i] < 0)
			goto err;
	}
	close(ls);
	return 0;
err:
	close(ls);
	return -1;
}

/* A connected TCP pair over loopback (@family AF_INET or AF_INET6). */
static inline int zc_tcp_pair(int family, int *tx, int *rx)
{
	struct sockaddr_storage ss;
	socklen_t len = family == AF_INET ? sizeof(struct sockaddr_in)
					  : sizeof(struct sockaddr_in6);
	int ls, one = 1;

	memset(&ss, 0, sizeof(ss));
	ss.ss_family = family;
	if (family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	else
		((struct sockaddr_in6 *)&ss)->sin6_addr = in6addr_loopback;
	ls = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (ls < 0)
		return -1;
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	return zc_tcp_connect_n(ls, &ss, len, 1, tx, rx);
}

/* Two UDP sockets on loopback connected to each other. */
static inline int zc_udp_pair(int family, int *tx, int *rx)
{
	struct sockaddr_storage a, b;
	socklen_t len = family == AF_INET ? sizeof(struct sockaddr_in)
					  : sizeof(struct sockaddr_in6);
	int bufsz = 8 << 20;

	memset(&a, 0, sizeof(a));
	a.ss_family = family;
	if (family == AF_INET)
		((struct sockaddr_in *)&a)->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	else
		((struct sockaddr_in6 *)&a)->sin6_addr = in6addr_loopback;
	b = a;
	*tx = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	*rx = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (*tx < 0 || *rx < 0)
		return -1;
	setsockopt(*rx, SOL_SOCKET, SO_RCVBUFFORCE, &bufsz, sizeof(bufsz));
	if (bind(*tx, (struct sockaddr *)&a, len) || bind(*rx, (struct sockaddr *)&b, len))
		return -1;
	if (getsockname(*tx, (struct sockaddr *)&a, &len) ||
	    getsockname(*rx, (struct sockaddr *)&b, &len))
		return -1;
	if (connect(*tx, (struct sockaddr *)&b, len) || connect(*rx, (struct sockaddr *)&a, len))
		return -1;
	return 0;
}

/*
 * A reader thread: reads @rx to EOF (or, for datagrams, @expect bytes)
 * and checks every byte against the pattern from @offset on.
 */
struct zc_reader {
	int rx;
	int dgram;		/* count datagrams instead of reading to EOF */
	uint64_t offset;	/* file offset of the first byte */
	uint64_t expect;	/* datagram mode: stop after this many bytes */
	uint64_t got;		/* bytes received */
	uint64_t datagrams;	/* datagram mode: how many */
	uint64_t max_datagram;	/* datagram mode: the largest */
	int64_t first_bad;	/* position of the first wrong byte, or -1 */
	int zero_ok;		/* a zero byte is also right anywhere (random holes) */
	uint64_t zero_lo, zero_hi;	/* ... or only in [lo, hi) (one known hole) */
	uint64_t sparse_size;	/* sparse mode: file size (see below) */
	uint64_t sparse_mark;	/* sparse mode: offset of the middle data page */
	pthread_t thread;
};

/* Sparse mode: pattern only in these pages, zeros everywhere else. */
static inline int zc_sparse_is_data(const struct zc_reader *r, uint64_t pos)
{
	return pos < 4096 || (pos >= r->sparse_mark && pos < r->sparse_mark + 4096) ||
	       pos >= r->sparse_size - 4096;
}

static inline void zc_reader_check_bytes(struct zc_reader *r, const unsigned char *buf,
					 size_t n, uint64_t pos)
{
	static const unsigned char zeros[4096];
	size_t i, j;

	for (i = 0; i < n; i++) {
		unsigned char want;

		if (r->sparse_size && !zc_sparse_is_data(r, pos + i)) {
			/* Skip a run of zeros fast, page piece by page piece. */
			size_t run = 4096 - (pos + i) % 4096;

			if (run > n - i)
				run = n - i;
			if (!zc_sparse_is_data(r, pos + i + run - 1)) {
				if (memcmp(buf + i, zeros, run)) {
					r->first_bad = pos + i;
					return;
				}
				i += run - 1;
				continue;
			}
			want = 0;
		} else {
			want = zc_pattern(pos + i);
		}
		if (buf[i] != want &&
		    !(!buf[i] && (r->zero_ok || (pos + i >= r->zero_lo && pos + i < r->zero_hi)))) {
			r->first_bad = pos + i;
			if (getenv("ZC_DEBUG_SHIFT") && n - i >= 64) {
				for (long k = -(1L << 22); k < (1L << 22); k++) {
					size_t j;

					if ((long)(pos + i) + k < 0)
						continue;
					for (j = 0; j < 64; j++)
						if (buf[i + j] != zc_pattern(pos + i + k + j))
							break;
					if (j == 64) {
						fprintf(stderr, "# bad at %llu: data of offset %llu (shift %ld)\n",
							(unsigned long long)(pos + i),
							(unsigned long long)(pos + i + k), k);
						return;
					}
				}
				fprintf(stderr, "# bad at %llu: not file data:", (unsigned long long)(pos + i));
				for (j = 0; j < 16; j++)
					fprintf(stderr, " %02x/%02x", buf[i + j], zc_pattern(pos + i + j));
				fprintf(stderr, "\n");
			}
			return;
		}
	}
}

/*
 * Check what arrived in pieces against a generated copy of the file's
 * bytes; only a piece that differs (or sparse mode) goes byte by byte, to
 * find the first wrong byte and to allow zeros where they are right.
 */
static inline void zc_reader_check(struct zc_reader *r, const unsigned char *buf,
				   size_t n)
{
	unsigned char want[4096];
	uint64_t pos = r->offset + r->got;
	size_t i, m;

	if (r->first_bad >= 0)
		return;
	if (r->sparse_size) {
		zc_reader_check_bytes(r, buf, n, pos);
		return;
	}
	for (i = 0; i < n && r->first_bad < 0; i += m) {
		m = n - i < sizeof(want) ? n - i : sizeof(want);
		zc_pattern_fill(want, pos + i, m);
		if (memcmp(buf + i, want, m))
			zc_reader_check_bytes(r, buf + i, m, pos + i);
	}
}

static inline void *zc_reader_main(void *arg)
{
	struct zc_reader *r = arg;
	size_t bufsz = 1 << 17;
	unsigned char *buf = malloc(bufsz);
	ssize_t n;

	while (buf && (!r->dgram || r->got < r->expect)) {
		n = recv(r->rx, buf, bufsz, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (r->dgram) {
			r->datagrams++;
			if ((uint64_t)n > r->max_datagram)
				r->max_datagram = n;
		}
		zc_reader_check(r, buf, n);
		r->got += n;
	}
	free(buf);
	return NULL;
}

/* The caller zero-initialises @r and sets its mode fields first. */
static inline int zc_reader_start(struct zc_reader *r, int rx, uint64_t offset)
{
	/* A lost datagram must fail the test, not hang it. */
	struct timeval tv = { .tv_sec = 30 };

	if (r->dgram)
		setsockopt(rx, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	r->rx = rx;
	r->offset = offset;
	r->first_bad = -1;
	return pthread_create(&r->thread, NULL, zc_reader_main, r);
}

static inline void zc_reader_join(struct zc_reader *r)
{
	pthread_join(r->thread, NULL);
}

/*
 * Which ioctl a send goes through.  Each sends exactly the range it is
 * given (a vector as two file segments), so a stream of consecutive calls
 * stays the file's bytes in order whichever way each call went.
 */
enum zc_send_mode { ZC_BY_SEND, ZC_BY_SEND_NOTIFY, ZC_BY_FANOUT, ZC_BY_SENDV };

/* Bytes [@off, @off + @len) to @sock the @mode way: 0 or -errno. */
static inline int zc_send_by(int dev, int file, int sock, enum zc_send_mode mode,
			     uint64_t off, uint64_t len, uint64_t cookie, uint64_t *sent)
{
	struct zcopy_target t = { .sock_fd = sock };
	struct zcopy_segment seg[2] = {
		{ .type = ZCOPY_SEG_FILE, .fd = file, .offset = off, .length = len / 2 },
		{ .type = ZCOPY_SEG_FILE, .fd = file, .offset = off + len / 2,
		  .length = len - len / 2 },
	};
	struct zcopy_fanout f = {
		.size = sizeof(f), .file_fd = file, .nr_targets = 1,
		.offset = off, .length = len, .targets = (uintptr_t)&t,
	};
	struct zcopy_sendv v = {
		.size = sizeof(v), .sock_fd = sock, .nr_segs = len > 1 ? 2 : 1,
		.segs = (uintptr_t)(len > 1 ? seg : seg + 1),
	};
	struct zcopy_send r = {
		.size = sizeof(r), .file_fd = file, .sock_fd = sock,
		.offset = off, .length = len,
	};

	switch (mode) {
	case ZC_BY_SEND_NOTIFY:
		r.flags = ZCOPY_SEND_NOTIFY;
		r.cookie = cookie;
		/* fall through */
	case ZC_BY_SEND:
		if (ioctl(dev, ZCOPY_IOC_SEND, &r))
			return -errno;
		*sent = r.bytes_sent;
		return 0;
	case ZC_BY_FANOUT:
		if (ioctl(dev, ZCOPY_IOC_FANOUT, &f))
			return -errno;
		*sent = t.bytes_sent;
		return t.bytes_sent ? 0 : -(int)t.error;
	case ZC_BY_SENDV:
		if (ioctl(dev, ZCOPY_IOC_SENDV, &v))
			return -errno;
		*sent = v.bytes_sent;
		return 0;
	}
	return -EINVAL;
}

/* Drop the file's clean pages from the page cache (a cold send). */
static inline int zc_drop_cache(int fd)
{
	if (fsync(fd))
		return -1;
	return posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
}

#endif /* ZCOPY_SELFTEST_LIB_H */
