// SPDX-License-Identifier: GPL-2.0
/*
 * zcopy bench: summaries and output (aligned table, JSON, CSV, TAP) and the
 * targets, which are ratios measured in the same run, printed, never
 * asserted.
 */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

const struct bench_metric_info bench_metrics[M_NR] = {
	[M_MIBS]		= { "mib_per_s", "MiB/s", "%.1f" },
	[M_USER_GIB]		= { "sender_user_s_per_gib", "usr/GiB", "%.3f" },
	[M_SYS_GIB]		= { "sender_sys_s_per_gib", "sys/GiB", "%.3f" },
	[M_SENDER_GIB]		= { "sender_cpu_s_per_gib", "snd/GiB", "%.3f" },
	[M_MACHINE_GIB]		= { "machine_cpu_s_per_gib", "mach/GiB", "%.3f" },
	[M_SYSCALLS]		= { "syscalls", "syscalls", "%.0f" },
	[M_NVCSW]		= { "voluntary_csw", "vcsw", "%.0f" },
	[M_NIVCSW]		= { "involuntary_csw", "ivcsw", "%.0f" },
	[M_DISK_MIB]		= { "disk_read_mib", "diskMiB", "%.1f" },
	[M_CPU_COPIED]		= { "sender_cpu_copied_bytes", "cpucopied", "%.0f" },
	[M_COPIES_PER_BYTE]	= { "sender_cpu_copies_per_byte", "cp/B", "%.2f" },
	[M_BYREF]		= { "bytes_by_reference", "byref", "%.0f" },
	[M_TO_USER]		= { "copy_to_user_bytes", NULL, NULL },
	[M_FROM_USER]		= { "copy_from_user_bytes", NULL, NULL },
	[M_UBUFS]		= { "skb_copy_ubufs_bytes", NULL, NULL },
	[M_PC_INSERT]		= { "pagecache_insert_pages", NULL, NULL },
	[M_XMIT]		= { "dev_xmit_bytes", NULL, NULL },
	[M_LEDGER_MISSED]	= { "ledger_missed_events", NULL, NULL },
	[M_LEDGER_INCOMPLETE]	= { "ledger_incomplete_counters", NULL, NULL },
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Median, min, max of each metric; n/a if any rep had it n/a. */
void bench_summarize(struct bench_cell *c)
{
	double tmp[BENCH_MAX_REPS];
	int m, i;

	for (m = 0; m < M_NR; m++) {
		int nan = !c->nreps;

		for (i = 0; i < c->nreps; i++) {
			tmp[i] = c->v[i][m];
			nan |= isnan(tmp[i]);
		}
		if (nan) {
			c->med[m] = c->min[m] = c->max[m] = NAN;
			continue;
		}
		qsort(tmp, c->nreps, sizeof(double), cmp_double);
		c->min[m] = tmp[0];
		c->max[m] = tmp[c->nreps - 1];
		c->med[m] = c->nreps & 1 ? tmp[c->nreps / 2] :
			    (tmp[c->nreps / 2 - 1] + tmp[c->nreps / 2]) / 2;
	}
}

static const char *sz(size_t s, char *buf, size_t len)
{
	if (s >= (1UL << 30))
		snprintf(buf, len, "%zuG", s >> 30);
	else if (s >= (1UL << 20))
		snprintf(buf, len, "%zuM", s >> 20);
	else
		snprintf(buf, len, "%zuK", s >> 10);
	return buf;
}

const char *bench_cell_name(const struct bench_cell *c, char *buf, size_t len)
{
	char s[16];

	snprintf(buf, len, "%s.%s.c%d.%s.%s", c->method->name, bench_net_names[c->net],
		 c->consumers, c->cold ? "cold" : "warm", sz(c->size, s, sizeof(s)));
	return buf;
}

/* The classic model for the row: copies of the whole delivery (per
 * consumer times N, or 1 shared disk read + N for the zero-copy family). */
static void model(const struct bench_cell *c, int *cpu, int *total, int *sw)
{
	const struct bench_model *m = &c->method->model;

	*cpu = m->cpu_copies * c->consumers;
	*total = m->shared_read ? 1 + (m->cpu_copies + m->dma_copies - 1) * c->consumers :
				  (m->cpu_copies + m->dma_copies) * c->consumers;
	*sw = m->switches;
}

static const char *status_name(enum bench_status s)
{
	return s == ST_OK ? "ok" : s == ST_SKIP ? "skipped" : "FAILED";
}

static const int table_cols[] = {
	M_MIBS, M_USER_GIB, M_SYS_GIB, M_SENDER_GIB, M_MACHINE_GIB, M_SYSCALLS,
	M_NVCSW, M_NIVCSW, M_DISK_MIB, M_CPU_COPIED, M_BYREF,
};
#define NCOLS (int)(sizeof(table_cols) / sizeof(table_cols[0]))

void bench_print_table(FILE *f, const struct bench_report *r)
{
	char buf[64], s[16];
	int i, k;

	fprintf(f, "zcopy bench: kernel %s; %s\n", r->kernel, r->plan);
	fprintf(f, "medians of %d reps (MiB/s: median [min..max]); per GiB = per GiB delivered"
		" to all consumers; usr/sys/snd = sender CPU, mach = whole machine (/proc/stat,"
		" 10 ms ticks: coarse for small rows); cpucopied from the ledger (%s)\n",
		r->reps, r->ledger_state);
	fprintf(f, "%-17s %-4s %3s %-4s %4s %-22s", "method", "net", "N", "cache", "size",
		"MiB/s [min..max]");
	for (k = 1; k < NCOLS; k++)
		fprintf(f, " %10s", bench_metrics[table_cols[k]].head);
	fprintf(f, " %9s %6s\n", "model:cp", "sw/chk");
	for (i = 0; i < r->ncells; i++) {
		const struct bench_cell *c = &r->cells[i];
		int cpu, total, sw;

		fprintf(f, "%-17s %-4s %3d %-4s %4s ", c->method->name, bench_net_names[c->net],
			c->consumers, c->cold ? "cold" : "warm", sz(c->size, s, sizeof(s)));
		if (c->status != ST_OK) {
			fprintf(f, "%s: %s\n", status_name(c->status), c->reason);
			continue;
		}
		snprintf(buf, sizeof(buf), "%.1f [%.1f..%.1f]", c->med[M_MIBS], c->min[M_MIBS],
			 c->max[M_MIBS]);
		fprintf(f, "%-22s", buf);
		for (k = 1; k < NCOLS; k++) {
			int m = table_cols[k];

			if (isnan(c->med[m]))
				fprintf(f, " %10s", m == M_CPU_COPIED &&
					c->max[M_LEDGER_INCOMPLETE] > 0 ? "incomplete" : "n/a");
			else {
				snprintf(buf, sizeof(buf), bench_metrics[m].fmt, c->med[m]);
				fprintf(f, " %10s", buf);
			}
		}
		model(c, &cpu, &total, &sw);
		snprintf(buf, sizeof(buf), "%d(%dcpu)", total, cpu);
		fprintf(f, " %9s %6d\n", buf, sw);
	}
	for (i = k = 0; i < r->ncells; i++)
		k += r->cells[i].max[M_LEDGER_INCOMPLETE] > 0;
	if (k)
		fprintf(f, "ledger: kprobe events were missed in %d rows; the counters they feed read"
			" incomplete (null in the JSON; ledger_incomplete_counters counts them)\n", k);
	fprintf(f, "model:cp = classic-model copies of the whole delivery (CPU + DMA; zero-copy"
		" methods share one disk read: 1 + N); sw/chk = user/kernel switches per chunk"
		" per consumer.\n");
}

static void json_num(FILE *f, double v)
{
	if (isnan(v))
		fprintf(f, "null");
	else
		fprintf(f, "%.6g", v);
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc((unsigned char)*s < 0x20 ? ' ' : *s, f);
	}
	fputc('"', f);
}

