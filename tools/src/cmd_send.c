// SPDX-License-Identifier: GPL-2.0
/*
 * zcopy send FILE HOST:PORT [--offset N] [--len N] [--udp] [--strict]
 *            [--nodiskio] [--notify] [--header STR] [--trailer STR] [--stats]
 * zcopy send --fanout FILE HOST:PORT HOST:PORT... (see send_fanout.c)
 * Connect to HOST:PORT ([v6addr]:PORT for IPv6) and send the file range
 * with ZCOPY_IOC_SEND; over TCP, wait for the peer to close; print
 * "sent=<bytes>".  --notify (TCP) asks for a completion record per
 * ioctl (cookie 1, 2, ...) and, after the peer closed, waits for and
 * prints them (see notify.c).  --stats adds this call's
 * own counters (the per-file set of ZCOPY_IOC_STATS), named from debugfs.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/magic.h>
#include <libzcopy.h>

#include "zcopy.h"

#define COUNTERS ZCOPY_DEBUGFS "/counters"

static int usage(void)
{
	fprintf(stderr, "usage: zcopy send FILE HOST:PORT [--offset N] [--len N] "
		"[--udp] [--strict] [--nodiskio] [--notify]\n"
		"       [--header STR] [--trailer STR] [--stats]\n"
		"       zcopy send --fanout FILE HOST:PORT HOST:PORT... [same options]\n"
		"       HOST is an IPv4 address or [IPv6 address]\n");
	return 2;
}

static int parse_u64(const char *s, unsigned long long *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return (!*s || *end || errno || *s == '-') ? -1 : 0;
}

/* This fd's counters, "name value" per line, names read from debugfs. */
static void print_fd_stats(int dev)
{
	uint64_t values[256];
	unsigned int count = 256, i;
	char name[128];
	long long dummy;
	FILE *f;

	if (zcopy_stats(dev, 0, values, &count)) {
		perror("zcopy: ZCOPY_IOC_STATS");
		return;
	}
	f = fopen(COUNTERS, "r");
	for (i = 0; i < count && i < 256; i++) {
		if (!f || fscanf(f, "%127s %lld", name, &dummy) != 2)
			snprintf(name, sizeof(name), "counter%u", i);
		printf("%-28s %llu\n", name, (unsigned long long)values[i]);
	}
	if (f)
		fclose(f);
}

/*
 * File systems whose files the module refuses with EINVAL although read()
 * works, and why: zcopy sends the page cache, so it only takes files whose
 * page cache is their data.
 */
static const struct {
	long magic;
	const char *name, *why;
} refused_fs[] = {
	{ TMPFS_MAGIC, "tmpfs", "it has no page cache reads" },
	{ SYSFS_MAGIC, "sysfs", "its page cache is not the text read() returns" },
	{ PROC_SUPER_MAGIC, "procfs", "its files have no page cache" },
	{ DEBUGFS_MAGIC, "debugfs", "its files have no page cache" },
	{ NFS_SUPER_MAGIC, "NFS", "it revalidates in its own read path" },
	{ 0xFF534D42, "CIFS", "it revalidates in its own read path" },
	{ 0xFE534D42, "SMB", "it revalidates in its own read path" },
	{ 0x00c36400, "Ceph", "it revalidates in its own read path" },
	{ 0x65735546, "FUSE", "its server is asked in its own read path" },
	{ V9FS_MAGIC, "9p", "it revalidates in its own read path" },
	{ OVERLAYFS_SUPER_MAGIC, "overlayfs", "its reads go to another file" },
};

/* After a failed send: the refusals a user meets without knowing why. */
static void hint_file(int fd, const char *file)
{
	struct statfs sfs;
	unsigned int i;

	if (fstatfs(fd, &sfs))
		return;
	for (i = 0; i < sizeof(refused_fs) / sizeof(refused_fs[0]); i++)
		if ((long)sfs.f_type == refused_fs[i].magic)
			fprintf(stderr, "zcopy: hint: %s is on %s, which zcopy cannot send "
				"from (%s); use a file on a disk file system such as ext4, "
				"or sendfile(2)\n", file, refused_fs[i].name, refused_fs[i].why);
}

