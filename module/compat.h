/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place that knows kernels differ.  Feature macros come from
 * generated/features.h, written by compat/probe.sh from the headers being
 * built against; core files test only the ZC_HAVE_* macros below.
 */
#ifndef ZCOPY_COMPAT_H
#define ZCOPY_COMPAT_H

#include "generated/features.h"

#endif /* ZCOPY_COMPAT_H */
