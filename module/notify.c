// SPDX-License-Identifier: GPL-2.0
/*
 * Completion notifications.  A notifying call embeds a struct ubuf_info
 * in a zc_notif and hands it to TCP as msghdr.msg_ubuf with MSG_ZEROCOPY
 * (as io_uring's send_zc does): every skb holding the call's pages holds
 * a reference on it, and the last reference to go (the call's own, or
 * the last skb's) queues the record on the file's queue.  That may
 * happen in any context, softirq included, so the queue takes an irq-safe
 * lock and the record is the zc_notif itself: nothing is allocated then.
 *
 * Lifetimes: a zc_notif holds a reference on its queue and on the module
 * until it is queued or discarded, so neither the file's close nor rmmod
 * can pull memory or code from under a completion that is still to come.
 */

#include <linux/list.h>
#include <linux/module.h>
#include <linux/refcount.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <linux/zcopy.h>

#include "compat.h"
#include "notify.h"
#include "stats.h"

struct zc_notify_queue {
	refcount_t ref;
	spinlock_t lock;		/* protects everything below */
	wait_queue_head_t wait;
	struct list_head records;	/* zc_notif.node, and @overflow */
	unsigned int count;		/* zc_notifs in @records */
	bool closed;
	/* The overflow record, in @records while it has drops to report. */
	struct list_head overflow;
	u32 dropped;
};

/* zc_notif.bits */
enum {
	ZC_NOTIF_COPIED_AT_SEND,
	ZC_NOTIF_COPIED_AT_DELIVERY,
	ZC_NOTIF_CANCELLED,
};

struct zc_notif {
	struct ubuf_info ubuf;
	struct zc_notify_queue *q;
	struct list_head node;
	u64 cookie;
	u64 bytes;
	u32 target;
	unsigned long bits;
};

struct zc_notify_queue *zc_notify_queue_create(void)
{
	struct zc_notify_queue *q = kzalloc(sizeof(*q), GFP_KERNEL_ACCOUNT);

	if (!q)
		return NULL;
	refcount_set(&q->ref, 1);
	spin_lock_init(&q->lock);
	init_waitqueue_head(&q->wait);
	INIT_LIST_HEAD(&q->records);
	INIT_LIST_HEAD(&q->overflow);
	return q;
}

static void zc_notify_queue_put(struct zc_notify_queue *q)
{
	if (refcount_dec_and_test(&q->ref))
		kfree(q);
}

/* Unlinks and returns the records of @q; called with the lock held. */
static void zc_notify_queue_take_all(struct zc_notify_queue *q,
				     struct list_head *out)
{
	list_del_init(&q->overflow);
	q->dropped = 0;
	list_splice_init(&q->records, out);
	q->count = 0;
}

void zc_notify_queue_close(struct zc_notify_queue *q)
{
	struct zc_notif *n, *tmp;
	unsigned long flags;
	LIST_HEAD(unread);
	s64 nr = 0;

	spin_lock_irqsave(&q->lock, flags);
	q->closed = true;
	zc_notify_queue_take_all(q, &unread);
	spin_unlock_irqrestore(&q->lock, flags);
	list_for_each_entry_safe(n, tmp, &unread, node) {
		kfree(n);
		nr++;
	}
	zc_stats_add(NULL, ZC_NOTIFY_DROPPED_CLOSED, nr);
	zc_notify_queue_put(q);
}

static u32 zc_notif_flags(const struct zc_notif *n)
{
	u32 flags = 0;

	if (test_bit(ZC_NOTIF_COPIED_AT_SEND, &n->bits))
		flags |= ZCOPY_NOTIFY_COPIED | ZCOPY_NOTIFY_COPIED_AT_SEND;
	if (test_bit(ZC_NOTIF_COPIED_AT_DELIVERY, &n->bits))
		flags |= ZCOPY_NOTIFY_COPIED | ZCOPY_NOTIFY_COPIED_AT_DELIVERY;
	return flags;
}

