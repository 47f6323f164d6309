/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Completion notifications (ZCOPY_SEND_NOTIFY): one refcounted object per
 * notifying call, whose struct ubuf_info the stack holds while it holds
 * the call's pages, and the per-file queue its record goes to.
 */
#ifndef ZCOPY_NOTIFY_H
#define ZCOPY_NOTIFY_H

#include <linux/fs.h>
#include <linux/poll.h>
#include <linux/skbuff.h>
#include <linux/types.h>

struct zc_notify_queue;
struct zc_notif;

struct zc_notify_queue *zc_notify_queue_create(void);
/* The file is closing: discard queued records and any still to come. */
void zc_notify_queue_close(struct zc_notify_queue *q);
ssize_t zc_notify_read(struct zc_notify_queue *q, char __user *buf,
		       size_t count, bool nonblock);
__poll_t zc_notify_poll(struct zc_notify_queue *q, struct file *file,
			poll_table *wait);

struct zc_notif *zc_notif_create(struct zc_notify_queue *q, u64 cookie,
				 u32 target);
struct ubuf_info *zc_notif_ubuf(struct zc_notif *n);
/* The stack copied (some of) the call's bytes when they were queued. */
void zc_notif_copied_at_send(struct zc_notif *n);
/* The call is over: its record is due once the stack lets go too. */
void zc_notif_commit(struct zc_notif *n, u64 bytes);
/* The call failed: no record, whatever the stack still holds. */
void zc_notif_cancel(struct zc_notif *n);

#if IS_ENABLED(CONFIG_KUNIT)
/* Whether @q has a record to read; replaced by notify_kunit.c's stub. */
bool zc_notify_ready(struct zc_notify_queue *q);
#endif

#endif /* ZCOPY_NOTIFY_H */
