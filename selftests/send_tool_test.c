// SPDX-License-Identifier: GPL-2.0
/*
 * The tool end to end: `zcopy recv` and `zcopy send` on loopback deliver
 * a file whose SHA-256 matches, with no byte copied by the CPU, to one
 * consumer and by --fanout to ten served by one recv; and the tool's own
 * SHA-256 against the FIPS 180-4 vectors.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <time.h>

#include "lib.h"
#include "../tools/src/sha256.c"
#include "kselftest_harness.h"

static void hex_of(const void *data, size_t len, char hex[65])
{
	struct sha256 s;
	uint8_t d[32];

	sha256_init(&s);
	sha256_update(&s, data, len);
	sha256_final(&s, d);
	sha256_hex(d, hex);
}

TEST(sha256_vectors)
{
	static char million[1000000];
	struct sha256 s;
	uint8_t d[32];
	char hex[65];
	size_t i;

	hex_of("", 0, hex);
	EXPECT_STREQ("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", hex);
	hex_of("abc", 3, hex);
	EXPECT_STREQ("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", hex);
	hex_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex);
	EXPECT_STREQ("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1", hex);
	/* A million 'a', fed in uneven pieces to exercise the buffering. */
	memset(million, 'a', sizeof(million));
	sha256_init(&s);
	for (i = 0; i < sizeof(million); i += 997)
		sha256_update(&s, million + i,
			      sizeof(million) - i < 997 ? sizeof(million) - i : 997);
	sha256_final(&s, d);
	sha256_hex(d, hex);
	EXPECT_STREQ("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", hex);
	EXPECT_EQ(0, sha256_selfcheck());
}

static int file_sha256(const char *path, char hex[65], uint64_t *size)
{
	static unsigned char buf[1 << 16];
	struct sha256 s;
	uint8_t d[32];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	*size = 0;
	sha256_init(&s);
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		sha256_update(&s, buf, n);
		*size += n;
	}
	close(fd);
	sha256_final(&s, d);
	sha256_hex(d, hex);
	return n < 0 ? -1 : 0;
}

/*
 * Run the tool's send and recv for @dest, check recv's line.  16 MiB is
 * more than any bed kernel's default socket buffers (4 + 6 MiB), so both
 * ends loop; 64 MiB cost a minute per kernel, mostly hashing under
 * emulation.  A debug kernel sends 4 MiB (the fan-out test below keeps
 * its 16 MiB: that one is about the buffers).
 */
static void tool_roundtrip(struct __test_metadata *_metadata, const char *dest,
			   int port, const char *opts)
{
	unsigned long long nbytes, notified = 0, records = 0, cookie;
	char path[64], cmd[256], line[256], want[65];
	unsigned long long bytes = 0, sent = 0;
	char got[65] = "";
	long long copied;
	uint64_t size;
	FILE *recv, *send;

	if (system("command -v zcopy >/dev/null 2>&1"))
		SKIP(return, "the zcopy tool is not on PATH");
	snprintf(path, sizeof(path), ZC_SCRATCH "/tool.%d", getpid());
	ASSERT_LE(0, zc_make_file(path, (zc_debug_kernel() ? 4 << 20 : 16 << 20) + 5));
	ASSERT_EQ(0, file_sha256(path, want, &size));

	copied = zc_counter("bytes_copied_no_sg") + zc_counter("bytes_copied_sw_csum") +
		 zc_counter("bytes_copied_unspliceable");
	snprintf(cmd, sizeof(cmd), "zcopy recv --count 1 %d", port);
	recv = popen(cmd, "r");
	ASSERT_NE(NULL, recv);
	usleep(500000);	/* let it listen; send retries below if not yet */
	snprintf(cmd, sizeof(cmd),
		 "for i in 1 2 3 4 5 6 7 8 9 10; do zcopy send %s %s %s && exit 0; sleep 1; done; exit 1",
		 opts, path, dest);
	send = popen(cmd, "r");
	ASSERT_NE(NULL, send);
	while (fgets(line, sizeof(line), send)) {
		sscanf(line, "sent=%llu", &sent);
		/* --notify: one record per ioctl, cookies 1, 2, ... */
		if (sscanf(line, "notify cookie=%llu bytes=%llu", &cookie, &nbytes) == 2) {
			EXPECT_EQ(++records, cookie);
			notified += nbytes;
		}
	}
	EXPECT_EQ(0, pclose(send));
	ASSERT_NE(NULL, fgets(line, sizeof(line), recv));
	EXPECT_EQ(2, sscanf(line, "bytes=%llu sha256=%64s", &bytes, got)) TH_LOG("%s", line);
	EXPECT_EQ(0, pclose(recv));
	EXPECT_EQ(size, sent);
	EXPECT_EQ(size, bytes);
	if (*opts) {
		EXPECT_LT(0, records);
		EXPECT_EQ(size, notified);
	}
	EXPECT_STREQ(want, got);
	EXPECT_EQ(copied, zc_counter("bytes_copied_no_sg") + zc_counter("bytes_copied_sw_csum") +
			  zc_counter("bytes_copied_unspliceable"));
	unlink(path);
}

