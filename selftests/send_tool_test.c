// SPDX-License-Identifier: GPL-2.0
/*
 * The tool end to end: `zcopy recv` and `zcopy send` on loopback deliver
 * a file whose SHA-256 matches, with no byte copied by the CPU; and the
 * tool's own SHA-256 against the FIPS 180-4 vectors.
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>

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

/* Run the tool's send and recv for @dest, check recv's line. */
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
	ASSERT_LE(0, zc_make_file(path, (64 << 20) + 5));
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
