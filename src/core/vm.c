/*
 * vm.c: a VM's settings.  Reads the known variables of a parsed
 * set.conf (design.md section 4) into struct vm, applying the defaults
 * and checking every value, so that nothing reaches bhyve that bhyve
 * would refuse or misread.  Errors are "FILE:LINE: message" with the
 * line of the variable's assignment.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/vm.h"
#include "core/common.h"
#include "core/conf.h"
#include "core/valid.h"

/* What one vm_from_conf call reads from and writes to. */
struct rd {
	const struct conf	*conf;
	struct vm		*vm;
	char			 file[PATH_MAX + 16]; /* DIR/set.conf */
	char			*err;
	size_t			 errsz;
};

/* Write "FILE:LINE: message" (or "FILE: message" if var is unset). */
static int
rd_fail(struct rd *r, const char *var, const char *fmt, ...)
    __attribute__((__format__(__printf__, 3, 4)));

static int
rd_fail(struct rd *r, const char *var, const char *fmt, ...)
{
	char msg[KVM_ERR_MAX];
	va_list ap;
	int line;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	line = var != NULL ? conf_line(r->conf, var) : 0;
	if (line > 0)
		snprintf(r->err, r->errsz, "%s:%d: %s", r->file, line, msg);
	else
		snprintf(r->err, r->errsz, "%s: %s", r->file, msg);
	return -1;
}

/* The value of var, or def when it is unset or empty. */
static const char *
rd_get(const struct rd *r, const char *var, const char *def)
{
	const char *v;

	v = conf_get(r->conf, var);
	return v == NULL || *v == '\0' ? def : v;
}

static int
rd_copy(struct rd *r, const char *var, char *dst, size_t sz, const char *v)
{
	if (strlcpy(dst, v, sz) >= sz)
		return rd_fail(r, var, "%s is too long (at most %zu bytes)",
		    var, sz - 1);
	return 0;
}

/*
 * Store DIR/NAME (or NAME alone when dir is NULL), a path bhyve will see
 * inside a comma-separated device string, where a comma would start a
 * new option.  label names the path in the message.
 */
static int
rd_path(struct rd *r, const char *var, const char *label, char *dst,
    size_t sz, const char *dir, const char *name)
{
	if ((size_t)snprintf(dst, sz, "%s%s%s", dir != NULL ? dir : "",
	    dir != NULL ? "/" : "", name) >= sz)
		return rd_fail(r, var, "%s path is too long", label);
	if (strchr(dst, ',') != NULL)
		return rd_fail(r, var, "%s path \"%s\" contains ',', which "
		    "bhyve reads as an option separator", label, dst);
	return 0;
}

/*
 * Index of v in the NULL-terminated list, or -1 and "VAR must be a, b
 * or c, not \"v\"".
 */
static int
rd_choice(struct rd *r, const char *var, const char *v,
    const char *const *list)
{
	char msg[256];
	size_t i;

	msg[0] = '\0';
	for (i = 0; list[i] != NULL; i++) {
		if (strcmp(v, list[i]) == 0)
			return (int)i;
		if (i > 0)
			strlcat(msg, list[i + 1] == NULL ? " or " : ", ",
			    sizeof(msg));
		strlcat(msg, list[i], sizeof(msg));
	}
	return rd_fail(r, var, "%s must be %s, not \"%s\"", var, msg, v);
}

static int
rd_cores(struct rd *r)
{
	char msg[KVM_ERR_MAX];

	if (valid_uint("Cores", rd_get(r, "Cores", "1"), 1, KVM_CORES_MAX,
	    &r->vm->cores, msg, sizeof(msg)) == -1)
		return rd_fail(r, "Cores", "%s", msg);
	return 0;
}

static int
rd_mem(struct rd *r)
{
	char msg[KVM_ERR_MAX];
	const char *v;
	size_t n;

	if ((v = rd_get(r, "Mem", NULL)) == NULL)
		return rd_fail(r, "Mem", "Mem is not set");
	if (valid_size("Mem", v, &r->vm->mem, msg, sizeof(msg)) == -1)
		return rd_fail(r, "Mem", "%s", msg);
	if (r->vm->mem % 4096 != 0)
		return rd_fail(r, "Mem", "Mem must be a multiple of 4K");
	if (rd_copy(r, "Mem", r->vm->memstr, sizeof(r->vm->memstr), v) == -1)
		return -1;
	n = strlen(r->vm->memstr);
	r->vm->memstr[n - 1] = (char)toupper((unsigned char)v[n - 1]);
	return 0;
}

