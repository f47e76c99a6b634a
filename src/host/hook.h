/*
 * hook.h: run preRun or postRun (fn) of the VM's run file, in sh, as a
 * fixed script; values reach it through the environment only (VM_NAME,
 * VM_DIR, KVM_HOME, and VM_EXIT when vm_exit is not NULL).  Returns
 * sh's exit status as spawn_run does.
 */
#ifndef KVM_HOST_HOOK_H
#define KVM_HOST_HOOK_H

struct kvm_ctx;
struct vm;

int		 hook_run(const struct kvm_ctx *, const struct vm *,
		    const char *fn, const char *vm_exit);

#endif /* !KVM_HOST_HOOK_H */
