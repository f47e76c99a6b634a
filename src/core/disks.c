/*
 * disks.c: set.conf's Disks, the VM's extra disks (disks.h).  Each entry
 * is checked the way bhyve will read it and for the slots: a disk keeps
 * the slot written in its entry for its whole life, so the guest sees
 * the same controller at the same address at every start, whatever is
 * added or removed around it.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/disks.h"
#include "core/common.h"
#include "core/ident.h"
#include "core/valid.h"
#include "core/vm.h"

/* What one entry's checks work with. */
struct dent {
	struct vm	*de_vm;
	const char	*de_label;
	const char	*de_entry;
	char		*de_msg;
	size_t		 de_msgsz;
};

/* "LABEL entry \"E\": " then the message; always -1. */
static int
dent_err(struct dent *d, const char *what)
{
	return errf(d->de_msg, d->de_msgsz, "%s entry \"%s\": %s",
	    d->de_label, d->de_entry, what);
}

/* The bus 0 slot of a Devices entry into *slot: 1, or 0 if none. */
static int
dev_slot0(const char *entry, unsigned *slot)
{
	char buf[32], msg[KVM_ERR_MAX];
	unsigned bus, func;
	size_t n = strcspn(entry, ",");

	if (n >= sizeof(buf))
		return 0;
	memcpy(buf, entry, n);
	buf[n] = '\0';
	if (valid_pci_slot(buf, &bus, slot, &func, msg, sizeof(msg)) == -1)
		return 0;
	return bus == 0;
}

/* The Devices entry on bus 0 slot s, or NULL. */
static const char *
dev_at(const struct vm *vm, unsigned s)
{
	unsigned slot;
	size_t i;

	for (i = 0; i < vm->ndevices; i++)
		if (dev_slot0(vm->devices[i], &slot) && slot == s)
			return vm->devices[i];
	return NULL;
}

/*
 * 1 if the n bytes at p are a PATH: a plain file name in the VM's
 * directory, or a zvol's device (bhyve-facts 1.8: nvme, virtio-blk and
 * ahci take a file or a device).  A ',' would end the path for bhyve;
 * ':' separates the fields.
 */
static int
path_ok(const char *p, size_t n)
{
	static const char zvol[] = "/dev/zvol/";
	static const char chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789._-";
	const char *v = p + sizeof(zvol) - 1;
	size_t i;

	if (n <= sizeof(zvol) - 1 || strncmp(p, zvol, sizeof(zvol) - 1) != 0)
		return n > 0 && *p != '.' && strspn(p, chars) >= n;
	/* POOL/VOLUME...: ZFS name characters, no empty or dot component */
	n -= sizeof(zvol) - 1;
	for (i = 0; i < n; i++)
		if (v[i] != '/' && strchr(chars, v[i]) == NULL)
			return 0;
	for (i = 0; i < n; i++)
		if ((i == 0 || v[i - 1] == '/') && (v[i] == '/' || v[i] == '.'))
			return 0;
	return v[n - 1] != '/';
}

/* PATH, not one of kvm's own files, made absolute in k->vd_path. */
static int
dent_path(struct dent *d, struct vm_disk *k, const char *p, size_t n)
{
	static const char *const own[] = { "set.conf", "run", "uefi-vars.fd",
	    "device.map", "kvm.log", NULL };
	char msg[KVM_ERR_MAX];
	size_t i;
	int abs = *p == '/';

	if (!path_ok(p, n)) {
		snprintf(msg, sizeof(msg), "PATH must be a file name in the "
		    "VM's directory (letters, digits, '.', '_', '-') or a "
		    "/dev/zvol/POOL/VOLUME path, not \"%.*s\"", (int)n, p);
		return dent_err(d, msg);
	}
	for (i = 0; own[i] != NULL; i++)
		if (strlen(own[i]) == n && strncmp(p, own[i], n) == 0) {
			snprintf(msg, sizeof(msg), "%s is kvm's own file",
			    own[i]);
			return dent_err(d, msg);
		}
	k->vd_off = abs ? 0 : strlen(d->de_vm->dir) + 1;
	if ((size_t)snprintf(k->vd_path, sizeof(k->vd_path), "%s%s%.*s",
	    abs ? "" : d->de_vm->dir, abs ? "" : "/", (int)n, p) >=
	    sizeof(k->vd_path))
		return dent_err(d, "PATH is too long");
	return 0;
}

