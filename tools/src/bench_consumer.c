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

enum { C_OK = 0, C_MISMATCH = 3, C_SHORT = 4, C_LONG = 5, C_SETUP = 6, C_READ = 7 };

static void __attribute__((noreturn)) consume(int nsfd, const char *addr, int port, size_t size)
{
	static unsigned char buf[1 << 18];
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	uint64_t got = 0;
	int s;

	if (nsfd >= 0 && setns(nsfd, CLONE_NEWNET))
		_exit(C_SETUP);
	inet_pton(AF_INET, addr, &sa.sin_addr);
	s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)))
		_exit(C_SETUP);
	for (;;) {
		ssize_t n = read(s, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			_exit(C_READ);
		if (n == 0)
			break;
		if (got + n > size)
			_exit(C_LONG);
		if (bench_pattern_check(buf, n, got))
			_exit(C_MISMATCH);
		got += n;
	}
	_exit(got == size ? C_OK : C_SHORT);
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

/* Wait for all; 0 if every consumer got exactly the file, else -1 with why. */
int bench_consumers_wait(int n, pid_t *pids, char *why, size_t whylen)
{
	static const char *const what[] = {
		[C_MISMATCH] = "received bytes differ from the file",
		[C_SHORT] = "stream ended before the end of the file",
		[C_LONG] = "received more bytes than the file holds",
		[C_SETUP] = "could not connect",
		[C_READ] = "read error",
	};
	int i, ret = 0;

	for (i = 0; i < n; i++) {
		int st, code;

		while (waitpid(pids[i], &st, 0) < 0)
			if (errno != EINTR)
				return -1;
		code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		if (code != C_OK && !ret) {
			snprintf(why, whylen, "consumer %d: %s", i,
				 code > 0 && code <= C_READ && what[code] ? what[code] :
				 "killed or unknown status");
			ret = -1;
		}
	}
	return ret;
}
