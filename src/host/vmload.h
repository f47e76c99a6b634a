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
 * Take the VM's admin lock (lock.h) if the VM is stopped (only
 * VM_STOPPED counts): 0 and *lockfd; 1 and its state in *st when it is
 * not (VM_STARTING when nothing runs but its run lock is held), holding
 * nothing; -1 after one warning ("kvm: NAME: busy: kvm VERB (pid N)"
 * when another command holds the admin lock).  The VM's existence is
 * not checked; the name must be valid.
 */
int	 vm_lock_stopped(const struct kvm_ctx *, const char *name,
	    int *lockfd, enum vm_state *st);
/*
 * Check that a VM exists, take its admin lock and check again that it
 * exists, so that what the caller then changes is still there.  0 and
 * *lockfd, or -1 after "kvm: NAME: ..." holding nothing.
 */
int	 vm_admin(const struct kvm_ctx *, const char *name, int *lockfd);
/*
 * vm_admin for a VM that must also be stopped (only VM_STOPPED counts):
 * nothing starts it while the caller holds *lockfd.  0 and *lockfd, or
 * -1 after "kvm: NAME: ...".
 */
int	 vm_hold(const struct kvm_ctx *, const char *name, int *lockfd);
/*
 * vm_hold of name plus the admin lock of other (a name that must not
 * be changed meanwhile, e.g. rename's new name), both taken in a fixed
 * order (lock_admin2).  0 with both, or -1 after a message with none.
 */
int	 vm_hold2(const struct kvm_ctx *, const char *name, const char *other,
	    int *lockfd, int *otherfd);

#endif /* !KVM_HOST_VMLOAD_H */
