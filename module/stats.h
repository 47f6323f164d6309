/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copy accounting.  Every counter has a stable name; the debugfs file
 * /sys/kernel/debug/zcopy/counters lists them as "name value" lines in
 * this order, and userspace parses that, so only ever append.
 */
#ifndef ZCOPY_STATS_H
#define ZCOPY_STATS_H

#include <linux/atomic.h>
#include <linux/types.h>

enum zc_counter {
	ZC_OPENS,
	ZC_IOCTLS,
	ZC_IOCTL_UNKNOWN,
	ZC_NR_COUNTERS
};

/* A set of counters: one global set, and one per open /dev/zcopy file. */
struct zc_stats {
	atomic64_t v[ZC_NR_COUNTERS];
};

extern struct zc_stats zc_global_stats;

const char *zc_counter_name(enum zc_counter c);

/* Add @n to counter @c in the global set and, if given, in @local. */
void zc_stats_add(struct zc_stats *local, enum zc_counter c, s64 n);

static inline void zc_stats_inc(struct zc_stats *local, enum zc_counter c)
{
	zc_stats_add(local, c, 1);
}

#endif /* ZCOPY_STATS_H */
