// SPDX-License-Identifier: GPL-2.0
/*
 * zcopy recv PORT [--count N]: accept TCP connections on PORT (IPv4 and
 * IPv6), read each to its end and print "bytes=<n> sha256=<hex>" for it.
 * Stops after N connections if --count is given.
 */

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sha256.h"
#include "zcopy.h"

static int usage(void)
{
	fprintf(stderr, "usage: zcopy recv PORT [--count N]\n");
	return 2;
}

static int recv_one(int conn)
{
	static char buf[1 << 16];
	unsigned long long bytes = 0;
	struct sha256 s;
	uint8_t d[32];
	char hex[65];
	ssize_t n;

	sha256_init(&s);
	while ((n = read(conn, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("zcopy: read");
			return -1;
		}
		sha256_update(&s, buf, n);
		bytes += n;
	}
	sha256_final(&s, d);
	sha256_hex(d, hex);
	printf("bytes=%llu sha256=%s\n", bytes, hex);
	fflush(stdout);
	return 0;
}

int cmd_recv(int argc, char **argv)
{
	struct sockaddr_in6 a;
	long count = -1;
	int port = -1, one = 1, zero = 0, ls, i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--count") && i + 1 < argc)
			count = strtol(argv[++i], NULL, 10);
		else if (port < 0)
			port = zc_parse_port(argv[i]);
		else
			return usage();
	}
	if (port < 0 || count == 0)
		return usage();
	if (sha256_selfcheck()) {
		fprintf(stderr, "zcopy: sha256 self-check failed\n");
		return 1;
	}
	ls = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (ls < 0) {
		perror("zcopy: socket");
		return 1;
	}
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(ls, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	memset(&a, 0, sizeof(a));
	a.sin6_family = AF_INET6;
	a.sin6_addr = in6addr_any;
	a.sin6_port = htons(port);
	if (bind(ls, (struct sockaddr *)&a, sizeof(a)) || listen(ls, 16)) {
		fprintf(stderr, "zcopy: listen on port %d: %s\n", port, strerror(errno));
		return 1;
	}
	while (count < 0 || count-- > 0) {
		int conn = accept(ls, NULL, NULL);

		if (conn < 0) {
			if (errno == EINTR) {
				count++;
				continue;
			}
			perror("zcopy: accept");
			return 1;
		}
		if (recv_one(conn))
			return 1;
		close(conn);
	}
	close(ls);
	return 0;
}