static int
rd_rom(struct rd *r)
{
	struct vm *vm = r->vm;
	const char *v;

	v = rd_get(r, "VMrom", "uefi");
	if (strcmp(v, "grub") == 0 || strcmp(v, "bhyveload") == 0) {
		vm->rom = *v == 'g' ? ROM_GRUB : ROM_BHYVELOAD;
		return 0;
	}
	if (strcmp(v, "uefi") == 0) {
		vm->rom = ROM_UEFI;
		if (rd_path(r, "VMrom", "UEFI firmware", vm->rom_path,
		    sizeof(vm->rom_path), vm->home,
		    "firmware/BHYVE_UEFI_CODE.fd") == -1)
			return -1;
	} else if (*v == '/') {
		vm->rom = ROM_FILE;
		if (rd_path(r, "VMrom", "VMrom", vm->rom_path,
		    sizeof(vm->rom_path), NULL, v) == -1)
			return -1;
	} else
		return rd_fail(r, "VMrom", "VMrom must be uefi, grub, "
		    "bhyveload or the absolute path of a firmware file, "
		    "not \"%s\"", v);
	return rd_path(r, "VMrom", "UEFI variables", vm->vars_path,
	    sizeof(vm->vars_path), vm->dir, "uefi-vars.fd");
}

/* Only the flags of bhyve-facts 1.2 that take no argument. */
static int
rd_options(struct rd *r)
{
	static const char flags[] = "AaCDeHPSuWwxY";
	const char *v, *p;

	if ((v = conf_get(r->conf, "VMoptions")) == NULL)
		v = "AHPwu";
	for (p = v; *p != '\0'; p++) {
		if (strchr(flags, *p) == NULL)
			return rd_fail(r, "VMoptions", "VMoptions: '%c' is "
			    "not an argument-less bhyve flag (accepted: "
			    "A a C D e H P S u W w x Y)", *p);
		if (strchr(p + 1, *p) != NULL)
			return rd_fail(r, "VMoptions",
			    "VMoptions has '%c' twice", *p);
	}
	if (strchr(v, 'a') != NULL && strchr(v, 'x') != NULL)
		return rd_fail(r, "VMoptions", "VMoptions: 'a' (xAPIC) and "
		    "'x' (x2APIC) contradict each other");
	return rd_copy(r, "VMoptions", r->vm->options,
	    sizeof(r->vm->options), v);
}

static int
rd_uuid(struct rd *r)
{
	char msg[KVM_ERR_MAX];
	const char *v;

	if ((v = rd_get(r, "UUID", NULL)) == NULL)
		return 0;
	if (valid_uuid("UUID", v, msg, sizeof(msg)) == -1)
		return rd_fail(r, "UUID", "%s", msg);
	return rd_copy(r, "UUID", r->vm->uuid, sizeof(r->vm->uuid), v);
}

static int
rd_disk(struct rd *r)
{
	static const char *const drivers[] = { "nvme", "virtio-blk",
	    "ahci-hd", NULL };
	struct vm *vm = r->vm;
	char msg[KVM_ERR_MAX];
	const char *v;
	int i;

	v = rd_get(r, "Disk", "disk");
	if (rd_path(r, "Disk", "Disk", vm->disk, sizeof(vm->disk),
	    *v == '/' ? NULL : vm->dir, v) == -1)
		return -1;
	v = rd_get(r, "DiskDriver", "nvme");
	if ((i = rd_choice(r, "DiskDriver", v, drivers)) == -1)
		return -1;
	strlcpy(vm->disk_driver, drivers[i], sizeof(vm->disk_driver));
	if ((v = rd_get(r, "DiskSerial", NULL)) == NULL)
		return 0;
	if (valid_serial("DiskSerial", v, msg, sizeof(msg)) == -1)
		return rd_fail(r, "DiskSerial", "%s", msg);
	return rd_copy(r, "DiskSerial", vm->disk_serial,
	    sizeof(vm->disk_serial), v);
}

static int
rd_iso(struct rd *r)
{
	const char *v;

	if ((v = rd_get(r, "Iso", NULL)) == NULL)
		return 0;
	if (*v != '/')
		return rd_fail(r, "Iso", "Iso must be an absolute path, "
		    "not \"%s\"", v);
	return rd_path(r, "Iso", "Iso", r->vm->iso, sizeof(r->vm->iso), NULL,
	    v);
}