FIXTURE(tool) {
	int unused;
};

FIXTURE_SETUP(tool)
{
}

FIXTURE_TEARDOWN(tool)
{
}

TEST_F_TIMEOUT(tool, roundtrip_ipv4, 300)
{
	tool_roundtrip(_metadata, "127.0.0.1:9000", 9000, "");
}

TEST_F_TIMEOUT(tool, roundtrip_notify, 300)
{
	if (!(zc_features() & ZCOPY_FEATURE_NOTIFY))
		SKIP(return, "module without ZCOPY_FEATURE_NOTIFY");
	tool_roundtrip(_metadata, "127.0.0.1:9002", 9002, "--notify");
}

TEST_F_TIMEOUT(tool, roundtrip_ipv6, 300)
{
	tool_roundtrip(_metadata, "[::1]:9001", 9001, "");
}

/* Run @argv in a process group of its own, stdout to a pipe (*out). */
static pid_t spawn(char *const argv[], int *out)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		dup2(p[1], 1);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	*out = p[0];
	return pid;
}

/* Wait up to @secs for a TCP listener on @port (zcopy recv binds [::]). */
static int wait_listening(unsigned int port, int secs)
{
	unsigned int lport, state;
	char line[256];
	int i, found = 0;

	for (i = 0; i < secs * 10 && !found; i++) {
		FILE *f = fopen("/proc/net/tcp6", "r");

		while (f && !found && fgets(line, sizeof(line), f))
			found = sscanf(line, " %*u: %*[0-9A-Fa-f]:%x %*[0-9A-Fa-f]:%*x %x",
				       &lport, &state) == 2 && lport == port && state == 0x0A;
		if (f)
			fclose(f);
		if (!found)
			usleep(100000);
	}
	return found ? 0 : -1;
}

/* CPU time @pid has used (utime + stime, in clock ticks), or -1. */
static long long cpu_ticks(pid_t pid)
{
	unsigned long long ut, st;
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	/* Past "pid (comm)": state ppid pgrp session tty tpgid flags
	 * minflt cminflt majflt cmajflt utime stime. */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
			 &ut, &st) != 2)
		return -1;
	return ut + st;
}

/*
 * Replace the text of /proc/sys/@name with @val, keeping the old text in
 * @old (restored by set_sysctl(name, old, NULL)).
 */
static int set_sysctl(const char *name, const char *val, char old[64])
{
	char path[128];
	ssize_t n = 0;
	int fd;

	snprintf(path, sizeof(path), "/proc/sys/%s", name);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (old) {
		n = read(fd, old, 63);
		old[n > 0 ? n : 0] = 0;
	}
	if (n >= 0)
		n = pwrite(fd, val, strlen(val), 0);
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -1;
}

#define FAN_N		10
#define FAN_PORT	9003
/*
 * Seconds.  A deadlock is both processes asleep: no CPU time used by
 * either for FAN_STALL.  While data moves, recv hashes it all the time.
 * The whole test took 40 s on bookworm, 90 to 120 on the debug kernel
 * (KASAN) and over 240 there with four VMs on two cores, all under TCG,
 * so the hard limit is for a run that moves but never ends.
 */
