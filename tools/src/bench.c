// SPDX-License-Identifier: GPL-2.0
/*
 * zcopy bench: deliver the same file to N consumers with each method and
 * measure what it costs the sender and the machine.  See `zcopy bench -h`.
 *
 * Reps are the outer loop and methods the inner one, so a slow drift of
 * the machine (other load, a warming host) spreads over all methods
 * instead of biasing the ones measured last.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "zcopy.h"

static const struct bench_method methods[] = {
	/* name              cpu dma sw shared */
	{ "read_write",       { 2, 2, 4, 0 }, bench_read_write },
	{ "mmap_write",       { 1, 2, 4, 0 }, bench_mmap_write },
	{ "sendfile",         { 0, 2, 2, 1 }, bench_sendfile },
	{ "splice",           { 0, 2, 4, 1 }, bench_splice },
	{ "msg_zerocopy",     { 0, 2, 2, 1 }, bench_msg_zerocopy },
	{ "io_uring_send_zc", { 0, 2, 2, 1 }, bench_io_uring_send_zc },
	{ "zcopy",            { 0, 2, 2, 1 }, bench_zcopy },
	{ "zcopy_fanout",     { 0, 2, 2, 1 }, bench_zcopy_fanout },
};
#define NMETHODS (int)(sizeof(methods) / sizeof(methods[0]))

struct opts {
	int quick, reps, drop_caches, emit;
	size_t sizes[8];
	int nsizes;
	size_t big;		/* the 1 GiB cells; 0: none */
	size_t veth_max;	/* veth cells deliver at most this in all; 0: any */
	int consumers[4], nconsumers;
	int transports;		/* bit (1 << enum bench_net) */
	size_t wire_max;	/* wire cells deliver at most this in all; 0: any */
	size_t peer_max;	/* peer cells deliver at most this in all; 0: any */
	char sink[64];		/* the peer's bench-sink address */
	int sink_port;
	int caches;		/* bit 0 warm, bit 1 cold */
	const char *methods;	/* comma list, NULL: all */
	const char *big_methods;	/* methods of the big cells */
	const char *dir, *json, *csv, *table;
	size_t chunk;
};

static size_t parse_size(const char *s)
{
	char *end;
	double v = strtod(s, &end);

	switch (*end) {
	case 'G': case 'g': v *= 1024;	/* fall through */
	case 'M': case 'm': v *= 1024;	/* fall through */
	case 'K': case 'k': v *= 1024; break;
	}
	return (size_t)v;
}

static const char *size_name(size_t s, char *buf, size_t len)
{
	if (s >= (1UL << 30) && !(s & ((1UL << 30) - 1)))
		snprintf(buf, len, "%zuG", s >> 30);
	else if (s >= (1UL << 20) && !(s & ((1UL << 20) - 1)))
		snprintf(buf, len, "%zuM", s >> 20);
	else if (s >= 1024 && !(s & 1023))
		snprintf(buf, len, "%zuK", s >> 10);
	else
		snprintf(buf, len, "%zu", s);
	return buf;
}

static const char *file_for(const struct opts *o, size_t size, char *buf, size_t len)
{
	char sn[32];

	snprintf(buf, len, "%s/zcopy-bench-%s.dat", o->dir, size_name(size, sn, sizeof(sn)));
	return buf;
}

/* Write the pattern file once; an existing file of the right size is
 * reused (its content is checked by every consumer anyway). */
static int make_file(const char *path, size_t size)
{
	static unsigned char buf[1 << 20];
	struct stat st;
	size_t off;
	int fd;

	if (!stat(path, &st) && (size_t)st.st_size == size)
		return 0;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	for (off = 0; off < size; off += sizeof(buf)) {
		size_t len = size - off < sizeof(buf) ? size - off : sizeof(buf);

		bench_pattern_fill(buf, len, off);
		if (write(fd, buf, len) != (ssize_t)len) {
			close(fd);
			return -1;
		}
	}
	fsync(fd);
	return close(fd);
}

