/*
 * lock.h: the per-VM lock, /var/run/kvm/NAME.lock, held (flock) by
 * whoever must be the only one acting on the VM: its supervisor for its
 * whole life, and stop, snap rollback, rename, destroy and uninstall
 * while they work.
 */
#ifndef KVM_HOST_LOCK_H
#define KVM_HOST_LOCK_H

struct kvm_ctx;

/*
 * Take NAME.lock, creating /var/run/kvm and the file as needed, without
 * waiting.  Returns 0 with the (close-on-exec) descriptor in *fd, 1 when
 * another process holds it, -1 after one warning.
 */
int	 lock_vm(const struct kvm_ctx *, const char *name, int *fd);
/*
 * 1 if some open file holds NAME.lock (another process's, or one of
 * ours other than the one asking), 0 if none does, there is no lock
 * file, or its path does not fit (warned).  Creates nothing.
 */
int	 lock_held(const struct kvm_ctx *, const char *name);
/* Let go of a lock taken with lock_vm; -1 is no lock. */
void	 lock_release(int fd);

#endif /* !KVM_HOST_LOCK_H */