/* The last reference to @n is gone: queue its record, or discard it. */
static void zc_notif_done(struct zc_notif *n)
{
	struct zc_notify_queue *q = n->q;
	enum zc_counter fate = ZC_NOTIFY_QUEUED;
	unsigned long flags;

	spin_lock_irqsave(&q->lock, flags);
	if (test_bit(ZC_NOTIF_CANCELLED, &n->bits)) {
		fate = ZC_NR_COUNTERS;
	} else if (q->closed) {
		fate = ZC_NOTIFY_DROPPED_CLOSED;
	} else if (q->count >= ZCOPY_NOTIFY_QUEUE_MAX) {
		fate = ZC_NOTIFY_DROPPED_OVERFLOW;
		if (list_empty(&q->overflow))
			list_add_tail(&q->overflow, &q->records);
		q->dropped++;
	} else {
		list_add_tail(&n->node, &q->records);
		q->count++;
		/* The queue owns @n now; the reader may free it at once. */
		n = NULL;
	}
	spin_unlock_irqrestore(&q->lock, flags);

	if (fate != ZC_NR_COUNTERS)
		zc_stats_inc(NULL, fate);
	zc_stats_add(NULL, ZC_NOTIFY_PENDING, -1);
	if (fate == ZC_NOTIFY_QUEUED || fate == ZC_NOTIFY_DROPPED_OVERFLOW)
		wake_up_interruptible_poll(&q->wait, EPOLLIN | EPOLLRDNORM);
	kfree(n);
	zc_notify_queue_put(q);
	/*
	 * Last, as nothing of the module may run for this call after it;
	 * what remains (the return) is the window every module_put() of a
	 * module's own reference from its own code has.
	 */
	module_put(THIS_MODULE);
}

static void zc_notif_put(struct zc_notif *n)
{
	if (refcount_dec_and_test(&n->ubuf.refcnt))
		zc_notif_done(n);
}

/*
 * The stack drops a reference: an skb holding our pages is freed
 * (@success), or it is about to be copied because it is delivered to a
 * local socket (skb_copy_ubufs(), !@success), or tcp_sendmsg is done
 * with msg_ubuf (no skb).
 */
static void zc_notif_complete(struct sk_buff *skb, struct ubuf_info *uarg,
			      bool success)
{
	struct zc_notif *n = container_of(uarg, struct zc_notif, ubuf);

	if (!success) {
		set_bit(ZC_NOTIF_COPIED_AT_DELIVERY, &n->bits);
		if (skb)
			zc_stats_add(NULL, ZC_NOTIFY_BYTES_COPIED_AT_DELIVERY,
				     skb->data_len);
	}
	zc_notif_put(n);
}

#ifdef ZC_HAVE_UBUF_INFO_OPS
static const struct ubuf_info_ops zc_notif_ops = {
	.complete = zc_notif_complete,
};
#endif

static void zc_notif_init_ubuf(struct ubuf_info *uarg)
{
#ifdef ZC_HAVE_UBUF_INFO_OPS
	uarg->ops = &zc_notif_ops;
#else
	uarg->callback = zc_notif_complete;
#endif
	/*
	 * As io_uring's notifications: frags are shared pages (the checksum
	 * code must not write into them), and the skb need not be copied
	 * when it is orphaned on transmit, only on local delivery.
	 */
	uarg->flags = SKBFL_ZEROCOPY_FRAG | SKBFL_DONT_ORPHAN;
	refcount_set(&uarg->refcnt, 1);	/* the call's own reference */
}

struct zc_notif *zc_notif_create(struct zc_notify_queue *q, u64 cookie,
				 u32 target)
{
	struct zc_notif *n = kzalloc(sizeof(*n), GFP_KERNEL_ACCOUNT);

	if (!n)
		return NULL;
	zc_notif_init_ubuf(&n->ubuf);
	INIT_LIST_HEAD(&n->node);
	n->cookie = cookie;
	n->target = target;
	refcount_inc(&q->ref);
	n->q = q;
	/* Called from our own ioctl: the module is pinned already. */
	__module_get(THIS_MODULE);
	zc_stats_inc(NULL, ZC_NOTIFY_PENDING);
	return n;
}

struct ubuf_info *zc_notif_ubuf(struct zc_notif *n)
{
	return &n->ubuf;
}

