// SPDX-License-Identifier: GPL-2.0
/*
 * ZCOPY_IOC_FANOUT: one file range to many sockets.  Each batch of the
 * page cache is looked up and pinned once, then handed to every target
 * that is at that point of the range; each socket takes its own page
 * references.  No socket is ever waited for (see the uapi header), so a
 * slow consumer cannot hold up the others.
 */

#include <linux/file.h>
#include <linux/net.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/zcopy.h>

#include "access.h"
#include "compat.h"
#include "notify.h"
#include "pages.h"
#include "send.h"
#include "sock.h"
#include "sock_eof.h"
#include "zcopy.h"

struct zc_fan_target {
	struct socket *sock;
	enum zc_sock_kind kind;
	bool active;		/* may take more in this call */
	bool refused;		/* its socket refused: its @error says why */
	u64 start;		/* its bytes_sent when the call began */
	struct zc_notif *notif;	/* with ZCOPY_SEND_NOTIFY */
};

static int zc_fan_send(struct zc_fan_target *ft, const struct zc_batch *b,
		       bool more)
{
#ifdef ZC_HAVE_MSG_UBUF
	if (ft->notif)
		return zc_sock_send_notify(ft->sock, b, more, true,
					   zc_notif_ubuf(ft->notif));
#endif
	return zc_sock_send_nowait(ft->sock, ft->kind, b, more);
}

/*
 * Hand what target @ft can take of batch @b (which starts at @pos) to it;
 * the call's stream ends at @stop (the range's end, or end of file).
 */
static u64 zc_fan_one(struct zc_stats *stats, const struct zcopy_fanout *args,
		      struct zcopy_target *t, struct zc_fan_target *ft,
		      const struct zc_batch *b, struct zc_batch *view, loff_t pos,
		      loff_t stop)
{
	loff_t tpos = args->offset + t->bytes_sent;
	enum zc_counter reason;
	int sent;

	if (tpos < pos || tpos >= pos + (loff_t)b->bytes)
		return 0;	/* elsewhere in the range */
	zc_batch_view(b, tpos - pos, view);
	reason = zc_sock_copy_reason(ft->sock, ft->kind, view);
	if ((args->flags & ZCOPY_SEND_STRICT) && reason != ZC_BYTES_BY_REF)
		sent = -EXDEV;
	else
		sent = zc_fan_send(ft, view, tpos + (loff_t)view->bytes < stop);
	if (sent <= 0) {
		if (t->bytes_sent == ft->start)
			t->error = -sent;
		ft->active = false;
		return 0;
	}
	zc_stats_add(stats, reason, sent);
	if (ft->notif && reason != ZC_BYTES_BY_REF)
		zc_notif_copied_at_send(ft->notif);
	t->bytes_sent += sent;
	if ((size_t)sent < view->bytes || t->bytes_sent >= args->length)
		ft->active = false;	/* full, or done */
	return sent;
}

/*
 * The lowest position an active target is at, or -1 when none is; in
 * @max_send, how much the next batch should hold: what every target may
 * take in one send (a UDP datagram's limit), and no more than the most
 * room any target's send buffer has now (zc_sock_room()).
 */
static loff_t zc_fan_next(const struct zcopy_fanout *args,
			  const struct zcopy_target *t,
			  const struct zc_fan_target *ft, size_t *max_send)
{
	size_t room = 0;
	loff_t pos = -1;
	unsigned int i;

	*max_send = SIZE_MAX;
	for (i = 0; i < args->nr_targets; i++) {
		loff_t p = args->offset + t[i].bytes_sent;

		if (!ft[i].active)
			continue;
		if (pos < 0 || p < pos)
			pos = p;
		*max_send = min(*max_send, zc_sock_max_send(ft[i].sock, ft[i].kind));
		room = max(room, zc_sock_room(ft[i].sock, ft[i].kind, true));
	}
	*max_send = min(*max_send, room);
	return pos;
}

static int zc_fan_loop(struct zc_stats *stats, const struct zcopy_fanout *args,
		       struct zcopy_target *t, struct zc_fan_target *ft,
		       struct file *file, u64 *progress)
{
	unsigned int max_pages = zc_send_max_batch_pages();
	loff_t end = args->offset + args->length;
	struct zc_batch b, view;
	int ret;

	ret = zc_batch_init(&b, max_pages, stats);
	if (ret)
		return ret;
	ret = zc_batch_init(&view, max_pages, stats);
	if (ret)
		goto err_view;
	b.nodiskio = args->flags & ZCOPY_SEND_NODISKIO;
	for (;;) {
		loff_t stop = min_t(loff_t, end, i_size_read(file_inode(file)));
		size_t max_send;
		loff_t pos = zc_fan_next(args, t, ft, &max_send);
		unsigned int i;

		if (pos < 0 || pos >= stop)
			break;	/* every target done, or end of file */
		ret = zc_batch_fill(&b, file, pos,
				    zc_send_batch_len(pos, stop - pos, max_pages,
						      max_send));
		if (ret)
			break;
		if (!b.bytes) {
			if (b.uncached)
				ret = -EAGAIN;
			break;
		}
		for (i = 0; i < args->nr_targets; i++)
			if (ft[i].active)
				*progress += zc_fan_one(stats, args, &t[i], &ft[i],
							&b, &view, pos, stop);
		/* Every socket holds its own references on what it queued. */
		zc_batch_release(&b);
		if (b.read_error)
			break;	/* short counts; the next call gets the EIO */
		if (signal_pending(current)) {
			ret = -ERESTARTSYS;
			break;
		}
		cond_resched();
	}
	zc_batch_destroy(&view);
err_view:
	zc_batch_destroy(&b);
	return ret;
}

