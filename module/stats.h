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
	/* ZCOPY_IOC_SEND calls, successful or not. */
	ZC_SEND_CALLS,
	/* Bytes queued with the page attached by reference. */
	ZC_BYTES_BY_REF,
	/* Bytes the stack copied with the CPU, by reason. */
	ZC_BYTES_COPIED_NO_SG,
	ZC_BYTES_COPIED_SW_CSUM,
	ZC_BYTES_COPIED_UNSPLICEABLE,
	/* Pages found uptodate in the page cache / read in from the file. */
	ZC_PAGECACHE_HITS,
	ZC_PAGECACHE_MISSES,
	/* Gauges: pages the module holds references on now, and the most. */
	ZC_PAGES_PINNED,
	ZC_PAGES_PINNED_PEAK,
	/* Failed sends (nothing queued), by errno. */
	ZC_ERRORS_EINVAL,
	ZC_ERRORS_EBADF,
	ZC_ERRORS_ENOTSOCK,
	ZC_ERRORS_EAFNOSUPPORT,
	ZC_ERRORS_EOPNOTSUPP,
	ZC_ERRORS_ENOTCONN,
	ZC_ERRORS_EXDEV,
	ZC_ERRORS_EAGAIN,
	ZC_ERRORS_EINTR,
	ZC_ERRORS_EPIPE,
	ZC_ERRORS_EFAULT,
	ZC_ERRORS_EIO,
	ZC_ERRORS_OTHER,
	/* Sends (calls that queued anything) by socket kind. */
	ZC_SENDS_TCP4,
	ZC_SENDS_TCP6,
	ZC_SENDS_UDP,
	ZC_SENDS_UNIX,

	ZC_FANOUT_CALLS,
	ZC_SENDV_CALLS,
	ZC_BYTES_COPIED_USER_SEGMENTS,
	/* ZCOPY_SEND_NOTIFY: calls that will be notified, and gauge of those
	 * not yet complete.
	 */
	ZC_NOTIFY_CALLS,
	ZC_NOTIFY_PENDING,
	/* Records queued to be read, dropped (full queue, closed file). */
	ZC_NOTIFY_QUEUED,
	ZC_NOTIFY_DROPPED_OVERFLOW,
	ZC_NOTIFY_DROPPED_CLOSED,
	/* Bytes of notifying calls copied at local delivery (deferred copy). */
	ZC_NOTIFY_BYTES_COPIED_AT_DELIVERY,
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

/*
 * Move the pinned-pages gauge of both sets by @delta, raising the peaks
 * when it grows.
 */
void zc_stats_pin(struct zc_stats *local, s64 delta);

unsigned long zc_stats_pin_upto(struct zc_stats *local, unsigned long want,
				unsigned long min, s64 limit);

/* Count a failed send under its errno's counter. */
void zc_stats_error(struct zc_stats *local, int err);

static inline void zc_stats_inc(struct zc_stats *local, enum zc_counter c)
{
	zc_stats_add(local, c, 1);
}

#endif /* ZCOPY_STATS_H */
