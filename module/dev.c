// SPDX-License-Identifier: GPL-2.0
/* The /dev/zcopy misc device: open, release and ioctl dispatch. */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/zcopy.h>

#include "compat.h"
#include "notify.h"
#include "zcopy.h"

static int zc_open(struct inode *inode, struct file *file)
{
	struct zc_file *zf;

	zf = kzalloc(sizeof(*zf), GFP_KERNEL_ACCOUNT);
	if (!zf)
		goto err_zf;
	zf->notify = zc_notify_queue_create();
	if (!zf->notify)
		goto err_notify;
	file->private_data = zf;
	zc_stats_inc(&zf->stats, ZC_OPENS);
	return 0;

err_notify:
	kfree(zf);
err_zf:
	return -ENOMEM;
}

static int zc_release(struct inode *inode, struct file *file)
{
	struct zc_file *zf = file->private_data;

	/* Calls still in flight keep the queue, not the file, alive. */
	zc_notify_queue_close(zf->notify);
	kfree(zf);
	return 0;
}

static ssize_t zc_read(struct file *file, char __user *buf, size_t count,
		       loff_t *ppos)
{
	struct zc_file *zf = file->private_data;

	return zc_notify_read(zf->notify, buf, count,
			      file->f_flags & O_NONBLOCK);
}

static __poll_t zc_poll(struct file *file, poll_table *wait)
{
	struct zc_file *zf = file->private_data;

	return zc_notify_poll(zf->notify, file, wait);
}

static bool zc_is_zero(const void *p, size_t len)
{
	return !memchr_inv(p, 0, len);
}

static long zc_ioctl_version(void __user *uarg)
{
	struct zcopy_version v;

	if (copy_from_user(&v, uarg, sizeof(v)))
		return -EFAULT;
	if (v.size != sizeof(v) || v.flags ||
	    !zc_is_zero(v.reserved, sizeof(v.reserved)))
		return -EINVAL;
	v.abi_version = ZCOPY_ABI_VERSION;
	v.major = ZCOPY_VERSION_MAJOR;
	v.minor = ZCOPY_VERSION_MINOR;
	v.patch = ZCOPY_VERSION_PATCH;
	v.features = ZCOPY_FEATURE_SEND | ZCOPY_FEATURE_FANOUT | ZCOPY_FEATURE_NODISKIO |
		     ZCOPY_FEATURE_SENDV | ZCOPY_FEATURE_SEND_SENDFILE;
#ifdef ZC_SEND_BY_SPLICE
	v.features |= ZCOPY_FEATURE_SPLICE_PAGES;
#endif
	if (ZC_CAN_NOTIFY)
		v.features |= ZCOPY_FEATURE_NOTIFY;
	if (IS_ENABLED(CONFIG_KUNIT))
		v.features |= ZCOPY_FEATURE_KUNIT;
	if (copy_to_user(uarg, &v, sizeof(v)))
		return -EFAULT;
	return 0;
}

static long zc_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct zc_file *zf = file->private_data;
	void __user *uarg = (void __user *)arg;

	zc_stats_inc(&zf->stats, ZC_IOCTLS);
	switch (cmd) {
	case ZCOPY_IOC_VERSION:
		return zc_ioctl_version(uarg);
	case ZCOPY_IOC_SEND:
		return zc_ioctl_send(zf, uarg);
	case ZCOPY_IOC_STATS:
		return zc_ioctl_stats(zf, uarg);
	case ZCOPY_IOC_FANOUT:
		return zc_ioctl_fanout(zf, uarg);
	case ZCOPY_IOC_SENDV:
		return zc_ioctl_sendv(zf, uarg);
	default:
		zc_stats_inc(&zf->stats, ZC_IOCTL_UNKNOWN);
		return -ENOTTY;
	}
}

static const struct file_operations zc_fops = {
	.owner		= THIS_MODULE,
	.open		= zc_open,
	.release	= zc_release,
	.read		= zc_read,
	.poll		= zc_poll,
	.unlocked_ioctl	= zc_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice zc_miscdev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "zcopy",
	.fops	= &zc_fops,
	.mode	= 0600,
};

int zc_dev_init(void)
{
	return misc_register(&zc_miscdev);
}

void zc_dev_exit(void)
{
	misc_deregister(&zc_miscdev);
}