static int accept_all(int listener, int *socks, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		struct pollfd p = { .fd = listener, .events = POLLIN };

		/* A consumer that cannot connect must not hang the run. */
		if (poll(&p, 1, 20000) != 1)
			return -1;
		socks[i] = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
		if (socks[i] < 0)
			return -1;
	}
	return 0;
}

static double per_gib(double v, double bytes)
{
	return v / (bytes / (1024.0 * 1024 * 1024));
}

/* One delivery of the cell's file to its consumers; fills row rep. */
static void run_one(const struct opts *o, struct bench_cell *c, const struct netns_veth *veth,
		    int wire_nsfd, int have_ledger)
{
	int peer = c->net == BENCH_NET_PEER;
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct bench_job job = { .size = c->size, .chunk = o->chunk, .nsocks = c->consumers };
	int socks[64], listener, one = 1, rc, i;
	struct bench_snap s0, s1;
	socklen_t salen = sizeof(sa);
	pid_t pids[64];
	int64_t led[LEDGER_NR];
	char path[512], why[160];
	double *v = c->v[c->nreps], bytes;
	int incomplete = 0;

	job.socks = socks;
	job.file_fd = open(file_for(o, c->size, path, sizeof(path)), O_RDONLY | O_CLOEXEC);
	if (peer) {
		/* The consumers are the peer's sink: connect to it instead. */
		listener = -1;
		if (job.file_fd < 0 ||
		    bench_peer_connect(o->sink, o->sink_port, c->consumers, c->size, socks)) {
			c->status = ST_FAIL;
			snprintf(c->reason, sizeof(c->reason), "connect to the sink at %s:%d: %s",
				 o->sink, o->sink_port, strerror(errno));
			for (i = 0; i < c->consumers; i++)
				if (socks[i] >= 0)
					close(socks[i]);
			goto out;
		}
		goto ready;
	}
	listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (job.file_fd < 0 || listener < 0 ||
	    bind(listener, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(listener, 128) ||
	    getsockname(listener, (struct sockaddr *)&sa, &salen)) {
		c->status = ST_FAIL;
		snprintf(c->reason, sizeof(c->reason), "setup: %s", strerror(errno));
		goto out;
	}
	if (bench_consumers_start(c->consumers, listener,
				  c->net == BENCH_NET_VETH ? veth->peer_nsfd :
				  c->net == BENCH_NET_WIRE ? wire_nsfd : -1,
				  c->net == BENCH_NET_VETH ? NETNS_SENDER_ADDR :
				  c->net == BENCH_NET_WIRE ? getenv("ZCOPY_WIRE_SELF") : "127.0.0.1",
				  ntohs(sa.sin_port), c->size, pids) ||
	    accept_all(listener, socks, c->consumers)) {
		c->status = ST_FAIL;
		snprintf(c->reason, sizeof(c->reason), "consumers did not connect: %s",
			 strerror(errno));
		goto out;	/* children exit on their own (connect fails or EOF) */
	}
	close(listener);
	listener = -1;
ready:
	if (c->cold)
		bench_drop_caches(job.file_fd, o->drop_caches);
	else
		bench_warm(job.file_fd, c->size);

	/* The ledger is armed only around the method: the snapshots read
	 * /proc and debugfs files, and those reads are CPU copies to user
	 * space that are the benchmark's, not the method's. */
	bench_snap_take(&s0);
	if (have_ledger)
		bench_ledger_arm(getpid());
	bench_profile(1);
	rc = c->method->send_all(&job);
	bench_profile(0);
	if (peer) {
		/* After a failed method the sink says short: keep the method's reason. */
		if (bench_peer_verdicts(c->consumers, socks, why, sizeof(why)) && rc == BENCH_OK) {
			rc = BENCH_FAIL;
			snprintf(job.reason, sizeof(job.reason), "%s", why);
		}
		for (i = 0; i < c->consumers; i++)
			close(socks[i]);
	} else {
		for (i = 0; i < c->consumers; i++)
			close(socks[i]);
		if (bench_consumers_wait(c->consumers, pids, why, sizeof(why)) && rc == BENCH_OK) {
			rc = BENCH_FAIL;
			snprintf(job.reason, sizeof(job.reason), "%s", why);
		}
	}
	/* The ledger's values are formatted before they are copied out, so
	 * this read does not count itself. */
	if (!have_ledger || bench_ledger_read(led))
		for (i = 0; i < LEDGER_NR; i++)
			led[i] = -1;
	if (have_ledger)
		bench_ledger_arm(0);
	bench_snap_take(&s1);

	if (rc != BENCH_OK) {
		c->status = rc == BENCH_SKIP ? ST_SKIP : ST_FAIL;
		snprintf(c->reason, sizeof(c->reason), "%s", job.reason);
		goto out;
	}
	bytes = (double)c->size * c->consumers;
	v[M_MIBS] = bytes / (1 << 20) / (s1.wall - s0.wall);
	v[M_USER_GIB] = per_gib(s1.user - s0.user, bytes);
	v[M_SYS_GIB] = per_gib(s1.sys - s0.sys, bytes);
	v[M_SENDER_GIB] = v[M_USER_GIB] + v[M_SYS_GIB];
	v[M_MACHINE_GIB] = per_gib(s1.machine - s0.machine, bytes);
	v[M_SYSCALLS] = job.syscalls;
	v[M_NVCSW] = s1.nvcsw - s0.nvcsw;
	v[M_NIVCSW] = s1.nivcsw - s0.nivcsw;
	v[M_DISK_MIB] = (s1.read_bytes - s0.read_bytes) / (double)(1 << 20);
	v[M_BYREF] = s0.by_ref >= 0 && s1.by_ref >= 0 ? (double)(s1.by_ref - s0.by_ref) : NAN;
	v[M_TO_USER] = led[0] >= 0 ? led[0] : NAN;
	v[M_FROM_USER] = led[1] >= 0 ? led[1] : NAN;
	v[M_UBUFS] = led[2] >= 0 ? led[2] : NAN;
	v[M_PC_INSERT] = led[3] >= 0 ? led[3] : NAN;
	v[M_XMIT] = led[4] >= 0 ? led[4] : NAN;
	v[M_LEDGER_MISSED] = led[5] >= 0 ? led[5] : NAN;
	/* An incomplete counter is NaN above, never a low number. */
	for (i = 0; i < 5; i++)
		incomplete += led[i] == -2;
	v[M_LEDGER_INCOMPLETE] = led[5] >= 0 ? incomplete : NAN;
	/* NaN if any part is unavailable or incomplete: a partial sum would
	 * look like fewer copies. */
	v[M_CPU_COPIED] = v[M_TO_USER] + v[M_FROM_USER] + v[M_UBUFS];
	v[M_COPIES_PER_BYTE] = v[M_CPU_COPIED] / bytes;
	c->nreps++;
out:
	if (listener >= 0)
		close(listener);
	if (job.file_fd >= 0)
		close(job.file_fd);
}

const char *const bench_net_names[BENCH_NET_NR] = {
	[BENCH_NET_LO] = "lo", [BENCH_NET_VETH] = "veth", [BENCH_NET_WIRE] = "wire",
	[BENCH_NET_PEER] = "peer",
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: zcopy bench [--quick] [--reps N] [--sizes 4K,1M,64M] [--big 1G|0]\n"
		"                   [--big-methods read_write,sendfile,zcopy] [--veth-max 64M|0]\n"
		"                   [--consumers 1,10] [--net lo,veth,wire,peer] [--wire-max 64M|0]\n"
		"                   [--sink ADDR[:PORT]] [--peer-max SIZE|0] [--cache warm,cold]\n"
		"                   [--methods a,b] [--chunk 1M] [--dir DIR] [--drop-caches]\n"
		"                   [--json FILE] [--csv FILE] [--table FILE] [--emit]\n"
		"Deliver a file to N consumers (forked processes reading real sockets and\n"
		"checking every byte) with each method; report medians [min..max].\n"
		"--quick: tiny sizes, 1 rep, TAP output, exit 1 on any failure (no speed\n"
		"asserted).  --big: size of the extra cells (1 consumer, warm, loopback)\n"
		"used for the flatness target.  --veth-max: veth cells only where size x\n"
		"consumers is at most this (0: all; the rest run over loopback only).\n"
		"--net wire: the consumers across the emulated wire of tools/vm/run --wire\n"
		"(default when ZCOPY_WIRE_NETNS is set), where size x consumers is at most\n"
		"--wire-max (e1000e under emulation moves about 50 MiB/s).\n"
		"--net peer: the consumers are `zcopy bench-sink` on another machine at\n"
		"--sink (default $ZCOPY_WIRE_PEER:%d, the second guest of tools/vm/run\n"
		"--peer), where size x consumers is at most --peer-max (default any); the\n"
		"sender's CPU is then its own.  The --big cells go to the first --net.\n"
		"--sizes and --consumers: the last one given counts.\n"
		"--emit: print JSON and CSV between marker lines on stdout (for the test\n"
		"bed).  --drop-caches: cold runs also write /proc/sys/vm/drop_caches\n"
		"(else only POSIX_FADV_DONTNEED on the file).\n"
		"methods:", BENCH_SINK_PORT);
	for (int i = 0; i < NMETHODS; i++)
		fprintf(f, " %s", methods[i].name);
	fprintf(f, "\n");
}

