// SPDX-License-Identifier: GPL-2.0
/*
 * shmem_kernel_file_setup() takes a vma_flags_t (7.x) instead of an
 * unsigned long of VM_* flags.  Only the KUnit suites use it.
 */
#include <linux/module.h>
#include <linux/shmem_fs.h>
struct file *zc_probe(void);
struct file *zc_probe(void)
{
	return shmem_kernel_file_setup("zc-probe", PAGE_SIZE, EMPTY_VMA_FLAGS);
}
MODULE_LICENSE("GPL");
