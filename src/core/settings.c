/*
 * settings.c: the one table of set.conf's known variables (design.md
 * section 4) and their parsers.  Each parser checks one value the way
 * bhyve will read it, so nothing reaches bhyve that it would refuse or
 * misread, and stores it in struct vm; vm.c runs them in table order,
 * create_text.c writes the explanations, create asks the questions,
 * check and info take names and labels from here.  Adding a setting is
 * adding a row (and its field in struct vm).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/settings.h"
#include "core/common.h"
#include "core/cpu.h"
#include "core/disks.h"
#include "core/loaderopts.h"
#include "core/pciconf.h"
#include "core/valid.h"
#include "core/vm.h"

/* Copy v into dst, or "LABEL is too long (at most N bytes)". */
static int
set_copy(const char *label, char *dst, size_t sz, const char *v, char *msg,
    size_t msgsz)
{
	if (strlcpy(dst, v, sz) >= sz)
		return errf(msg, msgsz, "%s is too long (at most %zu bytes)",
		    label, sz - 1);
	return 0;
}

/*
 * Store DIR/NAME (or NAME alone when dir is NULL), a path bhyve will see
 * inside a comma-separated device string, where a comma would start a
 * new option.  what names the path in the message.
 */
static int
set_path(const char *what, char *dst, size_t sz, const char *dir,
    const char *name, char *msg, size_t msgsz)
{
	if ((size_t)snprintf(dst, sz, "%s%s%s", dir != NULL ? dir : "",
	    dir != NULL ? "/" : "", name) >= sz)
		return errf(msg, msgsz, "%s path is too long", what);
	if (strchr(dst, ',') != NULL)
		return errf(msg, msgsz, "%s path \"%s\" contains ',', which "
		    "bhyve reads as an option separator", what, dst);
	return 0;
}

/*
 * Index of v in the NULL-terminated list, or -1 and "LABEL must be a, b
 * or c, not \"v\"".
 */
static int
set_choice(const char *label, const char *v, const char *const *list,
    char *msg, size_t msgsz)
{
	char all[256];
	size_t i;

	all[0] = '\0';
	for (i = 0; list[i] != NULL; i++) {
		if (strcmp(v, list[i]) == 0)
			return (int)i;
		if (i > 0)
			strlcat(all, list[i + 1] == NULL ? " or " : ", ",
			    sizeof(all));
		strlcat(all, list[i], sizeof(all));
	}
	return errf(msg, msgsz, "%s must be %s, not \"%s\"", label, all, v);
}

static int
set_cores(struct vm *vm, const char *label, const char *v, char *msg,
    size_t msgsz)
{
	return valid_uint(label, v, 1, KVM_CORES_MAX, &vm->cores, msg,
	    msgsz);
}

/* Mem, kept as given for bhyve -m with the unit in capitals. */
static int
set_mem(struct vm *vm, const char *label, const char *v, char *msg,
    size_t msgsz)
{
	size_t n;

	if (*v == '\0')
		return errf(msg, msgsz, "%s is not set", label);
	if (valid_size(label, v, &vm->mem, msg, msgsz) == -1)
		return -1;
	if (vm->mem % 4096 != 0)
		return errf(msg, msgsz, "%s must be a multiple of 4K", label);
	if (set_copy(label, vm->memstr, sizeof(vm->memstr), v, msg,
	    msgsz) == -1)
		return -1;
	n = strlen(vm->memstr);
	vm->memstr[n - 1] = (char)toupper((unsigned char)v[n - 1]);
	return 0;
}

/* The loader, and for UEFI the firmware and the VM's vars file. */
static int
set_rom(struct vm *vm, const char *label, const char *v, char *msg,
    size_t msgsz)
{
	vm->rom_path[0] = vm->vars_path[0] = '\0';
	if (strcmp(v, "grub") == 0 || strcmp(v, "bhyveload") == 0) {
		vm->rom = *v == 'g' ? ROM_GRUB : ROM_BHYVELOAD;
		return 0;
	}
	if (strcmp(v, "uefi") == 0) {
		vm->rom = ROM_UEFI;
		if (set_path("UEFI firmware", vm->rom_path,
		    sizeof(vm->rom_path), vm->home,
		    "firmware/BHYVE_UEFI_CODE.fd", msg, msgsz) == -1)
			return -1;
	} else if (*v == '/') {
		vm->rom = ROM_FILE;
		if (set_path(label, vm->rom_path, sizeof(vm->rom_path), NULL,
		    v, msg, msgsz) == -1)
			return -1;
	} else
		return errf(msg, msgsz, "%s must be uefi, grub, bhyveload or "
		    "the absolute path of a firmware file, not \"%s\"", label,
		    v);
	return set_path("UEFI variables", vm->vars_path,
	    sizeof(vm->vars_path), vm->dir, "uefi-vars.fd", msg, msgsz);
}

