// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * libzcopy: the device itself: open, close, version, counters and the
 * completion records read from it.
 */

#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "internal.h"

ZC_API int zcopy_open(int flags)
{
	int fd = open(ZCOPY_DEV_PATH, O_RDWR | (flags & (O_CLOEXEC | O_NONBLOCK)));

	return fd >= 0 ? fd : zc_neg_errno();
}

ZC_API int zcopy_close(int dev)
{
	return close(dev) ? zc_neg_errno() : 0;
}

ZC_API int zcopy_version(int dev, struct zcopy_version *v)
{
	memset(v, 0, sizeof(*v));
	v->size = sizeof(*v);
	return ioctl(dev, ZCOPY_IOC_VERSION, v) ? zc_neg_errno() : 0;
}

ZC_API int zcopy_stats(int dev, unsigned int flags, uint64_t *values,
		       unsigned int *count)
{
	struct zcopy_stats st = {
		.size = sizeof(st), .flags = flags, .count = *count,
		.values = (uintptr_t)values,
	};

	if (ioctl(dev, ZCOPY_IOC_STATS, &st))
		return zc_neg_errno();
	*count = st.count;
	return 0;
}

ZC_API ssize_t zcopy_read_notifications(int dev, struct zcopy_notification *recs,
					size_t max)
{
	ssize_t n;

	if (!max) {
		errno = EINVAL;
		return -EINVAL;
	}
	/* The module returns whole records only: the division is exact. */
	n = read(dev, recs, max * sizeof(*recs));
	return n < 0 ? zc_neg_errno() : n / (ssize_t)sizeof(*recs);
}
