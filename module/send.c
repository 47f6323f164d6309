// SPDX-License-Identifier: GPL-2.0
/*
 * The send loop: a file range to a socket, one batch of page-cache pages
 * per sendmsg, with the copy accounting.  See ZCOPY_IOC_SEND in
 * uapi/linux/zcopy.h for the contract.
 */

#include <linux/file.h>
#include <linux/fs.h>
#include <linux/moduleparam.h>
#include <linux/net.h>
#include <linux/sched/signal.h>

#include "access.h"
#include "compat.h"
#include "notify.h"
#include "pages.h"
#include "send.h"
#include "sock.h"
#include "sock_eof.h"

/*
 * Pages one call holds references on at most at a time: each batch is
 * one sendmsg.  Bigger batches mean fewer calls into the stack; the
 * bound keeps a huge send from pinning a huge part of the page cache.
 */
static unsigned int max_batch_pages = 256;
module_param(max_batch_pages, uint, 0644);
MODULE_PARM_DESC(max_batch_pages,
		 "Pages one send pins and queues per sendmsg (1..1024, default 256)");

#define ZC_BATCH_PAGES_MAX	1024U

unsigned int zc_send_max_batch_pages(void)
{
	return clamp(READ_ONCE(max_batch_pages), 1U, ZC_BATCH_PAGES_MAX);
}

/* Everything in the request that can be judged without the fds. */
int zc_send_check_args(const struct zcopy_send *args)
{
	unsigned int i;

	if (args->size != sizeof(*args))
		return -EINVAL;
	if (args->flags & ~(u32)ZCOPY_SEND_FLAGS_ALL)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(args->reserved); i++)
		if (args->reserved[i])
			return -EINVAL;
	if (args->cookie && !(args->flags & ZCOPY_SEND_NOTIFY))
		return -EINVAL;
	return zc_send_range_ok(args->offset, args->length) ? 0 : -EINVAL;
}

/* A non-empty range that ends at or before LLONG_MAX (offsets are loff_t). */
bool zc_send_range_ok(u64 offset, u64 length)
{
	return length && offset <= LLONG_MAX && length <= LLONG_MAX - offset;
}

/*
 * Bytes of the next batch at @pos with @left to go: at most @max_pages
 * pages (counting the partial first one) and @max_send bytes.
 */
size_t zc_send_batch_len(loff_t pos, u64 left, unsigned int max_pages,
			 size_t max_send)
{
	u64 room = (u64)max_pages * PAGE_SIZE - offset_in_page(pos);

	return min3(left, room, (u64)max_send);
}

/*
 * A regular file whose data is its page cache and can be read in (see
 * zc_file_reads_page_cache()).
 */
static int zc_send_check_file(struct file *file)
{
	struct inode *inode = file_inode(file);

	if (!(file->f_mode & FMODE_READ))
		return -EBADF;
	if (!S_ISREG(inode->i_mode) || IS_DAX(inode))
		return -EINVAL;
	if (!file->f_mapping || !file->f_mapping->a_ops ||
	    !file->f_mapping->a_ops->read_folio)
		return -EINVAL;
	if (!zc_file_reads_page_cache(file))
		return -EINVAL;
	return 0;
}

/*
 * The file behind @fd, with a reference, if it can be the source of a
 * send of @length bytes starting at @offset (before its end), and read(2)'s
 * permission checks allow reading them; else NULL and *@err.  fget() does
 * not return O_PATH files: they are EBADF too.
 */
struct file *zc_send_get_file(int fd, u64 offset, u64 length, int *err)
{
	struct file *file = fget(fd);

	if (!file) {
		*err = -EBADF;
		return NULL;
	}
	*err = zc_send_check_file(file);
	if (!*err && offset >= i_size_read(file_inode(file)))
		*err = -EINVAL;
	if (!*err)
		*err = zc_access_read(file, offset, length);
	if (*err) {
		fput(file);
		return NULL;
	}
	return file;
}

static int zc_send_batch(struct zc_send_ctx *c, bool more)
{
#ifdef ZC_HAVE_MSG_UBUF
	if (c->notif)
		return zc_sock_send_notify(c->sock, &c->batch, more, false,
					   zc_notif_ubuf(c->notif));
#endif
	return zc_sock_send(c->sock, c->kind, &c->batch, more);
}

/*
 * Send [@pos, @end) batch by batch.  Returns the bytes queued if any (an
 * error or signal after that only shortens the count), else 0 at end of
 * file or an error.
 */
