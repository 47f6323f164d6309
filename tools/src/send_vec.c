// SPDX-License-Identifier: GPL-2.0
/*
 * zcopy send FILE HOST:PORT --header STR --trailer STR: the header, the
 * file range and the trailer as one stream with ZCOPY_IOC_SENDV (the
 * header and trailer are copied, the file is not).  A short count (a
 * signal) resumes with what is left of the vector.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/zcopy.h>

#include "zcopy.h"

/* The segments of the stream, less its first @done bytes. */
static unsigned int build(struct zcopy_segment *s, const char *hdr, int fd,
			  unsigned long long off, unsigned long long len,
			  const char *trl, unsigned long long done)
{
	struct { int file; const char *p; unsigned long long off, len; } part[3] = {
		{ 0, hdr, 0, hdr ? strlen(hdr) : 0 },
		{ 1, NULL, off, len },
		{ 0, trl, 0, trl ? strlen(trl) : 0 },
	};
	unsigned int n = 0, i;

	for (i = 0; i < 3; i++) {
		unsigned long long skip = done < part[i].len ? done : part[i].len;

		done -= skip;
		if (part[i].len == skip)
			continue;
		memset(&s[n], 0, sizeof(s[n]));
		s[n].length = part[i].len - skip;
		if (part[i].file) {
			s[n].type = ZCOPY_SEG_FILE;
			s[n].fd = fd;
			s[n].offset = part[i].off + skip;
		} else {
			s[n].type = ZCOPY_SEG_MEM;
			s[n].fd = -1;
			s[n].addr = (unsigned long)(part[i].p + skip);
		}
		n++;
	}
	return n;
}

int zc_send_vec(int dev, int fd, int sock, unsigned long long off,
		unsigned long long len, unsigned int flags, const char *hdr,
		const char *trl, unsigned long long *total)
{
	struct zcopy_segment s[3];
	unsigned int n;

	*total = 0;
	while ((n = build(s, hdr, fd, off, len, trl, *total))) {
		struct zcopy_sendv v = {
			.size = sizeof(v), .flags = flags, .sock_fd = sock,
			.nr_segs = n, .segs = (unsigned long)s,
		};

		if (ioctl(dev, ZCOPY_IOC_SENDV, &v)) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "zcopy: ZCOPY_IOC_SENDV: %s (after %llu bytes)\n",
				strerror(errno), *total);
			return 1;
		}
		if (!v.bytes_sent)
			break;	/* the file got shorter */
		*total += v.bytes_sent;
	}
	return 0;
}