/* Only the flags of bhyve-facts 1.2 that take no argument. */
static int
set_options(struct vm *vm, const char *label, const char *v, char *msg,
    size_t msgsz)
{
	static const char flags[] = "AaCDeHPSuWwxY";
	const char *p;

	for (p = v; *p != '\0'; p++) {
		if (strchr(flags, *p) == NULL)
			return errf(msg, msgsz, "%s: '%c' is not an "
			    "argument-less bhyve flag (accepted: A a C D e H "
			    "P S u W w x Y)", label, *p);
		if (strchr(p + 1, *p) != NULL)
			return errf(msg, msgsz, "%s has '%c' twice", label,
			    *p);
	}
	if (strchr(v, 'a') != NULL && strchr(v, 'x') != NULL)
		return errf(msg, msgsz, "%s: 'a' (xAPIC) and 'x' (x2APIC) "
		    "contradict each other", label);
	return set_copy(label, vm->options, sizeof(vm->options), v, msg,
	    msgsz);
}

static int
set_uuid(struct vm *vm, const char *label, const char *v, char *msg,
    size_t msgsz)
{
	vm->uuid[0] = '\0';
	if (*v == '\0')
		return 0;
	if (valid_uuid(label, v, msg, msgsz) == -1)
		return -1;
	return set_copy(label, vm->uuid, sizeof(vm->uuid), v, msg, msgsz);
}

static int
set_disk(struct vm *vm, const char *label, const char *v, char *msg,
    size_t msgsz)
{
	return set_path(label, vm->disk, sizeof(vm->disk),
	    *v == '/' ? NULL : vm->dir, v, msg, msgsz);
}

static int
set_driver(struct vm *vm, const char *label, const char *v, char *msg,
    size_t msgsz)
{
	static const char *const drivers[] = { "nvme", "virtio-blk",
	    "ahci-hd", NULL };
	int i;

	if ((i = set_choice(label, v, drivers, msg, msgsz)) == -1)
		return -1;
	strlcpy(vm->disk_driver, drivers[i], sizeof(vm->disk_driver));
	return 0;
}

static int
set_serial(struct vm *vm, const char *label, const char *v, char *msg,
    size_t msgsz)
{
	vm->disk_serial[0] = '\0';
	if (*v == '\0')
		return 0;
	if (valid_serial(label, v, msg, msgsz) == -1)
		return -1;
	return set_copy(label, vm->disk_serial, sizeof(vm->disk_serial), v,
	    msg, msgsz);
}

static int
set_iso(struct vm *vm, const char *label, const char *v, char *msg,
    size_t msgsz)
{
	vm->iso[0] = '\0';
	if (*v == '\0')
		return 0;
	if (*v != '/')
		return errf(msg, msgsz, "%s must be an absolute path, not "
		    "\"%s\"", label, v);
	return set_path(label, vm->iso, sizeof(vm->iso), NULL, v, msg,
	    msgsz);
}

/* CloudInit: the seed's instance-id is the UUID, so it needs one. */
static int
set_cloudinit(struct vm *vm, const char *label, const char *v, char *msg,
    size_t msgsz)
{
	static const char *const yesno[] = { "yes", "no", NULL };
	int i;

	if ((i = set_choice(label, v, yesno, msg, msgsz)) == -1)
		return -1;
	vm->cloudinit = i == 0;
	if (vm->cloudinit && vm->uuid[0] == '\0')
		return errf(msg, msgsz, "%s yes needs a UUID (the seed's "
		    "instance-id)", label);
	return 0;
}

static int
set_console(struct vm *vm, const char *label, const char *v, char *msg,
    size_t msgsz)
{
	static const char *const consoles[] = { "com", "vnc", NULL };
	int i;

	if ((i = set_choice(label, v, consoles, msg, msgsz)) == -1)
		return -1;
	vm->console = i == 1 ? CONSOLE_VNC : CONSOLE_COM;
	if (vm->console == CONSOLE_VNC &&
	    vm->rom != ROM_UEFI && vm->rom != ROM_FILE)
		return errf(msg, msgsz, "%s vnc needs a UEFI loader", label);
	return 0;
}

