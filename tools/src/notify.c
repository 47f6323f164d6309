// SPDX-License-Identifier: GPL-2.0
/*
 * zcopy send --notify: wait for the completion record of every call made
 * with ZCOPY_SEND_NOTIFY and print one line per record:
 *   notify cookie=N bytes=B copied=no
 *   notify cookie=N bytes=B copied=yes(at-delivery[,at-send])
 *   notify overflow dropped=N
 */

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <libzcopy.h>

#include "zcopy.h"

static void print_record(const struct zcopy_notification *r)
{
	if (r->flags & ZCOPY_NOTIFY_OVERFLOW) {
		printf("notify overflow dropped=%u\n", r->dropped);
		return;
	}
	printf("notify cookie=%llu bytes=%llu copied=%s%s%s%s\n",
	       (unsigned long long)r->cookie, (unsigned long long)r->bytes,
	       r->flags & ZCOPY_NOTIFY_COPIED ? "yes(" : "no",
	       r->flags & ZCOPY_NOTIFY_COPIED_AT_DELIVERY ? "at-delivery" : "",
	       (r->flags & ZCOPY_NOTIFY_COPIED_AT_DELIVERY) &&
	       (r->flags & ZCOPY_NOTIFY_COPIED_AT_SEND) ? ",at-send" :
	       r->flags & ZCOPY_NOTIFY_COPIED_AT_SEND ? "at-send" : "",
	       r->flags & ZCOPY_NOTIFY_COPIED ? ")" : "");
}

int zc_notify_wait(int dev, unsigned long long calls)
{
	struct zcopy_notification recs[64];
	unsigned long long seen = 0;
	ssize_t n, i;

	while (seen < calls) {
		struct pollfd p = { .fd = dev, .events = POLLIN };

		if (poll(&p, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("zcopy: poll /dev/zcopy");
			return 1;
		}
		n = zcopy_read_notifications(dev, recs, sizeof(recs) / sizeof(recs[0]));
		if (n < 0) {
			if (n == -EINTR || n == -EAGAIN)
				continue;
			perror("zcopy: read /dev/zcopy");
			return 1;
		}
		for (i = 0; i < n; i++) {
			print_record(&recs[i]);
			seen += recs[i].flags & ZCOPY_NOTIFY_OVERFLOW ?
				recs[i].dropped : 1;
		}
	}
	return 0;
}
