/*
 * paths.h: where things are, and the context every command carries.
 * Every host path is taken under KVM_ROOTDIR when that is set
 * (design.md section 6).
 */
#ifndef KVM_HOST_PATHS_H
#define KVM_HOST_PATHS_H

#include <sys/types.h>

#include <limits.h>
#include <stddef.h>

#include "core/common.h"

/* Global context: everything a command needs besides its operands. */
struct kvm_ctx {
	const char	*rootdir;	/* KVM_ROOTDIR, "" for the real / */
	int		 verbose;	/* -v: print every argv we run */
	const char	*cmd;		/* the command's name, for lock holders */
	char		 pool[KVM_DATASET_MAX];	/* pool kvm is installed on */
	char		 dataset[KVM_DATASET_MAX]; /* POOL/kvm */
	char		 home[PATH_MAX];/* its mountpoint */
	char		 self[PATH_MAX];/* absolute path of this program */
};

#define KVM_CONF	"/usr/local/etc/kvm.conf"
#define KVM_RCD		"/usr/local/etc/rc.d"
#define KVM_RUNDIR	"/var/run/kvm"
/* root's PATH on a real host, service(8)'s */
#define KVM_ROOT_PATH	"/sbin:/bin:/usr/sbin:/usr/bin:/usr/local/sbin:" \
			"/usr/local/bin"

/* Fill ctx from the environment.  Never fails. */
void	 ctx_init(struct kvm_ctx *);
/*
 * The PATH kvm must run with (pure): KVM_ROOT_PATH for root (euid 0)
 * on the real host (rootdir "", as ctx_init sets it when KVM_ROOTDIR
 * is unset, empty or "/"), so that zfs, bhyve, sh and sysrc are never
 * taken from the caller's PATH; NULL (keep the caller's) otherwise:
 * the test bench puts the simulator first on PATH under KVM_ROOTDIR.
 */
const char *ctx_path(const char *rootdir, uid_t euid);
/* Set PATH as ctx_path says; -1 after a warning. */
int	 ctx_pin_path(const struct kvm_ctx *);
/* Read kvm.conf into ctx; -1 and a message when kvm is not installed. */
int	 ctx_load_home(struct kvm_ctx *);
/* ROOTDIR + abs into buf; -1 (and warnx) if it does not fit. */
int	 host_path(const struct kvm_ctx *, const char *abs, char *buf,
	    size_t bufsz);
/* HOME/vm/NAME[/file] and DATASET/vm/NAME; -1 + warnx if too long. */
int	 vm_dir(const struct kvm_ctx *, const char *name, const char *file,
	    char *buf, size_t bufsz);
int	 vm_dataset(const struct kvm_ctx *, const char *name, char *buf,
	    size_t bufsz);

#endif /* !KVM_HOST_PATHS_H */