static int
set_com(struct vm *vm, const char *label, const char *v, char *msg,
    size_t msgsz)
{
	static const char *const coms[] = { "stdio", "nmdm", NULL };
	int i;

	vm->com = COM_DEFAULT;
	if (*v == '\0')
		return 0;
	if ((i = set_choice(label, v, coms, msg, msgsz)) == -1)
		return -1;
	vm->com = i == 0 ? COM_STDIO : COM_NMDM;
	return 0;
}

static int
set_vnc_bind(struct vm *vm, const char *label, const char *v, char *msg,
    size_t msgsz)
{
	if (valid_ipv4(label, v, msg, msgsz) == -1)
		return -1;
	strlcpy(vm->vnc_bind, v, sizeof(vm->vnc_bind));
	return 0;
}

static int
set_vnc_port(struct vm *vm, const char *label, const char *v, char *msg,
    size_t msgsz)
{
	return valid_port(label, v, &vm->vnc_port, msg, msgsz);
}

static int
set_vnc_size(struct vm *vm, const char *label, const char *v, char *msg,
    size_t msgsz)
{
	return valid_vnc_size(label, v, &vm->vnc_w, &vm->vnc_h, msg, msgsz);
}

static int
set_vnc_wait(struct vm *vm, const char *label, const char *v, char *msg,
    size_t msgsz)
{
	static const char *const yesno[] = { "yes", "no", NULL };
	int i;

	if ((i = set_choice(label, v, yesno, msg, msgsz)) == -1)
		return -1;
	vm->vnc_wait = i == 0;
	return 0;
}

static int
set_vnc_password(struct vm *vm, const char *label, const char *v, char *msg,
    size_t msgsz)
{
	if (strchr(v, ',') != NULL)
		return errf(msg, msgsz, "%s may not contain ',' (bhyve reads "
		    "it as an option separator)", label);
	if (strlen(v) > 8)
		return errf(msg, msgsz, "%s is longer than 8 characters (VNC "
		    "uses only the first 8)", label);
	strlcpy(vm->vnc_password, v, sizeof(vm->vnc_password));
	return 0;
}

/*
 * TPM: none, swtpm, or passthru[:/dev/DEVICE] (bhyve -l tpm,TYPE,PATH;
 * usr.sbin/bhyve/amd64/pci_lpc.c, lpc_device_parse).  Only the UEFI
 * firmware sets a TPM up for the guest (the edk2-bhyve port builds it
 * with TPM2_ENABLE since FreeBSD 14.0, ports review D41868); a kernel
 * loaded by bhyveload or grub-bhyve would find an uninitialised one.
 * Whether the device exists is the host's business ("kvm check").
 */
static int
set_tpm(struct vm *vm, const char *label, const char *v, char *msg,
    size_t msgsz)
{
	const char *dev;

	vm->tpm = TPM_NONE;
	vm->tpm_dev[0] = '\0';
	if (*v == '\0')
		return 0;
	if (strcmp(v, "swtpm") == 0)
		vm->tpm = TPM_SWTPM;
	else if (strcmp(v, "passthru") == 0 ||
	    strncmp(v, "passthru:", 9) == 0) {
		dev = v[8] == ':' ? v + 9 : "/dev/tpm0";
		if (strncmp(dev, "/dev/", 5) != 0 || dev[5] == '\0' ||
		    strstr(dev, "/..") != NULL)
			return errf(msg, msgsz, "%s passthru device must be "
			    "a path under /dev, e.g. passthru:/dev/tpm0, not "
			    "\"%s\"", label, dev);
		if (set_path("TPM passthru device", vm->tpm_dev,
		    sizeof(vm->tpm_dev), NULL, dev, msg, msgsz) == -1)
			return -1;
		vm->tpm = TPM_PASSTHRU;
	} else
		return errf(msg, msgsz, "%s must be swtpm, passthru or "
		    "passthru:/dev/DEVICE (empty: none), not \"%s\"", label,
		    v);
	if (vm->rom != ROM_UEFI && vm->rom != ROM_FILE) {
		vm->tpm = TPM_NONE;
		vm->tpm_dev[0] = '\0';
		return errf(msg, msgsz, "%s needs a UEFI loader (the firmware "
		    "sets the TPM up for the guest), not VMrom %s", label,
		    vm_rom_name(vm->rom));
	}
	return 0;
}

