/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the zcopy selftests. */
#ifndef ZCOPY_SELFTEST_LIB_H
#define ZCOPY_SELFTEST_LIB_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/zcopy.h>

#define ZC_DEV		"/dev/zcopy"
#define ZC_COUNTERS	"/sys/kernel/debug/zcopy/counters"

/* Value of the global counter @name, or -1 if there is no such counter. */
static inline long long zc_counter(const char *name)
{
	char n[128];
	long long v, found = -1;
	FILE *f = fopen(ZC_COUNTERS, "r");

	if (!f)
		return -1;
	while (fscanf(f, "%127s %lld", n, &v) == 2)
		if (!strcmp(n, name))
			found = v;
	fclose(f);
	return found;
}

#endif
