/*
 * bhyve_argv.c: a VM's checked settings (vm.c) to the exact argument
 * vectors of bhyve and of its loader, bhyveload or grub-bhyve, and the
 * grub device.map.  Pure: nothing is run or written here; the order of
 * the arguments is fixed, because tests compare it with golden files
 * and users compare it between starts.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bhyve_argv.h"
#include "core/argv.h"
#include "core/vm.h"

const char *
vm_nmdm(const struct vm *vm, const char *rootdir, char side, char *buf,
    size_t bufsz)
{
	if ((size_t)snprintf(buf, bufsz, "%s/dev/nmdm-%s.1%c", rootdir,
	    vm->name, side) >= bufsz)
		return NULL;
	return buf;
}

/*
 * The com1 backend: "stdio", or the A side of the VM's nmdm pair in
 * buf.  NULL (and a warning) if the device path does not fit.
 */
static const char *
com_backend(const struct vm *vm, const char *rootdir, int detached,
    char *buf, size_t bufsz)
{
	int nmdm;

	nmdm = vm->com == COM_NMDM || (vm->com == COM_DEFAULT && detached);
	if (!nmdm)
		return "stdio";
	if (vm_nmdm(vm, rootdir, 'A', buf, bufsz) == NULL) {
		warnx("%s: %s/dev/nmdm-%s.1A: path too long", vm->name,
		    rootdir, vm->name);
		return NULL;
	}
	return buf;
}

/*
 * bhyve's swtpm backend copies the path into sun_path, 104 bytes on
 * FreeBSD, with strlcpy(..., sizeof(sun_path) - 1) (tpm_emul_swtpm.c,
 * tpm_swtpm_init): a longer path would be cut silently.
 */
#define TPM_SOCK_MAX	102

const char *
vm_tpm_sock(const struct vm *vm, const char *rootdir, char *buf,
    size_t bufsz)
{
	int n;

	/* KVM_RUNDIR of host/paths.h: runtime only, never in the dataset */
	n = snprintf(buf, bufsz, "%s/var/run/kvm/%s.tpm", rootdir, vm->name);
	if (n < 0 || (size_t)n >= bufsz || n > TPM_SOCK_MAX)
		return NULL;
	return buf;
}

/*
 * The TPM (bhyve -l tpm,TYPE,PATH, usr.sbin/bhyve/amd64/pci_lpc.c):
 * the host device, under rootdir as every host path, or the socket of
 * the swtpm kvm start runs.  -1 (and a warning) if a path is too long.
 */
static int
add_tpm(const struct vm *vm, const char *rootdir, struct argv *av)
{
	char sock[PATH_MAX];

	if (vm->tpm == TPM_PASSTHRU) {
		argv_add(av, "-l");
		argv_addf(av, "tpm,passthru,%s%s", rootdir, vm->tpm_dev);
	} else if (vm->tpm == TPM_SWTPM) {
		if (vm_tpm_sock(vm, rootdir, sock, sizeof(sock)) == NULL) {
			warnx("%s: %s/var/run/kvm/%s.tpm: a socket path longer "
			    "than %d bytes", vm->name, rootdir, vm->name,
			    TPM_SOCK_MAX);
			return -1;
		}
		argv_add(av, "-l");
		argv_addf(av, "tpm,swtpm,%s", sock);
	}
	return 0;
}

/* The flags, -S added for passthru (bhyve refuses it unwired). */
static void
add_flags(const struct vm *vm, struct argv *av)
{
	const char *p;

	for (p = vm->options; *p != '\0'; p++)
		argv_addf(av, "-%c", *p);
	if (vm->passthru && strchr(vm->options, 'S') == NULL)
		argv_add(av, "-S");
}

static void
add_fbuf(const struct vm *vm, struct argv *av)
{
	argv_add(av, "-s");
	argv_addf(av, "29,fbuf,tcp=%s:%d,w=%u,h=%u%s%s%s", vm->vnc_bind,
	    vm->vnc_port, vm->vnc_w, vm->vnc_h, vm->vnc_wait ? ",wait" : "",
	    vm->vnc_password[0] != '\0' ? ",password=" : "",
	    vm->vnc_password);
	argv_add(av, "-s");
	argv_add(av, "30,xhci,tablet");
}

/*
 * The boot order of a firmware guest with an ISO inserted: the ISO
 * first, then the main disk.  FreeBSD 14.0's bhyve has the bootindex=N
 * option on ahci, nvme and virtio-blk (commit 480bef9481f0, "bhyve: add
 * bootindex option for several devices", review D39285, in main before
 * stable/14 branched); it writes a "bootorder" fw_cfg file that the
 * firmware may honour (the edk2 of that time ignores it, so this is
 * harmless there and right where it is read).  The disk gets an index
 * too: a firmware that honours the list may skip devices not on it.
 * With a loader (bhyveload, grub) the loader picks the device; without
 * an ISO no index is given, so the firmware's own order stays.
 */
