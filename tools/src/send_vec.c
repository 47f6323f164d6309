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
#include <libzcopy.h>

#include "zcopy.h"

int zc_send_vec(int dev, int fd, int sock, unsigned long long off,
		unsigned long long len, unsigned int flags, const char *hdr,
		const char *trl, unsigned long long *total)
{
	struct zcopy_segment s[3];
	unsigned int n = 0, first = 0;
	uint64_t sent;
	int ret;

	/* Empty pieces are left out: the module refuses 0-byte segments. */
	if (hdr && *hdr)
		zcopy_seg_mem(&s[n++], hdr, strlen(hdr));
	if (len)
		zcopy_seg_file(&s[n++], fd, off, len);
	if (trl && *trl)
		zcopy_seg_mem(&s[n++], trl, strlen(trl));
	*total = 0;
	while (first < n) {
		ret = zcopy_sendv(dev, sock, &s[first], n - first, flags, &sent);
		if (ret == -EINTR)
			continue;
		if (ret) {
			fprintf(stderr, "zcopy: ZCOPY_IOC_SENDV: %s (after %llu bytes)\n",
				strerror(-ret), *total);
			return 1;
		}
		if (!sent)
			break;	/* the file got shorter */
		*total += sent;
		first += zcopy_segs_advance(&s[first], n - first, sent);
	}
	return 0;
}