void bench_print_json(FILE *f, const struct bench_report *r)
{
	int i, m;

	fprintf(f, "{\"kernel\": ");
	json_str(f, r->kernel);
	fprintf(f, ", \"reps\": %d, \"quick\": %s, \"chunk\": %zu, \"ledger\": ", r->reps,
		r->quick ? "true" : "false", r->chunk);
	json_str(f, r->ledger_state);
	fprintf(f, ", \"plan\": ");
	json_str(f, r->plan);
	fprintf(f, ",\n \"rows\": [\n");
	for (i = 0; i < r->ncells; i++) {
		const struct bench_cell *c = &r->cells[i];
		int cpu, total, sw;

		model(c, &cpu, &total, &sw);
		fprintf(f, "  {\"method\": \"%s\", \"transport\": \"%s\", \"consumers\": %d,"
			" \"cache\": \"%s\", \"size\": %zu, \"status\": \"%s\", \"reason\": ",
			c->method->name, bench_net_names[c->net], c->consumers,
			c->cold ? "cold" : "warm", c->size, status_name(c->status));
		json_str(f, c->reason);
		fprintf(f, ", \"reps\": %d, \"model\": {\"cpu_copies\": %d, \"copies\": %d,"
			" \"switches_per_chunk\": %d}", c->nreps, cpu, total, sw);
		for (m = 0; m < M_NR; m++) {
			fprintf(f, ", \"%s\": {\"median\": ", bench_metrics[m].name);
			json_num(f, c->med[m]);
			fprintf(f, ", \"min\": ");
			json_num(f, c->min[m]);
			fprintf(f, ", \"max\": ");
			json_num(f, c->max[m]);
			fprintf(f, "}");
		}
		fprintf(f, "}%s\n", i + 1 < r->ncells ? "," : "");
	}
	fprintf(f, " ],\n \"targets\": ");
	bench_print_targets(f, r, 1);
	fprintf(f, "}\n");
}

