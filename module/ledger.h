/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The copy ledger: armed for one process, it counts what that process
 * causes in the kernel (CPU copies between user and kernel memory,
 * deferred copies of zero-copy skbs, page-cache insertions, bytes handed
 * to network devices) with kprobes registered at the first arm and kept
 * until the module is unloaded (ledger.c says why).
 */
#ifndef ZCOPY_LEDGER_H
#define ZCOPY_LEDGER_H

struct dentry;

void zc_ledger_debugfs_init(struct dentry *dir);
void zc_ledger_exit(void);

#endif /* ZCOPY_LEDGER_H */