static int
boot_order(const struct vm *vm)
{
	return vm->iso[0] != '\0' &&
	    (vm->rom == ROM_UEFI || vm->rom == ROM_FILE);
}

/* -c with the Topology when there is one, then a -p per Pin pair. */
static void
add_cpus(const struct vm *vm, struct argv *av)
{
	size_t i;

	argv_add(av, "-c");
	if (vm->topo_sockets != 0)
		argv_addf(av, "%u,sockets=%u,cores=%u,threads=%u", vm->cores,
		    vm->topo_sockets, vm->topo_cores, vm->topo_threads);
	else
		argv_addf(av, "%u", vm->cores);
	for (i = 0; i < vm->npins; i++) {
		argv_add(av, "-p");
		argv_addf(av, "%u:%u", vm->pins[i].vp_vcpu,
		    vm->pins[i].vp_host);
	}
}

/*
 * The extra disks (Disks), each at its own slot: "ser=" is the option
 * nvme, virtio-blk and ahci all read (pci_nvme.c, pci_virtio_block.c
 * also as "serial", pci_ahci.c per port).
 */
static void
add_disks(const struct vm *vm, struct argv *av)
{
	const struct vm_disk *k;
	size_t i;

	for (i = 0; i < vm->ndisks; i++) {
		k = &vm->disks[i];
		argv_add(av, "-s");
		argv_addf(av, "%u,%s,%s%s%s", k->vd_slot, k->vd_driver,
		    k->vd_path, k->vd_serial[0] != '\0' ? ",ser=" : "",
		    k->vd_serial);
	}
}

/* The -s devices: kvm's own slots, the user's Devices in between. */
static void
add_slots(const struct vm *vm, struct argv *av)
{
	size_t i;

	argv_add(av, "-s");
	argv_add(av, "0,hostbridge");
	argv_add(av, "-s");
	argv_addf(av, "2,%s,%s%s%s%s", vm->disk_driver, vm->disk,
	    vm->disk_serial[0] != '\0' ? ",ser=" : "", vm->disk_serial,
	    boot_order(vm) ? ",bootindex=2" : "");
	if (vm->iso[0] != '\0') {
		argv_add(av, "-s");
		argv_addf(av, "3,ahci-cd,%s%s", vm->iso,
		    boot_order(vm) ? ",bootindex=1" : "");
	}
	add_disks(vm, av);
	for (i = 0; i < vm->ndevices; i++) {
		argv_add(av, "-s");
		argv_add(av, vm->devices[i]);
	}
	if (vm->cloudinit) {
		/*
		 * The NoCloud seed, read-only: block_if.c's blockif_open()
		 * reads the "ro" option of every block device (ahci-cd's
		 * legacy options go to the same nvlist) and opens the file
		 * O_RDONLY (usr.sbin/bhyve, 13.0 and later, so 14.0).
		 */
		argv_add(av, "-s");
		argv_addf(av, "28,ahci-cd,%s/cidata.iso,ro", vm->dir);
	}
	if (vm->console == CONSOLE_VNC)
		add_fbuf(vm, av);
	argv_add(av, "-s");
	argv_add(av, "31,lpc");
}

int
bhyve_argv(const struct vm *vm, const char *rootdir, int detached,
    struct argv *av)
{
	char nmdm[PATH_MAX];
	struct argv tpm;
	const char *com;
	size_t i;

	if (vm->console == CONSOLE_VNC && vm->vnc_port == 0) {
		warnx("%s: VNCport auto has not been resolved to a port",
		    vm->name);
		return -1;
	}
	if ((com = com_backend(vm, rootdir, detached, nmdm,
	    sizeof(nmdm))) == NULL)
		return -1;
	argv_init(&tpm);
	if (add_tpm(vm, rootdir, &tpm) == -1) {
		argv_free(&tpm);
		return -1;
	}
	argv_add(av, "bhyve");
	add_flags(vm, av);
	add_cpus(vm, av);
	argv_add(av, "-m");
	argv_add(av, vm->memstr);
	if (vm->uuid[0] != '\0') {
		argv_add(av, "-U");
		argv_add(av, vm->uuid);
	}
	add_slots(vm, av);
	argv_add(av, "-l");
	argv_addf(av, "com1,%s", com);
	if (vm->rom == ROM_UEFI || vm->rom == ROM_FILE) {
		argv_add(av, "-l");
		argv_addf(av, "bootrom,%s%s%s", vm->rom_path,
		    vm->vars_path[0] != '\0' ? "," : "", vm->vars_path);
	}
	for (i = 0; i < tpm.av_n; i++)
		argv_add(av, tpm.av_v[i]);
	argv_free(&tpm);
	argv_add(av, vm->name);
	return 0;
}

