/*
 * pciconf.h: host PCI devices for passthru (pure): the B/S/F of a
 * passthru entry, and a device found in the output of "pciconf -lv".
 */
#ifndef KVM_CORE_PCICONF_H
#define KVM_CORE_PCICONF_H

#include <stddef.h>

struct pci_dev {
	char	pd_name[32];		/* driver and unit: ppt0, re0, none0 */
	char	pd_vendor[128];		/* -v strings, "" without -v */
	char	pd_device[128];
	char	pd_vendor_id[16];	/* -l's vendor=0x..., "" if none */
	char	pd_device_id[16];
};

/*
 * Read "B/S/F" (decimal: bus 0-255, slot 0-31, function 0-7) at the
 * start of s, followed by nothing or ','.  Returns 0 with the numbers in
 * bsf and *end (if end is not NULL) at what follows, or -1.
 */
int	pciconf_bsf(const char *s, unsigned bsf[3], const char **end);
/*
 * Find host device pci0:B:S:F in text, the output of "pciconf -l" or
 * "pciconf -lv".  Returns 1 with d filled, or 0 when it is not there.
 */
int	pciconf_find(const char *text, const unsigned bsf[3],
	    struct pci_dev *d);
/* 1 if d is attached to ppt(4), the driver passthru needs. */
int	pciconf_is_ppt(const struct pci_dev *d);
/*
 * What d is, into buf: "VENDOR DEVICE" from -v, else "vendor 0xV
 * device 0xD" from -l, else "".
 */
void	pciconf_describe(const struct pci_dev *d, char *buf, size_t sz);

#endif /* !KVM_CORE_PCICONF_H */
