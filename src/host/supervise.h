/*
 * supervise.h: the supervisor of "kvm start" (design.md section 5),
 * the driver of the state machine in core/sv.h.
 */
#ifndef KVM_HOST_SUPERVISE_H
#define KVM_HOST_SUPERVISE_H

struct kvm_ctx;
struct vm;

/*
 * Run the VM until it ends (the caller holds NAME.lock, checked the
 * VM's files and, when detached, already went to the background).
 * Returns the exit status for kvm start.
 */
int		 supervise(struct kvm_ctx *, struct vm *, int detached);

#endif /* !KVM_HOST_SUPERVISE_H */
