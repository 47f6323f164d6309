// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The real sendfile: the next definition after ours in the lookup order
 * (glibc's, or another interposer's), so preloads chain.  Resolved once in
 * the constructor; a program that calls sendfile from another
 * constructor before ours has run resolves it on the spot.  If there is
 * no next definition (a static libc cannot be interposed anyway, but be
 * safe), the system call itself.
 */

#include <dlfcn.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "preload.h"

typedef ssize_t (*sendfile_fn)(int, int, off_t *, size_t);

static sendfile_fn real[2];

static sendfile_fn resolve(int is64)
{
	sendfile_fn fn = __atomic_load_n(&real[is64], __ATOMIC_ACQUIRE);

	if (!fn) {
		fn = (sendfile_fn)dlsym(RTLD_NEXT, is64 ? "sendfile64" : "sendfile");
		if (fn)
			__atomic_store_n(&real[is64], fn, __ATOMIC_RELEASE);
	}
	return fn;
}

void zp_real_init(void)
{
	resolve(0);
	resolve(1);
}

ssize_t zp_real_sendfile(int out_fd, int in_fd, off_t *offset, size_t count,
			 int is64)
{
	sendfile_fn fn = resolve(is64);

	if (fn)
		return fn(out_fd, in_fd, offset, count);
	return syscall(SYS_sendfile, out_fd, in_fd, offset, count);
}
