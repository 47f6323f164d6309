/* SPDX-License-Identifier: GPL-2.0 */
/* ZCOPY_IOC_SEND: checking a request and carrying it out. */
#ifndef ZCOPY_SEND_H
#define ZCOPY_SEND_H

#include <linux/fs.h>
#include <linux/types.h>
#include <linux/zcopy.h>

#include "pages.h"
#include "sock.h"
#include "stats.h"

int zc_send_check_args(const struct zcopy_send *args);
size_t zc_send_batch_len(loff_t pos, u64 left, unsigned int max_pages,
			 size_t max_send);
struct zc_notify_queue;
struct zc_notif;
int zc_send(struct zc_stats *stats, struct zcopy_send *args,
	    struct zc_notify_queue *nq);
bool zc_send_range_ok(u64 offset, u64 length);
struct file *zc_send_get_file(int fd, u64 offset, u64 length, int *err);

/* One file range to one socket, as a part of a send. */
struct zc_send_ctx {
	struct zc_stats *stats;
	struct file *file;
	struct socket *sock;
	enum zc_sock_kind kind;
	bool strict;
	bool nodiskio;
	bool more_after;	/* more of the stream follows this range */
	struct zc_notif *notif;	/* with ZCOPY_SEND_NOTIFY */
	struct zc_batch batch;
};

s64 zc_send_range(struct zc_send_ctx *c, loff_t pos, loff_t end);
unsigned int zc_send_max_batch_pages(void);

enum zc_sock_kind;
int zc_send_check_notify(enum zc_sock_kind kind);
int zc_send_check_kind(struct socket *sock, u32 flags, bool udp_ok);

struct zcopy_fanout;
struct zcopy_target;
int zc_fanout(struct zc_stats *stats, const struct zcopy_fanout *args,
	      struct zcopy_target *targets, struct zc_notify_queue *nq);

#endif /* ZCOPY_SEND_H */
