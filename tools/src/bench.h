/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zcopy bench: shared declarations.  One delivery ("job") sends one file
 * to N connected sockets; a method is the way the sender does it.
 */
#ifndef ZCOPY_BENCH_H
#define ZCOPY_BENCH_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <sys/types.h>

/* What a method gets: the file, the connected sockets, and a place to
 * count the syscalls it makes and to say why it skipped or failed. */
struct bench_job {
	int file_fd;
	size_t size;		/* bytes of the file, all sent to every socket */
	size_t chunk;		/* bytes per send call (but see bench_turn()) */
	int nsocks;
	int *socks;
	uint64_t syscalls;	/* counted by the method, one per syscall made */
	char reason[160];	/* skip or failure reason */
};

/*
 * Bytes per call for the methods whose one call can carry any amount
 * (sendfile, zcopy): consumers take turns chunk by chunk, as a broker
 * serving N fetches does, but a single consumer has nobody to take turns
 * with and gets the whole file in one call, the way these calls are used.
 */
static inline size_t bench_turn(const struct bench_job *job)
{
	return job->nsocks == 1 ? job->size : job->chunk;
}

/* Return values of bench_method.send_all. */
#define BENCH_OK	0
#define BENCH_FAIL	-1
#define BENCH_SKIP	1

/*
 * Classic model of one transfer of the file to one consumer (see
 * /work/shared/design/copy-model.md): CPU and DMA copies, user/kernel
 * switches per chunk.  shared_read: the zero-copy family, where the disk
 * DMA into the page cache is shared by all consumers (the "1 + N" of the
 * Kafka claim) instead of one per consumer ("4 x N").
 */
struct bench_model {
	int cpu_copies;
	int dma_copies;
	int switches;
	int shared_read;
};

struct bench_method {
	const char *name;
	struct bench_model model;
	int (*send_all)(struct bench_job *job);
};

/* Methods, one per file (bench_*.c). */
int bench_read_write(struct bench_job *job);
int bench_mmap_write(struct bench_job *job);
int bench_sendfile(struct bench_job *job);
int bench_splice(struct bench_job *job);
int bench_msg_zerocopy(struct bench_job *job);
int bench_io_uring_send_zc(struct bench_job *job);
int bench_zcopy(struct bench_job *job);
int bench_zcopy_fanout(struct bench_job *job);

