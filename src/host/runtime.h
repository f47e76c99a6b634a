/*
 * runtime.h: runtime state under /var/run/kvm (never in the dataset).
 * NAME.pid holds the fields below as key=value lines; a supervisor
 * counts only while it holds NAME.lock (lock.h).
 */
#ifndef KVM_HOST_RUNTIME_H
#define KVM_HOST_RUNTIME_H

#include <sys/types.h>

#include <limits.h>
#include <time.h>

struct kvm_ctx;

struct vm_runtime {
	pid_t	rt_supervisor;	/* alive and holding the lock, else 0 */
	pid_t	rt_bhyve;	/* alive and really bhyve NAME, else 0 */
	pid_t	rt_loader;	/* alive loader (grub-bhyve/bhyveload), else 0 */
	time_t	rt_started;	/* when the supervisor started the VM */
	int	rt_instance;	/* /dev/vmm/NAME exists */
	char	rt_vnc[80];	/* "ADDR:PORT" while VNC is on, else "" */
	char	rt_console[PATH_MAX]; /* nmdm B side for cu, else "" */
};

enum vm_state {
	VM_STOPPED,	/* nothing of it runs */
	VM_RUNNING,	/* bhyve runs under its supervisor */
	VM_STARTING,	/* supervisor alive, bhyve not (yet): hooks, loader */
	VM_ORPHAN,	/* bhyve runs, its supervisor is gone */
	VM_STALE	/* a loader or the /dev/vmm instance is left over */
};

/* Read NAME.pid and check every pid and /dev/vmm/NAME; never fails on a
 * missing file (all zero).  -1 only when a path does not fit. */
int	 rt_read(const struct kvm_ctx *, const char *name, struct vm_runtime *);
int	 rt_write(const struct kvm_ctx *, const char *name,
	    const struct vm_runtime *);
void	 rt_remove(const struct kvm_ctx *, const char *name);
enum vm_state rt_state(const struct vm_runtime *);
const char *rt_state_name(enum vm_state);

#endif /* !KVM_HOST_RUNTIME_H */
