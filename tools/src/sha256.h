/* SPDX-License-Identifier: GPL-2.0 */
/* SHA-256 (FIPS 180-4), small and dependency-free for the static tool. */
#ifndef ZCOPY_SHA256_H
#define ZCOPY_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint64_t len;		/* bytes hashed so far */
	uint8_t buf[64];	/* a partial block */
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, uint8_t out[32]);
/* @out gets 64 lowercase hex digits and a NUL. */
void sha256_hex(const uint8_t digest[32], char out[65]);

/* 0 if SHA-256("abc") is the FIPS 180-4 test vector, else -1. */
int sha256_selfcheck(void);

#endif
