/*
 * siphash.c: SipHash-2-4 (Aumasson and Bernstein, 2012), a keyed hash
 * whose collisions cannot be chosen without the key.  conf.c uses it for
 * its variable table so a hostile set.conf cannot flood one chain.
 */
#include <stddef.h>
#include <stdint.h>

#include "core/siphash.h"

#define ROTL64(x, b)	(((x) << (b)) | ((x) >> (64 - (b))))

static void
sip_round(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = ROTL64(v[1], 13) ^ v[0];
	v[0] = ROTL64(v[0], 32);
	v[2] += v[3];
	v[3] = ROTL64(v[3], 16) ^ v[2];
	v[0] += v[3];
	v[3] = ROTL64(v[3], 21) ^ v[0];
	v[2] += v[1];
	v[1] = ROTL64(v[1], 17) ^ v[2];
	v[2] = ROTL64(v[2], 32);
}

/* Up to 8 bytes at p as a little-endian number. */
static uint64_t
load_le(const char *p, size_t n)
{
	uint64_t m = 0;
	size_t i;

	for (i = 0; i < n; i++)
		m |= (uint64_t)(unsigned char)p[i] << (8 * i);
	return m;
}

uint64_t
siphash24(const uint64_t key[2], const void *p, size_t n)
{
	uint64_t v[4], m;
	const char *name = p;
	size_t len = n;

	v[0] = key[0] ^ 0x736f6d6570736575ULL;
	v[1] = key[1] ^ 0x646f72616e646f6dULL;
	v[2] = key[0] ^ 0x6c7967656e657261ULL;
	v[3] = key[1] ^ 0x7465646279746573ULL;
	for (; n >= 8; n -= 8, name += 8) {
		m = load_le(name, 8);
		v[3] ^= m;
		sip_round(v);
		sip_round(v);
		v[0] ^= m;
	}
	m = (uint64_t)len << 56 | load_le(name, n);
	v[3] ^= m;
	sip_round(v);
	sip_round(v);
	v[0] ^= m;
	v[2] ^= 0xff;
	sip_round(v);
	sip_round(v);
	sip_round(v);
	sip_round(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

