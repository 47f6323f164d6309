// SPDX-License-Identifier: GPL-2.0
/*
 * sendfile_matrix DIR TMPDIR [--big] [--routes FILE]: run sendfile(2) in
 * every case whose semantics libzcopy-preload.so must keep, and print one
 * line per case:
 *
 *   NAME ret=R errno=E off=O pos=P rx=N data=ok|bad sigpipe=S
 *
 * (ret: the return value; errno: errno after the call, set to a sentinel
 * before it, so a successful call shows that errno was left alone; off:
 * the offset variable after; pos: the file position after; rx: bytes the
 * receiver got; data: those bytes against the file).  The output must be
 * the same with and without the interposer (selftests/preload.sh diffs
 * them).  DIR is on a disk file system (eligible for zcopy), TMPDIR on
 * tmpfs (not).  --big adds the 0x7ffff000 cap (a 2 GiB send of a sparse
 * file).  --routes FILE writes "NAME want=ref|copy ref=N rx=N" per case,
 * ref being the growth of the module's bytes_by_reference counter during
 * the case, for the test to check what was routed through zcopy.
 * --drop UID: make the files, then run the cases as UID (as a server's
 * workers, which run as www-data: ZCOPY_PRELOAD_EARLY is for them).
 */

#include <errno.h>
#include <grp.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define SENTINEL	4242	/* errno before each call: not a real errno */
#define FILE_SIZE	(1024 * 1024 + 123)
#define BIG_SIZE	(0x80000000LL + 8192)
#define COUNTERS	"/sys/kernel/debug/zcopy/counters"

static const char *dir, *tmpdir;
static FILE *routes;
static volatile sig_atomic_t sigpipes;
static long long big_size;	/* while the big case runs */

static void die(const char *what)
{
	perror(what);
	exit(2);
}

static long long by_reference(void)
{
	char n[128];
	long long v, found = 0;
	FILE *f = fopen(COUNTERS, "r");

	if (!f)
		return 0;
	while (fscanf(f, "%127s %lld", n, &v) == 2)
		if (!strcmp(n, "bytes_by_reference"))
			found = v;
	fclose(f);
	return found;
}

/* A file of @size bytes: a pattern at both ends, a hole between if big. */
static int make_file(const char *d, const char *name, long long size)
{
	char path[4096], buf[65536];
	long long off;
	int fd, i;

	snprintf(path, sizeof(path), "%s/%s", d, name);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || ftruncate(fd, size))
		die(path);
	for (i = 0; i < (int)sizeof(buf); i++)
		buf[i] = (char)(i * 131 + (i >> 8) * 7 + 1);
	for (off = 0; off < size; off += sizeof(buf)) {
		long long n = size - off < (long long)sizeof(buf) ? size - off : (long long)sizeof(buf);

		/* The big file keeps its middle as a hole: only its ends are written. */
		if (size > FILE_SIZE && off >= 65536 && off + 65536 < size)
			continue;
		if (pwrite(fd, buf, n, off) != n)
			die("pwrite");
	}
	fsync(fd);
	close(fd);
	return open(path, O_RDONLY);
}

/* The receiving end: reads to EOF, checks against the file from @start. */
struct rx {
	pthread_t thread;
	int sock, file;
	off_t start;
	long long got;
	int bad;
	int dgram;
};

/*
 * The big file's hole (see make_file) reads as zeros: checked without
 * reading the file, which halves the cost of the 2 GiB case.
 */
static int in_hole(long long off, long long n)
{
	return big_size && off >= 65536 && off + n <= big_size - 65536;
}

static int zeros(const char *p, ssize_t n)
{
	return !n || (!p[0] && !memcmp(p, p + 1, n - 1));
}

