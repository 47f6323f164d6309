// SPDX-License-Identifier: GPL-2.0
/*
 * The copy ledger (see ledger.h).  debugfs interface:
 *   ledger_pid  write a pid to arm for that process (counters restart at
 *               0), 0 to disarm; read gives the armed pid (0: disarmed).
 *   ledger      "name value" lines; value "unavailable" where the kernel
 *               symbol could not be probed, and "incomplete" where one of
 *               the counter's probes missed an event since arming (the
 *               kernel had no return-probe instance free, or the probe
 *               hit inside another probe's handler), so a missing or
 *               lossy probe is never mistaken for "no copies".  After a
 *               disarm the last arm's values stay, with the same words.
 *
 * The probes are registered at the first arm and stay until the module
 * is unloaded: a disarm only stops the counting.  Until the first arm
 * the ledger costs nothing; after it, every call of a probed function
 * in the system pays a probe hit that the filter turns away.  Removing
 * a probe rewrites kernel text under running CPUs, and doing that at
 * every disarm made a probed call trap on a breakpoint that was already
 * gone (an "Oops: int3" seen about once in 70 runs of the ledger tests
 * on 6.12 under qemu's multi-threaded TCG); once per module load keeps
 * that window as rare as the kernel's own module unloads.
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

/*
 * Return-probe instances per probed function (0: sized at each arm, see
 * zl_maxactive()).  A call holds one from entry to return, sleeping
 * included; a call that finds none is missed and makes its counter read
 * "incomplete".  Read at arm.
 */
static unsigned int ledger_maxactive;
module_param(ledger_maxactive, uint, 0644);
MODULE_PARM_DESC(ledger_maxactive,
		 "Return-probe instances per probed function while the ledger is armed (0: the armed process's threads x 2 + CPUs + 64; at most 4096)");

#define ZL_MAXACTIVE_SLACK	64U	/* threads started after arming */
#define ZL_MAXACTIVE_MAX	4096U

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

/*
 * What a return probe's entry hands its return: the arm it counted for
 * (a call that returns after a disarm, or into a later arm, is not
 * counted), and for __filemap_add_folio the folio.
 */
struct zl_ret_data {
	unsigned long arm;
	struct folio *folio;
};

static unsigned long zl_arm_seq;	/* bumped at every arm and disarm */

/*
 * Entry filter of the return probes.  The kernel takes an instance from
 * the probe's pool before it calls this, and puts it straight back when
 * this returns non-zero: another task's call holds it only for this
 * instant, with preemption off (at most one per CPU), never across the
 * function, where it may sleep (a page fault in copy_to_user) and let
 * every other task in the system drain the pool.
 */
static int zl_mine_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct zl_ret_data *d = (struct zl_ret_data *)ri->data;

	if (!zl_mine())
		return 1;	/* not ours: no return probe */
	d->arm = READ_ONCE(zl_arm_seq);
	d->folio = (struct folio *)regs_get_kernel_argument(regs, 1);
	return 0;
}

/* Still the arm the call entered under? */
static bool zl_same_arm(struct kretprobe_instance *ri)
{
	return ((struct zl_ret_data *)ri->data)->arm == READ_ONCE(zl_arm_seq);
}

/*
 * size_t _copy_{to,from}_iter*(...): the return value is what was copied.
 * The entry filter let only the armed process's calls through.
 */
static int zl_copy_to_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	if (zl_same_arm(ri))
		zl_add(ZL_COPY_TO_USER, regs_return_value(regs));
	return 0;
}

static int zl_copy_from_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	if (zl_same_arm(ri))
		zl_add(ZL_COPY_FROM_USER, regs_return_value(regs));
	return 0;
}

/*
 * int __filemap_add_folio(mapping, folio, ...): count on success only.
 * The entry kept argument 1, the folio.
 */
static int zl_add_folio_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct zl_ret_data *d = (struct zl_ret_data *)ri->data;

	if (zl_same_arm(ri) && regs_return_value(regs) == 0)
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

