/* SPDX-License-Identifier: GPL-2.0 */
/* Shared declarations of the zcopy command-line tool. */
#ifndef ZCOPY_TOOL_H
#define ZCOPY_TOOL_H

#define ZCOPY_DEV	"/dev/zcopy"
#define ZCOPY_DEBUGFS	"/sys/kernel/debug/zcopy"

/* Open /dev/zcopy, or explain how to load the module and exit(2). */
int zc_open_dev(void);

int cmd_version(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_bench(int argc, char **argv);

#endif
