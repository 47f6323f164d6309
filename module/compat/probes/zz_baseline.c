// SPDX-License-Identifier: GPL-2.0
/* Must always compile: if it does not, the probe run itself is broken. */
#include <linux/module.h>
MODULE_LICENSE("GPL");