/* What the Devices parser works with. */
struct devs {
	struct vm	*d_vm;
	const char	*d_label;
	char		*d_msg;
	size_t		 d_msgsz;
	unsigned	 d_pci[VM_MAX_DEVICES][3];	/* B:S:F so far */
	unsigned	 d_host[VM_MAX_DEVICES][3];	/* passthru B/S/F */
	size_t		 d_nhost;
};

/* Who owns each slot kvm reserves on bus 0. */
static const char *
slot_owner(unsigned slot)
{
	switch (slot) {
	case 0:
		return "the hostbridge";
	case 2:
		return "the main disk";
	case 3:
		return "the ISO";
	case 28:
		return "the cloud-init seed";
	case 29:
		return "the VNC framebuffer";
	case 30:
		return "the VNC tablet";
	case 31:
		return "the LPC bridge";
	}
	return NULL;
}

/* Check the mac= options of a device's config string. */
static int
dev_macs(struct devs *d, const char *entry, const char *opts)
{
	char buf[64], msg[KVM_ERR_MAX];
	size_t n;

	for (; opts != NULL; opts = strchr(opts, ',')) {
		opts += *opts == ',';
		if (strncmp(opts, "mac=", 4) != 0)
			continue;
		n = strcspn(opts + 4, ",");
		if (n >= sizeof(buf))
			n = sizeof(buf) - 1;
		memcpy(buf, opts + 4, n);
		buf[n] = '\0';
		if (valid_mac("MAC address", buf, msg, sizeof(msg)) == -1)
			return errf(d->d_msg, d->d_msgsz, "%s entry \"%s\": "
			    "%s", d->d_label, entry, msg);
	}
	return 0;
}

/* 1 if the emulation of length n at emu is name. */
static int
emu_is(const char *emu, size_t n, const char *name)
{
	return strlen(name) == n && strncmp(emu, name, n) == 0;
}

/* The slot of entry e, whose emulation starts at emu, into p. */
static int
dev_slot(struct devs *d, const char *e, const char *emu, unsigned *p)
{
	char msg[KVM_ERR_MAX], *slot;
	int bad;

	if ((slot = strndup(e, (size_t)(emu - 1 - e))) == NULL)
		return errf(d->d_msg, d->d_msgsz, "%s", strerror(errno));
	bad = valid_pci_slot(slot, &p[0], &p[1], &p[2], msg, sizeof(msg));
	free(slot);
	if (bad)
		return errf(d->d_msg, d->d_msgsz, "%s entry \"%s\": %s",
		    d->d_label, e, msg);
	if (p[0] == 0 && slot_owner(p[1]) != NULL)
		return errf(d->d_msg, d->d_msgsz, "%s entry \"%s\": slot %u "
		    "is reserved for %s", d->d_label, e, p[1],
		    slot_owner(p[1]));
	return 0;
}

/*
 * A passthru entry's host device, opts after "passthru": B/S/F as bhyve
 * reads it (pci_passthru.c, three decimal numbers), each host device
 * once (bhyve cannot assign a device twice).
 */
static int
dev_passthru(struct devs *d, const char *e, const char *opts)
{
	unsigned *h = d->d_host[d->d_nhost];
	size_t i;

	if (*opts != ',' || pciconf_bsf(opts + 1, h, NULL) == -1)
		return errf(d->d_msg, d->d_msgsz, "%s entry \"%s\": passthru "
		    "needs the host device as BUS/SLOT/FUNCTION (0-255, "
		    "0-31, 0-7), e.g. 5,passthru,3/0/0", d->d_label, e);
	for (i = 0; i < d->d_nhost; i++)
		if (memcmp(d->d_host[i], h, sizeof(d->d_host[i])) == 0)
			return errf(d->d_msg, d->d_msgsz, "%s entry \"%s\": "
			    "host device %u/%u/%u is already passed through",
			    d->d_label, e, h[0], h[1], h[2]);
	d->d_nhost++;
	d->d_vm->passthru = 1;
	return 0;
}

/*
 * One "slot,emulation[,options]" entry: its slot must be well formed,
 * not one kvm uses and not one an earlier entry uses.
 */