/*
 * A notifying fan-out: one completion object per target, made before the
 * targets are classified.  Classifying consumes a socket's pending error,
 * which must then reach the caller in that target's @error: an ENOMEM
 * after it would lose it.  Records of targets that take nothing are
 * cancelled at the end of the call.
 */
static int zc_fan_notify_create(const struct zcopy_fanout *args,
				struct zc_fan_target *ft,
				struct zc_notify_queue *nq)
{
	unsigned int i;

	for (i = 0; i < args->nr_targets; i++) {
		if (!ft[i].sock)
			continue;
		ft[i].notif = zc_notif_create(nq, args->cookie, i);
		if (!ft[i].notif)
			return -ENOMEM;
	}
	return 0;
}

/*
 * Targets the call ended with because the file ends before their place in
 * the range: ENODATA in their @error (they took nothing in this call), so
 * that a caller who waits for POLLOUT on short targets knows these would
 * never take more.
 */
static void zc_fan_mark_eof(const struct zcopy_fanout *args, struct zcopy_target *t,
			    const struct zc_fan_target *ft, loff_t isize)
{
	unsigned int i;

	for (i = 0; i < args->nr_targets; i++)
		if (ft[i].active && !t[i].error && t[i].bytes_sent == ft[i].start &&
		    args->offset + t[i].bytes_sent >= isize)
			t[i].error = ENODATA;
}

/*
 * A call that fails before any target took bytes (out of memory, a read
 * error, a signal) after a socket refused it: that socket's @error may be
 * its pending error, consumed, which the caller must still get.  So the
 * call returns 0 and the targets that could have taken bytes get the
 * call's errno in their @error instead.  Without a refused socket the call
 * fails as it would have.
 */
static int zc_fan_fail_targets(const struct zcopy_fanout *args,
			       struct zcopy_target *t,
			       const struct zc_fan_target *ft, int err)
{
	bool refused = false;
	unsigned int i;

	for (i = 0; i < args->nr_targets; i++)
		refused |= ft[i].refused;
	if (!refused)
		return err;
	if (err == -ERESTARTSYS)
		err = -EINTR;	/* not restarted: the refusals are reported */
	for (i = 0; i < args->nr_targets; i++)
		if (ft[i].sock && !ft[i].refused && !t[i].error &&
		    t[i].bytes_sent < args->length)
			t[i].error = -err;
	return 0;
}

/* Bytes of the file the call read: the most any one target took. */
static u64 zc_fan_read(const struct zcopy_fanout *args,
		       const struct zcopy_target *t, const struct zc_fan_target *ft)
{
	unsigned int i;
	u64 most = 0;

	for (i = 0; i < args->nr_targets; i++)
		if (ft[i].sock)
			most = max(most, t[i].bytes_sent - ft[i].start);
	return most;
}

/* A record for each target that took bytes in this call, none for others. */
static void zc_fan_notify_finish(const struct zcopy_fanout *args,
				 struct zcopy_target *t, struct zc_fan_target *ft)
{
	unsigned int i;

	for (i = 0; i < args->nr_targets; i++) {
		if (!ft[i].notif)
			continue;
		if (t[i].bytes_sent != ft[i].start)
			zc_notif_commit(ft[i].notif, t[i].bytes_sent - ft[i].start);
		else
			zc_notif_cancel(ft[i].notif);
	}
}

/*
 * Each socket once: two targets on one socket (the same descriptor twice,
 * or two descriptors of it) would each be sent the range, batch by batch,
 * interleaved into one stream that neither target's count describes.
 */
static int zc_fan_distinct(const struct zcopy_fanout *args,
			   const struct zc_fan_target *ft)
{
	unsigned int i, j;

	for (i = 1; i < args->nr_targets; i++)
		for (j = 0; j < i; j++)
			if (ft[i].sock && ft[i].sock == ft[j].sock)
				return -EINVAL;
	return 0;
}

int zc_fanout(struct zc_stats *stats, const struct zcopy_fanout *args,
	      struct zcopy_target *t, struct zc_notify_queue *nq)
{
	struct zc_fan_target *ft;
	u64 progress = 0;
	struct file *file;
	unsigned int i;
	int ret, err;

