/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * libzcopy-preload: sendfile(2) through /dev/zcopy where zcopy sends by
 * page reference, the real sendfile everywhere else.  Shared by the
 * interposer's source files.
 */
#ifndef ZCOPY_PRELOAD_H
#define ZCOPY_PRELOAD_H

#include <stddef.h>
#include <sys/types.h>

#define ZP_EXPORT __attribute__((visibility("default")))

/* What the zcopy attempt made of a call (route.c). */
enum zp_route {
	ZP_ROUTED,	/* zcopy answered: bytes, or an errno of its own */
	ZP_INELIGIBLE,	/* not a case zcopy sends by reference: never tried */
	ZP_REFUSED,	/* zcopy refused it before sending anything */
	ZP_NODEV,	/* no usable /dev/zcopy */
};

/*
 * Try zcopy for one sendfile call.  On ZP_ROUTED, *ret and errno are the
 * call's result (errno @saved_errno on success); otherwise nothing was
 * sent, the offset and file position are untouched, and the caller must
 * make the real call.
 */
enum zp_route zp_route(int out_fd, int in_fd, off_t *offset, size_t count,
		       ssize_t *ret, int saved_errno);

/* The device descriptor, opened on first use; -1 if there is none (dev.c). */
int zp_dev(void);
/* The descriptor stopped answering as /dev/zcopy: never use it again. */
void zp_dev_lost(void);
/* Read the environment and, with ZCOPY_PRELOAD_EARLY=1, open the device. */
void zp_dev_init(void);

/* The next definition of sendfile / sendfile64 (real.c). */
ssize_t zp_real_sendfile(int out_fd, int in_fd, off_t *offset, size_t count,
			 int is64);
void zp_real_init(void);

/* Counters (stats.c): relaxed atomics, dumped at exit. */
enum zp_counter {
	ZP_ZCOPY_CALLS, ZP_ZCOPY_BYTES, ZP_ZCOPY_ERRORS,
	ZP_FALLBACK_CALLS, ZP_FALLBACK_BYTES,
	ZP_FALLBACK_INELIGIBLE, ZP_FALLBACK_REFUSED, ZP_FALLBACK_NODEV,
	ZP_NR_COUNTERS,
};
void zp_count(enum zp_counter c, unsigned long long v);
void zp_stats_init(void);

#endif