static void *rx_main(void *arg)
{
	struct rx *r = arg;
	static __thread char buf[1 << 20], want[1 << 20];
	ssize_t n;

	for (;;) {
		n = read(r->sock, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (r->file >= 0 && !in_hole(r->start + r->got, n) &&
		    (pread(r->file, want, n, r->start + r->got) != n || memcmp(buf, want, n)))
			r->bad = 1;
		if (r->file >= 0 && in_hole(r->start + r->got, n) && !zeros(buf, n))
			r->bad = 1;
		r->got += n;
		if (r->dgram)
			break;	/* one datagram per case */
	}
	return NULL;
}

static void rx_start(struct rx *r, int sock, int file, off_t start)
{
	memset(r, 0, sizeof(*r));
	r->sock = sock;
	r->file = file;
	r->start = start;
	if (pthread_create(&r->thread, NULL, rx_main, r))
		die("pthread_create");
}

static void rx_join(struct rx *r)
{
	pthread_join(r->thread, NULL);
}

/* A connected TCP pair over loopback; small buffers with @small. */
static void tcp_pair(int sv[2], int small)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM, 0), sz = 65536;

	sv[0] = socket(AF_INET, SOCK_STREAM, 0);
	if (small && (setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz)) ||
		      setsockopt(l, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz))))
		die("SO_SNDBUF");
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 1) ||
	    getsockname(l, (struct sockaddr *)&a, &len) ||
	    connect(sv[0], (struct sockaddr *)&a, sizeof(a)))
		die("tcp pair");
	sv[1] = accept(l, NULL, NULL);
	if (sv[1] < 0)
		die("accept");
	close(l);
}

static void udp_pair(int sv[2])
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);

	sv[1] = socket(AF_INET, SOCK_DGRAM, 0);
	sv[0] = socket(AF_INET, SOCK_DGRAM, 0);
	if (bind(sv[1], (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(sv[1], (struct sockaddr *)&a, &len) ||
	    connect(sv[0], (struct sockaddr *)&a, sizeof(a)))
		die("udp pair");
}

/* One call: its line; @off NULL for the file position. */
struct call {
	const char *name;
	int out, in;
	off_t *off;
	size_t count;
};

static ssize_t do_call(const struct call *c, int *err)
{
	ssize_t ret;

	errno = SENTINEL;
	ret = sendfile(c->out, c->in, c->off, c->count);
	*err = errno;
	return ret;
}

static void print(const struct call *c, ssize_t ret, int err, const struct rx *r,
		  int want_ref, long long ref0)
{
	char rxs[32] = "-";

	if (r)
		snprintf(rxs, sizeof(rxs), "%lld", r->got);
	printf("%s ret=%zd errno=%d off=%lld pos=%lld rx=%s data=%s sigpipe=%d\n",
	       c->name, ret, err, c->off ? (long long)*c->off : -1LL,
	       c->in >= 0 ? (long long)lseek(c->in, 0, SEEK_CUR) : -1LL,
	       rxs,
	       !r ? "-" : r->bad ? "bad" : "ok", (int)sigpipes);
	fflush(stdout);
	if (routes)
		fprintf(routes, "%s want=%s ref=%lld rx=%lld\n", c->name,
			want_ref ? "ref" : "copy", by_reference() - ref0,
			r ? r->got : 0LL);
	sigpipes = 0;
}

/*
 * The common shape: a fresh TCP pair (its sending end with @sock_flags
 * added by F_SETFL), a receiver that checks what arrives against @check,
 * one call from @in at *@off (or the file position, set to @pos first,
 * when @off is NULL).
 */
static void tcp_case_check(const char *name, int in, int check, off_t *off, off_t pos,
			   size_t count, int want_ref, int sock_flags)
{
	struct call c = { name, -1, in, off, count };
	long long ref0 = by_reference();
	struct rx r;
	ssize_t ret;
	int sv[2], err;

	tcp_pair(sv, 0);
	c.out = sv[0];
	if (sock_flags && fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | sock_flags))
		die("F_SETFL");
	lseek(in, pos, SEEK_SET);
	rx_start(&r, sv[1], check, off ? *off : pos);
	ret = do_call(&c, &err);
	shutdown(sv[0], SHUT_WR);
	rx_join(&r);
	print(&c, ret, err, &r, want_ref, ref0);
	close(sv[0]);
	close(sv[1]);
}