static int
dent_driver(struct dent *d, struct vm_disk *k, const char *p, size_t n)
{
	static const char *const drivers[] = { "nvme", "virtio-blk",
	    "ahci-hd", NULL };
	char msg[KVM_ERR_MAX];
	size_t i;

	for (i = 0; drivers[i] != NULL; i++)
		if (strlen(drivers[i]) == n && strncmp(p, drivers[i], n) == 0) {
			strlcpy(k->vd_driver, drivers[i], sizeof(k->vd_driver));
			return 0;
		}
	snprintf(msg, sizeof(msg), "DRIVER must be nvme, virtio-blk or "
	    "ahci-hd, not \"%.*s\"", (int)n, p);
	return dent_err(d, msg);
}

/*
 * SERIAL: empty, or what valid_serial takes: at most 20 characters,
 * the room bhyve has for it in every driver (pci_nvme.c copies ser=
 * into the 20-byte NVMe serial number; pci_virtio_block.c keeps
 * VTBLK_BLK_ID_BYTES, 20 + 1; pci_ahci.c writes 20 bytes of ATA
 * IDENTIFY words 10-19).
 */
static int
dent_serial(struct dent *d, struct vm_disk *k, const char *p, size_t n)
{
	char buf[64], msg[KVM_ERR_MAX];

	k->vd_serial[0] = '\0';
	if (n == 0)
		return 0;
	snprintf(buf, sizeof(buf), "%.*s", (int)n, p);
	if (n >= sizeof(buf) || valid_serial("SERIAL", buf, msg,
	    sizeof(msg)) == -1)
		return dent_err(d, n >= sizeof(buf) ?
		    "SERIAL is longer than 20 characters" : msg);
	strlcpy(k->vd_serial, buf, sizeof(k->vd_serial));
	return 0;
}

/*
 * SLOT: one of bus 0's slots (pci_emul.c takes 0-31), below those kvm
 * keeps for itself at the top (28 to 31) and not the main disk's or the
 * ISO's.  Each disk is function 0 of its own slot.  Functions 1-7 of
 * the main disk's slot would work too (pci_emul.c sets the header's
 * multi-function bit when a slot has more than one function,
 * pci_emul_hdrtype_fixup), but would tie every disk to slot 2 and ask
 * each guest's firmware to probe functions; slots are plenty.
 */
static int
dent_slot(struct dent *d, struct vm_disk *k, const char *p)
{
	char msg[KVM_ERR_MAX];
	const char *dev;
	size_t i;

	if (valid_uint("SLOT", p, 1, DISKS_SLOT_TOP, &k->vd_slot, msg,
	    sizeof(msg)) == -1)
		return dent_err(d, msg);
	if (k->vd_slot == 2 || k->vd_slot == 3) {
		snprintf(msg, sizeof(msg), "slot %u is reserved for %s",
		    k->vd_slot, k->vd_slot == 2 ? "the main disk" : "the ISO");
		return dent_err(d, msg);
	}
	if ((dev = dev_at(d->de_vm, k->vd_slot)) != NULL) {
		snprintf(msg, sizeof(msg), "slot %u is already used by Devices "
		    "entry \"%s\"", k->vd_slot, dev);
		return dent_err(d, msg);
	}
	for (i = 0; i < d->de_vm->ndisks; i++)
		if (d->de_vm->disks[i].vd_slot == k->vd_slot) {
			snprintf(msg, sizeof(msg), "slot %u is already used "
			    "by disk %s", k->vd_slot,
			    disks_name(&d->de_vm->disks[i]));
			return dent_err(d, msg);
		}
	return 0;
}

