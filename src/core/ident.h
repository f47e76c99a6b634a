/*
 * ident.h: the identities a guest sees, drawn once at random
 * (arc4random) by create and clone and then stored in set.conf: never
 * derived from the VM's name, so a rename changes none of them.
 */
#ifndef KVM_CORE_IDENT_H
#define KVM_CORE_IDENT_H

#include <stddef.h>

/* A version 4 UUID, lower case, into buf (at least 37 bytes). */
void	 ident_uuid(char *buf, size_t bufsz);
/* KVM_SERIAL_LEN random [A-Z0-9] (fewer if bufsz is smaller). */
void	 ident_serial(char *buf, size_t bufsz);
/* 58:9c:fc:xx:xx:xx, bhyve's own prefix, into buf (at least 18). */
void	 ident_mac(char *buf, size_t bufsz);

#endif /* !KVM_CORE_IDENT_H */