static int
rd_console(struct rd *r)
{
	static const char *const consoles[] = { "com", "vnc", NULL };
	static const char *const coms[] = { "stdio", "nmdm", NULL };
	struct vm *vm = r->vm;
	const char *v;
	int i;

	if ((i = rd_choice(r, "Console", rd_get(r, "Console", "com"),
	    consoles)) == -1)
		return -1;
	vm->console = i == 1 ? CONSOLE_VNC : CONSOLE_COM;
	if (vm->console == CONSOLE_VNC &&
	    vm->rom != ROM_UEFI && vm->rom != ROM_FILE)
		return rd_fail(r, "Console", "Console vnc needs a UEFI loader");
	vm->com = COM_DEFAULT;
	if ((v = rd_get(r, "Com", NULL)) != NULL) {
		if ((i = rd_choice(r, "Com", v, coms)) == -1)
			return -1;
		vm->com = i == 0 ? COM_STDIO : COM_NMDM;
	}
	return 0;
}

static int
rd_vnc(struct rd *r)
{
	static const char *const yesno[] = { "yes", "no", NULL };
	struct vm *vm = r->vm;
	char msg[KVM_ERR_MAX];
	const char *v;
	int i;

	v = rd_get(r, "VNCbind", "127.0.0.1");
	if (valid_ipv4("VNCbind", v, msg, sizeof(msg)) == -1)
		return rd_fail(r, "VNCbind", "%s", msg);
	strlcpy(vm->vnc_bind, v, sizeof(vm->vnc_bind));
	if (valid_port("VNCport", rd_get(r, "VNCport", "auto"),
	    &vm->vnc_port, msg, sizeof(msg)) == -1)
		return rd_fail(r, "VNCport", "%s", msg);
	if (valid_vnc_size("VNCsize", rd_get(r, "VNCsize", "1024x768"),
	    &vm->vnc_w, &vm->vnc_h, msg, sizeof(msg)) == -1)
		return rd_fail(r, "VNCsize", "%s", msg);
	if ((i = rd_choice(r, "VNCwait", rd_get(r, "VNCwait", "no"),
	    yesno)) == -1)
		return -1;
	vm->vnc_wait = i == 0;
	v = rd_get(r, "VNCpassword", "");
	if (strchr(v, ',') != NULL)
		return rd_fail(r, "VNCpassword", "VNCpassword may not contain "
		    "',' (bhyve reads it as an option separator)");
	if (strlen(v) > 8)
		return rd_fail(r, "VNCpassword", "VNCpassword is longer than "
		    "8 characters (VNC uses only the first 8)");
	strlcpy(vm->vnc_password, v, sizeof(vm->vnc_password));
	return 0;
}

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
dev_macs(struct rd *r, const char *entry, const char *opts)
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
			return rd_fail(r, "Devices", "Devices entry \"%s\": "
			    "%s", entry, msg);
	}
	return 0;
}

/* 1 if the emulation of length n at emu is name. */
static int
emu_is(const char *emu, size_t n, const char *name)
{
	return strlen(name) == n && strncmp(emu, name, n) == 0;
}

/*
 * One "slot,emulation[,options]" entry: its slot must be well formed,
 * not one kvm uses and not one an earlier entry uses; pci[] keeps the
 * B:S:F of every entry so far.
 */
static int
dev_entry(struct rd *r, const char *e, unsigned pci[][3])
{
	char msg[KVM_ERR_MAX], *slot;
	const char *emu;
	size_t i, n = r->vm->ndevices, len;
	unsigned *p = pci[n];
	int bad;

	emu = e + strcspn(e, ",");
	len = *emu == ',' ? strcspn(++emu, ",") : 0;
	if (len == 0)
		return rd_fail(r, "Devices", "Devices entry \"%s\" must be "
		    "slot,emulation[,options]", e);
	if ((slot = strndup(e, (size_t)(emu - 1 - e))) == NULL)
		return rd_fail(r, "Devices", "%s", strerror(errno));
	bad = valid_pci_slot(slot, &p[0], &p[1], &p[2], msg, sizeof(msg));
	free(slot);
	if (bad)
		return rd_fail(r, "Devices", "Devices entry \"%s\": %s", e,
		    msg);
	if (p[0] == 0 && slot_owner(p[1]) != NULL)
		return rd_fail(r, "Devices", "Devices entry \"%s\": slot %u "
		    "is reserved for %s", e, p[1], slot_owner(p[1]));
	for (i = 0; i < n; i++)
		if (memcmp(pci[i], p, sizeof(pci[i])) == 0)
			return rd_fail(r, "Devices", "Devices entry \"%s\": "
			    "slot %u:%u:%u is already used by \"%s\"", e,
			    p[0], p[1], p[2], r->vm->devices[i]);
	if (emu_is(emu, len, "lpc"))
		return rd_fail(r, "Devices", "Devices entry \"%s\": kvm "
		    "already adds the LPC bridge at slot 31", e);
	if (emu_is(emu, len, "fbuf") && r->vm->console == CONSOLE_VNC)
		return rd_fail(r, "Devices", "Devices entry \"%s\": Console "
		    "vnc already adds a framebuffer at slot 29", e);
	if (emu_is(emu, len, "passthru"))
		r->vm->passthru = 1;
	return dev_macs(r, e, emu[len] == ',' ? emu + len : NULL);
}

