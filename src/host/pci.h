/*
 * pci.h: the host's PCI devices, through pciconf(8), for passthru.
 */
#ifndef KVM_HOST_PCI_H
#define KVM_HOST_PCI_H

struct kvm_ctx;

/*
 * The output of "pciconf -lv", malloc'd (core/pciconf.h reads it), or
 * NULL after a warning when pciconf could not be run or failed.
 */
char	*pci_list(const struct kvm_ctx *);

#endif /* !KVM_HOST_PCI_H */