static int
dev_entry(struct devs *d, const char *e)
{
	struct vm *vm = d->d_vm;
	const char *emu, *l = d->d_label;
	size_t i, n = vm->ndevices, len;
	unsigned *p = d->d_pci[n];

	emu = e + strcspn(e, ",");
	len = *emu == ',' ? strcspn(++emu, ",") : 0;
	if (len == 0)
		return errf(d->d_msg, d->d_msgsz, "%s entry \"%s\" must be "
		    "slot,emulation[,options]", l, e);
	if (dev_slot(d, e, emu, p) == -1)
		return -1;
	for (i = 0; i < n; i++)
		if (memcmp(d->d_pci[i], p, sizeof(d->d_pci[i])) == 0)
			return errf(d->d_msg, d->d_msgsz, "%s entry \"%s\": "
			    "slot %u:%u:%u is already used by \"%s\"", l, e,
			    p[0], p[1], p[2], vm->devices[i]);
	if (emu_is(emu, len, "lpc"))
		return errf(d->d_msg, d->d_msgsz, "%s entry \"%s\": kvm "
		    "already adds the LPC bridge at slot 31", l, e);
	if (emu_is(emu, len, "fbuf") && vm->console == CONSOLE_VNC)
		return errf(d->d_msg, d->d_msgsz, "%s entry \"%s\": Console "
		    "vnc already adds a framebuffer at slot 29", l, e);
	if (emu_is(emu, len, "passthru") &&
	    dev_passthru(d, e, emu + len) == -1)
		return -1;
	return dev_macs(d, e, emu[len] == ',' ? emu + len : NULL);
}

/* Space-separated entries; on an error none of them is kept. */
static int
set_devices(struct vm *vm, const char *label, const char *v, char *msg,
    size_t msgsz)
{
	static const char sep[] = " \t\n";
	struct devs d = { vm, label, msg, msgsz, { { 0 } }, { { 0 } }, 0 };
	size_t n;
	char *e;

	vm_free(vm);
	vm->passthru = 0;
	for (v += strspn(v, sep); *v != '\0'; v += strspn(v, sep)) {
		e = NULL;
		n = strcspn(v, sep);
		if (vm->ndevices == VM_MAX_DEVICES)
			errf(msg, msgsz, "%s has more than %d entries", label,
			    VM_MAX_DEVICES);
		else if ((e = strndup(v, n)) == NULL)
			errf(msg, msgsz, "%s", strerror(errno));
		if (e == NULL || dev_entry(&d, e) == -1) {
			free(e);
			vm_free(vm);
			vm->passthru = 0;
			return -1;
		}
		vm->devices[vm->ndevices++] = e;
		v += n;
	}
	return 0;
}

static int
set_grub_root(struct vm *vm, const char *label, const char *v, char *msg,
    size_t msgsz)
{
	return set_copy(label, vm->grub_root, sizeof(vm->grub_root), v, msg,
	    msgsz);
}

static int
set_grub_config(struct vm *vm, const char *label, const char *v, char *msg,
    size_t msgsz)
{
	if (*v != '\0' && (*v != '/' || v[strlen(v) - 1] == '/'))
		return errf(msg, msgsz, "%s must be the absolute path of a "
		    "file inside the guest, e.g. /boot/grub/grub.cfg", label);
	return set_copy(label, vm->grub_config, sizeof(vm->grub_config), v,
	    msg, msgsz);
}

static int
set_onfault(struct vm *vm, const char *label, const char *v, char *msg,
    size_t msgsz)
{
	static const char *const faults[] = { "stop", "restart", NULL };
	int i;

	if ((i = set_choice(label, v, faults, msg, msgsz)) == -1)
		return -1;
	vm->onfault = i == 0 ? ONFAULT_STOP : ONFAULT_RESTART;
	return 0;
}

/*
 * The table, in the order of set.conf, of the parsers (a setting may
 * depend on one above it: Console on VMrom, Devices on Console) and of
 * the errors check reports.  s_explain is the comment create writes
 * above the assignment, one "# " line per line of text.
 */