s64 zc_send_range(struct zc_send_ctx *c, loff_t pos, loff_t end)
{
	struct inode *inode = file_inode(c->file);
	unsigned int max_pages = zc_send_max_batch_pages();
	struct zc_batch *b = &c->batch;
	s64 total = 0;
	int ret = 0;

	/* A short call needs no more room than the pages it spans. */
	max_pages = min_t(u64, max_pages, zc_pages_spanned(pos, end - pos));
	ret = zc_batch_init(b, max_pages, c->stats);
	if (ret)
		return ret;
	b->nodiskio = c->nodiskio;
	while (pos < end) {
		/* The call's stream ends here: at @end, or at end of file. */
		loff_t stop = min_t(loff_t, end, i_size_read(inode));
		enum zc_counter reason;
		size_t len;
		int sent;

		if (total && signal_pending(current))
			break;
		if (pos >= stop)
			break;
		len = zc_send_batch_len(pos, stop - pos, max_pages,
					min(zc_sock_max_send(c->sock, c->kind),
					    zc_sock_room(c->sock, c->kind, false)));
		ret = zc_batch_fill(b, c->file, pos, len);
		if (ret)
			break;
		if (!b->bytes) {
			/* Not cached (no-disk-I/O), or truncated under us. */
			if (b->uncached)
				ret = -EAGAIN;
			break;
		}
		reason = zc_sock_copy_reason(c->sock, c->kind, b);
		if (c->strict && reason != ZC_BYTES_BY_REF) {
			zc_batch_release(b);
			ret = -EXDEV;
			break;
		}
		sent = zc_send_batch(c, pos + b->bytes < stop || c->more_after);
		len = b->bytes;
		/* The stack holds its own references on what it queued. */
		zc_batch_release(b);
		if (sent <= 0) {
			ret = sent;
			break;
		}
		zc_stats_add(c->stats, reason, sent);
		if (c->notif && reason != ZC_BYTES_BY_REF)
			zc_notif_copied_at_send(c->notif);
		total += sent;
		pos += sent;
		if ((size_t)sent < len)
			break;	/* buffer full (non-blocking) or a signal */
		if (b->read_error)
			break;	/* a short count; the next call gets the EIO */
		cond_resched();
	}
	zc_batch_destroy(b);
	return total ? total : ret;
}

/*
 * A notifying call goes through TCP's MSG_ZEROCOPY with msg_ubuf, which
 * UDP and UNIX sockets handle differently or not at all.
 */
int zc_send_check_notify(enum zc_sock_kind kind)
{
	if (!ZC_CAN_NOTIFY)
		return -EOPNOTSUPP;
	if (kind != ZC_SOCK_TCP4 && kind != ZC_SOCK_TCP6)
		return -EOPNOTSUPP;
	return 0;
}

/*
 * ZCOPY_SEND_SENDFILE: what sendfile(2) would do otherwise is refused, so
 * that an interposer can hand it to the real call.
 */
static int zc_send_check_sendfile(struct file *file, struct socket *sock,
				  enum zc_sock_kind kind)
{
	if (kind != ZC_SOCK_TCP4 && kind != ZC_SOCK_TCP6)
		return -EOPNOTSUPP;
	if ((sock->file->f_flags & O_APPEND) || (file->f_flags & O_DIRECT))
		return -EINVAL;
	return 0;
}

/*
 * What @flags refuse of the socket's kind (not TCP for ZCOPY_SEND_NOTIFY
 * and ZCOPY_SEND_SENDFILE, UDP where @udp_ok is false), judged before
 * zc_sock_classify() consumes the socket's pending error: a call refused
 * for the kind of socket leaves the socket as it was.  A socket of a kind
 * zcopy does not send to is left to zc_sock_classify().
 */
int zc_send_check_kind(struct socket *sock, u32 flags, bool udp_ok)
{
	enum zc_sock_kind kind;

	if (zc_sock_kind(sock, &kind))
		return 0;
	if (flags & (ZCOPY_SEND_NOTIFY | ZCOPY_SEND_SENDFILE) &&
	    kind != ZC_SOCK_TCP4 && kind != ZC_SOCK_TCP6)
		return -EOPNOTSUPP;
	if (!udp_ok && kind == ZC_SOCK_UDP)
		return -EOPNOTSUPP;
	return 0;
}

int zc_send(struct zc_stats *stats, struct zcopy_send *args,
	    struct zc_notify_queue *nq)
{
	struct zc_send_ctx c = { .stats = stats };
	struct file *file;
	s64 sent;
	int ret;

	ret = zc_send_check_args(args);
	if (ret)
		return ret;
	c.strict = args->flags & ZCOPY_SEND_STRICT;
	c.nodiskio = args->flags & ZCOPY_SEND_NODISKIO;

	file = zc_send_get_file(args->file_fd, args->offset, args->length, &ret);
	if (!file)
		return ret;
	c.file = file;

	c.sock = sockfd_lookup(args->sock_fd, &ret);
	if (!c.sock)
		goto err_file;
	ret = zc_send_check_kind(c.sock, args->flags, true);
	if (!ret)
		ret = zc_sock_classify(c.sock, &c.kind);
	if (!ret && (args->flags & ZCOPY_SEND_SENDFILE))
		ret = zc_send_check_sendfile(file, c.sock, c.kind);
	if (!ret)
		ret = zc_access_send(c.sock, c.kind, args->length);
	if (ret)
		goto err_sock;

	if (args->flags & ZCOPY_SEND_NOTIFY) {
		ret = zc_send_check_notify(c.kind);
		if (ret)
			goto err_sock;
		c.notif = zc_notif_create(nq, args->cookie, 0);
		if (!c.notif) {
			ret = -ENOMEM;
			goto err_sock;
		}
	}
	sent = zc_send_range(&c, args->offset, args->offset + args->length);
	zc_access_account(max_t(s64, sent, 0), max_t(s64, sent, 0));
	if (sent > 0) {
		zc_sock_eof(c.sock, c.kind);
		zc_access_read_done(file);
	}
	if (sent < 0) {
		if (c.notif)
			zc_notif_cancel(c.notif);
		ret = sent;
		goto err_sock;
	}
	/* Every successful notifying call has a record, even one of 0 bytes. */
	if (c.notif)
		zc_notif_commit(c.notif, sent);
	args->bytes_sent = sent;
	if (sent)
		zc_stats_inc(stats, zc_sock_sends_counter(c.kind));
	ret = 0;

err_sock:
	sockfd_put(c.sock);
err_file:
	fput(file);
	return ret;
}
