// SPDX-License-Identifier: GPL-2.0
/* <kunit/visibility.h> (absent from early 6.1 releases). */
#include <linux/module.h>
#include <kunit/visibility.h>
MODULE_LICENSE("GPL");