static const struct setting settings[] = {
	{ .s_name = "Cores", .s_type = "number", .s_default = "1",
	  .s_parse = set_cores, .s_info = "cpus",
	  .s_ask = { 'c', "Cores (1-255)", "number of cores", "1", "cores" },
	  .s_explain =
	    "Cores: the number of virtual CPUs, 1 to 255.  Default: 1.\n" },
	{ .s_name = "Topology", .s_type = "list", .s_default = NULL,
	  .s_parse = cpu_topology_parse,
	  .s_explain =
	    "Topology: how the guest sees its Cores vCPUs, as bhyve -c "
	    "does:\n"
	    "sockets=S,cores=C,threads=T (each 1 to 255, S x C x T = Cores; "
	    "cores\n"
	    "and threads default to 1, sockets to the rest), e.g. "
	    "\"sockets=1,cores=4\"\n"
	    "for a guest licensed per socket.  Empty: one core per "
	    "socket.\n" },
	{ .s_name = "Pin", .s_type = "list", .s_default = NULL,
	  .s_parse = cpu_pin_parse,
	  .s_explain =
	    "Pin: the host CPUs the vCPUs run on, space-separated "
	    "VCPU:HOSTCPU\n"
	    "pairs (bhyve -p), e.g. \"0:2 1:3\"; a vCPU named twice may run "
	    "on\n"
	    "either.  Empty: wherever the host schedules them.\n" },
	{ .s_name = "Mem", .s_type = "size", .s_default = NULL,
	  .s_parse = set_mem, .s_info = "memory",
	  .s_ask = { 'm', "Memory", "memory size", "1G", "memory" },
	  .s_explain =
	    "Mem: guest memory, a whole number and a unit, K, M, G or T "
	    "(powers\n"
	    "of 1024), a multiple of 4K: 512M, 4G.  A bare number is "
	    "refused.\n"
	    "No default.\n" },
	{ .s_name = "VMrom", .s_type = "choice or path", .s_default = "uefi",
	  .s_parse = set_rom, .s_info = "loader",
	  .s_ask = { 'l', "Loader (uefi, grub, bhyveload)", "loader", "uefi",
	    "loader" },
	  .s_explain =
	    "VMrom: the loader: uefi (the UEFI firmware kvm install pinned "
	    "in\n"
	    "the kvm home's firmware directory), grub (grub-bhyve, for Linux "
	    "and\n"
	    "other grub guests), bhyveload (FreeBSD guests), or the absolute "
	    "path\n"
	    "of a UEFI firmware file.  Console vnc needs UEFI.  Default: "
	    "uefi.\n" },
	{ .s_name = "VMoptions", .s_type = "letters", .s_default = "AHPwu",
	  .s_flags = SETTING_EMPTY, .s_parse = set_options,
	  .s_explain =
	    "VMoptions: bhyve flags that take no argument, as letters.  A: "
	    "ACPI\n"
	    "tables; H: yield the host CPU when the guest halts; P: also when "
	    "it\n"
	    "spins (PAUSE); w: ignore unimplemented MSRs (guests that probe "
	    "them\n"
	    "would crash); u: RTC in UTC (leave it out for Windows, which "
	    "keeps\n"
	    "local time); S: wire guest memory (always added for passthru); "
	    "x:\n"
	    "x2APIC; a: xAPIC; Y: no MP table; W: MSI instead of MSI-X for "
	    "virtio;\n"
	    "C: guest memory in core dumps; D: destroy the VM instance at "
	    "power-off;\n"
	    "e: exit on unemulated I/O ports.  Default: AHPwu; empty: no "
	    "flags.\n" },
	{ .s_name = "UUID", .s_type = "uuid", .s_default = NULL,
	  .s_parse = set_uuid, .s_info = "uuid",
	  .s_explain =
	    "UUID: the guest's SMBIOS system UUID (bhyve -U), generated by "
	    "kvm\n"
	    "create and kept, so the guest sees the same machine after a "
	    "rename\n"
	    "(licensing, cloud-init).  Empty: bhyve derives one from the host "
	    "name\n"
	    "and the VM name, so it changes with a rename.\n" },
	{ .s_name = "Disk", .s_type = "path", .s_default = "disk",
	  .s_parse = set_disk, .s_info = "disk",
	  .s_explain =
	    "Disk: the main disk (slot 2), a file name relative to this "
	    "directory\n"
	    "or an absolute path (a file or a zvol).  Kept in this directory, "
	    "it is\n"
	    "part of the VM's snapshots.  Default: disk.\n" },
	{ .s_name = "DiskDriver", .s_type = "choice", .s_default = "nvme",
	  .s_parse = set_driver, .s_info = "disk driver",
	  .s_ask = { 'd', "Disk driver (nvme, virtio-blk, ahci-hd)",
	    "disk driver", "nvme", "disk driver" },
	  .s_explain =
	    "DiskDriver: how the guest sees the main disk: nvme, virtio-blk "
	    "or\n"
	    "ahci-hd.  Default: nvme.\n" },
	{ .s_name = "DiskSerial", .s_type = "string", .s_default = NULL,
	  .s_parse = set_serial, .s_info = "disk serial",
	  .s_explain =
	    "DiskSerial: the main disk's serial number as the guest sees it, "
	    "1 to\n"
	    "20 letters, digits and '-', generated by kvm create and kept so "
	    "the\n"
	    "guest's boot entries and disk names survive a rename.  Empty: "
	    "none.\n" },
	{ .s_name = "Iso", .s_type = "path", .s_default = NULL,
	  .s_parse = set_iso, .s_info = "iso",
	  .s_ask = { 'i', "ISO image", NULL, "", "ISO" },
	  .s_explain =
	    "Iso: the absolute path of the ISO image in the CD drive (slot "
	    "3),\n"
	    "empty when none; \"kvm insert\" sets it, \"kvm eject\" empties "
	    "it.\n" },
	{ .s_name = "CloudInit", .s_type = "choice", .s_default = "no",
	  .s_parse = set_cloudinit,
	  .s_explain =
	    "CloudInit: yes to give the guest a cloud-init NoCloud seed: "
	    "the CD\n"
	    "cidata.iso in this directory (slot 28, read-only), built from "
	    "the\n"
	    "files in cloud-init/ and rebuilt by kvm start when they, the "
	    "VM's\n"
	    "name, UUID or network devices changed.  kvm create -I sets "
	    "it.\n"
	    "Default: no.\n" },
	{ .s_name = "Console", .s_type = "choice", .s_default = "com",
	  .s_parse = set_console,
	  .s_ask = { 'C', "Console (vnc, com)", "console", "com", "console" },
	  .s_explain =
	    "Console: how to reach the guest: com (the serial port, see Com) "
	    "or vnc\n"
	    "(a framebuffer and a tablet, see VNC*; UEFI only).  Default: "
	    "com.\n" },
	{ .s_name = "Com", .s_type = "choice", .s_default = NULL,
	  .s_parse = set_com, .s_info = "console",
	  .s_explain =
	    "Com: where the serial port com1 goes: stdio (the terminal "
	    "running\n"
	    "\"kvm start\") or nmdm (a null-modem pair named after the VM, "
	    "for\n"
	    "\"kvm console\").  Empty: nmdm with \"kvm start -d\", stdio "
	    "otherwise.\n" },
	{ .s_name = "VNCbind", .s_type = "address", .s_default = "127.0.0.1",
	  .s_parse = set_vnc_bind, .s_info = "vnc",
	  .s_explain =
	    "VNCbind: the IPv4 address the VNC server listens on.  Default:\n"
	    "127.0.0.1 (this host only); 0.0.0.0 is every address.\n" },
	{ .s_name = "VNCport", .s_type = "number", .s_default = "auto",
	  .s_parse = set_vnc_port, .s_info = "vnc",
	  .s_explain =
	    "VNCport: the TCP port, 1 to 65535, or auto: the first free port "
	    "from\n"
	    "5900, printed at start.  Default: auto.\n" },
	{ .s_name = "VNCsize", .s_type = "size", .s_default = "1024x768",
	  .s_parse = set_vnc_size,
	  .s_explain =
	    "VNCsize: the screen, WIDTHxHEIGHT from 640x480 to 1920x1200.\n"
	    "Default: 1024x768.\n" },
	{ .s_name = "VNCwait", .s_type = "choice", .s_default = "no",
	  .s_parse = set_vnc_wait,
	  .s_explain =
	    "VNCwait: yes to hold the guest until a VNC client connects, or "
	    "no.\n"
	    "Default: no.\n" },
	{ .s_name = "VNCpassword", .s_type = "string", .s_default = NULL,
	  .s_parse = set_vnc_password,
	  .s_explain =
	    "VNCpassword: at most 8 characters, no ','.  Empty: no "
	    "password.\n" },
	{ .s_name = "TPM", .s_type = "choice", .s_default = NULL,
	  .s_parse = set_tpm, .s_info = "tpm",
	  .s_explain =
	    "TPM: a TPM 2.0 for the guest (Windows 11 wants one; UEFI only):\n"
	    "passthru (the host's /dev/tpm0, or passthru:/dev/tpmN; load "
	    "tpm(4)\n"
	    "first) or swtpm (a software TPM, sysutils/swtpm, run by kvm start "
	    "with\n"
	    "its state in the tpm directory here; needs a bhyve with the swtpm\n"
	    "backend, FreeBSD 15.0 or later).  Empty: no TPM.\n" },
	{ .s_name = "Devices", .s_type = "list", .s_default = NULL,
	  .s_parse = set_devices,
	  .s_explain =
	    "Devices: more bhyve devices, space-separated "
	    "slot,emulation[,options]\n"
	    "entries, e.g. \"4,virtio-net,tapLAN 5,passthru,3/0/0\" "
	    "(passthru needs\n"
	    "the host device attached to ppt).  Slots 0, 2, 3, 28, 29, 30 and "
	    "31 are\n"
	    "kvm's.  Default: none.\n" },
	{ .s_name = "Disks", .s_type = "list", .s_default = NULL,
	  .s_parse = disks_parse,
	  .s_explain =
	    "Disks: the extra disks, space-separated "
	    "PATH:DRIVER:SERIAL:SLOT entries,\n"
	    "e.g. \"disk1:nvme:7QX2M0C4Z1:27\"; \"kvm disk add\" writes "
	    "them.  PATH: a\n"
	    "file in this directory or a /dev/zvol/ path; DRIVER: nvme, "
	    "virtio-blk\n"
	    "or ahci-hd; SERIAL: up to 20 letters, digits and '-', or empty; "
	    "SLOT:\n"
	    "the PCI slot, 1 to 27, kept for the disk's life.  Default: "
	    "none.\n" },
	{ .s_name = "GrubRoot", .s_type = "string", .s_default = NULL,
	  .s_parse = set_grub_root,
	  .s_explain =
	    "GrubRoot: with VMrom=\"grub\", the grub device to boot from, "
	    "e.g.\n"
	    "hd0,gpt2 or hd0,msdos1.  Empty: cd0 while an ISO is inserted, "
	    "else\n"
	    "hd0,1 (the disk's first partition, MBR or GPT).\n" },
	{ .s_name = "GrubConfig", .s_type = "path", .s_default = NULL,
	  .s_parse = set_grub_config,
	  .s_explain =
	    "GrubConfig: with VMrom=\"grub\", the absolute path of grub.cfg "
	    "inside\n"
	    "the guest, e.g. /boot/grub/grub.cfg.  Empty: grub-bhyve's "
	    "default.\n" },
	{ .s_name = "LoaderOptions", .s_type = "list", .s_default = NULL,
	  .s_parse = loaderopts_parse,
	  .s_explain =
	    "LoaderOptions: with VMrom=\"bhyveload\" or \"grub\", more "
	    "options for\n"
	    "the loader, space-separated words.  bhyveload: -e NAME=VALUE, "
	    "-C,\n"
	    "-h DIR, -l PATH; kvm already passes -e smbios.system.uuid=UUID "
	    "and\n"
	    "-e autoboot_delay=3 unless given here.  grub-bhyve: -n, -e, -v, "
	    "-HSECS.\n"
	    "Empty: none.\n" },
	{ .s_name = "OnFault", .s_type = "choice", .s_default = "stop",
	  .s_parse = set_onfault, .s_info = "onfault",
	  .s_explain =
	    "OnFault: after a triple fault or a bhyve error: stop, or restart "
	    "(at\n"
	    "most 3 restarts within 60 seconds, then stop).  Default: "
	    "stop.\n" },
};

#define NSETTINGS	(sizeof(settings) / sizeof(settings[0]))

_Static_assert(NSETTINGS <= SETTINGS_MAX, "SETTINGS_MAX is too small");

/* The number of known variables. */
size_t
settings_count(void)
{
	return NSETTINGS;
}

/* Row i in table order, NULL past the end. */
const struct setting *
settings_at(size_t i)
{
	return i < NSETTINGS ? &settings[i] : NULL;
}

/* The index of name's row, or -1 when kvm does not know it. */
int
settings_index(const char *name)
{
	size_t i;

	for (i = 0; i < NSETTINGS; i++)
		if (strcmp(settings[i].s_name, name) == 0)
			return (int)i;
	return -1;
}

/* The row of name, or NULL when kvm does not know it. */
const struct setting *
settings_find(const char *name)
{
	int i = settings_index(name);

	return i == -1 ? NULL : &settings[i];
}
