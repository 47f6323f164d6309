/* SPDX-License-Identifier: GPL-2.0 */
/* Declarations shared between the files of the zcopy module. */
#ifndef ZCOPY_H
#define ZCOPY_H

#include "stats.h"

struct zc_notify_queue;

#define ZCOPY_VERSION_MAJOR	0
#define ZCOPY_VERSION_MINOR	2
#define ZCOPY_VERSION_PATCH	0
#define ZCOPY_VERSION_STRING	"0.2.0"

/* State of one open /dev/zcopy file. */
struct zc_file {
	struct zc_stats stats;
	struct zc_notify_queue *notify;	/* records of ZCOPY_SEND_NOTIFY calls */
};

long zc_ioctl_send(struct zc_file *zf, void __user *uarg);
long zc_ioctl_stats(struct zc_file *zf, void __user *uarg);
long zc_ioctl_fanout(struct zc_file *zf, void __user *uarg);
long zc_ioctl_sendv(struct zc_file *zf, void __user *uarg);

int zc_debugfs_init(void);
void zc_debugfs_exit(void);

int zc_dev_init(void);
void zc_dev_exit(void);

#endif /* ZCOPY_H */