void zc_notif_copied_at_send(struct zc_notif *n)
{
	set_bit(ZC_NOTIF_COPIED_AT_SEND, &n->bits);
}

void zc_notif_commit(struct zc_notif *n, u64 bytes)
{
	n->bytes = bytes;
	zc_stats_inc(NULL, ZC_NOTIFY_CALLS);
	/* Ordered before zc_notif_done() by the refcount's release. */
	zc_notif_put(n);
}

void zc_notif_cancel(struct zc_notif *n)
{
	set_bit(ZC_NOTIF_CANCELLED, &n->bits);
	zc_notif_put(n);
}

/*
 * Takes the oldest record of @q into @rec.  Returns false if there is
 * none.  The zc_notif, if any, is returned in @done to be freed.
 */
static bool zc_notify_pop(struct zc_notify_queue *q,
			  struct zcopy_notification *rec, struct zc_notif **done)
{
	struct list_head *first;
	unsigned long flags;
	bool found = true;

	*done = NULL;
	memset(rec, 0, sizeof(*rec));
	spin_lock_irqsave(&q->lock, flags);
	first = q->records.next;
	if (first == &q->records) {
		found = false;
	} else if (first == &q->overflow) {
		list_del_init(&q->overflow);
		rec->flags = ZCOPY_NOTIFY_OVERFLOW;
		rec->dropped = q->dropped;
		q->dropped = 0;
	} else {
		struct zc_notif *n = list_entry(first, struct zc_notif, node);

		list_del(&n->node);
		q->count--;
		rec->cookie = n->cookie;
		rec->bytes = n->bytes;
		rec->target = n->target;
		rec->flags = zc_notif_flags(n);
		*done = n;
	}
	spin_unlock_irqrestore(&q->lock, flags);
	return found;
}

VISIBLE_IF_KUNIT bool zc_notify_ready(struct zc_notify_queue *q)
{
	unsigned long flags;
	bool ready;

	/* notify_kunit.c takes the record between this and the pop. */
	ZC_KUNIT_STUB(zc_notify_ready, q);
	spin_lock_irqsave(&q->lock, flags);
	ready = !list_empty(&q->records);
	spin_unlock_irqrestore(&q->lock, flags);
	return ready;
}

/* Put a record back in front, when it could not be copied to the user. */
static void zc_notify_unpop(struct zc_notify_queue *q,
			    const struct zcopy_notification *rec,
			    struct zc_notif *n)
{
	unsigned long flags;

	spin_lock_irqsave(&q->lock, flags);
	if (n) {
		list_add(&n->node, &q->records);
		q->count++;
	} else {
		if (list_empty(&q->overflow))
			list_add(&q->overflow, &q->records);
		q->dropped += rec->dropped;
	}
	spin_unlock_irqrestore(&q->lock, flags);
}

ssize_t zc_notify_read(struct zc_notify_queue *q, char __user *buf,
		       size_t count, bool nonblock)
{
	struct zcopy_notification rec;
	struct zc_notif *n;
	ssize_t done = 0;
	int ret;

	if (count < sizeof(rec))
		return -EINVAL;
	/*
	 * Another reader may take the record that woke this one: then wait
	 * again (or EAGAIN).  0 is never returned; it would read as end of
	 * file.
	 */
	for (;;) {
		while (count - done >= sizeof(rec) && zc_notify_pop(q, &rec, &n)) {
			if (copy_to_user(buf + done, &rec, sizeof(rec))) {
				/* Not lost: the next read returns it. */
				zc_notify_unpop(q, &rec, n);
				return done ? done : -EFAULT;
			}
			kfree(n);
			done += sizeof(rec);
		}
		if (done)
			return done;
		if (nonblock)
			return -EAGAIN;
		ret = wait_event_interruptible(q->wait, zc_notify_ready(q));
		if (ret)
			return ret;
	}
}

__poll_t zc_notify_poll(struct zc_notify_queue *q, struct file *file,
			poll_table *wait)
{
	poll_wait(file, &q->wait, wait);
	return zc_notify_ready(q) ? EPOLLIN | EPOLLRDNORM : 0;
}
