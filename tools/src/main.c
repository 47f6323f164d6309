// SPDX-License-Identifier: GPL-2.0
/* zcopy: the command-line tool for the zcopy kernel module. */

#include <errno.h>
#include <fcntl.h>
#include <libzcopy.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "zcopy.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} cmds[] = {
	{ "version", cmd_version, "print the tool's and the loaded module's versions" },
	{ "stats", cmd_stats, "print the module's counters ([--json])" },
	{ "send", cmd_send, "send a file to HOST:PORT by page reference (sent=<bytes>)" },
	{ "recv", cmd_recv, "receive on PORT, print bytes= sha256= per connection" },
	{ "bench", cmd_bench, "measure the ways of sending a file to N consumers (-h)" },
	{ "bench-sink", cmd_bench_sink, "the consumers of `bench --net peer`, on another machine" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: zcopy COMMAND [ARGS]\n\ncommands:\n");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-10s %s\n", cmds[i].name, cmds[i].help);
}

int zc_open_dev(void)
{
	int fd = zcopy_open(O_CLOEXEC);

	if (fd >= 0)
		return fd;
	if (fd == -ENOENT) {
		fprintf(stderr,
			"zcopy: %s does not exist: the zcopy module is not loaded.\n"
			"Load it with `modprobe zcopy` (after `make install`) or\n"
			"`insmod zcopy.ko` from the build directory.\n", ZCOPY_DEV);
	} else {
		fprintf(stderr, "zcopy: cannot open %s: %s%s\n", ZCOPY_DEV,
			strerror(errno),
			errno == EACCES ? " (it is root-only by default)" : "");
	}
	exit(2);
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "zcopy: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
