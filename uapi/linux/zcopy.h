/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * zcopy: send page-cache pages of a file to sockets without CPU copies.
 *
 * Userspace opens /dev/zcopy and issues the ioctls below on that file
 * descriptor.  Every structure is made of fixed-width fields, carries a
 * size or flags field, and keeps reserved space that must be zero, so the
 * interface can grow without breaking existing binaries.  Unknown flags and
 * non-zero reserved fields are rejected with EINVAL, never ignored.
 *
 * Errors common to every ioctl:
 *  * ENOTTY - the command is not a zcopy ioctl (or is from a newer ABI).
 *  * EFAULT - an argument pointer is not readable/writable user memory.
 *  * EINVAL - @size is not the size this ABI defines, a flag unknown to the
 *             module is set, or a reserved field is not zero.
 */
#ifndef _UAPI_LINUX_ZCOPY_H
#define _UAPI_LINUX_ZCOPY_H

#include <linux/const.h>
#include <linux/ioctl.h>
#include <linux/types.h>

/* Major number of the ioctl interface; free in ioctl-number.rst. */
#define ZCOPY_IOCTL_MAGIC	0xCE

/* Bumped on any incompatible change (there has been none). */
#define ZCOPY_ABI_VERSION	1

/**
 * struct zcopy_version - what the loaded module is and can do.
 * @size:        in: sizeof(struct zcopy_version).
 * @flags:       in: must be 0.
 * @abi_version: out: ZCOPY_ABI_VERSION of the module.
 * @major:       out: module release, major part.
 * @minor:       out: module release, minor part.
 * @patch:       out: module release, patch part.
 * @features:    out: ZCOPY_FEATURE_* bits the module supports.
 * @reserved:    in: must be 0; out: 0.
 */
struct zcopy_version {
	__u32 size;
	__u32 flags;
	__u32 abi_version;
	__u32 major;
	__u32 minor;
	__u32 patch;
	__u64 features;
	__u64 reserved[4];
};

/*
 * ZCOPY_FEATURE_* - bits in zcopy_version.features.
 * ZCOPY_FEATURE_KUNIT: the module was built with its KUnit suites.
 */
#define ZCOPY_FEATURE_KUNIT	_BITULL(63)

/**
 * ZCOPY_IOC_VERSION - _IOWR(ZCOPY_IOCTL_MAGIC, 0x00, struct zcopy_version)
 *
 * Report the module's ABI version, release and feature bits.  Never blocks
 * and needs no privilege beyond an open /dev/zcopy.
 *
 * Context: process context.
 *
 * Return:
 *  * 0      - success, the out fields are filled.
 *  * EFAULT - the argument is not valid user memory.
 *  * EINVAL - @size != sizeof(struct zcopy_version), @flags != 0, or
 *             @reserved is not zero.
 */
#define ZCOPY_IOC_VERSION	_IOWR(ZCOPY_IOCTL_MAGIC, 0x00, struct zcopy_version)

#endif /* _UAPI_LINUX_ZCOPY_H */
