/*
 * lock.h: the two per-VM locks under /var/run/kvm, both flocks, so a
 * process that dies (even by SIGKILL) leaves no stale lock.
 *
 * NAME.lock, the run lock: held by the VM's supervisor for its whole
 * life (and by stop while it cleans what a dead supervisor left).
 * NAME.admin, the admin lock: held for a short while by every command
 * that changes the VM (insert, eject, rc, snap, clone, rename, destroy,
 * create, start until it holds the run lock, stop and shutdown for
 * their whole run).  Its holder writes "kvm VERB (pid N)" into it, so
 * that a command that finds it busy can say who holds it.  Whoever
 * takes the run lock holds the admin lock first.
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
 * Like lock_vm, but wait up to secs seconds for the holder to let go
 * (a blocking flock that SIGALRM interrupts; the caller's SIGALRM
 * handler and alarm are put back, a pending alarm is lost).  Returns 0
 * and *fd, 1 when the deadline passed first, -1 after one warning.
 */
int	 lock_vm_wait(const struct kvm_ctx *, const char *name, unsigned secs,
	    int *fd);
/*
 * 1 if some open file holds NAME.lock (another process's, or one of
 * ours other than the one asking), 0 if none does, there is no lock
 * file, or its path does not fit (warned).  Creates nothing.
 */
int	 lock_held(const struct kvm_ctx *, const char *name);
/*
 * Take NAME.admin without waiting and write "kvm VERB (pid N)" into it
 * (VERB is ctx->cmd).  Returns 0 and *fd, or -1 after one message:
 * "kvm: NAME: busy: kvm VERB (pid N)" when another process holds it.
 * NAME must be a valid VM name (it becomes a file name).
 */
int	 lock_admin(const struct kvm_ctx *, const char *name, int *fd);
/*
 * The admin locks of two different VMs, in strcmp order so that two
 * commands taking the same pair cannot deadlock: *fda for a, *fdb for
 * b.  0, or -1 (reported) holding neither, both -1.
 */
int	 lock_admin2(const struct kvm_ctx *, const char *a, const char *b,
	    int *fda, int *fdb);
/*
 * Let go of a lock taken here; -1 is no lock.  An admin lock's holder
 * text is cleared first, so it never names a process that let go.
 */
void	 lock_release(int fd);

#endif /* !KVM_HOST_LOCK_H */
