/*
 * cloudinit.h: the text of a cloud-init NoCloud seed (pure): meta-data
 * and network-config from a VM's settings, the user-data kvm writes
 * from SSH public keys, and the check of those keys.
 */
#ifndef KVM_CORE_CLOUDINIT_H
#define KVM_CORE_CLOUDINIT_H

#include <stddef.h>

struct vm;

/*
 * meta-data: "instance-id: iid-UUID" and "local-hostname: NAME".
 * malloc'd; err(1) when out of memory.
 */
char	*ci_meta_data(const struct vm *);
/*
 * network-config (version 2): DHCP on each virtio-net or e1000 entry
 * of Devices that has a mac=, matched by that address.  NULL when there
 * is none (the seed then has no network-config and cloud-init uses its
 * fallback, DHCP on the first interface); else malloc'd.
 */
char	*ci_network_config(const struct vm *);
/*
 * Check the text of an SSH public key file: each line that is not
 * blank or a comment must start with a key type (ssh-rsa, ssh-dss,
 * ssh-ed25519, ecdsa-sha2-*, sk-*) and a key.  0, or -1 and "line N is
 * not an SSH public key ..." in err.
 */
int	 ci_keys_check(const char *text, char *err, size_t errsz);
/*
 * user-data for checked keys: "#cloud-config" and ssh_authorized_keys
 * with each key line (the default user's keys); without keys, the
 * "#cloud-config" line alone.  malloc'd.
 */
char	*ci_user_data(const char *keys);

#endif /* !KVM_CORE_CLOUDINIT_H */
