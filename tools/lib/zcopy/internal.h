/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* libzcopy internals shared by its source files; not installed. */
#ifndef LIBZCOPY_INTERNAL_H
#define LIBZCOPY_INTERNAL_H

#include <errno.h>

#include "libzcopy.h"

/* Only the public functions leave the shared object. */
#define ZC_API __attribute__((visibility("default")))

/* The library's failure convention: errno set, its negation returned. */
static inline int zc_neg_errno(void)
{
	return errno > 0 ? -errno : -EIO;
}

#endif
