// SPDX-License-Identifier: GPL-2.0
/*
 * ZCOPY_IOC_SENDV: file and memory segments in order, as one stream (see
 * the uapi header).  Every segment is checked, and every file taken,
 * before the first byte goes out, so a bad vector sends nothing.
 */

#include <linux/file.h>
#include <linux/net.h>
#include <linux/pagemap.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/zcopy.h>

#include "access.h"
#include "compat.h"
#include "send.h"
#include "sendv.h"
#include "sock_eof.h"
#include "zcopy.h"

VISIBLE_IF_KUNIT int zc_sendv_check_args(const struct zcopy_sendv *a)
{
	unsigned int i;

	/* Notifications are per call of ZCOPY_IOC_SEND and FANOUT only. */
	if (a->size != sizeof(*a) ||
	    a->flags & ~(u32)(ZCOPY_SEND_STRICT | ZCOPY_SEND_NODISKIO))
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(a->reserved); i++)
		if (a->reserved[i])
			return -EINVAL;
	if (!a->nr_segs || a->nr_segs > ZCOPY_SENDV_MAX_SEGS)
		return -EINVAL;
	return 0;
}

/* Check one segment; a file segment's file is returned in @filep. */
VISIBLE_IF_KUNIT int zc_seg_check(const struct zcopy_segment *s, struct file **filep)
{
	int ret;

	if (s->reserved[0] || s->reserved[1] || !s->length)
		return -EINVAL;
	switch (s->type) {
	case ZCOPY_SEG_MEM:
		if (s->fd != -1 || s->offset || s->length > ZCOPY_SEG_MEM_MAX)
			return -EINVAL;
		/*
		 * Fault it in now, so that a bad address fails the call before
		 * anything is sent (unmapping it meanwhile from another thread
		 * still ends the stream there, with a short count).
		 */
		if (!access_ok(u64_to_user_ptr(s->addr), s->length) ||
		    fault_in_readable(u64_to_user_ptr(s->addr), s->length))
			return -EFAULT;
		return 0;
	case ZCOPY_SEG_FILE:
		if (s->addr || !zc_send_range_ok(s->offset, s->length))
			return -EINVAL;
		*filep = zc_send_get_file(s->fd, s->offset, s->length, &ret);
		return ret;
	default:
		return -EINVAL;
	}
}

/* Send the checked segments; returns the bytes queued, or an error. */
static s64 zc_sendv_segments(struct zc_send_ctx *c, const struct zcopy_segment *segs,
			     struct file **files, unsigned int nr)
{
	s64 total = 0, from_files = 0, sent = 0;
	unsigned int i;

	for (i = 0; i < nr; i++) {
		const struct zcopy_segment *s = &segs[i];
		bool more = i + 1 < nr;

		if (s->type == ZCOPY_SEG_FILE) {
			c->file = files[i];
			c->more_after = more;
			sent = zc_send_range(c, s->offset, s->offset + s->length);
			if (sent > 0) {
				zc_access_read_done(c->file);
				from_files += sent;
			}
		} else {
			sent = zc_sock_send_user(c->sock, u64_to_user_ptr(s->addr),
						 s->length, more);
			if (sent > 0)
				zc_stats_add(c->stats, ZC_BYTES_COPIED_USER_SEGMENTS, sent);
		}
		if (sent < 0)
			break;
		total += sent;
		/* A short segment ends the stream here: the rest would not follow on. */
		if (sent < s->length || (more && signal_pending(current)))
			break;
	}
	zc_access_account(from_files, total);
	return total || sent >= 0 ? total : sent;
}

long zc_ioctl_sendv(struct zc_file *zf, void __user *uarg)
{
	struct zcopy_sendv __user *ua = uarg;
	struct zc_send_ctx c = { .stats = &zf->stats };
	struct zcopy_segment *segs;
	struct zcopy_sendv args;
	struct file **files;
	unsigned int i;
	s64 sent;
	int ret;

	zc_stats_inc(&zf->stats, ZC_SENDV_CALLS);
	if (copy_from_user(&args, ua, sizeof(args))) {
		ret = -EFAULT;
		goto err;
	}
	ret = zc_sendv_check_args(&args);
	if (ret)
		goto err;
	segs = kmalloc_array(args.nr_segs, sizeof(*segs), GFP_KERNEL_ACCOUNT);
	files = kcalloc(args.nr_segs, sizeof(*files), GFP_KERNEL_ACCOUNT);
	if (!segs || !files) {
		ret = -ENOMEM;
		goto err_files;
	}
	if (copy_from_user(segs, u64_to_user_ptr(args.segs),
			   args.nr_segs * sizeof(*segs))) {
		ret = -EFAULT;
		goto err_files;
	}
	for (i = 0; i < args.nr_segs; i++) {
		ret = zc_seg_check(&segs[i], &files[i]);
		if (ret)
			goto err_files;
	}
	/* Writable before anything is sent (written back unchanged). */
	if (put_user(args.bytes_sent, &ua->bytes_sent)) {
		ret = -EFAULT;
		goto err_files;
	}
	c.sock = sockfd_lookup(args.sock_fd, &ret);
	if (!c.sock)
		goto err_files;
	ret = zc_send_check_kind(c.sock, args.flags, false);
	if (!ret)
		ret = zc_sock_classify(c.sock, &c.kind);
	if (!ret)
		ret = zc_access_send(c.sock, c.kind, U64_MAX);
	if (ret)
		goto err_sock;
	c.strict = args.flags & ZCOPY_SEND_STRICT;
	c.nodiskio = args.flags & ZCOPY_SEND_NODISKIO;

	sent = zc_sendv_segments(&c, segs, files, args.nr_segs);
	if (sent < 0) {
		ret = sent;
		goto err_sock;
	}
	if (sent) {
		zc_sock_eof(c.sock, c.kind);
		zc_stats_inc(&zf->stats, zc_sock_sends_counter(c.kind));
	}
	/* The data is on its way: a failure here cannot take it back. */
	if (put_user(sent, &ua->bytes_sent))
		ret = -EFAULT;

err_sock:
	sockfd_put(c.sock);
err_files:
	for (i = 0; files && i < args.nr_segs; i++)
		if (files[i])
			fput(files[i]);
	kfree(files);
	kfree(segs);
err:
	if (ret)
		zc_stats_error(&zf->stats, ret);
	return ret;
}
