// SPDX-License-Identifier: GPL-2.0
/*
 * What read(2) and write(2) check and report, made for zcopy's reads of
 * the page cache and its sends, so that a send does no more than a read
 * of the file followed by a write to the socket by the same process
 * could: which files may be read this way at all, the LSM and fanotify
 * permission hooks (rw_verify_area(), as sendfile(2) calls on both of its
 * files), and the access events and atime update a read makes.
 */

#include <linux/fsnotify.h>
#include <linux/sched/xacct.h>
#include <linux/socket.h>
#include <linux/string.h>
#include <linux/uio.h>

#include "access.h"
#include "compat.h"

/*
 * Local disk file systems whose own ->read_iter and ->splice_read only add
 * checks (shutdown, DAX, direct I/O, a shared inode lock) around the
 * generic page-cache read, so that a buffered read returns exactly their
 * page cache.
 */
static const char *const zc_page_cache_fs[] = {
	"ext2", "ext3", "ext4", "xfs", "btrfs", "f2fs",
};

/*
 * Whether the file's data is its page cache, so that sending its folios
 * sends what read(2) would return.  That holds where the read path is the
 * kernel's generic one (filemap_read() behind generic_file_read_iter and
 * the generic splice_read), and for the file systems listed above.  It
 * does not where the file system revalidates or fills pages in its own
 * ->read_iter (NFS, CIFS, Ceph, FUSE, 9p, cluster file systems) or where
 * ->read_folio does not read the file (kernfs/sysfs zero-fills, procfs):
 * such files are refused rather than sent stale or as zeros.
 */
bool zc_file_reads_page_cache(struct file *file)
{
	const struct file_operations *fop = file->f_op;
	const char *fs = file_inode(file)->i_sb->s_type->name;
	unsigned int i;

	if (fop->read_iter == generic_file_read_iter &&
	    fop->splice_read == zc_generic_splice_read)
		return true;
	for (i = 0; i < ARRAY_SIZE(zc_page_cache_fs); i++)
		if (!strcmp(fs, zc_page_cache_fs[i]))
			return true;
	return false;
}

/*
 * Before reading [@pos, @pos + @count) of @file: the LSM file_permission
 * hook and fanotify's FAN_ACCESS_PERM event, as read(2) makes them, and
 * (6.14+) FAN_PRE_ACCESS for the whole range, as sendfile(2) names it:
 * a hierarchical storage manager fills what the event names, so a count
 * cut to a read(2) call's MAX_RW_COUNT would leave the rest unfilled.
 * The caller has checked that @pos + @count does not overflow.
 */
int zc_access_read(struct file *file, loff_t pos, u64 count)
{
	return rw_verify_area(READ, file, &pos, min_t(u64, count, SSIZE_MAX));
}

/*
 * What the task's I/O accounting (/proc/PID/io, taskstats) counts for a
 * call, as for sendfile(2): the bytes read from files in rchar, the bytes
 * written to sockets in wchar, and one read and one write system call.
 */
void zc_access_account(u64 read, u64 written)
{
	add_rchar(current, min_t(u64, read, SSIZE_MAX));
	add_wchar(current, min_t(u64, written, SSIZE_MAX));
	inc_syscr(current);
	inc_syscw(current);
}

/* After a read that returned data: IN_ACCESS/FAN_ACCESS, and atime. */
void zc_access_read_done(struct file *file)
{
	fsnotify_access(file);
	file_accessed(file);
}

/*
 * Before writing to @sock: what sendfile(2) checks of its output file (open
 * for writing, the LSM file_permission hook for MAY_WRITE) and what
 * write(2) checks of a socket (the LSM socket_sendmsg hook).  Where
 * batches go through sendmsg (MSG_SPLICE_PAGES) the latter is made for
 * every batch; ->sendpage (6.1) bypasses it, so a stream socket is asked
 * once with an empty sendmsg, which queues nothing.  A UDP socket is not
 * (an empty sendmsg would send an empty datagram).
 */
int zc_access_send(struct socket *sock, enum zc_sock_kind kind, u64 count)
{
	int ret;

	if (!sock->file || !(sock->file->f_mode & FMODE_WRITE))
		return -EBADF;
	ret = rw_verify_area(WRITE, sock->file, NULL, min_t(u64, count, MAX_RW_COUNT));
	if (ret)
		return ret;
#ifdef ZC_SEND_BY_SENDPAGE
	if (kind != ZC_SOCK_UDP) {
		struct msghdr msg = { .msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL };

		iov_iter_kvec(&msg.msg_iter, ITER_SOURCE, NULL, 0, 0);
		ret = sock_sendmsg(sock, &msg);
		if (ret > 0)
			ret = 0;
	}
#endif
	return ret;
}
