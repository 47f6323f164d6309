/* SPDX-License-Identifier: GPL-2.0 */
/* ZCOPY_IOC_SENDV's request checks, visible to the KUnit suite. */
#ifndef ZCOPY_SENDV_H
#define ZCOPY_SENDV_H

#include <linux/fs.h>
#include <linux/zcopy.h>

#if IS_ENABLED(CONFIG_KUNIT)
int zc_sendv_check_args(const struct zcopy_sendv *a);
int zc_seg_check(const struct zcopy_segment *s, struct file **filep);
#endif

#endif /* ZCOPY_SENDV_H */
