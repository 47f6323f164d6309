// SPDX-License-Identifier: GPL-2.0
/*
 * io_uring_send_zc: IORING_OP_SEND_ZC (6.0+) from a mapping of the file.
 * One chunk goes to every consumer in one submission; each send gives a
 * result CQE (with IORING_CQE_F_MORE when a notification will follow) and
 * later a IORING_CQE_F_NOTIF CQE once the kernel has released the pages.
 * Registered (fixed) buffers are not used: io_uring refuses file-backed
 * memory for them.  Built only with liburing (HAVE_LIBURING).
 */

#include <errno.h>
#include <string.h>

#include "bench.h"

#ifdef HAVE_LIBURING
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <liburing.h>

struct uring_state {
	struct io_uring ring;
	size_t *left;		/* bytes of the current chunk still to send, per socket */
	unsigned notifs_pending;
};

/* Take one CQE, sleeping in the kernel only when none is ready. */
static int next_cqe(struct bench_job *job, struct uring_state *st, struct io_uring_cqe **cqe)
{
	int ret = io_uring_peek_cqe(&st->ring, cqe);

	if (ret == -EAGAIN) {
		job->syscalls++;
		ret = io_uring_wait_cqe(&st->ring, cqe);
	}
	if (ret < 0) {
		errno = -ret;
		return bench_fail(job, "io_uring_wait_cqe");
	}
	return BENCH_OK;
}

static int send_chunk(struct bench_job *job, struct uring_state *st, const char *p, size_t len)
{
	int i, inflight;

	for (i = 0; i < job->nsocks; i++)
		st->left[i] = len;
	for (;;) {
		inflight = 0;
		for (i = 0; i < job->nsocks; i++) {
			struct io_uring_sqe *sqe;

			if (!st->left[i])
				continue;
			sqe = io_uring_get_sqe(&st->ring);
			io_uring_prep_send_zc(sqe, job->socks[i], p + len - st->left[i],
					      st->left[i], MSG_NOSIGNAL | MSG_WAITALL, 0);
			io_uring_sqe_set_data64(sqe, i);
			inflight++;
		}
		if (!inflight)
			return BENCH_OK;
		job->syscalls++;
		io_uring_submit(&st->ring);
		while (inflight) {
			struct io_uring_cqe *cqe;
			int res, idx;

			if (next_cqe(job, st, &cqe))
				return BENCH_FAIL;
			res = cqe->res;
			idx = (int)io_uring_cqe_get_data64(cqe);
			if (cqe->flags & IORING_CQE_F_NOTIF) {
				st->notifs_pending--;
			} else {
				inflight--;
				if (cqe->flags & IORING_CQE_F_MORE)
					st->notifs_pending++;
				if (res == -EINVAL || res == -EOPNOTSUPP) {
					io_uring_cqe_seen(&st->ring, cqe);
					return bench_skip(job, "kernel refuses IORING_OP_SEND_ZC: %s",
							  strerror(-res));
				}
				if (res <= 0) {
					io_uring_cqe_seen(&st->ring, cqe);
					errno = res ? -res : EPIPE;
					return bench_fail(job, "IORING_OP_SEND_ZC");
				}
				st->left[idx] -= res;
			}
			io_uring_cqe_seen(&st->ring, cqe);
		}
	}
}

int bench_io_uring_send_zc(struct bench_job *job)
{
	struct uring_state st = { .notifs_pending = 0 };
	int rc = BENCH_OK, ret;
	char *map;
	size_t off;

	job->syscalls++;
	ret = io_uring_queue_init(2 * job->nsocks + 2, &st.ring, 0);
	if (ret < 0)
		return bench_skip(job, "kernel refuses io_uring: %s", strerror(-ret));
	st.left = calloc(job->nsocks, sizeof(*st.left));
	map = mmap(NULL, job->size, PROT_READ, MAP_SHARED, job->file_fd, 0);
	job->syscalls++;
	if (!st.left || map == MAP_FAILED) {
		rc = bench_fail(job, "mmap");
		goto out;
	}
	for (off = 0; off < job->size && rc == BENCH_OK; off += job->chunk) {
		size_t len = job->size - off < job->chunk ? job->size - off : job->chunk;

		rc = send_chunk(job, &st, map + off, len);
	}
	/* The mapping must outlive the kernel's use of its pages. */
	while (rc == BENCH_OK && st.notifs_pending) {
		struct io_uring_cqe *cqe;

		rc = next_cqe(job, &st, &cqe);
		if (rc == BENCH_OK) {
			if (cqe->flags & IORING_CQE_F_NOTIF)
				st.notifs_pending--;
			io_uring_cqe_seen(&st.ring, cqe);
		}
	}
	munmap(map, job->size);
	job->syscalls++;
out:
	free(st.left);
	io_uring_queue_exit(&st.ring);
	job->syscalls++;
	return rc;
}
#else
int bench_io_uring_send_zc(struct bench_job *job)
{
	return bench_skip(job, "built without liburing (install liburing-dev)");
}
#endif
