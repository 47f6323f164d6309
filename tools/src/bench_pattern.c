// SPDX-License-Identifier: GPL-2.0
/*
 * zcopy bench: the test file's content.  Every 8-byte word is a function of
 * its offset, so a consumer checks each byte it receives against where it
 * should be in the file, with no second read of the file (which would add
 * page-cache traffic and, in cold runs, disk reads to what is measured).
 * Misplaced, stale or foreign bytes all fail the check.
 */

#include <string.h>

#include "bench.h"

static inline uint64_t word_at(uint64_t index)
{
	/* An odd multiplier spreads neighbouring indices over all bits. */
	return (index + 1) * 0x9E3779B97F4A7C15ULL ^ 0x7a636f7079626e63ULL;
}

static inline unsigned char byte_at(uint64_t off)
{
	return (unsigned char)(word_at(off >> 3) >> ((off & 7) * 8));
}

void bench_pattern_fill(unsigned char *buf, size_t len, uint64_t off)
{
	while (len && (off & 7)) {
		*buf++ = byte_at(off++);
		len--;
	}
	for (; len >= 8; len -= 8, buf += 8, off += 8) {
		uint64_t w = word_at(off >> 3);

		memcpy(buf, &w, 8);	/* little-endian, as byte_at */
	}
	while (len--)
		*buf++ = byte_at(off++);
}

/* 0 if buf holds the file's bytes at off, -1 otherwise. */
int bench_pattern_check(const unsigned char *buf, size_t len, uint64_t off)
{
	while (len && (off & 7)) {
		if (*buf++ != byte_at(off++))
			return -1;
		len--;
	}
	for (; len >= 8; len -= 8, buf += 8, off += 8) {
		uint64_t w;

		memcpy(&w, buf, 8);
		if (w != word_at(off >> 3))
			return -1;
	}
	while (len--)
		if (*buf++ != byte_at(off++))
			return -1;
	return 0;
}
