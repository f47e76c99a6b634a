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

#define VM_MAX_DEVICES	64

struct vm {
	char		 name[KVM_NAME_MAX + 1];
	char		 dir[PATH_MAX];		/* the VM's directory */
	char		 home[PATH_MAX];	/* the kvm home */
	unsigned	 cores;
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
	char		 grub_root[64];
	char		 grub_config[PATH_MAX];
	enum vm_onfault	 onfault;
};

/*
 * Fill vm from a parsed set.conf: name, dir and home are given, every
 * setting is checked.  Returns 0, or -1 with "FILE:LINE: message" (or
 * "NAME: message" when the problem has no line) in err.
 */
int	 vm_from_conf(struct vm *, const struct conf *, const char *name,
	    const char *dir, const char *home, char *err, size_t errsz);
void	 vm_free(struct vm *);
/*
 * The files a start needs: disk, ISO, firmware and vars file.  Returns
 * 0, or -1 with "NAME: message" (e.g. "web: disk /x/y: No such file or
 * directory") in err.
 */
int	 vm_check_files(const struct vm *, char *err, size_t errsz);

#endif /* !KVM_CORE_VM_H */
