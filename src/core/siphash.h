/*
 * siphash.h: SipHash-2-4, a keyed 64-bit hash (pure).
 */
#ifndef KVM_CORE_SIPHASH_H
#define KVM_CORE_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

/* The SipHash-2-4 of the n bytes at p under the 128-bit key. */
uint64_t	 siphash24(const uint64_t key[2], const void *p, size_t n);

#endif /* !KVM_CORE_SIPHASH_H */
