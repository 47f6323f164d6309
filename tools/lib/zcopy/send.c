// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * libzcopy: the three sending ioctls (one range to one socket, one range
 * to many, a vector of memory and file segments) and the helpers that
 * build their arguments.
 */

#include <string.h>
#include <sys/ioctl.h>

#include "internal.h"

ZC_API int zcopy_send(int dev, int file_fd, int sock_fd, uint64_t offset,
		      uint64_t length, unsigned int flags, uint64_t cookie,
		      uint64_t *sent)
{
	struct zcopy_send s = {
		.size = sizeof(s), .flags = flags, .file_fd = file_fd,
		.sock_fd = sock_fd, .offset = offset, .length = length,
		.cookie = cookie,
	};

	if (ioctl(dev, ZCOPY_IOC_SEND, &s))
		return zc_neg_errno();
	if (sent)
		*sent = s.bytes_sent;
	return 0;
}

ZC_API void zcopy_target_init(struct zcopy_target *t, int sock_fd)
{
	memset(t, 0, sizeof(*t));
	t->sock_fd = sock_fd;
}

ZC_API int zcopy_fanout(int dev, int file_fd, uint64_t offset, uint64_t length,
			struct zcopy_target *targets, unsigned int n,
			unsigned int flags, uint64_t cookie)
{
	struct zcopy_fanout f = {
		.size = sizeof(f), .flags = flags, .file_fd = file_fd,
		.nr_targets = n, .offset = offset, .length = length,
		.targets = (uintptr_t)targets, .cookie = cookie,
	};

	return ioctl(dev, ZCOPY_IOC_FANOUT, &f) ? zc_neg_errno() : 0;
}

ZC_API void zcopy_seg_file(struct zcopy_segment *s, int fd, uint64_t offset,
			   uint64_t length)
{
	memset(s, 0, sizeof(*s));
	s->type = ZCOPY_SEG_FILE;
	s->fd = fd;
	s->offset = offset;
	s->length = length;
}

ZC_API void zcopy_seg_mem(struct zcopy_segment *s, const void *addr,
			  uint64_t length)
{
	memset(s, 0, sizeof(*s));
	s->type = ZCOPY_SEG_MEM;
	s->fd = -1;
	s->addr = (uintptr_t)addr;
	s->length = length;
}

ZC_API unsigned int zcopy_segs_advance(struct zcopy_segment *segs,
				       unsigned int n, uint64_t done)
{
	unsigned int i;

	for (i = 0; i < n && done >= segs[i].length; i++)
		done -= segs[i].length;
	if (i < n && done) {
		/* Part of this segment went: the rest starts later in it. */
		if (segs[i].type == ZCOPY_SEG_FILE)
			segs[i].offset += done;
		else
			segs[i].addr += done;
		segs[i].length -= done;
	}
	return i;
}

ZC_API int zcopy_sendv(int dev, int sock_fd, const struct zcopy_segment *segs,
		       unsigned int n, unsigned int flags, uint64_t *sent)
{
	struct zcopy_sendv v = {
		.size = sizeof(v), .flags = flags, .sock_fd = sock_fd,
		.nr_segs = n, .segs = (uintptr_t)segs,
	};

	if (ioctl(dev, ZCOPY_IOC_SENDV, &v))
		return zc_neg_errno();
	if (sent)
		*sent = v.bytes_sent;
	return 0;
}
