// SPDX-License-Identifier: GPL-2.0
/*
 * ZCOPY_IOC_VERSION and the ioctl conventions every zcopy ioctl follows:
 * exact size, zero flags and reserved fields, EFAULT, ENOTTY, counters.
 */
#include <errno.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib.h"
#include "kselftest_harness.h"

FIXTURE(dev) {
	int fd;
	struct zcopy_version v;
};

FIXTURE_SETUP(dev)
{
	self->fd = open(ZC_DEV, O_RDWR);
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", ZC_DEV, strerror(errno));
	memset(&self->v, 0, sizeof(self->v));
	self->v.size = sizeof(self->v);
}

FIXTURE_TEARDOWN(dev)
{
	close(self->fd);
}

TEST_F(dev, version_reports_abi)
{
	self->v.major = 0xdead;
	ASSERT_EQ(0, ioctl(self->fd, ZCOPY_IOC_VERSION, &self->v));
	EXPECT_EQ(ZCOPY_ABI_VERSION, self->v.abi_version);
	EXPECT_EQ(0, self->v.major);
	EXPECT_EQ(2, self->v.minor);
	EXPECT_EQ(sizeof(self->v), self->v.size);
}

TEST_F(dev, wrong_size_is_einval)
{
	self->v.size = sizeof(self->v) - 1;
	EXPECT_EQ(-1, ioctl(self->fd, ZCOPY_IOC_VERSION, &self->v));
	EXPECT_EQ(EINVAL, errno);
	self->v.size = 0;
	EXPECT_EQ(-1, ioctl(self->fd, ZCOPY_IOC_VERSION, &self->v));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(dev, flags_are_einval)
{
	self->v.flags = 1;
	EXPECT_EQ(-1, ioctl(self->fd, ZCOPY_IOC_VERSION, &self->v));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(dev, reserved_is_einval)
{
	self->v.reserved[3] = 1;
	EXPECT_EQ(-1, ioctl(self->fd, ZCOPY_IOC_VERSION, &self->v));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(dev, bad_pointer_is_efault)
{
	void *p = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(-1, ioctl(self->fd, ZCOPY_IOC_VERSION, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, ZCOPY_IOC_VERSION, p));
	EXPECT_EQ(EFAULT, errno);
	munmap(p, 4096);
}

TEST_F(dev, unknown_ioctl_is_enotty)
{
	long long before = zc_counter("ioctl_unknown");

	ASSERT_LE(0, before);
	EXPECT_EQ(-1, ioctl(self->fd, _IOWR(ZCOPY_IOCTL_MAGIC, 0x7f, struct zcopy_version),
			    &self->v));
	EXPECT_EQ(ENOTTY, errno);
	/* Same number, other size: not ours either. */
	EXPECT_EQ(-1, ioctl(self->fd, _IOWR(ZCOPY_IOCTL_MAGIC, 0x00, __u64), &self->v));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->fd, FIONREAD, &self->v));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(before + 3, zc_counter("ioctl_unknown"));
}

/*
 * The ABI's numbers written out, not taken from the header: a module and a
 * test built from one changed header would otherwise agree with each other
 * whatever the change was.  Changing any of these is an ABI break, made
 * here on purpose or not at all.
 */
TEST_F(dev, abi_numbers_are_pinned)
{
	EXPECT_EQ(0xB9, ZCOPY_IOCTL_MAGIC);
	/* Direction, struct size, magic, number: all part of the ABI. */
	EXPECT_EQ(0xc040b900UL, (unsigned long)ZCOPY_IOC_VERSION);
	EXPECT_EQ(0xc048b901UL, (unsigned long)ZCOPY_IOC_SEND);
	EXPECT_EQ(0xc028b902UL, (unsigned long)ZCOPY_IOC_STATS);
	EXPECT_EQ(0xc048b903UL, (unsigned long)ZCOPY_IOC_FANOUT);
	EXPECT_EQ(0xc040b904UL, (unsigned long)ZCOPY_IOC_SENDV);
	ASSERT_EQ(0, ioctl(self->fd, ZCOPY_IOC_VERSION, &self->v));
	EXPECT_EQ(2, self->v.abi_version);
}

/*
 * ABI 1 used the magic 0xCE, which is CXL's (include/uapi/linux/cxl_mem.h):
 * none of its numbers may reach zcopy's handlers, whatever their size.
 */
TEST_F(dev, old_magic_0xce_is_enotty)
{
	unsigned long cmds[] = {
		_IOWR(0xCE, 0x00, struct zcopy_version), _IOWR(0xCE, 0x01, struct zcopy_send),
		_IOWR(0xCE, 0x02, struct zcopy_stats), _IOWR(0xCE, 0x03, struct zcopy_fanout),
		_IOWR(0xCE, 0x04, struct zcopy_sendv), _IOR(0xCE, 0x01, __u32),
	};
	long long before = zc_counter("ioctl_unknown");
	char buf[512] = { 0 };
	unsigned int i;

	ASSERT_LE(0, before);
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		EXPECT_EQ(-1, ioctl(self->fd, cmds[i], buf)) TH_LOG("cmd %#lx", cmds[i]);
		EXPECT_EQ(ENOTTY, errno) TH_LOG("cmd %#lx", cmds[i]);
	}
	EXPECT_EQ(before + (long long)ARRAY_SIZE(cmds), zc_counter("ioctl_unknown"));
}

TEST_F(dev, counters_move_exactly)
{
	long long ioctls = zc_counter("ioctls"), opens = zc_counter("opens");
	int fd2;

	ASSERT_LE(0, ioctls);
	ASSERT_EQ(0, ioctl(self->fd, ZCOPY_IOC_VERSION, &self->v));
	ASSERT_EQ(0, ioctl(self->fd, ZCOPY_IOC_VERSION, &self->v));
	EXPECT_EQ(ioctls + 2, zc_counter("ioctls"));
	fd2 = open(ZC_DEV, O_RDWR);
	ASSERT_LE(0, fd2);
	EXPECT_EQ(opens + 1, zc_counter("opens"));
	close(fd2);
}

TEST_HARNESS_MAIN
