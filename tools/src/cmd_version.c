// SPDX-License-Identifier: GPL-2.0
/* zcopy version: the tool's ABI and the loaded module's version. */

#include <stdio.h>
#include <unistd.h>
#include <libzcopy.h>

#include "zcopy.h"

int cmd_version(int argc, char **argv)
{
	struct zcopy_version v;
	int fd;

	(void)argc;
	(void)argv;
	printf("tool abi=%u\n", ZCOPY_ABI_VERSION);
	fd = zc_open_dev();
	if (zcopy_version(fd, &v)) {
		perror("zcopy: ZCOPY_IOC_VERSION");
		return 1;
	}
	close(fd);
	printf("module version=%u.%u.%u abi=%u features=0x%llx%s\n",
	       v.major, v.minor, v.patch, v.abi_version,
	       (unsigned long long)v.features,
	       v.features & ZCOPY_FEATURE_KUNIT ? " (kunit)" : "");
	if (v.abi_version != ZCOPY_ABI_VERSION) {
		fprintf(stderr, "zcopy: module ABI %u differs from the tool's %u\n",
			v.abi_version, ZCOPY_ABI_VERSION);
		return 1;
	}
	return 0;
}
