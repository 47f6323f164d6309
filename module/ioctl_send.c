// SPDX-License-Identifier: GPL-2.0
/* The user-memory side of ZCOPY_IOC_SEND and ZCOPY_IOC_STATS. */

#include <linux/uaccess.h>
#include <linux/zcopy.h>

#include "send.h"
#include "zcopy.h"

long zc_ioctl_send(struct zc_file *zf, void __user *uarg)
{
	struct zcopy_send __user *uargs = uarg;
	struct zcopy_send args;
	int ret;

	zc_stats_inc(&zf->stats, ZC_SEND_CALLS);
	if (copy_from_user(&args, uargs, sizeof(args))) {
		ret = -EFAULT;
		goto err;
	}
	/*
	 * The result must be writable before anything is sent, so that an
	 * argument in read-only memory fails with nothing queued and no
	 * record (the value read is written back unchanged).
	 */
	if (put_user(args.bytes_sent, &uargs->bytes_sent)) {
		ret = -EFAULT;
		goto err;
	}
	ret = zc_send(&zf->stats, &args, zf->notify);
	if (ret)
		goto err;
	/*
	 * The data is on its way: a failure here (another thread unmapped
	 * the argument meanwhile) cannot take it back; see the uapi header.
	 */
	if (put_user(args.bytes_sent, &uargs->bytes_sent))
		return -EFAULT;
	return 0;

err:
	zc_stats_error(&zf->stats, ret);
	return ret;
}

long zc_ioctl_stats(struct zc_file *zf, void __user *uarg)
{
	struct zcopy_stats __user *uargs = uarg;
	struct zc_stats *set = &zf->stats;
	struct zcopy_stats args;
	u64 __user *values;
	unsigned int i, n;

	if (copy_from_user(&args, uargs, sizeof(args)))
		return -EFAULT;
	if (args.size != sizeof(args) ||
	    (args.flags & ~(u32)ZCOPY_STATS_FLAGS_ALL) || args.reserved0 ||
	    args.reserved[0] || args.reserved[1])
		return -EINVAL;
	if (args.flags & ZCOPY_STATS_GLOBAL)
		set = &zc_global_stats;
	values = u64_to_user_ptr(args.values);
	n = min_t(u32, args.count, ZC_NR_COUNTERS);
	for (i = 0; i < n; i++)
		if (put_user((u64)atomic64_read(&set->v[i]), &values[i]))
			return -EFAULT;
	if (put_user((u32)ZC_NR_COUNTERS, &uargs->count))
		return -EFAULT;
	return 0;
}
