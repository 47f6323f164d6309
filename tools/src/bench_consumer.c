// SPDX-License-Identifier: GPL-2.0
/*
 * zcopy bench: the consumers.  Each is a forked process with a real socket
 * that connects to the sender, reads to end of stream and checks every
 * byte against the file's pattern; its exit status is the verdict.  They
 * are processes, not threads, so the sender's getrusage and the ledger
 * (armed for the sender's tgid) see only the sender.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

/* Read s to end of stream, checking every byte against the pattern;
 * returns a BENCH_C_* verdict (shared with the peer's sink, bench_sink.c). */
int bench_consume_stream(int s, size_t size)
{
	static unsigned char buf[1 << 18];
	uint64_t got = 0;

	for (;;) {
		ssize_t n = read(s, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return BENCH_C_READ;
		if (n == 0)
			break;
		if (got + n > size)
			return BENCH_C_LONG;
		if (bench_pattern_check(buf, n, got))
			return BENCH_C_MISMATCH;
		got += n;
	}
	return got == size ? BENCH_C_OK : BENCH_C_SHORT;
}

static void __attribute__((noreturn)) consume(int nsfd, const char *addr, int port, size_t size)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	int s;

	if (nsfd >= 0 && setns(nsfd, CLONE_NEWNET))
		_exit(BENCH_C_SETUP);
	inet_pton(AF_INET, addr, &sa.sin_addr);
	s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)))
		_exit(BENCH_C_SETUP);
	_exit(bench_consume_stream(s, size));
}

/* Fork n consumers; the listener must already listen (so connects cannot
 * race it) and is closed in the children. */
int bench_consumers_start(int n, int listener, int nsfd, const char *addr, int port,
			  size_t size, pid_t *pids)
{
	int i;

	for (i = 0; i < n; i++) {
		pids[i] = fork();
		if (pids[i] < 0)
			return -1;
		if (pids[i] == 0) {
			close(listener);
			consume(nsfd, addr, port, size);
		}
	}
	return 0;
}

const char *bench_consumer_verdict(int code)
{
	static const char *const what[] = {
		[BENCH_C_MISMATCH] = "received bytes differ from the file",
		[BENCH_C_SHORT] = "stream ended before the end of the file",
		[BENCH_C_LONG] = "received more bytes than the file holds",
		[BENCH_C_SETUP] = "could not connect",
		[BENCH_C_READ] = "read error",
		[BENCH_C_HEADER] = "bad stream header",
	};

	return code > 0 && code <= BENCH_C_HEADER && what[code] ? what[code] :
	       "killed or unknown status";
}

/* Wait for all; 0 if every consumer got exactly the file, else -1 with why. */
int bench_consumers_wait(int n, pid_t *pids, char *why, size_t whylen)
{
	int i, ret = 0;

	for (i = 0; i < n; i++) {
		int st, code;

		while (waitpid(pids[i], &st, 0) < 0)
			if (errno != EINTR)
				return -1;
		code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		if (code != BENCH_C_OK && !ret) {
			snprintf(why, whylen, "consumer %d: %s", i, bench_consumer_verdict(code));
			ret = -1;
		}
	}
	return ret;
}