/* The same file twice would be two controllers writing one disk. */
static int
dent_unique(struct dent *d, const struct vm_disk *k)
{
	char msg[KVM_ERR_MAX];
	size_t i;

	if (strcmp(k->vd_path, d->de_vm->disk) == 0)
		return dent_err(d, "PATH is the main disk (Disk)");
	for (i = 0; i < d->de_vm->ndisks; i++)
		if (strcmp(d->de_vm->disks[i].vd_path, k->vd_path) == 0) {
			snprintf(msg, sizeof(msg), "%s is already a disk",
			    disks_name(k));
			return dent_err(d, msg);
		}
	return 0;
}

/* One PATH:DRIVER:SERIAL:SLOT entry into vm->disks[vm->ndisks]. */
static int
dent_parse(struct dent *d)
{
	struct vm_disk *k = &d->de_vm->disks[d->de_vm->ndisks];
	const char *f[4], *p = d->de_entry;
	size_t i;

	for (i = 0; i < 4; i++) {
		f[i] = p;
		p += strcspn(p, ":");
		if (*p == ':' && i < 3)
			p++;
		else if (*p != '\0' || i < 3)
			return errf(d->de_msg, d->de_msgsz, "%s entry \"%s\" "
			    "must be PATH:DRIVER:SERIAL:SLOT, e.g. "
			    "disk1:nvme::27", d->de_label, d->de_entry);
	}
	memset(k, 0, sizeof(*k));
	if (dent_path(d, k, f[0], (size_t)(f[1] - 1 - f[0])) == -1 ||
	    dent_driver(d, k, f[1], (size_t)(f[2] - 1 - f[1])) == -1 ||
	    dent_serial(d, k, f[2], (size_t)(f[3] - 1 - f[2])) == -1 ||
	    dent_slot(d, k, f[3]) == -1 || dent_unique(d, k) == -1)
		return -1;
	d->de_vm->ndisks++;
	return 0;
}

int
disks_parse(struct vm *vm, const char *label, const char *v, char *msg,
    size_t msgsz)
{
	static const char sep[] = " \t\n";
	struct dent d = { vm, label, NULL, msg, msgsz };
	char entry[PATH_MAX + 64];
	size_t n;

	vm->ndisks = 0;
	for (v += strspn(v, sep); *v != '\0'; v += strspn(v, sep)) {
		n = strcspn(v, sep);
		snprintf(entry, sizeof(entry), "%.*s", (int)n, v);
		d.de_entry = entry;
		if (vm->ndisks == VM_MAX_DISKS)
			errf(msg, msgsz, "%s has more than %d entries", label,
			    VM_MAX_DISKS);
		else if (n >= sizeof(entry))
			errf(msg, msgsz, "%s entry is too long", label);
		if (vm->ndisks == VM_MAX_DISKS || n >= sizeof(entry) ||
		    dent_parse(&d) == -1) {
			vm->ndisks = 0;
			return -1;
		}
		v += n;
	}
	return 0;
}

const char *
disks_name(const struct vm_disk *k)
{
	return k->vd_path + k->vd_off;
}

unsigned
disks_next_slot(const struct vm *vm)
{
	unsigned s;
	size_t i;

	for (s = DISKS_SLOT_TOP; s >= DISKS_SLOT_LOW; s--) {
		for (i = 0; i < vm->ndisks; i++)
			if (vm->disks[i].vd_slot == s)
				break;
		if (i == vm->ndisks && dev_at(vm, s) == NULL)
			return s;
	}
	return 0;
}

char *
disks_reserial(const struct vm *vm)
{
	const struct vm_disk *k;
	char ser[KVM_SERIAL_LEN + 1], *s = NULL, *t;
	size_t i;

	for (i = 0; i < vm->ndisks; i++) {
		k = &vm->disks[i];
		ser[0] = '\0';
		if (k->vd_serial[0] != '\0')
			ident_serial(ser, sizeof(ser));
		if (asprintf(&t, "%s%s%s:%s:%s:%u", s != NULL ? s : "",
		    s != NULL ? " " : "", disks_name(k), k->vd_driver, ser,
		    k->vd_slot) == -1)
			err(1, NULL);
		free(s);
		s = t;
	}
	if (s == NULL && (s = strdup("")) == NULL)
		err(1, NULL);
	return s;
}
