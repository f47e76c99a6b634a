/*
 * kld.h: FreeBSD kernel modules (vmm, nmdm) the supervisor needs.
 */
#ifndef KVM_HOST_KLD_H
#define KVM_HOST_KLD_H

struct kvm_ctx;

/*
 * Load kernel module mod unless it is loaded (kldstat -q -m, then
 * kldload).  Returns 0 when it was loaded already, 1 when it was
 * loaded now, -1 when kldload failed, with its exit status (-1: not
 * run) in *status.  Prints nothing: the caller tells its own log.
 */
int	 kld_load(const struct kvm_ctx *, const char *mod, int *status);

#endif /* !KVM_HOST_KLD_H */
