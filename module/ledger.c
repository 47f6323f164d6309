// SPDX-License-Identifier: GPL-2.0
/*
 * The copy ledger (see ledger.h).  debugfs interface:
 *   ledger_pid  write a pid to arm for that process (counters restart at
 *               0), 0 to disarm; read gives the armed pid (0: disarmed).
 *   ledger      "name value" lines; value "unavailable" where the kernel
 *               symbol could not be probed, so a missing probe is never
 *               mistaken for "no copies".
 * Disarmed, no probe is registered and the ledger costs nothing.
 *
 * Attribution is by the task running when an event happens.  CPU copies
 * and page-cache insertions happen in the process's own context and are
 * exact; dev_xmit_bytes is a lower bound, because TCP also transmits from
 * softirq and from the peer's ACK processing, in whatever task runs then.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/kprobes.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/pagemap.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/skbuff.h>
#include <linux/uaccess.h>

#include "ledger.h"

enum zc_ledger_counter {
	ZL_COPY_TO_USER,
	ZL_COPY_FROM_USER,
	ZL_SKB_COPY_UBUFS,
	ZL_PAGECACHE_INSERT,
	ZL_DEV_XMIT,
	ZL_NR
};

static const char *const zl_names[ZL_NR] = {
	[ZL_COPY_TO_USER]	= "copy_to_user_bytes",
	[ZL_COPY_FROM_USER]	= "copy_from_user_bytes",
	[ZL_SKB_COPY_UBUFS]	= "skb_copy_ubufs_bytes",
	[ZL_PAGECACHE_INSERT]	= "pagecache_insert_pages",
	[ZL_DEV_XMIT]		= "dev_xmit_bytes",
};

static DEFINE_MUTEX(zl_lock);		/* serialises arm and disarm */
static struct pid *zl_pid;		/* armed process, or NULL */
static atomic64_t zl_count[ZL_NR];

static bool zl_mine(void)
{
	return READ_ONCE(zl_pid) == task_tgid(current);
}

static void zl_add(enum zc_ledger_counter c, s64 n)
{
	if (n > 0)
		atomic64_add(n, &zl_count[c]);
}

/* size_t _copy_{to,from}_iter*(...): the return value is what was copied. */
static int zl_copy_to_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	if (zl_mine())
		zl_add(ZL_COPY_TO_USER, regs_return_value(regs));
	return 0;
}

static int zl_copy_from_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	if (zl_mine())
		zl_add(ZL_COPY_FROM_USER, regs_return_value(regs));
	return 0;
}

/* int __filemap_add_folio(mapping, folio, ...): count on success only. */
struct zl_folio_data {
	struct folio *folio;
};

static int zl_add_folio_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct zl_folio_data *d = (struct zl_folio_data *)ri->data;

	if (!zl_mine())
		return 1;	/* not ours: no return probe */
	d->folio = (struct folio *)regs_get_kernel_argument(regs, 1);
	return 0;
}

static int zl_add_folio_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct zl_folio_data *d = (struct zl_folio_data *)ri->data;

	if (regs_return_value(regs) == 0)
		zl_add(ZL_PAGECACHE_INSERT, folio_nr_pages(d->folio));
	return 0;
}

/* int skb_copy_ubufs(skb, gfp): it copies every page fragment of skb. */
static int zl_copy_ubufs_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct sk_buff *skb = (struct sk_buff *)regs_get_kernel_argument(regs, 0);
	struct skb_shared_info *shinfo;
	s64 n = 0;
	int i;

	if (!zl_mine())
		return 0;
	shinfo = skb_shinfo(skb);
	for (i = 0; i < shinfo->nr_frags; i++)
		n += skb_frag_size(&shinfo->frags[i]);
	zl_add(ZL_SKB_COPY_UBUFS, n);
	return 0;
}

/* dev_hard_start_xmit(first, dev, ...): a list of skbs for one device. */
static int zl_xmit_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct sk_buff *skb = (struct sk_buff *)regs_get_kernel_argument(regs, 0);
	s64 n = 0;

	if (!zl_mine())
		return 0;
	for (; skb; skb = skb->next)
		n += skb->len;
	zl_add(ZL_DEV_XMIT, n);
	return 0;
}

/* What to probe; copied into a fresh struct at every arm (see below). */
struct zl_probe_def {
	enum zc_ledger_counter counter;
	const char *symbol;
	kprobe_pre_handler_t pre;		/* a kprobe, or */
	kretprobe_handler_t entry, ret;		/* a kretprobe */
	size_t data_size;
};

static const struct zl_probe_def zl_defs[] = {
	{ ZL_COPY_TO_USER, "_copy_to_iter", .ret = zl_copy_to_ret },
	{ ZL_COPY_FROM_USER, "_copy_from_iter", .ret = zl_copy_from_ret },
	{ ZL_COPY_FROM_USER, "_copy_from_iter_nocache", .ret = zl_copy_from_ret },
	{ ZL_PAGECACHE_INSERT, "__filemap_add_folio", .entry = zl_add_folio_entry,
	  .ret = zl_add_folio_ret, .data_size = sizeof(struct zl_folio_data) },
	{ ZL_SKB_COPY_UBUFS, "skb_copy_ubufs", .pre = zl_copy_ubufs_pre },
	{ ZL_DEV_XMIT, "dev_hard_start_xmit", .pre = zl_xmit_pre },
};

