// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The interposed entry points.  glibc 2.36 exports sendfile and a weak
 * alias sendfile64 at the same address, and programs import either
 * (nginx and python3 import sendfile64): both are defined here, each
 * falling back to its own next definition.
 */

#include <errno.h>
#include <sys/sendfile.h>

#include "preload.h"

static ssize_t zp_sendfile(int out_fd, int in_fd, off_t *offset, size_t count,
			   int is64)
{
	int saved_errno = errno;
	enum zp_route why;
	ssize_t ret;

	why = zp_route(out_fd, in_fd, offset, count, &ret, saved_errno);
	if (why == ZP_ROUTED) {
		zp_count(ZP_ZCOPY_CALLS, 1);
		if (ret > 0)
			zp_count(ZP_ZCOPY_BYTES, ret);
		else if (ret < 0)
			zp_count(ZP_ZCOPY_ERRORS, 1);
		return ret;
	}
	zp_count(ZP_FALLBACK_CALLS, 1);
	zp_count(why == ZP_REFUSED ? ZP_FALLBACK_REFUSED :
		 why == ZP_NODEV ? ZP_FALLBACK_NODEV : ZP_FALLBACK_INELIGIBLE, 1);
	/* The real call must not see, or leave, what our probing did to errno. */
	errno = saved_errno;
	ret = zp_real_sendfile(out_fd, in_fd, offset, count, is64);
	if (ret > 0) {
		int e = errno;

		zp_count(ZP_FALLBACK_BYTES, ret);
		errno = e;
	}
	return ret;
}

ZP_EXPORT ssize_t sendfile(int out_fd, int in_fd, off_t *offset, size_t count)
{
	return zp_sendfile(out_fd, in_fd, offset, count, 0);
}

ZP_EXPORT ssize_t sendfile64(int out_fd, int in_fd, off64_t *offset, size_t count)
{
	return zp_sendfile(out_fd, in_fd, (off_t *)offset, count, 1);
}

__attribute__((constructor)) static void zp_init(void)
{
	int e = errno;

	zp_real_init();
	zp_stats_init();
	zp_dev_init();
	errno = e;
}
