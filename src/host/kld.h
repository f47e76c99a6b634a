/*
 * kld.h: FreeBSD kernel modules (vmm, nmdm) the supervisor needs.
 */
#ifndef KVM_HOST_KLD_H
#define KVM_HOST_KLD_H

struct kvm_ctx;
struct spawn_runner;

/*
 * Load kernel module mod unless it is loaded (kldstat -q -m, then
 * kldload), running each program through run (NULL: spawn_run_opts).
 * Returns 0 when it was loaded already, 1 when it was loaded now, 2
 * when kldload failed because someone else loaded it meanwhile (it is
 * there now), -1 when kldload failed, with its exit status (-1: not
 * run) in *status.  Prints nothing itself: the caller tells its log.
 */
int	 kld_load(const struct kvm_ctx *, const struct spawn_runner *run,
	    const char *mod, int *status);

#endif /* !KVM_HOST_KLD_H */
