/*
 * ident.c: the identities a guest can see, drawn once at random by
 * create and clone and stored in set.conf: the SMBIOS UUID, disk serial
 * numbers and NIC MAC addresses.  Nothing here is derived from the VM's
 * name, so a rename changes none of them and a clone gets new ones.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/ident.h"
#include "core/common.h"

void
ident_uuid(char *buf, size_t sz)
{
	uint8_t b[16];

	arc4random_buf(b, sizeof(b));
	b[6] = (b[6] & 0x0f) | 0x40;	/* version 4: random */
	b[8] = (b[8] & 0x3f) | 0x80;	/* variant: RFC 4122 */
	snprintf(buf, sz, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4], b[5],
	    b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

void
ident_serial(char *buf, size_t sz)
{
	static const char set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	size_t i, n = sz - 1 < KVM_SERIAL_LEN ? sz - 1 : KVM_SERIAL_LEN;

	for (i = 0; i < n; i++)
		buf[i] = set[arc4random_uniform(sizeof(set) - 1)];
	buf[n] = '\0';
}

/*
 * 58:9c:fc is the prefix bhyve gives the addresses it makes up itself,
 * so kvm's NICs look like any other bhyve NIC to the guest and the LAN.
 */
void
ident_mac(char *buf, size_t sz)
{
	uint8_t b[3];

	arc4random_buf(b, sizeof(b));
	snprintf(buf, sz, "58:9c:fc:%02x:%02x:%02x", b[0], b[1], b[2]);
}
