// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/zcopy/: the global counters, readable by root only.
 * Only numbers are shown: no kernel pointers, no file names.
 */

#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "ledger.h"
#include "zcopy.h"
#include "stats.h"

static struct dentry *zc_debugfs_dir;

static int counters_show(struct seq_file *m, void *unused)
{
	int i;

	for (i = 0; i < ZC_NR_COUNTERS; i++)
		seq_printf(m, "%s %lld\n", zc_counter_name(i),
			   (long long)atomic64_read(&zc_global_stats.v[i]));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(counters);

int zc_debugfs_init(void)
{
	struct dentry *d;

	d = debugfs_create_dir("zcopy", NULL);
	if (IS_ERR(d))
		return PTR_ERR(d);
	zc_debugfs_dir = d;
	debugfs_create_file("counters", 0400, d, NULL, &counters_fops);
	zc_ledger_debugfs_init(d);
	return 0;
}

void zc_debugfs_exit(void)
{
	/* Files first, so that nobody can arm the ledger while it goes. */
	debugfs_remove_recursive(zc_debugfs_dir);
	zc_debugfs_dir = NULL;
	zc_ledger_exit();
}
