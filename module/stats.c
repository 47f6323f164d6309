// SPDX-License-Identifier: GPL-2.0
/* Counter storage and names; see stats.h for the contract. */

#include <linux/errno.h>
#include <linux/minmax.h>

#include "stats.h"

struct zc_stats zc_global_stats;

/* Indexed by enum zc_counter; the KUnit suite checks none is missing. */
static const char *const zc_counter_names[ZC_NR_COUNTERS] = {
	[ZC_OPENS]		= "opens",
	[ZC_IOCTLS]		= "ioctls",
	[ZC_IOCTL_UNKNOWN]	= "ioctl_unknown",
	[ZC_SEND_CALLS]		= "send_calls",
	[ZC_BYTES_BY_REF]	= "bytes_by_reference",
	[ZC_BYTES_COPIED_NO_SG]	= "bytes_copied_no_sg",
	[ZC_BYTES_COPIED_SW_CSUM] = "bytes_copied_sw_csum",
	[ZC_BYTES_COPIED_UNSPLICEABLE] = "bytes_copied_unspliceable",
	[ZC_PAGECACHE_HITS]	= "pagecache_hits",
	[ZC_PAGECACHE_MISSES]	= "pagecache_misses",
	[ZC_PAGES_PINNED]	= "pages_pinned",
	[ZC_PAGES_PINNED_PEAK]	= "pages_pinned_peak",
	[ZC_ERRORS_EINVAL]	= "errors_einval",
	[ZC_ERRORS_EBADF]	= "errors_ebadf",
	[ZC_ERRORS_ENOTSOCK]	= "errors_enotsock",
	[ZC_ERRORS_EAFNOSUPPORT] = "errors_eafnosupport",
	[ZC_ERRORS_EOPNOTSUPP]	= "errors_eopnotsupp",
	[ZC_ERRORS_ENOTCONN]	= "errors_enotconn",
	[ZC_ERRORS_EXDEV]	= "errors_exdev",
	[ZC_ERRORS_EAGAIN]	= "errors_eagain",
	[ZC_ERRORS_EINTR]	= "errors_eintr",
	[ZC_ERRORS_EPIPE]	= "errors_epipe",
	[ZC_ERRORS_EFAULT]	= "errors_efault",
	[ZC_ERRORS_EIO]		= "errors_eio",
	[ZC_ERRORS_OTHER]	= "errors_other",
	[ZC_SENDS_TCP4]		= "sends_tcp4",
	[ZC_SENDS_TCP6]		= "sends_tcp6",
	[ZC_SENDS_UDP]		= "sends_udp",
	[ZC_SENDS_UNIX]		= "sends_unix",
	[ZC_FANOUT_CALLS]	= "fanout_calls",
	[ZC_SENDV_CALLS]	= "sendv_calls",
	[ZC_BYTES_COPIED_USER_SEGMENTS] = "bytes_copied_user_segments",
	[ZC_NOTIFY_CALLS]	= "notify_calls",
	[ZC_NOTIFY_PENDING]	= "notify_pending",
	[ZC_NOTIFY_QUEUED]	= "notify_queued",
	[ZC_NOTIFY_DROPPED_OVERFLOW] = "notify_dropped_overflow",
	[ZC_NOTIFY_DROPPED_CLOSED] = "notify_dropped_closed",
	[ZC_NOTIFY_BYTES_COPIED_AT_DELIVERY] = "notify_bytes_copied_at_delivery",
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

static void zc_raise_peak(struct zc_stats *s, s64 now)
{
	s64 peak = atomic64_read(&s->v[ZC_PAGES_PINNED_PEAK]);

	while (now > peak) {
		s64 old = atomic64_cmpxchg(&s->v[ZC_PAGES_PINNED_PEAK], peak, now);

		if (old == peak)
			break;
		peak = old;
	}
}

/*
 * Pins go to the global gauge first and leave the local one first, so
 * that a file's gauge (and peak) never shows more than the module-wide
 * one: a sender taking room another has just given back cannot be
 * counted in a file's gauge while the other still is.
 */
void zc_stats_pin(struct zc_stats *local, s64 delta)
{
	s64 now;

	if (local && delta < 0)
		atomic64_add(delta, &local->v[ZC_PAGES_PINNED]);
	now = atomic64_add_return(delta, &zc_global_stats.v[ZC_PAGES_PINNED]);
	if (delta > 0)
		zc_raise_peak(&zc_global_stats, now);
	if (local && delta > 0)
		zc_raise_peak(local, atomic64_add_return(delta, &local->v[ZC_PAGES_PINNED]));
}

/*
 * Take up to @want pages of room under @limit in the pinned-pages gauge:
 * all of them if they fit, else what fits but at least @min.  One
 * compare-and-exchange on the module-wide gauge decides, so senders that
 * race for the last of the room cannot all take it: the gauge exceeds
 * @limit by at most @min per taker.  Returns the pages taken (0..@want).
 */
unsigned long zc_stats_pin_upto(struct zc_stats *local, unsigned long want,
				unsigned long min, s64 limit)
{
	atomic64_t *gauge = &zc_global_stats.v[ZC_PAGES_PINNED];
	s64 old = atomic64_read(gauge), n;

	do {
		n = clamp_t(s64, limit - old, min, want);
		if (!n)
			return 0;
	} while (!atomic64_try_cmpxchg(gauge, &old, old + n));
	zc_raise_peak(&zc_global_stats, old + n);
	if (local)
		zc_raise_peak(local, atomic64_add_return(n, &local->v[ZC_PAGES_PINNED]));
	return n;
}

/* ERESTARTSYS reaches userspace as EINTR (or as a restart). */
static enum zc_counter zc_error_counter(int err)
{
	switch (err) {
	case -EINVAL:		return ZC_ERRORS_EINVAL;
	case -EBADF:		return ZC_ERRORS_EBADF;
	case -ENOTSOCK:		return ZC_ERRORS_ENOTSOCK;
	case -EAFNOSUPPORT:	return ZC_ERRORS_EAFNOSUPPORT;
	case -EOPNOTSUPP:	return ZC_ERRORS_EOPNOTSUPP;
	case -ENOTCONN:		return ZC_ERRORS_ENOTCONN;
	case -EXDEV:		return ZC_ERRORS_EXDEV;
	case -EAGAIN:		return ZC_ERRORS_EAGAIN;
	case -EINTR:
	case -ERESTARTSYS:	return ZC_ERRORS_EINTR;
	case -EPIPE:		return ZC_ERRORS_EPIPE;
	case -EFAULT:		return ZC_ERRORS_EFAULT;
	case -EIO:		return ZC_ERRORS_EIO;
	default:		return ZC_ERRORS_OTHER;
	}
}

void zc_stats_error(struct zc_stats *local, int err)
{
	zc_stats_inc(local, zc_error_counter(err));
}
