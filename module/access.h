/* SPDX-License-Identifier: GPL-2.0 */
/* The checks and reports read(2) and write(2) make, made for zcopy's reads. */
#ifndef ZCOPY_ACCESS_H
#define ZCOPY_ACCESS_H

#include <linux/fs.h>
#include <linux/net.h>

#include "sock.h"

bool zc_file_reads_page_cache(struct file *file);
int zc_access_read(struct file *file, loff_t pos, u64 count);
void zc_access_read_done(struct file *file);
void zc_access_account(u64 read, u64 written);
int zc_access_send(struct socket *sock, enum zc_sock_kind kind, u64 count);

#endif /* ZCOPY_ACCESS_H */