/* grub-bhyve -d and -g: the directory and file name of GrubConfig. */
static void
add_grubcfg(const struct vm *vm, struct argv *av)
{
	const char *slash;

	if (vm->grub_config[0] == '\0')
		return;
	slash = strrchr(vm->grub_config, '/');
	argv_add(av, "-d");
	if (slash == vm->grub_config)
		argv_add(av, "/");
	else
		argv_addf(av, "%.*s", (int)(slash - vm->grub_config),
		    vm->grub_config);
	argv_add(av, "-g");
	argv_add(av, slash + 1);
}

static void
add_grub(const struct vm *vm, const char *loader_path, struct argv *av)
{
	const char *root;

	root = vm->grub_root;
	if (*root == '\0')
		/* hd0,1: grub's first partition on MBR and GPT alike */
		root = vm->iso[0] != '\0' ? "cd0" : "hd0,1";
	argv_add(av, loader_path != NULL ? loader_path : "grub-bhyve");
	argv_add(av, "-m");
	argv_addf(av, "%s/device.map", vm->dir);
	argv_add(av, "-r");
	argv_add(av, root);
	argv_add(av, "-M");
	argv_add(av, vm->memstr);
	add_grubcfg(vm, av);
}

/* 1 if LoaderOptions has -e NAME=... (name given with its '='). */
static int
user_env(const struct vm *vm, const char *name)
{
	const char *p = vm->loader_opts;
	size_t n = strlen(name);

	while ((p = strstr(p, "-e ")) != NULL) {
		if ((p == vm->loader_opts || p[-1] == ' ') &&
		    strncmp(p + 3, name, n) == 0)
			return 1;
		p += 3;
	}
	return 0;
}

/*
 * bhyveload's -e options.  smbios.system.uuid: the FreeBSD guest's
 * hostid comes from it (vm-bhyve issue 462), so the VM's stable UUID
 * keeps the hostid stable.  autoboot_delay=3: the loader's default is
 * 10 seconds (stand/common/boot.c, autoboot()); 3 still leaves time to
 * reach the loader's prompt from "kvm console".
 */
static void
add_bhyveload(const struct vm *vm, struct argv *av)
{
	argv_add(av, "bhyveload");
	argv_add(av, "-m");
	argv_add(av, vm->memstr);
	argv_add(av, "-d");
	argv_add(av, vm->iso[0] != '\0' ? vm->iso : vm->disk);
	if (vm->uuid[0] != '\0' && !user_env(vm, "smbios.system.uuid=")) {
		argv_add(av, "-e");
		argv_addf(av, "smbios.system.uuid=%s", vm->uuid);
	}
	if (!user_env(vm, "autoboot_delay=")) {
		argv_add(av, "-e");
		argv_add(av, "autoboot_delay=3");
	}
}

/* LoaderOptions, one element per word, as settings checked them. */
static void
add_loader_opts(const struct vm *vm, struct argv *av)
{
	const char *p = vm->loader_opts;
	size_t n;

	for (; *p != '\0'; p += n + (p[n] == ' ')) {
		n = strcspn(p, " ");
		argv_addf(av, "%.*s", (int)n, p);
	}
}

int
loader_argv(const struct vm *vm, const char *rootdir, int detached,
    const char *loader_path, struct argv *av)
{
	char nmdm[PATH_MAX];
	const char *com;

	if (vm->rom != ROM_GRUB && vm->rom != ROM_BHYVELOAD)
		return 0;
	if ((com = com_backend(vm, rootdir, detached, nmdm,
	    sizeof(nmdm))) == NULL)
		return -1;
	if (vm->rom == ROM_GRUB)
		add_grub(vm, loader_path, av);
	else
		add_bhyveload(vm, av);
	add_loader_opts(vm, av);
	if (strcmp(com, "stdio") != 0) {
		argv_add(av, "-c");
		argv_add(av, com);
	}
	/* the loader sets up guest memory: wire it as bhyve would */
	if (vm->passthru || strchr(vm->options, 'S') != NULL)
		argv_add(av, "-S");
	argv_add(av, vm->name);
	return 1;
}

char *
grub_devicemap(const struct vm *vm)
{
	char *s;

	if (asprintf(&s, "(hd0) %s\n%s%s%s", vm->disk,
	    vm->iso[0] != '\0' ? "(cd0) " : "", vm->iso,
	    vm->iso[0] != '\0' ? "\n" : "") == -1)
		err(1, NULL);
	return s;
}
