/*
 * sysrc.h: rc.conf through sysrc(8).
 */
#ifndef KVM_HOST_SYSRC_H
#define KVM_HOST_SYSRC_H

struct kvm_ctx;

/*
 * rc.conf through sysrc(8).  get: 1 and *value (caller frees) when var
 * is set, 0 when it is not, -1 (reported).  unset of an unset variable
 * succeeds.
 */
int	 sysrc_get(const struct kvm_ctx *, const char *var, char **value);
int	 sysrc_set(const struct kvm_ctx *, const char *var,
	    const char *value);
int	 sysrc_unset(const struct kvm_ctx *, const char *var);

#endif /* !KVM_HOST_SYSRC_H */
