/*
 * hook.h: run preRun or postRun (fn) of the VM's run file, in sh, as a
 * fixed script; values reach it through the environment only (VM_NAME,
 * VM_DIR, KVM_HOME, and VM_EXIT when vm_exit is not NULL).
 */
#ifndef KVM_HOST_HOOK_H
#define KVM_HOST_HOOK_H

struct kvm_ctx;
struct spawn_runner;
struct vm;

/*
 * Run the hook through run (NULL: spawn_run_opts), which waits for it.
 * The hook leads a process group of its own (its pid is the group's
 * id), so that a runner that must end it can signal the sh and
 * everything it started; its stdin is /dev/null.  Returns sh's exit
 * status as spawn_run does, -1 after a warning.
 */
int		 hook_run(const struct kvm_ctx *, const struct vm *,
		    const char *fn, const char *vm_exit,
		    const struct spawn_runner *run);

/*
 * Make HOME/functions, which the hooks source, the library this kvm was
 * built with (install writes it; after an upgrade of kvm it would be
 * the old one until the next install).  Rewritten atomically only when
 * it differs.  0, or -1 after a warning.
 */
int		 hook_library_sync(const struct kvm_ctx *);

#endif /* !KVM_HOST_HOOK_H */