static int list_has(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list;

	while ((p = strstr(p, name))) {
		if ((p == list || p[-1] == ',') && (p[n] == ',' || !p[n]))
			return 1;
		p += n;
	}
	return 0;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	int i;

	/*
	 * What fits a full run in 30 minutes on 2 emulated cores: 5 reps;
	 * the 1 GiB cells (~20 s each under TCG) only for what the flatness
	 * target needs (zcopy) and its references; and over veth only the
	 * cells that deliver at most 64 MiB in all, since 10 x 64 MiB over
	 * veth (~110 s a rep) tells nothing the loopback cells and the 1 x
	 * 64 MiB veth cells do not.
	 */
	*o = (struct opts){ .reps = 5, .dir = ".", .chunk = 1 << 20,
			    .big_methods = "read_write,sendfile,zcopy",
			    .big = 1UL << 30, .veth_max = 64UL << 20,
			    .wire_max = 64UL << 20, .caches = 3 };
	o->transports = 1 << BENCH_NET_LO | 1 << BENCH_NET_VETH;
	if (getenv("ZCOPY_WIRE_NETNS"))
		o->transports |= 1 << BENCH_NET_WIRE;
	snprintf(o->sink, sizeof(o->sink), "%s",
		 getenv("ZCOPY_WIRE_PEER") ? getenv("ZCOPY_WIRE_PEER") : "");
	o->sink_port = BENCH_SINK_PORT;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--quick")) { o->quick = 1; continue; }
		if (!strcmp(a, "--drop-caches")) { o->drop_caches = 1; continue; }
		if (!strcmp(a, "--emit")) { o->emit = 1; continue; }
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) { usage(stdout); exit(0); }
		if (!v)
			return -1;
		i++;
		if (!strcmp(a, "--reps")) o->reps = atoi(v);
		else if (!strcmp(a, "--big")) o->big = parse_size(v);
		else if (!strcmp(a, "--veth-max")) o->veth_max = parse_size(v);
		else if (!strcmp(a, "--wire-max")) o->wire_max = parse_size(v);
		else if (!strcmp(a, "--peer-max")) o->peer_max = parse_size(v);
		else if (!strcmp(a, "--sink")) {
			char *colon;

			snprintf(o->sink, sizeof(o->sink), "%s", v);
			colon = strchr(o->sink, ':');
			if (colon) {
				*colon = 0;
				o->sink_port = atoi(colon + 1);
			}
		}
		else if (!strcmp(a, "--chunk")) o->chunk = parse_size(v);
		else if (!strcmp(a, "--methods")) o->methods = v;
		else if (!strcmp(a, "--big-methods")) o->big_methods = v;
		else if (!strcmp(a, "--dir")) o->dir = v;
		else if (!strcmp(a, "--json")) o->json = v;
		else if (!strcmp(a, "--csv")) o->csv = v;
		else if (!strcmp(a, "--table")) o->table = v;
		else if (!strcmp(a, "--net"))
			o->transports = list_has(v, "lo") << BENCH_NET_LO |
					list_has(v, "veth") << BENCH_NET_VETH |
					list_has(v, "wire") << BENCH_NET_WIRE |
					list_has(v, "peer") << BENCH_NET_PEER;
		else if (!strcmp(a, "--cache"))
			o->caches = list_has(v, "warm") | list_has(v, "cold") << 1;
		else if (!strcmp(a, "--sizes") || !strcmp(a, "--consumers")) {
			char *copy = strdup(v), *tok, *save = NULL;
			int sizes = a[2] == 's';

			/* The last list given counts, so a wrapper's defaults can be
			 * overridden by arguments that follow them. */
			if (sizes)
				o->nsizes = 0;
			else
				o->nconsumers = 0;
			for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
				if (sizes && o->nsizes < 8)
					o->sizes[o->nsizes++] = parse_size(tok);
				else if (!sizes && o->nconsumers < 4)
					o->consumers[o->nconsumers++] = atoi(tok);
			}
			free(copy);
		} else
			return -1;
	}
	if (o->quick) {
		o->reps = 1;
		o->big = 0;
		/* Every method across the wire, at the smallest size only. */
		o->wire_max = 64 << 10;
		if (!o->nsizes) {
			o->sizes[o->nsizes++] = 4096;
			o->sizes[o->nsizes++] = 1 << 20;
		}
	}
	if (!o->nsizes) {
		o->sizes[o->nsizes++] = 4096;
		o->sizes[o->nsizes++] = 1 << 20;
		o->sizes[o->nsizes++] = 64 << 20;
	}
	if (!o->nconsumers) {
		o->consumers[o->nconsumers++] = 1;
		o->consumers[o->nconsumers++] = 10;
	}
	for (i = 0; i < o->nconsumers; i++)
		if (o->consumers[i] < 1 || o->consumers[i] > 64)
			return -1;
	if (o->reps < 1 || o->reps > BENCH_MAX_REPS || !o->chunk || !o->transports || !o->caches)
		return -1;
	return 0;
}