static int
rd_devices(struct rd *r)
{
	static const char sep[] = " \t\n";
	unsigned pci[VM_MAX_DEVICES][3];
	struct vm *vm = r->vm;
	const char *v;
	char *e;
	size_t n;

	v = rd_get(r, "Devices", "");
	for (v += strspn(v, sep); *v != '\0'; v += strspn(v, sep)) {
		if (vm->ndevices == VM_MAX_DEVICES)
			return rd_fail(r, "Devices", "Devices has more than "
			    "%d entries", VM_MAX_DEVICES);
		n = strcspn(v, sep);
		if ((e = strndup(v, n)) == NULL)
			return rd_fail(r, "Devices", "%s", strerror(errno));
		if (dev_entry(r, e, pci) == -1) {
			free(e);
			return -1;
		}
		vm->devices[vm->ndevices++] = e;
		v += n;
	}
	return 0;
}

static int
rd_grub(struct rd *r)
{
	const char *v;

	if (rd_copy(r, "GrubRoot", r->vm->grub_root,
	    sizeof(r->vm->grub_root), rd_get(r, "GrubRoot", "")) == -1)
		return -1;
	v = rd_get(r, "GrubConfig", "");
	if (*v != '\0' && (*v != '/' || v[strlen(v) - 1] == '/'))
		return rd_fail(r, "GrubConfig", "GrubConfig must be the "
		    "absolute path of a file inside the guest, e.g. "
		    "/boot/grub/grub.cfg");
	return rd_copy(r, "GrubConfig", r->vm->grub_config,
	    sizeof(r->vm->grub_config), v);
}

static int
rd_onfault(struct rd *r)
{
	static const char *const faults[] = { "stop", "restart", NULL };
	int i;

	if ((i = rd_choice(r, "OnFault", rd_get(r, "OnFault", "stop"),
	    faults)) == -1)
		return -1;
	r->vm->onfault = i == 0 ? ONFAULT_STOP : ONFAULT_RESTART;
	return 0;
}

/* The readers in the order their errors are reported. */
static int (*const readers[])(struct rd *) = {
	rd_cores, rd_mem, rd_rom, rd_options, rd_uuid, rd_disk, rd_iso,
	rd_console, rd_vnc, rd_devices, rd_grub, rd_onfault,
};

int
vm_from_conf(struct vm *vm, const struct conf *conf, const char *name,
    const char *dir, const char *home, char *err, size_t errsz)
{
	struct rd r;
	char msg[KVM_ERR_MAX];
	size_t i;

	memset(vm, 0, sizeof(*vm));
	if (valid_name(name, msg, sizeof(msg)) == -1) {
		snprintf(err, errsz, "%s: %s", name, msg);
		return -1;
	}
	strlcpy(vm->name, name, sizeof(vm->name));
	if (strlcpy(vm->dir, dir, sizeof(vm->dir)) >= sizeof(vm->dir) ||
	    strlcpy(vm->home, home, sizeof(vm->home)) >= sizeof(vm->home)) {
		snprintf(err, errsz, "%s: directory name too long", name);
		return -1;
	}
	r.conf = conf;
	r.vm = vm;
	r.err = err;
	r.errsz = errsz;
	snprintf(r.file, sizeof(r.file), "%s/set.conf", dir);
	for (i = 0; i < sizeof(readers) / sizeof(readers[0]); i++)
		if (readers[i](&r) == -1) {
			vm_free(vm);
			return -1;
		}
	return 0;
}

void
vm_free(struct vm *vm)
{
	size_t i;

	for (i = 0; i < vm->ndevices; i++)
		free(vm->devices[i]);
	vm->ndevices = 0;
}
