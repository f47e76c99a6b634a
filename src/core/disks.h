/*
 * disks.h: the VM's extra disks, set.conf's Disks (pure): space-separated
 * PATH:DRIVER:SERIAL:SLOT entries, e.g. "disk1:nvme:7QX2M0C4Z1:27".  PATH
 * is a file name in the VM's directory (so the disk is in the VM's
 * snapshots) or a /dev/zvol/ path; SERIAL may be empty; SLOT is the PCI
 * slot on bus 0, drawn once by "kvm disk add" and then kept.
 */
#ifndef KVM_CORE_DISKS_H
#define KVM_CORE_DISKS_H

#include <stddef.h>
#include <stdint.h>

struct vm;
struct vm_disk;

/* The slots "kvm disk add" draws from, the highest free one first. */
#define DISKS_SLOT_TOP	27
#define DISKS_SLOT_LOW	4

/*
 * The Disks parser of the settings table (setting_parse_fn): every
 * entry checked and stored in vm->disks, or none and -1 with the
 * message in msg.  Disk and Devices must already be in vm.
 */
int		 disks_parse(struct vm *vm, const char *label, const char *v,
		    char *msg, size_t msgsz);
/* The disk's PATH as set.conf has it (a name in the VM's directory). */
const char	*disks_name(const struct vm_disk *);
/*
 * The slot for a new disk: the highest of DISKS_SLOT_TOP down to
 * DISKS_SLOT_LOW that no Devices or Disks entry uses; 0 when none is.
 */
unsigned	 disks_next_slot(const struct vm *);
/*
 * Disks as vm has it with a new serial drawn for every entry that has
 * one (what a clone gets: identities are never shared); caller frees.
 */
char		*disks_reserial(const struct vm *);

#endif /* !KVM_CORE_DISKS_H */
