// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The interposer's one /dev/zcopy descriptor, shared by every thread.
 *
 * Opened lazily, on the first eligible call, or in the constructor with
 * ZCOPY_PRELOAD_EARLY=1: a server that starts as root and drops its
 * privileges in the processes that call sendfile (nginx's workers run as
 * www-data) must open it before the drop, as /dev/zcopy is root-only by
 * default; the workers inherit it across fork.  It is O_CLOEXEC: a
 * program this one execs must not inherit a device its user may not be
 * allowed to open (it opens its own, if it can).  A failed open is not
 * retried, so a process that cannot have the device pays for one open.
 */

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libzcopy.h"
#include "preload.h"

#define ZP_DEV_UNKNOWN	-2	/* not opened yet */
#define ZP_DEV_NONE	-1	/* cannot be had, or disabled */

static int dev_fd = ZP_DEV_UNKNOWN;

static int env_is_1(const char *name)
{
	const char *v = getenv(name);

	return v && !strcmp(v, "1");
}

static int sendfile_flag(int fd)
{
	struct zcopy_version v;

	return !zcopy_version(fd, &v) && (v.features & ZCOPY_FEATURE_SEND_SENDFILE);
}

int zp_dev(void)
{
	int fd = __atomic_load_n(&dev_fd, __ATOMIC_ACQUIRE), expect;

	if (fd != ZP_DEV_UNKNOWN)
		return fd;
	fd = zcopy_open(O_CLOEXEC);
	/* A module without ZCOPY_SEND_SENDFILE would refuse every call. */
	if (fd >= 0 && !sendfile_flag(fd)) {
		zcopy_close(fd);
		fd = ZP_DEV_NONE;
	}
	if (fd < 0)
		fd = ZP_DEV_NONE;
	expect = ZP_DEV_UNKNOWN;
	if (!__atomic_compare_exchange_n(&dev_fd, &expect, fd, 0,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		/* Another thread opened it first: use that one. */
		if (fd >= 0)
			close(fd);
		fd = expect;
	}
	return fd;
}

/*
 * ENOTTY from a zcopy ioctl, or EBADF and the descriptor is not open: the
 * program closed ours (daemons that close every descriptor at start-up
 * do), and the number names nothing or something else (whose driver
 * answers our ioctl type, which no other driver uses, with ENOTTY).  Do
 * not close it, it is not ours any more; stop using it.
 */
void zp_dev_lost(void)
{
	__atomic_store_n(&dev_fd, ZP_DEV_NONE, __ATOMIC_RELEASE);
}

void zp_dev_init(void)
{
	if (env_is_1("ZCOPY_PRELOAD_DISABLE"))
		__atomic_store_n(&dev_fd, ZP_DEV_NONE, __ATOMIC_RELEASE);
	else if (env_is_1("ZCOPY_PRELOAD_EARLY"))
		zp_dev();
}
