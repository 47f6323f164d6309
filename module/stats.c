// SPDX-License-Identifier: GPL-2.0
/* Counter storage and names; see stats.h for the contract. */

#include "stats.h"

struct zc_stats zc_global_stats;

/* Indexed by enum zc_counter; the KUnit suite checks none is missing. */
static const char *const zc_counter_names[ZC_NR_COUNTERS] = {
	[ZC_OPENS]		= "opens",
	[ZC_IOCTLS]		= "ioctls",
	[ZC_IOCTL_UNKNOWN]	= "ioctl_unknown",
};

const char *zc_counter_name(enum zc_counter c)
{
	if ((unsigned int)c >= ZC_NR_COUNTERS)
		return NULL;
	return zc_counter_names[c];
}

void zc_stats_add(struct zc_stats *local, enum zc_counter c, s64 n)
{
	atomic64_add(n, &zc_global_stats.v[c]);
	if (local)
		atomic64_add(n, &local->v[c]);
}
