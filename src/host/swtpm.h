/*
 * swtpm.h: the software TPM of a VM with TPM=swtpm: where its state,
 * socket and pid live, its command line, and what a killed supervisor
 * left running.  The supervisor (supervise.c) starts and stops it.
 */
#ifndef KVM_HOST_SWTPM_H
#define KVM_HOST_SWTPM_H

#include <sys/types.h>

#include <limits.h>

struct argv;
struct kvm_ctx;
struct vm;

struct swtpm {
	char	sw_dir[PATH_MAX];	/* DIR/tpm: the TPM's state */
	char	sw_sock[PATH_MAX];	/* ROOT/var/run/kvm/NAME.tpm */
	char	sw_pidfile[PATH_MAX];	/* ROOT/var/run/kvm/NAME.swtpm */
	char	sw_state[PATH_MAX + 8];	/* "dir=DIR/tpm" */
	char	sw_server[PATH_MAX + 24]; /* "type=unixio,path=SOCK" */
};

/* Fill sw for vm; -1 (and a warning) if a path does not fit. */
int	 swtpm_init(const struct kvm_ctx *, const struct vm *,
	    struct swtpm *);
/* The state directory made (0700), a stale socket removed; 0 or -1. */
int	 swtpm_prepare(const struct swtpm *);
/* swtpm's argv appended to av. */
void	 swtpm_argv(const struct swtpm *, struct argv *av);
/* 1 once the socket exists (swtpm listens on it), else 0. */
int	 swtpm_ready(const struct swtpm *);
/* Record the running swtpm's pid in NAME.swtpm; pid 0 removes it. */
int	 swtpm_record(const struct swtpm *, pid_t pid);
/*
 * End the swtpm that NAME.swtpm names if it still runs with the VM's
 * socket (a killed supervisor's): SIGTERM, SIGKILL 3 seconds later.
 * Removes NAME.swtpm and the socket.  1 if one was ended, 0 if none
 * ran, -1 on error (reported).
 */
int	 swtpm_leftover(const struct kvm_ctx *, const char *name);
/*
 * Remove vmdir/tpm, the TPM's state, so that the next swtpm makes a new
 * TPM (new endorsement key): a clone's.  0, or -1 (reported).
 */
int	 swtpm_forget(const char *vmdir);
/* 1 if a swtpm program is on PATH (where spawn.c looks), else 0. */
int	 swtpm_installed(void);

#endif /* !KVM_HOST_SWTPM_H */