/* What to probe; copied into a fresh struct at each registration. */
struct zl_probe_def {
	enum zc_ledger_counter counter;
	const char *symbol;
	kprobe_pre_handler_t pre;		/* a kprobe, or */
	kretprobe_handler_t ret;		/* a kretprobe */
};

static const struct zl_probe_def zl_defs[] = {
	{ ZL_COPY_TO_USER, "_copy_to_iter", .ret = zl_copy_to_ret },
	{ ZL_COPY_FROM_USER, "_copy_from_iter", .ret = zl_copy_from_ret },
	{ ZL_COPY_FROM_USER, "_copy_from_iter_nocache", .ret = zl_copy_from_ret },
	{ ZL_PAGECACHE_INSERT, "__filemap_add_folio", .ret = zl_add_folio_ret },
	{ ZL_SKB_COPY_UBUFS, "skb_copy_ubufs", .pre = zl_copy_ubufs_pre },
	{ ZL_DEV_XMIT, "dev_hard_start_xmit", .pre = zl_xmit_pre },
};

/*
 * The kernel's miss counts run from registration, which outlives an
 * arm: an arm notes where they stand (missed_base), and a disarm freezes
 * what its arm missed (missed_frozen), so that other tasks' misses
 * after it do not change the last arm's words.
 */
static struct zl_probe {
	bool registered;
	bool failed;		/* registration failed at the last attempt */
	unsigned long missed_base;
	unsigned long missed_frozen;
	struct kprobe kp;
	struct kretprobe krp;
} zl_probes[ARRAY_SIZE(zl_defs)];

static unsigned int zl_registered_maxactive;	/* of the return probes */

/*
 * A counter is available when every probe feeding it could be
 * registered: a partial count would understate copies, which is worse
 * than no count.
 */
static bool zl_available(enum zc_ledger_counter c)
{
	bool any = false;
	int i;

	for (i = 0; i < ARRAY_SIZE(zl_defs); i++) {
		if (zl_defs[i].counter != c)
			continue;
		if (zl_probes[i].failed)
			return false;
		any = true;
	}
	return any;
}

/*
 * Events probe i could not record since its registration: a return
 * probe counts calls that found no free instance in its own nmissed,
 * and hits inside another probe's handler in its kprobe's, as a plain
 * kprobe does.
 */
static unsigned long zl_missed_raw(int i)
{
	const struct zl_probe *p = &zl_probes[i];

	if (!p->registered)
		return 0;
	if (zl_defs[i].ret)
		return (unsigned int)READ_ONCE(p->krp.nmissed) +
		       READ_ONCE(p->krp.kp.nmissed);
	return READ_ONCE(p->kp.nmissed);
}

/*
 * Events probe i could not record in the current (or, disarmed, the
 * last) arm.  Whose calls they were is unknown, so any miss spoils the
 * counter.
 */
static unsigned long zl_missed(int i)
{
	const struct zl_probe *p = &zl_probes[i];

	if (!zl_pid)
		return p->missed_frozen;
	return zl_missed_raw(i) - p->missed_base;
}

static bool zl_incomplete(enum zc_ledger_counter c)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(zl_defs); i++)
		if (zl_defs[i].counter == c && zl_missed(i))
			return true;
	return false;
}

/* Stop counting; the probes stay registered (see the top of the file). */
static void zl_disarm_locked(void)
{
	struct pid *pid = zl_pid;
	int i;

	if (!pid)
		return;
	for (i = 0; i < ARRAY_SIZE(zl_defs); i++)
		zl_probes[i].missed_frozen = zl_missed(i);
	WRITE_ONCE(zl_arm_seq, zl_arm_seq + 1);
	WRITE_ONCE(zl_pid, NULL);
	/*
	 * Handlers run with preemption off and only compare the pointer;
	 * once every CPU has passed a quiescent state none holds it, and
	 * a new process's struct pid cannot be taken for the old one.
	 */
	synchronize_rcu();
	put_pid(pid);
}

static void zl_unregister_all(void)
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
	zl_registered_maxactive = 0;
}