static void tcp_case(const char *name, int in, off_t *off, off_t pos, size_t count,
		     int want_ref)
{
	tcp_case_check(name, in, in, off, pos, count, want_ref, 0);
}

/*
 * A non-blocking socket with small buffers and no reader yet: partial
 * counts, then EAGAIN.  How many calls that takes is the stack's timing
 * (an ACK may free room between two calls), so the calls are repeated
 * until EAGAIN and the line says "partial" for the first count and
 * relates the offset and the receiver's bytes to the total.
 */
static void nonblock_case(int in)
{
	struct call c = { "tcp_nonblock", -1, in, NULL, FILE_SIZE };
	long long ref0 = by_reference(), total = 0;
	off_t off = 0;
	struct rx r;
	ssize_t ret, first = 0;
	int sv[2], err = 0, calls;

	tcp_pair(sv, 1);
	c.out = sv[0];
	c.off = &off;
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	for (calls = 0; calls < 10000; calls++) {
		ret = do_call(&c, &err);
		if (!calls)
			first = ret;
		if (ret <= 0)
			break;
		total += ret;
	}
	shutdown(sv[0], SHUT_WR);
	rx_start(&r, sv[1], in, 0);
	rx_join(&r);
	printf("%s first=%s last=%zd errno=%d off=%s pos=%lld rx=%s data=%s\n",
	       c.name, first > 0 && first < FILE_SIZE ? "partial" : "other", ret, err,
	       off == total ? "total" : "other", (long long)lseek(in, 0, SEEK_CUR),
	       r.got == total ? "total" : "other", r.bad ? "bad" : "ok");
	if (routes)
		fprintf(routes, "%s want=ref ref=%lld rx=%lld\n", c.name,
			by_reference() - ref0, r.got);
	close(sv[0]);
	close(sv[1]);
}

/*
 * A socket shut down for writing: EPIPE, and SIGPIPE raised (handled:
 * counted; ignored: just EPIPE).  @mode 2: the default action, in a
 * child, which the signal must kill.
 */
static void epipe_case(int in, int mode)
{
	static const char *const names[] = {
		"tcp_epipe_handled", "tcp_epipe_ignored", "tcp_epipe_default",
	};
	struct call c = { names[mode], -1, in, NULL, 4096 };
	long long ref0 = by_reference();
	off_t off = 0;
	ssize_t ret = 0;
	int sv[2], err = 0, status;
	pid_t pid;

	tcp_pair(sv, 0);
	c.out = sv[0];
	c.off = &off;
	shutdown(sv[0], SHUT_WR);
	if (mode == 1)
		signal(SIGPIPE, SIG_IGN);
	if (mode == 2) {
		pid = fork();
		if (pid < 0)
			die("fork");
		if (!pid) {
			signal(SIGPIPE, SIG_DFL);
			do_call(&c, &err);
			_exit(0);
		}
		waitpid(pid, &status, 0);
		printf("%s killed_by=%d\n", c.name,
		       WIFSIGNALED(status) ? WTERMSIG(status) : 0);
		if (routes)
			fprintf(routes, "%s want=copy ref=%lld rx=0\n", c.name,
				by_reference() - ref0);
	} else {
		ret = do_call(&c, &err);
		print(&c, ret, err, NULL, 0, ref0);
	}
	close(sv[0]);
	close(sv[1]);
}

static void on_sigpipe(int sig)
{
	(void)sig;
	sigpipes++;
}

/* Other destinations: zcopy must leave them to the real sendfile. */
static void other_out(const char *name, int out, int rxs, int in, size_t count,
		      int dgram)
{
	struct call c = { name, out, in, NULL, count };
	long long ref0 = by_reference();
	off_t off = 0;
	struct rx r;
	ssize_t ret;
	int err;

	c.off = &off;
	rx_start(&r, rxs, in, 0);
	r.dgram = dgram;
	ret = do_call(&c, &err);
	/* The receiver's end of file: a pipe has no shutdown. */
	if (!dgram && shutdown(out, SHUT_WR))
		close(out);
	rx_join(&r);
	print(&c, ret, err, &r, 0, ref0);
}

