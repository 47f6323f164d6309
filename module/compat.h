/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place that knows kernels differ.  Feature macros come from
 * generated/features.h, written by compat/probe.sh from the headers being
 * built against; core files test only the ZC_HAVE_* macros below.
 */
#ifndef ZCOPY_COMPAT_H
#define ZCOPY_COMPAT_H

#include <linux/bvec.h>
#include <linux/err.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/shmem_fs.h>

#include "generated/features.h"

/* struct folio_batch: <linux/folio_batch.h> in 7.x, <linux/pagevec.h> before. */
#ifdef ZC_HAVE_FOLIO_BATCH_H
#include <linux/folio_batch.h>
#else
#include <linux/pagevec.h>
#endif

/*
 * Built as if the headers lacked an API (probe.sh's ZC_COMPAT_WITHOUT):
 * any use of it left outside its ZC_HAVE_* test fails to compile, as it
 * would against headers that really lack it.
 */
#ifdef ZC_WITHOUT_BVEC_SET_PAGE
#define bvec_set_page(...)	zc_compat_without_bvec_set_page(__VA_ARGS__)
#endif

/*
 * Internal functions the KUnit suites call: static unless the kernel has
 * CONFIG_KUNIT.  <kunit/visibility.h> defines VISIBLE_IF_KUNIT where it
 * exists (not in early 6.1 releases); the same definition is spelled out
 * where it does not.  The suites are linked into zcopy.ko itself, so
 * nothing is exported for them and the 6.13 change of symbol namespaces
 * to string literals (EXPORT_SYMBOL_IF_KUNIT) does not concern zcopy.
 */
#ifdef ZC_HAVE_KUNIT_VISIBILITY
#include <kunit/visibility.h>
#elif IS_ENABLED(CONFIG_KUNIT)
#define VISIBLE_IF_KUNIT
#else
#define VISIBLE_IF_KUNIT static
#endif

/*
 * KUnit static stubs: a suite replaces an internal function for the test
 * that runs, to force an interleaving that no timing can (two readers of
 * one notification queue, say).  Only in a build that links the suites in
 * (ZC_KUNIT) and where both the stubs (6.2) and user memory for a test's
 * own task (kunit_vm_mmap(), 6.10) exist; elsewhere ZC_KUNIT_STUB() is
 * nothing, so a release build has no trace of it.
 */
#if defined(ZC_KUNIT) && IS_ENABLED(CONFIG_KUNIT) && \
	defined(ZC_HAVE_KUNIT_STATIC_STUB) && defined(ZC_HAVE_KUNIT_VM_MMAP)
#include <kunit/static_stub.h>
#define ZC_KUNIT_STUBS 1
#define ZC_KUNIT_STUB(...)	KUNIT_STATIC_STUB_REDIRECT(__VA_ARGS__)
#else
#define ZC_KUNIT_STUB(...)	do { } while (0)
#endif

/*
 * TCP takes pages by reference through sendmsg(MSG_SPLICE_PAGES) only
 * where skb_splice_from_iter() exists (6.5); before, through ->sendpage.
 */
#ifdef ZC_HAVE_SKB_SPLICE_FROM_ITER
#define ZC_SEND_BY_SPLICE 1
#elif defined(ZC_HAVE_KERNEL_SENDPAGE)
#define ZC_SEND_BY_SENDPAGE 1
#else
#error "zcopy: this kernel has neither skb_splice_from_iter nor kernel_sendpage"
#endif

/*
 * Completion notifications pass the caller's struct ubuf_info to
 * sendmsg() as msghdr.msg_ubuf (6.0, for io_uring): without it, none.
 */
#ifdef ZC_HAVE_MSG_UBUF
#define ZC_CAN_NOTIFY	true
#else
#define ZC_CAN_NOTIFY	false
#endif

/*
 * The folio at @index if it is in the page cache, with a reference; else
 * NULL.  filemap_get_folio() says "absent" with NULL before 6.4 and with
 * ERR_PTR(-ENOENT) since; with no flags it has no other error, so both
 * forms are folded into NULL here, whichever the kernel uses.
 */
static inline struct folio *zc_filemap_get_folio(struct address_space *mapping,
						 pgoff_t index)
{
	struct folio *folio = filemap_get_folio(mapping, index);

	return IS_ERR_OR_NULL(folio) ? NULL : folio;
}

/*
 * @len bytes at byte @offset of @folio as one bio_vec.  Without
 * bvec_set_folio() (before 6.3) the same multi-page bio_vec is built
 * from the folio's first page, with bvec_set_page() where the kernel has
 * it (6.2, and later 6.1 releases) and field by field before.
 */
static inline void zc_bvec_set_folio(struct bio_vec *bv, struct folio *folio,
				     unsigned int len, unsigned int offset)
{
#if defined(ZC_HAVE_BVEC_SET_FOLIO)
	bvec_set_folio(bv, folio, len, offset);
#elif defined(ZC_HAVE_BVEC_SET_PAGE)
	bvec_set_page(bv, &folio->page, len, offset);
#else
	bv->bv_page = &folio->page;
	bv->bv_len = len;
	bv->bv_offset = offset;
#endif
}

/*
 * The generic page-cache ->splice_read: filemap_splice_read() since 6.5,
 * generic_file_splice_read() (which then went) before.
 */
#ifdef ZC_HAVE_FILEMAP_SPLICE_READ
#define zc_generic_splice_read	filemap_splice_read
#else
#define zc_generic_splice_read	generic_file_splice_read
#endif

/*
 * A kernel-internal shmem file of @size bytes with no VM flags (the KUnit
 * suites' page cache): the flags are a vma_flags_t from 7.x, an unsigned
 * long of VM_* bits before.
 */
static inline struct file *zc_shmem_kernel_file(const char *name, loff_t size)
{
#ifdef ZC_HAVE_SHMEM_SETUP_VMA_FLAGS
	return shmem_kernel_file_setup(name, size, EMPTY_VMA_FLAGS);
#else
	return shmem_kernel_file_setup(name, size, 0);
#endif
}

#endif /* ZCOPY_COMPAT_H */
