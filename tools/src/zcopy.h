/* SPDX-License-Identifier: GPL-2.0 */
/* Shared declarations of the zcopy command-line tool. */
#ifndef ZCOPY_TOOL_H
#define ZCOPY_TOOL_H

#define ZCOPY_DEV	"/dev/zcopy"
#define ZCOPY_DEBUGFS	"/sys/kernel/debug/zcopy"

/* Open /dev/zcopy, or explain how to load the module and exit(2). */
int zc_open_dev(void);

#include <sys/socket.h>

/* A TCP/UDP port number 1..65535, or -1. */
int zc_parse_port(const char *s);
/* "a.b.c.d:PORT" or "[v6]:PORT" into @ss; 0 or -1. */
int zc_parse_hostport(const char *arg, struct sockaddr_storage *ss, socklen_t *len);

/* zcopy send --fanout: FILE's range to every one of @dests (send_fanout.c). */
int zc_send_fanout(int dev, int fd, unsigned long long offset,
		   unsigned long long len, unsigned int flags,
		   char **dests, int n);

/* zcopy send --header/--trailer: one ZCOPY_IOC_SENDV stream (send_vec.c). */
int zc_send_vec(int dev, int fd, int sock, unsigned long long off,
		unsigned long long len, unsigned int flags, const char *hdr,
		const char *trl, unsigned long long *total);
/* Read and print the records of @calls notifying calls (notify.c). */
int zc_notify_wait(int dev, unsigned long long calls);

int cmd_version(int argc, char **argv);
int cmd_send(int argc, char **argv);
int cmd_recv(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_bench_sink(int argc, char **argv);

#endif
