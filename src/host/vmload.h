/*
 * vmload.h: finding VMs and loading their settings.
 */
#ifndef KVM_HOST_VMLOAD_H
#define KVM_HOST_VMLOAD_H

#include <stddef.h>

#include "host/runtime.h"	/* enum vm_state */

struct kvm_ctx;
struct vm;

/* 1 if the VM exists (its directory holds set.conf), else 0. */
int	 vm_exists(const struct kvm_ctx *, const char *name);
/*
 * 0 if name is a valid VM name and the VM exists; else -1 after
 * "kvm: NAME: <why the name is bad>" or "kvm: NAME: no such VM".
 */
int	 vm_find(const struct kvm_ctx *, const char *name);
/* Names of every VM, sorted; free with strlist_free. -1+warn. */
int	 vm_names(const struct kvm_ctx *, char ***names, size_t *n);
/*
 * Validate name, check the VM exists, read and check its set.conf.
 * Returns 0, or -1 after printing "kvm: NAME: no such VM" or the
 * set.conf error.  The caller frees with vm_free.
 */
int	 vm_load(const struct kvm_ctx *, const char *name, struct vm *);

/*
 * The files a start needs: disk, ISO, firmware and vars file.  Returns
 * 0, or -1 with "NAME: message" (e.g. "web: disk /x/y: No such file or
 * directory") in err.
 */
int	 vm_check_files(const struct vm *, char *err, size_t errsz);

/*
 * Take NAME.lock if the VM is stopped (only VM_STOPPED counts): 0 and
 * *lockfd; 1 and its state in *st when it is not (VM_STARTING when
 * nothing runs but another process holds the lock); -1 after one
 * warning.  The VM's existence is not checked.
 */
int	 vm_lock_stopped(const struct kvm_ctx *, const char *name,
	    int *lockfd, enum vm_state *st);
/*
 * Check that a VM exists and is stopped (only VM_STOPPED counts) and
 * take its lock so that nothing starts it meanwhile.  0 and *lockfd, or
 * -1 after "kvm: NAME: ...".
 */
int	 vm_hold(const struct kvm_ctx *, const char *name, int *lockfd);

#endif /* !KVM_HOST_VMLOAD_H */