static void csv_num(FILE *f, double v)
{
	if (isnan(v))
		fprintf(f, ",n/a");
	else
		fprintf(f, ",%.6g", v);
}

void bench_print_csv(FILE *f, const struct bench_report *r)
{
	int i, m;

	fprintf(f, "method,transport,consumers,cache,size,status,reason,reps,"
		"model_cpu_copies,model_copies,model_switches_per_chunk");
	for (m = 0; m < M_NR; m++)
		fprintf(f, ",%s_median,%s_min,%s_max", bench_metrics[m].name,
			bench_metrics[m].name, bench_metrics[m].name);
	fprintf(f, "\n");
	for (i = 0; i < r->ncells; i++) {
		const struct bench_cell *c = &r->cells[i];
		int cpu, total, sw;
		char reason[sizeof(c->reason)], *p;

		/* Commas and quotes out of the free text keep the CSV trivial. */
		snprintf(reason, sizeof(reason), "%s", c->reason);
		for (p = reason; *p; p++)
			if (*p == ',' || *p == '"')
				*p = ';';
		model(c, &cpu, &total, &sw);
		fprintf(f, "%s,%s,%d,%s,%zu,%s,%s,%d,%d,%d,%d", c->method->name,
			bench_net_names[c->net], c->consumers, c->cold ? "cold" : "warm",
			c->size, status_name(c->status), reason, c->nreps, cpu, total, sw);
		for (m = 0; m < M_NR; m++) {
			csv_num(f, c->med[m]);
			csv_num(f, c->min[m]);
			csv_num(f, c->max[m]);
		}
		fprintf(f, "\n");
	}
}

/* Why the last target had no value: the first row it needed that was
 * skipped, failed or not in the grid. */
static char missing[200];

/* Median of metric m of the ok row, NaN if no such row. */
static double cell_med(const struct bench_report *r, const char *method, int net,
		       int consumers, int cold, size_t size, int m)
{
	int i;

	for (i = 0; i < r->ncells; i++) {
		const struct bench_cell *c = &r->cells[i];

		if (strcmp(c->method->name, method) || c->net != net ||
		    c->consumers != consumers || c->cold != cold || c->size != size)
			continue;
		if (c->status == ST_OK)
			return c->med[m];
		if (!missing[0])
			snprintf(missing, sizeof(missing), "%s %s: %s", method,
				 c->status == ST_SKIP ? "skipped" : "failed", c->reason);
		return NAN;
	}
	if (!missing[0])
		snprintf(missing, sizeof(missing), "no %s row of that scenario in this run", method);
	return NAN;
}