/*
 * Threads that make their first sendfile at the same moment (the
 * interposer opens the device on first use): every byte must arrive.
 */
#define NR_THREADS 8

struct thr {
	pthread_t thread;
	pthread_barrier_t *go;
	int in, sv[2];
	ssize_t ret;
	struct rx rx;
};

static void *thr_main(void *arg)
{
	struct thr *t = arg;
	off_t off = 0;

	pthread_barrier_wait(t->go);
	t->ret = sendfile(t->sv[0], t->in, &off, FILE_SIZE);
	shutdown(t->sv[0], SHUT_WR);
	return NULL;
}

static void threads_case(int in)
{
	static struct thr t[NR_THREADS];
	long long ref0 = by_reference(), rx = 0;
	pthread_barrier_t go;
	int i, ok = 0;

	pthread_barrier_init(&go, NULL, NR_THREADS);
	for (i = 0; i < NR_THREADS; i++) {
		t[i].go = &go;
		t[i].in = in;
		tcp_pair(t[i].sv, 0);
		rx_start(&t[i].rx, t[i].sv[1], in, 0);
		if (pthread_create(&t[i].thread, NULL, thr_main, &t[i]))
			die("pthread_create");
	}
	for (i = 0; i < NR_THREADS; i++) {
		pthread_join(t[i].thread, NULL);
		rx_join(&t[i].rx);
		ok += t[i].ret == FILE_SIZE && t[i].rx.got == FILE_SIZE && !t[i].rx.bad;
		rx += t[i].rx.got;
		close(t[i].sv[0]);
		close(t[i].sv[1]);
	}
	pthread_barrier_destroy(&go);
	printf("tcp_threads whole_and_intact=%d/%d\n", ok, NR_THREADS);
	if (routes)
		fprintf(routes, "tcp_threads want=ref ref=%lld rx=%lld\n",
			by_reference() - ref0, rx);
}

