/*
 * port.h: the only module with operating-system specific code.
 */
#ifndef KVM_HOST_PORT_H
#define KVM_HOST_PORT_H

#include <sys/types.h>

/* 1 if pid is alive and is PROG running for VM name, else 0. */
int	 port_proc_is(pid_t pid, const char *prog, const char *name);
/* 1 if pid is alive, runs PROG and has the argument arg, else 0. */
int	 port_proc_arg(pid_t pid, const char *prog, const char *arg);
/*
 * The host's CPUs as bhyve -p numbers them (0 to n - 1), 0 when it
 * cannot tell: sysconf(_SC_NPROCESSORS_CONF), which FreeBSD answers
 * from hw.ncpu and Linux from /sys.
 */
long	 port_ncpu(void);

#endif /* !KVM_HOST_PORT_H */
