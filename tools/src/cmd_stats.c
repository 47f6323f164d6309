// SPDX-License-Identifier: GPL-2.0
/*
 * zcopy stats [--json]: the module's global counters, read from debugfs.
 * The file is "name value" lines; this prints them aligned, or as one JSON
 * object, without knowing the names, so new counters need no tool change.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "zcopy.h"

#define COUNTERS ZCOPY_DEBUGFS "/counters"

int cmd_stats(int argc, char **argv)
{
	char name[128];
	long long val;
	int json = 0, n = 0;
	FILE *f;

	if (argc == 2 && !strcmp(argv[1], "--json")) {
		json = 1;
	} else if (argc != 1) {
		fprintf(stderr, "usage: zcopy stats [--json]\n");
		return 2;
	}
	f = fopen(COUNTERS, "r");
	if (!f) {
		fprintf(stderr, "zcopy: cannot read %s: %s%s\n", COUNTERS, strerror(errno),
			errno == ENOENT ? " (is debugfs mounted and the module loaded?)" : "");
		return 1;
	}
	if (json)
		printf("{");
	while (fscanf(f, "%127s %lld", name, &val) == 2) {
		if (json)
			printf("%s\"%s\": %lld", n ? ", " : "", name, val);
		else
			printf("%-28s %lld\n", name, val);
		n++;
	}
	if (json)
		printf("}\n");
	fclose(f);
	if (!n) {
		fprintf(stderr, "zcopy: %s holds no counters\n", COUNTERS);
		return 1;
	}
	return 0;
}