#define FAN_STALL	60
#define FAN_LIMIT	600

/*
 * zcopy send --fanout to ten consumers that are one `zcopy recv --count
 * 10`, the pairing the README shows, with a file far larger than what a
 * connection's socket buffers hold: every consumer must get the file's
 * bytes.  The sender used to shut its targets down only once all were
 * complete, and recv read one connection to its end before taking the
 * next, so the two waited on each other for good once a file outgrew the
 * buffers (issue 10); a stall makes that a failure, with both killed, not
 * a hung test.  The default buffers grow to 4 + 6 MiB a connection, and
 * the old pair passed 16 MiB once in two (64 MiB hashed ten times costs
 * minutes under TCG), so the test caps them at 256 KiB each for its run:
 * 16 MiB is then 32 times what a connection holds, and the old pair can
 * never finish.
 */
TEST_F_TIMEOUT(tool, fanout_to_one_recv, FAN_LIMIT + 120)
{
	char path[64], port[16], count[16], want[65], got[65], wmem[64], rmem[64], *p, *line;
	char *recv_argv[] = { "zcopy", "recv", port, "--count", count, NULL };
	char *send_argv[4 + FAN_N + 1] = { "zcopy", "send", "--fanout", path };	/* NULL-ended */
	static char dest[FAN_N][32], out[2][8192];
	size_t len[2] = { 0, 0 };
	int fd[2], open_fds = 2, status[2], i, ok = 0, listening, stalled, elapsed;
	unsigned long long bytes, sent = 0;
	pid_t pid[2];
	uint64_t size;
	long long ticks = -1, t;
	time_t start, moved;

	if (system("command -v zcopy >/dev/null 2>&1"))
		SKIP(return, "the zcopy tool is not on PATH");
	snprintf(path, sizeof(path), ZC_SCRATCH "/fan.%d", getpid());
	ASSERT_LE(0, zc_make_file(path, (16 << 20) + 5));
	ASSERT_EQ(0, file_sha256(path, want, &size));
	snprintf(port, sizeof(port), "%d", FAN_PORT);
	snprintf(count, sizeof(count), "%d", FAN_N);
	for (i = 0; i < FAN_N; i++) {
		snprintf(dest[i], sizeof(dest[i]), "127.0.0.1:%d", FAN_PORT);
		send_argv[4 + i] = dest[i];
	}

	ASSERT_EQ(0, set_sysctl("net/ipv4/tcp_wmem", "4096 65536 262144", wmem));
	ASSERT_EQ(0, set_sysctl("net/ipv4/tcp_rmem", "4096 65536 262144", rmem));
	pid[0] = spawn(recv_argv, &fd[0]);
	ASSERT_LT(0, pid[0]);
	listening = !wait_listening(FAN_PORT, 10);
	EXPECT_TRUE(listening) TH_LOG("zcopy recv is not listening on %d", FAN_PORT);
	if (!listening)
		kill(-pid[0], SIGKILL);	/* and the send fails at once */
	pid[1] = spawn(send_argv, &fd[1]);
	ASSERT_LT(0, pid[1]);

	/* Both outputs until both end, or a stall, or the limit. */
	start = moved = time(NULL);
	while (open_fds && time(NULL) - moved < FAN_STALL && time(NULL) - start < FAN_LIMIT) {
		struct pollfd pf[2] = { { .fd = fd[0], .events = POLLIN },
					{ .fd = fd[1], .events = POLLIN } };

		if (poll(pf, 2, 1000) < 0)
			continue;
		for (i = 0; i < 2; i++) {
			ssize_t r;

			if (fd[i] < 0 || !pf[i].revents)
				continue;
			r = read(fd[i], out[i] + len[i], sizeof(out[i]) - 1 - len[i]);
			if (r > 0) {
				len[i] += r;
				continue;
			}
			close(fd[i]);
			fd[i] = -1;
			open_fds--;
		}
		t = cpu_ticks(pid[0]) + cpu_ticks(pid[1]);
		if (t != ticks) {
			ticks = t;
			moved = time(NULL);
		}
	}
	stalled = open_fds && time(NULL) - moved >= FAN_STALL;
	elapsed = time(NULL) - start;
	/* The sender first, or the receiver's death ends its sends noisily. */
	for (i = 1; i >= 0; i--) {
		if (fd[i] >= 0) {
			kill(-pid[i], SIGKILL);
			close(fd[i]);
		}
		waitpid(pid[i], &status[i], 0);
	}
	EXPECT_EQ(0, set_sysctl("net/ipv4/tcp_wmem", wmem, NULL));
	EXPECT_EQ(0, set_sysctl("net/ipv4/tcp_rmem", rmem, NULL));
	for (line = strtok_r(out[0], "\n", &p); line; line = strtok_r(NULL, "\n", &p)) {
		got[0] = 0;
		if (sscanf(line, "bytes=%llu sha256=%64s", &bytes, got) == 2 &&
		    bytes == size && !strcmp(got, want))
			ok++;
		else
			TH_LOG("a consumer got %s, want bytes=%llu sha256=%s", line,
			       (unsigned long long)size, want);
	}
	p = strstr(out[1], "\nsent=");
	if (p)
		sscanf(p + 1, "sent=%llu", &sent);
	EXPECT_EQ(0, open_fds) TH_LOG("%s after %d s: %d of %d consumers finished",
				      stalled ? "a deadlock (both asleep)" : "no end",
				      elapsed, ok, FAN_N);
	EXPECT_EQ(FAN_N, ok);
	EXPECT_EQ(FAN_N * size, sent) TH_LOG("send said: %s", out[1]);
	EXPECT_TRUE(WIFEXITED(status[0]) && !WEXITSTATUS(status[0])) TH_LOG("recv: status %d", status[0]);
	EXPECT_TRUE(WIFEXITED(status[1]) && !WEXITSTATUS(status[1])) TH_LOG("send: status %d", status[1]);
	unlink(path);
}

