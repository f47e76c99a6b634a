/*
 * vm.h: a VM's settings, read from its set.conf and checked (pure).
 */
#ifndef KVM_CORE_VM_H
#define KVM_CORE_VM_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "core/common.h"

struct conf;

enum vm_rom	{ ROM_UEFI, ROM_GRUB, ROM_BHYVELOAD, ROM_FILE };
enum vm_console	{ CONSOLE_COM, CONSOLE_VNC };
enum vm_com	{ COM_DEFAULT, COM_STDIO, COM_NMDM };
enum vm_onfault	{ ONFAULT_STOP, ONFAULT_RESTART };
enum vm_tpm	{ TPM_NONE, TPM_PASSTHRU, TPM_SWTPM };

#define VM_MAX_DEVICES	64
#define VM_MAX_PINS	1024	/* KVM_PINS_MAX of core/cpu.h */
#define VM_MAX_DISKS	8	/* entries of Disks (core/disks.h) */

/* vCPU vp_vcpu may run on host CPU vp_host (bhyve -p). */
struct vm_pin {
	unsigned	vp_vcpu;
	unsigned	vp_host;
};

/* One extra disk, an entry of Disks (core/disks.h). */
struct vm_disk {
	char		vd_path[PATH_MAX];	/* absolute */
	size_t		vd_off;		/* vd_path + vd_off: as written */
	char		vd_driver[16];	/* nvme virtio-blk ahci-hd */
	char		vd_serial[KVM_SERIAL_LEN + 1];	/* "" when none */
	unsigned	vd_slot;	/* bus 0, function 0 */
};

struct vm {
	char		 name[KVM_NAME_MAX + 1];
	char		 dir[PATH_MAX];		/* the VM's directory */
	char		 home[PATH_MAX];	/* the kvm home */
	unsigned	 cores;
	unsigned	 topo_sockets;		/* Topology; 0: none */
	unsigned	 topo_cores;
	unsigned	 topo_threads;
	size_t		 npins;			/* Pin */
	struct vm_pin	 pins[VM_MAX_PINS];
	uint64_t	 mem;			/* bytes */
	char		 memstr[32];		/* as given to bhyve -m */
	enum vm_rom	 rom;
	char		 rom_path[PATH_MAX];	/* UEFI CODE / firmware file */
	char		 vars_path[PATH_MAX];	/* UEFI vars, "" if none */
	char		 options[32];		/* bhyve flag letters */
	char		 uuid[40];
	char		 disk[PATH_MAX];	/* absolute */
	char		 disk_driver[16];	/* nvme virtio-blk ahci-hd */
	char		 disk_serial[KVM_SERIAL_LEN + 1];
	char		 iso[PATH_MAX];		/* "" when none */
	int		 cloudinit;		/* CloudInit: seed at slot 28 */
	enum vm_console	 console;
	char		 vnc_bind[64];
	int		 vnc_port;		/* 0: auto */
	unsigned	 vnc_w, vnc_h;
	int		 vnc_wait;
	char		 vnc_password[64];
	enum vm_com	 com;
	size_t		 ndevices;
	char		*devices[VM_MAX_DEVICES];
	int		 passthru;		/* a passthru device is used */
	size_t		 ndisks;		/* Disks */
	struct vm_disk	 disks[VM_MAX_DISKS];
	char		 grub_root[64];
	char		 grub_config[PATH_MAX];
	char		 loader_opts[512];	/* words, one space between */
	enum vm_onfault	 onfault;
	enum vm_tpm	 tpm;
	char		 tpm_dev[PATH_MAX];	/* TPM passthru: /dev/tpmN */
};

/*
 * One settings error: the file ("DIR/set.conf", or the VM's name when
 * the error is about the name or the directory), the variable (NULL in
 * that case), the line of its last assignment (0 when it has none) and
 * the message without a location.
 */
struct vm_err {
	const char	*ve_file;
	const char	*ve_var;
	int		 ve_line;
	const char	*ve_msg;
};
/* Called for each error; 0 to go on to the next, else to stop. */
typedef int	vm_err_fn(const struct vm_err *, void *arg);

/*
 * Fill vm from a parsed set.conf: name, dir and home are given, every
 * setting is checked.  Returns 0, or -1 with the first error as
 * "FILE:LINE: message" (or "FILE: message" when the variable has no
 * line, "NAME: message" for a bad name) in err.
 */
int	 vm_from_conf(struct vm *, const struct conf *, const char *name,
	    const char *dir, const char *home, char *err, size_t errsz);
/*
 * vm_from_conf reporting every error to each, in the order of the
 * settings table; after an error the variable is read as if it were
 * unset (its default), so later settings are still checked.  Returns 0,
 * or -1 after at least one error (vm is then freed).
 */
int	 vm_from_conf_each(struct vm *, const struct conf *,
	    const char *name, const char *dir, const char *home,
	    vm_err_fn *each, void *arg);
/* An error as "FILE:LINE: message", or "FILE: message" without line. */
void	 vm_err_text(const struct vm_err *, char *buf, size_t sz);
/* The loader as set.conf names it: uefi, grub, bhyveload or file. */
const char *vm_rom_name(enum vm_rom);
/* Free the Devices entries; vm can be read into again. */
void	 vm_free(struct vm *);

#endif /* !KVM_CORE_VM_H */