/* The grid: every size x consumers x cache x transport, plus the big
 * cells (1 consumer, warm, loopback), for each selected method. */
static struct bench_cell *make_cells(const struct opts *o, int *ncells)
{
	struct bench_cell *cells = calloc(NMETHODS * (o->nsizes + 1) * o->nconsumers * 2 *
					  BENCH_NET_NR,
					  sizeof(*cells));
	int s, n, cold, net, m, k = 0, big_net = 0;

	/* The big cells go where the run's first transport is: loopback in a
	 * full run, the peer in a peer-only one. */
	while (big_net < BENCH_NET_NR - 1 && !(o->transports & (1 << big_net)))
		big_net++;
	if (!cells)
		return NULL;
	for (s = 0; s <= o->nsizes; s++)
		for (net = 0; net < BENCH_NET_NR; net++)
			for (n = 0; n < o->nconsumers; n++)
				for (cold = 0; cold < 2; cold++)
					for (m = 0; m < NMETHODS; m++) {
						struct bench_cell *c = &cells[k];
						int big = s == o->nsizes;

						size_t all = o->sizes[s] * o->consumers[n];

						if (!(o->transports & (1 << net)) ||
						    !(o->caches & (1 << cold)) ||
						    (o->methods && !list_has(o->methods, methods[m].name)))
							continue;
						if (!big && net == BENCH_NET_VETH && o->veth_max &&
						    all > o->veth_max)
							continue;
						if (!big && net == BENCH_NET_WIRE && o->wire_max &&
						    all > o->wire_max)
							continue;
						if (!big && net == BENCH_NET_PEER && o->peer_max &&
						    all > o->peer_max)
							continue;
						if (big && (!o->big || net != big_net || cold ||
							    o->consumers[n] != 1 ||
							    !list_has(o->big_methods, methods[m].name)))
							continue;
						c->method = &methods[m];
						c->net = net;
						c->consumers = o->consumers[n];
						c->cold = cold;
						c->size = big ? o->big : o->sizes[s];
						k++;
					}
	*ncells = k;
	return cells;
}