static struct zl_probe {
	bool registered;
	struct kprobe kp;
	struct kretprobe krp;
} zl_probes[ARRAY_SIZE(zl_defs)];

/*
 * A counter is available when every probe feeding it is registered: a
 * partial count would understate copies, which is worse than no count.
 */
static bool zl_available(enum zc_ledger_counter c)
{
	bool any = false;
	int i;

	for (i = 0; i < ARRAY_SIZE(zl_defs); i++) {
		if (zl_defs[i].counter != c)
			continue;
		if (!zl_probes[i].registered)
			return false;
		any = true;
	}
	return any;
}

static void zl_disarm_locked(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(zl_defs); i++) {
		struct zl_probe *p = &zl_probes[i];

		if (!p->registered)
			continue;
		if (zl_defs[i].ret)
			unregister_kretprobe(&p->krp);
		else
			unregister_kprobe(&p->kp);
		p->registered = false;
	}
	/* The handlers can no longer run: the pid reference may go. */
	put_pid(zl_pid);
	WRITE_ONCE(zl_pid, NULL);
}

/*
 * Registration fills in a kprobe's address and internal state, and a
 * kprobe naming both an address and a symbol is refused, so every arm
 * starts from a zeroed structure filled from its definition.
 */
static int zl_register(int i)
{
	const struct zl_probe_def *d = &zl_defs[i];
	struct zl_probe *p = &zl_probes[i];

	if (d->ret) {
		memset(&p->krp, 0, sizeof(p->krp));
		p->krp.kp.symbol_name = d->symbol;
		p->krp.entry_handler = d->entry;
		p->krp.handler = d->ret;
		p->krp.data_size = d->data_size;
		p->krp.maxactive = 64;
		return register_kretprobe(&p->krp);
	}
	memset(&p->kp, 0, sizeof(p->kp));
	p->kp.symbol_name = d->symbol;
	p->kp.pre_handler = d->pre;
	return register_kprobe(&p->kp);
}

static int zl_arm_locked(pid_t nr)
{
	struct pid *pid = find_get_pid(nr);
	int i, ret;

	if (!pid)
		return -ESRCH;
	zl_disarm_locked();
	for (i = 0; i < ZL_NR; i++)
		atomic64_set(&zl_count[i], 0);
	WRITE_ONCE(zl_pid, pid);
	for (i = 0; i < ARRAY_SIZE(zl_defs); i++) {
		ret = zl_register(i);
		zl_probes[i].registered = !ret;
		if (ret)
			pr_info("ledger: cannot probe %s (%d); its counter is unavailable\n",
				zl_defs[i].symbol, ret);
	}
	return 0;
}

static ssize_t ledger_pid_write(struct file *file, const char __user *buf,
				size_t len, loff_t *ppos)
{
	int nr, ret;

	ret = kstrtoint_from_user(buf, len, 10, &nr);
	if (ret)
		return ret;
	if (nr < 0)
		return -EINVAL;
	mutex_lock(&zl_lock);
	if (nr)
		ret = zl_arm_locked(nr);
	else
		zl_disarm_locked();
	mutex_unlock(&zl_lock);
	return ret ? ret : len;
}

static int ledger_pid_show(struct seq_file *m, void *unused)
{
	mutex_lock(&zl_lock);
	seq_printf(m, "%d\n", zl_pid ? pid_vnr(zl_pid) : 0);
	mutex_unlock(&zl_lock);
	return 0;
}

static int ledger_pid_open(struct inode *inode, struct file *file)
{
	return single_open(file, ledger_pid_show, NULL);
}

static const struct file_operations ledger_pid_fops = {
	.owner		= THIS_MODULE,
	.open		= ledger_pid_open,
	.read		= seq_read,
	.write		= ledger_pid_write,
	.llseek		= seq_lseek,
	.release	= single_release,
};

static int ledger_show(struct seq_file *m, void *unused)
{
	unsigned long missed = 0;
	int i;

	mutex_lock(&zl_lock);
	seq_printf(m, "armed_pid %d\n", zl_pid ? pid_vnr(zl_pid) : 0);
	for (i = 0; i < ZL_NR; i++) {
		if (zl_pid && !zl_available(i))
			seq_printf(m, "%s unavailable\n", zl_names[i]);
		else
			seq_printf(m, "%s %lld\n", zl_names[i],
				   (long long)atomic64_read(&zl_count[i]));
	}
	for (i = 0; i < ARRAY_SIZE(zl_defs); i++)
		if (zl_probes[i].registered)
			missed += zl_defs[i].ret ? zl_probes[i].krp.nmissed :
				  zl_probes[i].kp.nmissed;
	/* Events a probe could not record (e.g. too many at once). */
	seq_printf(m, "missed_events %lu\n", missed);
	mutex_unlock(&zl_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(ledger);

void zc_ledger_debugfs_init(struct dentry *dir)
{
	debugfs_create_file("ledger", 0400, dir, NULL, &ledger_fops);
	debugfs_create_file("ledger_pid", 0600, dir, NULL, &ledger_pid_fops);
}

/* After the debugfs files are gone: nobody can arm again. */
void zc_ledger_exit(void)
{
	mutex_lock(&zl_lock);
	zl_disarm_locked();
	mutex_unlock(&zl_lock);
}
