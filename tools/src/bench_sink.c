// SPDX-License-Identifier: GPL-2.0
/*
 * zcopy bench: consumers in another machine (`--net peer`).  On the far
 * side `zcopy bench-sink [PORT]` accepts connections and gives each one a
 * forked process that reads a header (how many bytes follow), checks every
 * byte against the pattern (bench_consume_stream(), as the local consumers
 * do) and, at the sender's half-close, answers: all good is a plain close
 * (the sender reads end of stream, which copies nothing, so the copy ledger
 * armed around the method stays the method's); anything else is one
 * verdict byte first.  The sender waits for that answer from every socket
 * before it stops the clock, so a delivery's time includes the bytes'
 * arrival, not just their queueing.
 */

#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench.h"
#include "zcopy.h"

/* Long enough for a 1 GiB delivery's tail over the emulated wire, short
 * enough that a lost peer does not hang the run for the bed's limit. */
#define VERDICT_TIMEOUT_MS	300000

static int read_full(int s, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t n = read(s, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

static void __attribute__((noreturn)) serve(int s)
{
	struct bench_sink_hdr h;
	unsigned char verdict;

	if (read_full(s, &h, sizeof(h)) || memcmp(h.magic, BENCH_SINK_MAGIC, sizeof(h.magic)))
		verdict = BENCH_C_HEADER;
	else
		verdict = bench_consume_stream(s, le64toh(h.size));
	/* The sender may be gone (a failed rep): nothing to do about it. */
	if (verdict != BENCH_C_OK && write(s, &verdict, 1) != 1)
		_exit(1);
	_exit(0);
}

int cmd_bench_sink(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(BENCH_SINK_PORT) };
	int l, one = 1;

	if (argc > 2 || (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))) {
		fprintf(argc > 2 ? stderr : stdout,
			"usage: zcopy bench-sink [PORT]\n"
			"The consumers of `zcopy bench --net peer` on another machine: accept\n"
			"on PORT (default %d), check every byte received, answer a verdict.\n",
			BENCH_SINK_PORT);
		return argc > 2 ? 2 : 0;
	}
	if (argc == 2)
		sa.sin_port = htons(atoi(argv[1]));
	/* Children are not waited for: each one's verdict goes to its sender. */
	signal(SIGCHLD, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l < 0 || setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(l, (struct sockaddr *)&sa, sizeof(sa)) || listen(l, 128)) {
		perror("zcopy bench-sink");
		return 1;
	}
	for (;;) {
		int s = accept4(l, NULL, NULL, SOCK_CLOEXEC);
		pid_t pid;

		if (s < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			perror("zcopy bench-sink: accept");
			return 1;
		}
		pid = fork();
		if (pid == 0) {
			close(l);
			serve(s);
		}
		if (pid < 0)
			perror("zcopy bench-sink: fork");
		close(s);
	}
}

/* Connect n sockets to the sink and announce size bytes on each. */
int bench_peer_connect(const char *addr, int port, int n, size_t size, int *socks)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct bench_sink_hdr h = { .magic = BENCH_SINK_MAGIC, .size = htole64(size) };
	int i;

	if (!addr || inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
		errno = EINVAL;
		return -1;
	}
	for (i = 0; i < n; i++)
		socks[i] = -1;
	for (i = 0; i < n; i++) {
		socks[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (socks[i] < 0 || connect(socks[i], (struct sockaddr *)&sa, sizeof(sa)) ||
		    write(socks[i], &h, sizeof(h)) != sizeof(h))
			return -1;
	}
	return 0;
}

/*
 * Half-close every socket (the end of the stream for the sink), then wait
 * for each one's answer: 0 if every consumer got exactly the file (end of
 * stream), else -1 with why.  The sockets stay open; the caller closes them.
 */
int bench_peer_verdicts(int n, int *socks, char *why, size_t whylen)
{
	int i, ret = 0;

	for (i = 0; i < n; i++)
		shutdown(socks[i], SHUT_WR);
	for (i = 0; i < n; i++) {
		struct pollfd p = { .fd = socks[i], .events = POLLIN };
		unsigned char v;
		ssize_t got = -1;
		int code;

		if (poll(&p, 1, VERDICT_TIMEOUT_MS) == 1)
			got = read(socks[i], &v, 1);
		code = got == 0 ? BENCH_C_OK : got == 1 ? v : BENCH_C_READ;
		if (code != BENCH_C_OK && !ret) {
			snprintf(why, whylen, "peer consumer %d: %s", i,
				 code == BENCH_C_READ ? "no verdict from the sink" :
				 bench_consumer_verdict(code));
			ret = -1;
		}
	}
	return ret;
}