/* zcopy's rivals for one socket: the other ways Linux sends without a copy. */
static const char *const zc_rivals[] = { "sendfile", "splice", "msg_zerocopy",
					 "io_uring_send_zc" };

/* The lowest median sender CPU per GiB of zc_rivals (one consumer, warm),
 * NaN if none of them has an ok row. */
static double best_rival(const struct bench_report *r, int net, size_t size)
{
	double best = NAN, v;
	int i;

	for (i = 0; i < (int)(sizeof(zc_rivals) / sizeof(zc_rivals[0])); i++) {
		v = cell_med(r, zc_rivals[i], net, 1, 0, size, M_SENDER_GIB);
		if (!isnan(v) && (isnan(best) || v < best))
			best = v;
	}
	return best;
}

/* Whether the ledger read "incomplete" for any counter in any rep of the row. */
static int cell_incomplete(const struct bench_report *r, const char *method, int net,
			   int consumers, int cold, size_t size)
{
	int i;

	for (i = 0; i < r->ncells; i++) {
		const struct bench_cell *c = &r->cells[i];

		if (!strcmp(c->method->name, method) && c->net == net &&
		    c->consumers == consumers && c->cold == cold && c->size == size)
			return c->max[M_LEDGER_INCOMPLETE] > 0;
	}
	return 0;
}

/* Whether the run has any row over net. */
static int has_net(const struct bench_report *r, int net)
{
	int i;

	for (i = 0; i < r->ncells; i++)
		if (r->cells[i].net == net)
			return 1;
	return 0;
}

/* The largest size of the run's rows of method over net with n consumers,
 * warm; 0 if none. */
static size_t largest_size(const struct bench_report *r, const char *method, int net, int n)
{
	size_t size = 0;
	int i;

	for (i = 0; i < r->ncells; i++) {
		const struct bench_cell *c = &r->cells[i];

		if (!strcmp(c->method->name, method) && c->net == net && c->consumers == n &&
		    !c->cold && c->size > size)
			size = c->size;
	}
	return size;
}

struct target {
	const char *what;
	double value, limit;	/* met when value <= limit */
	char why[200];		/* when n/a */
};

static void print_target(FILE *f, const struct target *t, int json, int first)
{
	const char *verdict = isnan(t->value) || isnan(t->limit) ? "n/a" :
			      t->value <= t->limit ? "met" : "not met";

	if (json) {
		fprintf(f, "%s{\"target\": ", first ? "" : ", ");
		json_str(f, t->what);
		fprintf(f, ", \"value\": ");
		json_num(f, t->value);
		fprintf(f, ", \"limit\": ");
		json_num(f, t->limit);
		fprintf(f, ", \"verdict\": \"%s\", \"why_na\": ", verdict);
		json_str(f, isnan(t->value) || isnan(t->limit) ? t->why : "");
		fprintf(f, "}");
	} else if (isnan(t->value) || isnan(t->limit)) {
		fprintf(f, "  %-62s %10s  %s (%s)\n", t->what, "n/a", verdict, t->why);
	} else {
		fprintf(f, "  %-62s %10.3f  %s (limit %.3g)\n", t->what, t->value, verdict,
			t->limit);
	}
}

/*
 * With the consumers in another guest (--net peer): the targets on
 * the sender's own CPU.  The fan-out row is the largest 10-consumer size
 * in the run.  Fills t[], returns how many.
 */