/* Helpers for methods (bench_util.c). */
int bench_write_all(struct bench_job *job, int sock, const char *buf, size_t len);
int bench_fail(struct bench_job *job, const char *what);
int bench_skip(struct bench_job *job, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The test file's content: a function of the offset, so receivers verify
 * what they got without reading the file (bench_pattern.c). */
void bench_pattern_fill(unsigned char *buf, size_t len, uint64_t off);
int bench_pattern_check(const unsigned char *buf, size_t len, uint64_t off);

/* Consumers (bench_consumer.c).  A consumer's verdict, its exit status
 * or, from the peer's sink, the byte it answers with. */
enum { BENCH_C_OK = 0, BENCH_C_MISMATCH = 3, BENCH_C_SHORT = 4, BENCH_C_LONG = 5,
       BENCH_C_SETUP = 6, BENCH_C_READ = 7, BENCH_C_HEADER = 8 };
int bench_consume_stream(int s, size_t size);
const char *bench_consumer_verdict(int code);
int bench_consumers_start(int n, int listener, int nsfd, const char *addr, int port,
			  size_t size, pid_t *pids);
int bench_consumers_wait(int n, pid_t *pids, char *why, size_t whylen);

/*
 * Consumers in another machine (`zcopy bench-sink` there, bench_sink.c):
 * the sender connects, and before the measured part sends a header that
 * says how many bytes follow; after its half-close the sink closes once
 * every byte arrived and matched the pattern, or sends a verdict byte.
 */
#define BENCH_SINK_MAGIC	"zcsink1"
#define BENCH_SINK_PORT		9100
struct bench_sink_hdr {
	char magic[8];		/* BENCH_SINK_MAGIC */
	uint64_t size;		/* bytes of the file that follow, little-endian */
};
int bench_peer_connect(const char *addr, int port, int n, size_t size, int *socks);
int bench_peer_verdicts(int n, int *socks, char *why, size_t whylen);

/*
 * Where the consumers are: loopback; a veth pair to another namespace;
 * the emulated wire of `tools/vm/run --wire` (e1000e NICs, the consumers
 * in the peer namespace named by ZCOPY_WIRE_NETNS, connecting to
 * ZCOPY_WIRE_SELF); or `zcopy bench-sink` in another machine, such as the
 * second guest of `tools/vm/run --peer` (the sender connects to it), so
 * that the consumers' work is not charged to the sender's CPUs.
 */
enum bench_net { BENCH_NET_LO, BENCH_NET_VETH, BENCH_NET_WIRE, BENCH_NET_PEER, BENCH_NET_NR };
extern const char *const bench_net_names[BENCH_NET_NR];

/* Network: veth between two namespaces (netns.c). */
struct netns_veth {
	int peer_nsfd;		/* the consumers' namespace */
	char err[160];
};
int netns_veth_setup(struct netns_veth *v);
void netns_veth_teardown(struct netns_veth *v);
int netns_lo_up(void);
#define NETNS_SENDER_ADDR	"10.199.0.1"
#define NETNS_PEER_ADDR		"10.199.0.2"

/* Measurements of the sender and the machine (bench_measure.c). */
#define LEDGER_NR 6
extern const char *const bench_ledger_names[LEDGER_NR];
struct bench_snap {
	double wall, user, sys, machine;	/* seconds */
	uint64_t nvcsw, nivcsw, read_bytes;
	int64_t by_ref;			/* -1: n/a */
};
void bench_snap_take(struct bench_snap *s);
int bench_ledger_arm(pid_t pid);	/* 0 armed, -1 no ledger */
void bench_profile(int on);		/* perf's window (ZCOPY_BENCH_PERF_CTL) */
/* Fill v[] with the ledger's values, -1 where unavailable, -2 where
 * incomplete (never a number then); returns -1 if no ledger. */
int bench_ledger_read(int64_t v[LEDGER_NR]);
int bench_drop_caches(int fd, int system_wide);
int bench_warm(int fd, size_t size);

/* Per-row metrics, each kept as median, min and max over the reps.  NaN
 * means n/a (not measurable here), never 0. */
enum bench_metric {
	M_MIBS, M_USER_GIB, M_SYS_GIB, M_SENDER_GIB, M_MACHINE_GIB,
	M_SYSCALLS, M_NVCSW, M_NIVCSW, M_DISK_MIB,
	M_CPU_COPIED, M_COPIES_PER_BYTE, M_BYREF,
	M_TO_USER, M_FROM_USER, M_UBUFS, M_PC_INSERT, M_XMIT, M_LEDGER_MISSED,
	M_LEDGER_INCOMPLETE,	/* ledger counters that read "incomplete" */
	M_NR
};
struct bench_metric_info {
	const char *name;	/* JSON/CSV name */
	const char *head;	/* table heading */
	const char *fmt;	/* table format of the median */
};
extern const struct bench_metric_info bench_metrics[M_NR];

#define BENCH_MAX_REPS 32
enum bench_status { ST_OK, ST_SKIP, ST_FAIL };

struct bench_cell {
	const struct bench_method *method;
	int net;		/* enum bench_net */
	int consumers;
	int cold;
	size_t size;
	enum bench_status status;
	char reason[160];
	int nreps;
	double v[BENCH_MAX_REPS][M_NR];
	double med[M_NR], min[M_NR], max[M_NR];
};

struct bench_report {
	struct bench_cell *cells;
	int ncells;
	int reps;
	int quick;
	const char *kernel;
	const char *ledger_state;	/* "present" or "n/a (no ledger)" */
	size_t chunk;
	char plan[400];		/* the grid chosen, in words */
};

/* bench_report.c */
void bench_summarize(struct bench_cell *c);
const char *bench_cell_name(const struct bench_cell *c, char *buf, size_t len);
void bench_print_table(FILE *f, const struct bench_report *r);
void bench_print_json(FILE *f, const struct bench_report *r);
void bench_print_csv(FILE *f, const struct bench_report *r);
void bench_print_targets(FILE *f, const struct bench_report *r, int json);
int bench_print_tap(FILE *f, const struct bench_report *r);

#endif