/*
 * Registration fills in a kprobe's address and internal state, and a
 * kprobe naming both an address and a symbol is refused, so every
 * registration starts from a zeroed structure filled from its definition.
 */
static int zl_register(int i, unsigned int maxactive)
{
	const struct zl_probe_def *d = &zl_defs[i];
	struct zl_probe *p = &zl_probes[i];

	memset(&p->krp, 0, sizeof(p->krp));
	memset(&p->kp, 0, sizeof(p->kp));
	if (d->ret) {
		p->krp.kp.symbol_name = d->symbol;
		p->krp.entry_handler = zl_mine_entry;
		p->krp.handler = d->ret;
		p->krp.data_size = sizeof(struct zl_ret_data);
		p->krp.maxactive = maxactive;
		return register_kretprobe(&p->krp);
	}
	p->kp.symbol_name = d->symbol;
	p->kp.pre_handler = d->pre;
	return register_kprobe(&p->kp);
}

/*
 * Instances per return probe.  With the entry filter, only the armed
 * process's calls hold one across the function: one per thread, two
 * where an interrupt nests a call into a thread's own; and every CPU
 * may hold one for an instant for a task the filter turns away.  The
 * slack is for threads the process starts after arming.  Beyond it the
 * counter reads "incomplete", never low.
 */
static unsigned int zl_maxactive(struct pid *pid)
{
	unsigned int n = READ_ONCE(ledger_maxactive);
	struct task_struct *t;
	unsigned int threads = 1;

	if (!n) {
		t = get_pid_task(pid, PIDTYPE_PID);
		if (t) {
			threads = get_nr_threads(t);
			put_task_struct(t);
		}
		n = num_possible_cpus() + 2 * threads + ZL_MAXACTIVE_SLACK;
	}
	return min(n, ZL_MAXACTIVE_MAX);
}

/*
 * Registered probes are kept unless the return probes' instances must
 * change: fewer than this process needs, or another number set through
 * ledger_maxactive.  Probes that failed to register are tried again.
 */
static void zl_register_locked(struct pid *pid)
{
	unsigned int want = zl_maxactive(pid);
	int i, ret;

	if (zl_registered_maxactive &&
	    (READ_ONCE(ledger_maxactive) ? want != zl_registered_maxactive :
					   want > zl_registered_maxactive))
		zl_unregister_all();
	for (i = 0; i < ARRAY_SIZE(zl_defs); i++) {
		struct zl_probe *p = &zl_probes[i];

		if (p->registered)
			continue;
		ret = zl_register(i, want);
		p->registered = !ret;
		p->failed = ret;
		if (ret)
			pr_info("ledger: cannot probe %s (%d); its counter is unavailable\n",
				zl_defs[i].symbol, ret);
		else if (zl_defs[i].ret)
			zl_registered_maxactive = want;
	}
}

static int zl_arm_locked(pid_t nr)
{
	struct pid *pid = find_get_pid(nr);
	int i;

	if (!pid)
		return -ESRCH;
	zl_disarm_locked();
	zl_register_locked(pid);
	for (i = 0; i < ZL_NR; i++)
		atomic64_set(&zl_count[i], 0);
	for (i = 0; i < ARRAY_SIZE(zl_defs); i++)
		zl_probes[i].missed_base = zl_missed_raw(i);
	WRITE_ONCE(zl_arm_seq, zl_arm_seq + 1);
	WRITE_ONCE(zl_pid, pid);
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
		if (!zl_available(i))
			seq_printf(m, "%s unavailable\n", zl_names[i]);
		else if (zl_incomplete(i))
			seq_printf(m, "%s incomplete\n", zl_names[i]);
		else
			seq_printf(m, "%s %lld\n", zl_names[i],
				   (long long)atomic64_read(&zl_count[i]));
	}
	for (i = 0; i < ARRAY_SIZE(zl_defs); i++)
		missed += zl_missed(i);
	/* Events the probes could not record since the arm, all counters. */
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
	zl_unregister_all();
	mutex_unlock(&zl_lock);
}