static int peer_targets(const struct bench_report *r, struct target *t)
{
	const int net = BENCH_NET_PEER;
	const size_t mid = 64UL << 20, big = 1UL << 30;
	size_t fan = largest_size(r, "zcopy_fanout", net, 10);
	double best;
	int i, n = 0;

	missing[0] = 0;
	best = best_rival(r, net, mid);
	t[n] = (struct target){ "peer: zcopy CPU/GiB / best(sendfile,splice,msgzc,uring) <= 0.8",
		cell_med(r, "zcopy", net, 1, 0, mid, M_SENDER_GIB) / best, 0.8, "" };
	snprintf(t[n++].why, sizeof(t[0].why), "%s", missing);

	/* At 1 GiB only sendfile of the rivals has a row (--big-methods). */
	missing[0] = 0;
	t[n] = (struct target){ "peer: zcopy CPU/GiB / sendfile (1G warm 1) <= 0.8",
		cell_med(r, "zcopy", net, 1, 0, big, M_SENDER_GIB) /
		cell_med(r, "sendfile", net, 1, 0, big, M_SENDER_GIB), 0.8, "" };
	snprintf(t[n++].why, sizeof(t[0].why), "%s", missing);

	missing[0] = 0;
	t[n] = (struct target){ "peer: zcopy_fanout / sendfile loop CPU/GiB (warm 10) <= 0.5",
		cell_med(r, "zcopy_fanout", net, 10, 0, fan, M_SENDER_GIB) /
		cell_med(r, "sendfile", net, 10, 0, fan, M_SENDER_GIB), 0.5, "" };
	snprintf(t[n++].why, sizeof(t[0].why), "%s", missing);

	for (i = 0; i < 2; i++) {
		const char *m = i ? "msg_zerocopy" : "zcopy";

		missing[0] = 0;
		t[n] = (struct target){ i ? "peer: msg_zerocopy CPU-copied bytes (64M warm 1) = 0" :
					    "peer: zcopy CPU-copied bytes (64M warm 1) = 0",
			cell_med(r, m, net, 1, 0, mid, M_CPU_COPIED), 0, "" };
		if (isnan(t[n].value) && !missing[0] && cell_incomplete(r, m, net, 1, 0, mid))
			snprintf(missing, sizeof(missing),
				 "the copy ledger was incomplete (kprobe events missed)");
		snprintf(t[n++].why, sizeof(t[0].why), "%s", missing);
	}
	return n;
}