/*
 * tmpfs has no ->read_folio, so the module refuses its files (EINVAL, as
 * documented), and the tool, which users point at /tmp, says why.
 */
TEST_F_TIMEOUT(tool, tmpfs_file_refused_with_hint, 120)
{
	char dir[] = ZC_SCRATCH "/tmpfs.XXXXXX", path[64], cmd[256], out[1024] = "";
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof(sin);
	int dev, fd, lis, tx, rx, status;
	size_t n = 0;
	FILE *p;

	ASSERT_NE(NULL, mkdtemp(dir));
	ASSERT_EQ(0, mount("tmpfs", dir, "tmpfs", 0, "size=16m"));
	snprintf(path, sizeof(path), "%s/file", dir);
	fd = zc_make_file(path, 3 * 4096);
	ASSERT_LE(0, fd);

	dev = open(ZC_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, dev);
	ASSERT_EQ(0, zc_tcp_pair(AF_INET, &tx, &rx));
	EXPECT_EQ(-EINVAL, zc_send(dev, fd, tx, 0, 4096, 0, NULL));
	close(tx);
	close(rx);
	close(dev);

	if (system("command -v zcopy >/dev/null 2>&1"))
		SKIP(goto out, "the zcopy tool is not on PATH");
	/* A listener that never accepts: the kernel completes the connect. */
	lis = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, lis);
	ASSERT_EQ(0, bind(lis, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, listen(lis, 4));
	ASSERT_EQ(0, getsockname(lis, (struct sockaddr *)&sin, &sl));
	snprintf(cmd, sizeof(cmd), "zcopy send %s 127.0.0.1:%d 2>&1", path, ntohs(sin.sin_port));
	p = popen(cmd, "r");
	ASSERT_NE(NULL, p);
	while (n + 1 < sizeof(out) && fgets(out + n, sizeof(out) - n, p))
		n = strlen(out);
	status = pclose(p);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1) TH_LOG("status %d", status);
	EXPECT_NE(NULL, strstr(out, "Invalid argument")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "is on tmpfs")) TH_LOG("%s", out);
	close(lis);
out:
	close(fd);
	umount(dir);
	rmdir(dir);
}

TEST_HARNESS_MAIN
