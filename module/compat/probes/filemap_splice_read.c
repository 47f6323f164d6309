// SPDX-License-Identifier: GPL-2.0
/* filemap_splice_read(): the generic page-cache ->splice_read (6.5). */
#include <linux/fs.h>
#include <linux/module.h>
bool zc_probe(const struct file_operations *fop);
bool zc_probe(const struct file_operations *fop)
{
	return fop->splice_read == filemap_splice_read;
}
MODULE_LICENSE("GPL");