void bench_print_targets(FILE *f, const struct bench_report *r, int json)
{
	const size_t mid = 64UL << 20, big = 1UL << 30;
	struct target t[20];
	double best, zc, zc_calls, v;
	int i, n = 0;

	/* Each transport's targets only where the run has its rows (a peer
	 * run has no loopback ones to compare). */
	if (!has_net(r, BENCH_NET_LO))
		goto wire;
	missing[0] = 0;
	zc = cell_med(r, "zcopy", 0, 1, 0, mid, M_SENDER_GIB);
	t[n] = (struct target){ "zcopy sender CPU-copied bytes (64M warm lo 1) = 0",
		cell_med(r, "zcopy", 0, 1, 0, mid, M_CPU_COPIED), 0, "" };
	if (isnan(t[n].value) && !missing[0])
		snprintf(missing, sizeof(missing), "%s",
			 cell_incomplete(r, "zcopy", 0, 1, 0, mid) ?
			 "the copy ledger was incomplete (kprobe events missed)" :
			 "the loaded module has no copy ledger");
	snprintf(t[n++].why, sizeof(t[0].why), "%s", missing);

	missing[0] = 0;
	best = best_rival(r, 0, mid);
	t[n] = (struct target){ "zcopy CPU/GiB / best(sendfile,splice,msgzc,uring) <= 0.9",
		cell_med(r, "zcopy", 0, 1, 0, mid, M_SENDER_GIB) / best, 0.9, "" };
	snprintf(t[n++].why, sizeof(t[0].why), "%s", missing);

	missing[0] = 0;
	t[n] = (struct target){ "zcopy CPU/GiB / read_write (64M warm lo 1) <= 0.5",
		cell_med(r, "zcopy", 0, 1, 0, mid, M_SENDER_GIB) /
		cell_med(r, "read_write", 0, 1, 0, mid, M_SENDER_GIB), 0.5, "" };
	snprintf(t[n++].why, sizeof(t[0].why), "%s", missing);

	missing[0] = 0;
	t[n] = (struct target){ "zcopy_fanout / sendfile loop CPU/GiB (64M warm lo 10) <= 0.75",
		cell_med(r, "zcopy_fanout", 0, 10, 0, mid, M_SENDER_GIB) /
		cell_med(r, "sendfile", 0, 10, 0, mid, M_SENDER_GIB), 0.75, "" };
	snprintf(t[n++].why, sizeof(t[0].why), "%s", missing);

	/* open, one ZCOPY_IOC_SEND, close: one ioctl whatever the size. */
	missing[0] = 0;
	zc_calls = cell_med(r, "zcopy", 0, 1, 0, mid, M_SYSCALLS);
	v = cell_med(r, "zcopy", 0, 1, 0, big, M_SYSCALLS);
	v = isnan(zc_calls) || isnan(v) ? NAN : fmax(zc_calls, v);
	t[n] = (struct target){ "zcopy syscalls per transfer, 64M and 1G (open+ioctl+close) <= 3",
		v, 3, "" };
	snprintf(t[n++].why, sizeof(t[0].why), "%s", missing);

	missing[0] = 0;
	t[n] = (struct target){ "zcopy CPU/GiB 1G / 64M (warm lo 1; flat: <= 1.1)",
		cell_med(r, "zcopy", 0, 1, 0, big, M_SENDER_GIB) / zc, 1.1, "" };
	snprintf(t[n++].why, sizeof(t[0].why), "%s", missing);

wire:
	if (!has_net(r, BENCH_NET_WIRE))
		goto peer;
	/*
	 * On the wire (tools/vm/run --wire): the targets.  The
	 * fan-out row is 1 MiB x 10, the largest under the default
	 * --wire-max of 64 MiB in all.
	 */
	missing[0] = 0;
	best = best_rival(r, BENCH_NET_WIRE, mid);
	t[n] = (struct target){ "wire: zcopy CPU/GiB / best(sendfile,splice,msgzc,uring) <= 0.8",
		cell_med(r, "zcopy", BENCH_NET_WIRE, 1, 0, mid, M_SENDER_GIB) / best, 0.8, "" };
	snprintf(t[n++].why, sizeof(t[0].why), "%s", missing);

	missing[0] = 0;
	t[n] = (struct target){ "wire: zcopy_fanout / sendfile loop CPU/GiB (1M warm 10) <= 0.5",
		cell_med(r, "zcopy_fanout", BENCH_NET_WIRE, 10, 0, 1UL << 20, M_SENDER_GIB) /
		cell_med(r, "sendfile", BENCH_NET_WIRE, 10, 0, 1UL << 20, M_SENDER_GIB), 0.5, "" };
	snprintf(t[n++].why, sizeof(t[0].why), "%s", missing);

	for (i = 0; i < 2; i++) {
		const char *m = i ? "msg_zerocopy" : "zcopy";

		missing[0] = 0;
		t[n] = (struct target){ i ? "wire: msg_zerocopy CPU-copied bytes (64M warm 1) = 0" :
					    "wire: zcopy CPU-copied bytes (64M warm 1) = 0",
			cell_med(r, m, BENCH_NET_WIRE, 1, 0, mid, M_CPU_COPIED), 0, "" };
		if (isnan(t[n].value) && !missing[0] &&
		    cell_incomplete(r, m, BENCH_NET_WIRE, 1, 0, mid))
			snprintf(missing, sizeof(missing),
				 "the copy ledger was incomplete (kprobe events missed)");
		snprintf(t[n++].why, sizeof(t[0].why), "%s", missing);
	}

peer:
	if (has_net(r, BENCH_NET_PEER))
		n += peer_targets(r, t + n);
	if (json) {
		fprintf(f, "[");
		for (i = 0; i < n; i++)
			print_target(f, &t[i], 1, !i);
		fprintf(f, "]\n");
		return;
	}
	fprintf(f, "\ntargets (ratios of medians measured in this run; printed, not asserted):\n");
	for (i = 0; i < n; i++)
		print_target(f, &t[i], 0, 0);
}

/* TAP: one test per row; returns 1 if any failed. */
int bench_print_tap(FILE *f, const struct bench_report *r)
{
	char name[128];
	int i, failed = 0;

	fprintf(f, "TAP version 13\n1..%d\n", r->ncells);
	for (i = 0; i < r->ncells; i++) {
		const struct bench_cell *c = &r->cells[i];

		bench_cell_name(c, name, sizeof(name));
		if (c->status == ST_OK)
			fprintf(f, "ok %d bench.%s\n", i + 1, name);
		else if (c->status == ST_SKIP)
			fprintf(f, "ok %d bench.%s # SKIP %s\n", i + 1, name, c->reason);
		else {
			fprintf(f, "not ok %d bench.%s # %s\n", i + 1, name, c->reason);
			failed = 1;
		}
	}
	return failed;
}