int main(int argc, char **argv)
{
	int big = 0, in, tin, sv[2], i, p[2], drop = -1;
	off_t off;
	struct sigaction sa = { .sa_handler = on_sigpipe };

	for (i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--big"))
			big = 1;
		else if (!strcmp(argv[i], "--routes") && i + 1 < argc)
			routes = fopen(argv[++i], "w");
		else if (!strcmp(argv[i], "--drop") && i + 1 < argc)
			drop = atoi(argv[++i]);
	}
	if (argc < 3) {
		fprintf(stderr, "usage: sendfile_matrix DIR TMPDIR [--big] [--routes FILE]\n");
		return 2;
	}
	dir = argv[1];
	tmpdir = argv[2];
	sigaction(SIGPIPE, &sa, NULL);
	in = make_file(dir, "matrix.dat", FILE_SIZE);
	tin = make_file(tmpdir, "matrix.dat", FILE_SIZE);
	/* As a server's worker: the cases run as another user (root needed). */
	if (drop >= 0 && (setgroups(0, NULL) || setgid(drop) || setuid(drop)))
		die("--drop");
	if (routes)
		setvbuf(routes, NULL, _IOLBF, 0);

	off = 100;
	tcp_case("tcp_offset", in, &off, 0, 5000, 1);
	tcp_case("tcp_null_offset", in, NULL, 200, 7000, 1);
	tcp_case("tcp_whole", in, NULL, 0, FILE_SIZE, 1);
	off = 0;
	tcp_case("tcp_count0", in, &off, 0, 0, 0);
	off = FILE_SIZE;
	tcp_case("tcp_offset_at_eof", in, &off, 0, 4096, 0);
	off = FILE_SIZE + 4096;
	tcp_case("tcp_offset_past_eof", in, &off, 0, 4096, 0);
	tcp_case("tcp_null_offset_at_eof", in, NULL, FILE_SIZE, 4096, 0);
	off = FILE_SIZE - 1000;
	tcp_case("tcp_short_at_eof", in, &off, 0, 5000, 1);
	off = 12345;
	tcp_case("tcp_count_2g", in, &off, 0, 0x7fffffffUL, 1);
	off = 0;
	tcp_case("tcp_count_huge", in, &off, 0, SIZE_MAX, 0);
	off = -1;
	tcp_case("tcp_offset_negative", in, &off, 0, 4096, 0);
	off = INT64_MAX - 10;
	tcp_case("tcp_offset_overflow", in, &off, 0, 4096, 0);
	off = 4095;
	tcp_case("tcp_unaligned", in, &off, 0, 3 * 4096 + 7, 1);
	nonblock_case(in);
	threads_case(in);
	epipe_case(in, 0);
	epipe_case(in, 1);
	sigaction(SIGPIPE, &sa, NULL);
	epipe_case(in, 2);

	/* Sources zcopy does not send by reference. */
	off = 0;
	tcp_case("tcp_from_tmpfs", tin, &off, 0, FILE_SIZE, 0);
	{
		int pv = open("/proc/version", O_RDONLY);

		off = 0;
		tcp_case("tcp_from_proc", pv, &off, 0, 4096, 0);
		close(pv);
	}
	{
		struct call c = { "tcp_from_bad_fd", -1, -1, NULL, 4096 };
		long long ref0 = by_reference();
		ssize_t ret;
		int err;

		tcp_pair(sv, 0);
		c.out = sv[0];
		ret = do_call(&c, &err);
		print(&c, ret, err, NULL, 0, ref0);
		close(sv[0]);
		close(sv[1]);
	}

	{
		/*
		 * sendfile reads an O_DIRECT source directly; what arrives
		 * is checked through @in (a pread of O_DIRECT wants aligned
		 * buffers).
		 */
		char path[4096];
		int d;

		snprintf(path, sizeof(path), "%s/matrix.dat", dir);
		d = open(path, O_RDONLY | O_DIRECT);
		if (d < 0)
			die("open O_DIRECT");
		off = 0;
		tcp_case_check("tcp_from_o_direct", d, in, &off, 0, FILE_SIZE, 0, 0);
		close(d);
	}

	/* Destinations zcopy leaves to sendfile. */
	/* A TCP socket with O_APPEND: sendfile says EINVAL. */
	off = 0;
	tcp_case_check("tcp_o_append", in, in, &off, 0, 4096, 0, O_APPEND);
	if (pipe(p))
		die("pipe");
	other_out("pipe", p[1], p[0], in, 60000, 0);
	close(p[0]);
	udp_pair(sv);
	other_out("udp", sv[0], sv[1], in, 1000, 1);
	close(sv[0]);
	close(sv[1]);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		die("socketpair");
	other_out("unix_stream", sv[0], sv[1], in, 100000, 0);
	close(sv[0]);
	close(sv[1]);

	if (big) {
		int bin = make_file(dir, "matrix-big.dat", BIG_SIZE);

		off = 0;
		big_size = BIG_SIZE;
		tcp_case("tcp_cap_0x7ffff000", bin, &off, 0, 0x80001000UL, 1);
		big_size = 0;
		close(bin);
	}

	/*
	 * A daemon that closes every descriptor it did not open: the
	 * interposer's goes too, and its number is soon another file's or
	 * socket's.  Calls must still be sendfile's (they fall back).
	 */
	for (i = 3; i < 1024; i++)
		if (!routes || i != fileno(routes))
			close(i);
	{
		char path[4096];

		snprintf(path, sizeof(path), "%s/matrix.dat", dir);
		in = open(path, O_RDONLY);
		if (in < 0)
			die(path);
		off = 0;
		tcp_case("tcp_after_closing_every_fd", in, &off, 0, FILE_SIZE, 0);
		off = 0;
		tcp_case("tcp_after_closing_every_fd_again", in, &off, 0, FILE_SIZE, 0);
	}
	return 0;
}