int cmd_send(int argc, char **argv)
{
	unsigned long long offset = 0, len = 0, total = 0;
	int udp = 0, strict = 0, stats = 0, have_len = 0, fanout = 0, nodiskio = 0;
	unsigned long long calls = 0;
	int notify = 0;
	const char *file = NULL, *dest = NULL;
	char *dests[ZCOPY_FANOUT_MAX];
	const char *header = NULL, *trailer = NULL;
	int ndests = 0;
	struct sockaddr_storage ss;
	uint64_t sent;
	socklen_t sslen;
	struct stat st;
	int i, fd, sock, dev;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--offset") && i + 1 < argc) {
			if (parse_u64(argv[++i], &offset))
				return usage();
		} else if (!strcmp(argv[i], "--len") && i + 1 < argc) {
			if (parse_u64(argv[++i], &len))
				return usage();
			have_len = 1;
		} else if (!strcmp(argv[i], "--udp")) {
			udp = 1;
		} else if (!strcmp(argv[i], "--strict")) {
			strict = 1;
		} else if (!strcmp(argv[i], "--stats")) {
			stats = 1;
		} else if (!strcmp(argv[i], "--fanout")) {
			fanout = 1;
		} else if (!strcmp(argv[i], "--nodiskio")) {
			nodiskio = 1;
		} else if (!strcmp(argv[i], "--header") && i + 1 < argc) {
			header = argv[++i];
		} else if (!strcmp(argv[i], "--trailer") && i + 1 < argc) {
			trailer = argv[++i];
		} else if (!strcmp(argv[i], "--notify")) {
			notify = 1;
		} else if (!file) {
			file = argv[i];
		} else if (fanout && ndests < ZCOPY_FANOUT_MAX) {
			dests[ndests++] = argv[i];
			dest = dests[0];
		} else if (!dest) {
			dest = argv[i];
		} else {
			return usage();
		}
	}
	if (!file || !dest)
		return usage();
	if ((fanout || header || trailer) && udp) {
		fprintf(stderr, "zcopy: --fanout, --header and --trailer send over TCP\n");
		return usage();
	}
	if (fanout && (header || trailer)) {
		fprintf(stderr, "zcopy: --header and --trailer do not go with --fanout\n");
		return usage();
	}
	if (notify && (fanout || udp || header || trailer)) {
		fprintf(stderr, "zcopy: --notify is for one TCP destination, "
			"without --header or --trailer\n");
		return usage();
	}
	if (zc_parse_hostport(dest, &ss, &sslen)) {
		fprintf(stderr, "zcopy: bad address '%s'\n", dest);
		return usage();
	}
	dev = zc_open_dev();
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		fprintf(stderr, "zcopy: %s: %s\n", file, strerror(errno));
		return 1;
	}
	if (!have_len)
		len = (unsigned long long)st.st_size > offset ? st.st_size - offset : 0;
	if (fanout) {
		i = zc_send_fanout(dev, fd, offset, len,
				   (strict ? ZCOPY_SEND_STRICT : 0) |
				   (nodiskio ? ZCOPY_SEND_NODISKIO : 0), dests, ndests);
		if (stats)
			print_fd_stats(dev);
		if (i)
			hint_file(fd, file);
		return i;
	}
	sock = socket(ss.ss_family, (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
	if (sock < 0 || connect(sock, (struct sockaddr *)&ss, sslen)) {
		fprintf(stderr, "zcopy: connect to %s: %s\n", dest, strerror(errno));
		return 1;
	}
	if ((header || trailer) &&
	    zc_send_vec(dev, fd, sock, offset, len,
			(strict ? ZCOPY_SEND_STRICT : 0) |
			(nodiskio ? ZCOPY_SEND_NODISKIO : 0),
			header, trailer, &total)) {
		hint_file(fd, file);
		printf("sent=%llu\n", total);
		return 1;
	}
	/* One call normally does it all; loop only after a signal's short count. */
	while (!header && !trailer && total < len) {
		if (zcopy_send(dev, fd, sock, offset + total, len - total,
			       (strict ? ZCOPY_SEND_STRICT : 0) |
			       (nodiskio ? ZCOPY_SEND_NODISKIO : 0) |
			       (notify ? ZCOPY_SEND_NOTIFY : 0),
			       notify ? calls + 1 : 0, &sent)) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN && nodiskio) {
				usleep(10000);	/* readahead was started: wait */
				continue;
			}
			fprintf(stderr, "zcopy: ZCOPY_IOC_SEND: %s (after %llu bytes)\n",
				strerror(errno), total);
			hint_file(fd, file);
			printf("sent=%llu\n", total);
			return 1;
		}
		/* A successful notifying call has a record, even of 0 bytes. */
		calls += notify;
		if (!sent)
			break;	/* the file got shorter */
		total += sent;
	}
	/*
	 * TCP: close our half and wait for the peer to close its own, so
	 * that on return the receiver has had every byte (zcopy recv prints
	 * its line before it closes).
	 */
	if (!udp && !shutdown(sock, SHUT_WR)) {
		char buf[4096];
		ssize_t n;

		do
			n = read(sock, buf, sizeof(buf));
		while (n > 0 || (n < 0 && errno == EINTR));
	}
	printf("sent=%llu\n", total);
	if (notify && zc_notify_wait(dev, calls))
		return 1;
	if (stats)
		print_fd_stats(dev);
	close(sock);
	close(fd);
	close(dev);
	return 0;
}
