// SPDX-License-Identifier: GPL-2.0
/*
 * zcopy module entry points.  Everything the device needs is set up
 * before the device is registered, and the device goes first on exit, so
 * no ioctl can ever see a half-initialised module.
 */

#include <linux/module.h>
#include <linux/slab.h>

#include "zcopy.h"

/*
 * The test bed's self-test (tools/vm/check) builds variants of the module
 * that misbehave on purpose, to prove that a WARN or a leak fails a run.
 * Release builds never define these.
 */
static void zc_bed_selftest(void)
{
#ifdef ZC_BED_SELFTEST_WARN
	WARN(1, "zcopy: deliberate WARN for the test bed's self-test\n");
#endif
#ifdef ZC_BED_SELFTEST_LEAK
	pr_info("zcopy: deliberate leak for the test bed's self-test: %d\n",
		!!kmalloc(64, GFP_KERNEL));
#endif
}

static int __init zc_init(void)
{
	int ret;

	/*
	 * The counters and the ledger live in debugfs, which may be off
	 * (debugfs=off): the device works without them.
	 */
	if (zc_debugfs_init())
		pr_notice("zcopy: no debugfs, so no counters or ledger there\n");
	ret = zc_dev_init();
	if (ret)
		goto err_dev;
	zc_bed_selftest();
	pr_info("zcopy " ZCOPY_VERSION_STRING " loaded\n");
	return 0;

err_dev:
	zc_debugfs_exit();
	return ret;
}

static void __exit zc_exit(void)
{
	zc_dev_exit();
	zc_debugfs_exit();
}

module_init(zc_init);
module_exit(zc_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Zero-copy file to socket transmission, with copy accounting");
MODULE_VERSION(ZCOPY_VERSION_STRING);
MODULE_AUTHOR("The zcopy developers");