static void write_outputs(const struct opts *o, const struct bench_report *r)
{
	FILE *f;

	if (o->json && (f = fopen(o->json, "w"))) {
		bench_print_json(f, r);
		fclose(f);
	}
	if (o->csv && (f = fopen(o->csv, "w"))) {
		bench_print_csv(f, r);
		fclose(f);
	}
	if (o->table && (f = fopen(o->table, "w"))) {
		bench_print_table(f, r);
		bench_print_targets(f, r, 0);
		fclose(f);
	}
	if (o->emit) {
		printf("=== zcopy-bench results.json begin ===\n");
		bench_print_json(stdout, r);
		printf("=== zcopy-bench results.json end ===\n");
		printf("=== zcopy-bench results.csv begin ===\n");
		bench_print_csv(stdout, r);
		printf("=== zcopy-bench results.csv end ===\n");
	}
}

int cmd_bench(int argc, char **argv)
{
	struct netns_veth veth = { .peer_nsfd = -1 };
	struct bench_report r = { 0 };
	struct utsname u;
	char path[512], sn[32];
	int64_t led[LEDGER_NR];
	int have_ledger, veth_ok = 0, wire_nsfd = -1, rep, i, k, failed = 0;
	const char *wire_ns = getenv("ZCOPY_WIRE_NETNS");
	time_t t0 = time(NULL);
	struct opts o;

	if (parse_opts(argc, argv, &o)) {
		usage(stderr);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	uname(&u);
	have_ledger = !bench_ledger_read(led);
	r.kernel = u.release;
	r.ledger_state = have_ledger ? "present" : "n/a (no ledger)";
	r.reps = o.reps;
	r.quick = o.quick;
	r.chunk = o.chunk;
	r.cells = make_cells(&o, &r.ncells);
	if (!r.cells)
		return 1;

	netns_lo_up();
	if (o.transports & 1 << BENCH_NET_VETH) {
		veth_ok = !netns_veth_setup(&veth);
		if (!veth_ok)
			fprintf(stderr, "zcopy bench: veth: %s\n", veth.err);
	}
	if ((o.transports & 1 << BENCH_NET_WIRE) && wire_ns && getenv("ZCOPY_WIRE_SELF"))
		wire_nsfd = open(wire_ns, O_RDONLY | O_CLOEXEC);
	for (i = 0; i < o.nsizes + 1; i++) {
		size_t size = i < o.nsizes ? o.sizes[i] : o.big;

		if (size && make_file(file_for(&o, size, path, sizeof(path)), size)) {
			fprintf(stderr, "zcopy bench: cannot write %s: %s\n", path, strerror(errno));
			return 1;
		}
	}
	k = snprintf(r.plan, sizeof(r.plan), "%d rows x %d reps, chunk %s; sizes", r.ncells,
		     o.reps, size_name(o.chunk, sn, sizeof(sn)));
	for (i = 0; i < o.nsizes; i++)
		k += snprintf(r.plan + k, sizeof(r.plan) - k, " %s",
			      size_name(o.sizes[i], sn, sizeof(sn)));
	if (o.big)
		k += snprintf(r.plan + k, sizeof(r.plan) - k,
			      "; %s only for 1 consumer, warm, %s, methods %s",
			      size_name(o.big, sn, sizeof(sn)),
			      o.transports & 1 << BENCH_NET_LO ? "loopback" :
			      o.transports & 1 << BENCH_NET_VETH ? "veth" :
			      o.transports & 1 << BENCH_NET_WIRE ? "wire" : "peer", o.big_methods);
	if ((o.transports & 1 << BENCH_NET_VETH) && o.veth_max)
		k += snprintf(r.plan + k, sizeof(r.plan) - k,
			      "; veth only where size x consumers <= %s",
			      size_name(o.veth_max, sn, sizeof(sn)));
	if ((o.transports & 1 << BENCH_NET_WIRE) && o.wire_max)
		k += snprintf(r.plan + k, sizeof(r.plan) - k,
			      "; wire only where size x consumers <= %s",
			      size_name(o.wire_max, sn, sizeof(sn)));
	if (o.transports & 1 << BENCH_NET_PEER)
		snprintf(r.plan + k, sizeof(r.plan) - k, "; peer: sink %s:%d%s%s", o.sink,
			 o.sink_port, o.peer_max ? ", size x consumers <= " : "",
			 o.peer_max ? size_name(o.peer_max, sn, sizeof(sn)) : "");
	fprintf(stderr, "zcopy bench: kernel %s, ledger %s, %s\n", u.release, r.ledger_state,
		r.plan);

	for (rep = 0; rep < o.reps; rep++) {
		fprintf(stderr, "zcopy bench: rep %d/%d\n", rep + 1, o.reps);
		for (i = 0; i < r.ncells; i++) {
			struct bench_cell *c = &r.cells[i];

			if (c->status != ST_OK)
				continue;	/* a skip or failure is not retried */
			if (c->net == BENCH_NET_VETH && !veth_ok) {
				c->status = ST_SKIP;
				snprintf(c->reason, sizeof(c->reason), "veth: %s", veth.err);
				continue;
			}
			if (c->net == BENCH_NET_PEER && !o.sink[0]) {
				c->status = ST_SKIP;
				snprintf(c->reason, sizeof(c->reason),
					 "no peer: give --sink or boot with tools/vm/run --peer");
				continue;
			}
			if (c->net == BENCH_NET_WIRE && wire_nsfd < 0) {
				c->status = ST_SKIP;
				snprintf(c->reason, sizeof(c->reason),
					 "no wire: boot with tools/vm/run --wire");
				continue;
			}
			run_one(&o, c, &veth, wire_nsfd, have_ledger);
		}
		/* A run cut short (the bed's time limit) still leaves the reps
		 * done so far: the host keeps the last block it saw. */
		if (o.emit && !o.quick && rep + 1 < o.reps) {
			for (i = 0; i < r.ncells; i++)
				bench_summarize(&r.cells[i]);
			r.reps = rep + 1;
			write_outputs(&(struct opts){ .emit = 1 }, &r);
			r.reps = o.reps;
			fflush(stdout);
		}
	}
	for (i = 0; i < r.ncells; i++) {
		bench_summarize(&r.cells[i]);
		failed |= r.cells[i].status == ST_FAIL;
	}
	if (veth_ok)
		netns_veth_teardown(&veth);
	if (wire_nsfd >= 0)
		close(wire_nsfd);
	fprintf(stderr, "zcopy bench: took %ld s\n", (long)(time(NULL) - t0));

	if (o.quick) {
		failed |= bench_print_tap(stdout, &r);
	} else {
		bench_print_table(stdout, &r);
		bench_print_targets(stdout, &r, 0);
	}
	write_outputs(&o, &r);
	free(r.cells);
	return failed ? 1 : 0;
}
