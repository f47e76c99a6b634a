/*
 * port.h: the only module with operating-system specific code.
 */
#ifndef KVM_HOST_PORT_H
#define KVM_HOST_PORT_H

#include <sys/types.h>

/* 1 if pid is alive and is PROG running for VM name, else 0. */
int	 port_proc_is(pid_t pid, const char *prog, const char *name);

#endif /* !KVM_HOST_PORT_H */