	file = zc_send_get_file(args->file_fd, args->offset, args->length, &ret);
	if (!file)
		return ret;
	ft = kcalloc(args->nr_targets, sizeof(*ft), GFP_KERNEL_ACCOUNT);
	if (!ft) {
		ret = -ENOMEM;
		goto err_file;
	}
	for (i = 0; i < args->nr_targets; i++) {
		t[i].error = 0;
		ft[i].start = t[i].bytes_sent;
		ft[i].sock = sockfd_lookup(t[i].sock_fd, &err);
		if (!ft[i].sock)
			t[i].error = -err;
	}
	ret = zc_fan_distinct(args, ft);
	if (ret)
		goto out_socks;
	if (args->flags & ZCOPY_SEND_NOTIFY) {
		ret = ZC_CAN_NOTIFY ? zc_fan_notify_create(args, ft, nq) : -EOPNOTSUPP;
		if (ret)
			goto out_notify;
	}
	/*
	 * Classified once the call can no longer be refused for its
	 * arguments or fail for memory: a socket's pending error is consumed
	 * here and must reach the caller, in that target's @error.  A target
	 * that cannot notify (not TCP) is left out with EOPNOTSUPP.
	 */
	for (i = 0; i < args->nr_targets; i++) {
		if (!ft[i].sock)
			continue;
		err = zc_send_check_kind(ft[i].sock, args->flags, true);
		if (!err)
			err = zc_sock_classify(ft[i].sock, &ft[i].kind);
		if (!err)
			err = zc_access_send(ft[i].sock, ft[i].kind,
					     args->length - t[i].bytes_sent);
		if (err) {
			t[i].error = -err;
			ft[i].refused = true;
		} else {
			ft[i].active = t[i].bytes_sent < args->length;
		}
	}
	ret = zc_fan_loop(stats, args, t, ft, file, &progress);
	zc_access_account(zc_fan_read(args, t, ft), progress);
	if (!ret)
		zc_fan_mark_eof(args, t, ft, i_size_read(file_inode(file)));
	/* What reached a socket is reported per target, not as an error. */
	if (progress) {
		zc_access_read_done(file);
		ret = 0;
	} else if (ret) {
		ret = zc_fan_fail_targets(args, t, ft, ret);
	}
out_notify:
	zc_fan_notify_finish(args, t, ft);
out_socks:
	for (i = 0; i < args->nr_targets; i++) {
		if (!ft[i].sock)
			continue;
		if (t[i].bytes_sent != ft[i].start) {
			zc_sock_eof(ft[i].sock, ft[i].kind);
			zc_stats_inc(stats, zc_sock_sends_counter(ft[i].kind));
		}
		sockfd_put(ft[i].sock);
	}
	kfree(ft);
err_file:
	fput(file);
	return ret;
}

/* ZCOPY_SEND_SENDFILE is ZCOPY_IOC_SEND's alone. */
#define ZC_FANOUT_FLAGS	(ZCOPY_SEND_FLAGS_ALL & ~ZCOPY_SEND_SENDFILE)

/* Everything in the request that can be judged without the fds. */
static int zc_fanout_check_args(const struct zcopy_fanout *args)
{
	unsigned int i;

	if (args->size != sizeof(*args) || args->flags & ~(u32)ZC_FANOUT_FLAGS)
		return -EINVAL;
	if (args->cookie && !(args->flags & ZCOPY_SEND_NOTIFY))
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(args->reserved); i++)
		if (args->reserved[i])
			return -EINVAL;
	if (!args->nr_targets || args->nr_targets > ZCOPY_FANOUT_MAX)
		return -EINVAL;
	return zc_send_range_ok(args->offset, args->length) ? 0 : -EINVAL;
}

long zc_ioctl_fanout(struct zc_file *zf, void __user *uarg)
{
	struct zcopy_fanout args;
	struct zcopy_target *t;
	void __user *ut;
	unsigned int i;
	int ret;

	zc_stats_inc(&zf->stats, ZC_FANOUT_CALLS);
	if (copy_from_user(&args, uarg, sizeof(args))) {
		ret = -EFAULT;
		goto err;
	}
	ret = zc_fanout_check_args(&args);
	if (ret)
		goto err;
	ut = u64_to_user_ptr(args.targets);
	t = kmalloc_array(args.nr_targets, sizeof(*t), GFP_KERNEL_ACCOUNT);
	if (!t) {
		ret = -ENOMEM;
		goto err;
	}
	if (copy_from_user(t, ut, args.nr_targets * sizeof(*t))) {
		ret = -EFAULT;
		goto err_targets;
	}
	for (i = 0; i < args.nr_targets; i++) {
		if (t[i].reserved[0] || t[i].reserved[1] || t[i].bytes_sent > args.length) {
			ret = -EINVAL;
			goto err_targets;
		}
	}
	/* Writable before anything is sent (written back unchanged). */
	if (copy_to_user(ut, t, args.nr_targets * sizeof(*t))) {
		ret = -EFAULT;
		goto err_targets;
	}
	ret = zc_fanout(&zf->stats, &args, t, zf->notify);
	if (ret)
		goto err_targets;
	/* The data is on its way: a failure here cannot take it back. */
	if (copy_to_user(ut, t, args.nr_targets * sizeof(*t)))
		ret = -EFAULT;
	kfree(t);
	return ret;

err_targets:
	kfree(t);
err:
	zc_stats_error(&zf->stats, ret);
	return ret;
}
