/*
 * fault.h: fault injection for the crash tests.  KVM_FAULT=OP:N makes
 * the program kill itself with SIGKILL at the N-th fault point of OP
 * it reaches; without KVM_FAULT a fault point does nothing.
 */
#ifndef KVM_HOST_FAULT_H
#define KVM_HOST_FAULT_H

/*
 * A named step of op (create, rename, clone, destroy, uninstall,
 * write): counts it, and when KVM_FAULT is "op:N" and this is op's
 * N-th step, kills the process with SIGKILL, as a crash or kill -9
 * would.  Returns otherwise.
 */
void	 fault_point(const char *op);

#endif /* !KVM_HOST_FAULT_H */
