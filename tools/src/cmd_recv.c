// SPDX-License-Identifier: GPL-2.0
/*
 * zcopy recv PORT [--count N]: accept TCP connections on PORT (IPv4 and
 * IPv6), read each to its end and print "bytes=<n> sha256=<hex>" for it,
 * in the order they end.  Stops after N connections have ended if --count
 * is given.
 *
 * Every connection is read as data arrives, side by side (one poll loop),
 * not one to its end before the next is accepted: a single sender may
 * feed all of them (zcopy send --fanout), and one that cannot finish a
 * connection while the others' buffers are full would then wait on us
 * while we wait on it.
 */

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/zcopy.h>

#include "sha256.h"
#include "zcopy.h"

struct conn {
	int fd;
	unsigned long long bytes;
	struct sha256 s;
};

static int usage(void)
{
	fprintf(stderr, "usage: zcopy recv PORT [--count N]\n");
	return 2;
}

/*
 * Read what has arrived on @c (poll said there is something, so this does
 * not block).  Returns 1 once the connection has ended, with its line
 * printed (before the caller closes it: a sender waiting for our close
 * knows the line is out), or with *failed set; 0 while it goes on.
 */
static int conn_read(struct conn *c, int *failed)
{
	static char buf[1 << 16];
	uint8_t d[32];
	char hex[65];
	ssize_t n = read(c->fd, buf, sizeof(buf));

	if (n > 0) {
		sha256_update(&c->s, buf, n);
		c->bytes += n;
		return 0;
	}
	if (n < 0 && errno == EINTR)
		return 0;
	if (n < 0) {
		/* This connection is lost; the others go on. */
		perror("zcopy: read");
		*failed = 1;
		return 1;
	}
	sha256_final(&c->s, d);
	sha256_hex(d, hex);
	printf("bytes=%llu sha256=%s\n", c->bytes, hex);
	fflush(stdout);
	return 1;
}

/* Serve @ls until @count connections have ended (@count < 0: forever). */
static int serve(int ls, long count)
{
	size_t n = 0, cap = 16, np, i;
	/* One pollfd more than connections, for the listener. */
	struct conn *c = malloc(cap * sizeof(*c));
	struct pollfd *p = malloc((cap + 1) * sizeof(*p));
	long accepted = 0, ended = 0;
	int failed = 0;

	while (c && p && (count < 0 || ended < count)) {
		/* Accept no more than --count: later ones are not ours. */
		int listening = count < 0 || accepted < count;

		np = 0;
		if (listening)
			p[np++] = (struct pollfd){ .fd = ls, .events = POLLIN };
		for (i = 0; i < n; i++)
			p[np++] = (struct pollfd){ .fd = c[i].fd, .events = POLLIN };
		if (poll(p, np, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("zcopy: poll");
			return 1;
		}
		/* Backwards: the last one, moved into a gap, was already seen. */
		for (i = n; i-- > 0;) {
			if (!p[listening + i].revents || !conn_read(&c[i], &failed))
				continue;
			close(c[i].fd);
			c[i] = c[--n];
			ended++;
		}
		if (listening && (p[0].revents & POLLIN)) {
			int fd = accept4(ls, NULL, NULL, SOCK_CLOEXEC);

			if (fd < 0) {
				/* Gone again before we took it, or nothing after all. */
				if (errno == EAGAIN || errno == EINTR || errno == ECONNABORTED)
					continue;
				perror("zcopy: accept");
				return 1;
			}
			if (n == cap) {
				cap *= 2;
				c = realloc(c, cap * sizeof(*c));
				p = realloc(p, (cap + 1) * sizeof(*p));
				if (!c || !p)
					break;
			}
			c[n].fd = fd;
			c[n].bytes = 0;
			sha256_init(&c[n].s);
			n++;
			accepted++;
		}
	}
	if (!c || !p) {
		fprintf(stderr, "zcopy: out of memory\n");
		return 1;
	}
	free(c);
	free(p);
	return failed;
}

int cmd_recv(int argc, char **argv)
{
	struct sockaddr_in6 a;
	long count = -1;
	int port = -1, one = 1, zero = 0, ls, i, ret;

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
	/* Non-blocking: a connection reset between poll and accept must
	 * not stall the others. */
	ls = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
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
	/* Room for every target of a fan-out connecting at once. */
	if (bind(ls, (struct sockaddr *)&a, sizeof(a)) || listen(ls, ZCOPY_FANOUT_MAX)) {
		fprintf(stderr, "zcopy: listen on port %d: %s\n", port, strerror(errno));
		return 1;
	}
	ret = serve(ls, count);
	close(ls);
	return ret;
}
