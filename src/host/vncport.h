/*
 * vncport.h: choosing the TCP port of bhyve's VNC server (VNCport=auto)
 * without two supervisors choosing the same one.
 */
#ifndef KVM_HOST_VNCPORT_H
#define KVM_HOST_VNCPORT_H

#define VNCPORT_FIRST	5900	/* VNCport=auto starts here */
#define VNCPORT_DIR	"/var/run/kvm/vnc"	/* lock, reservations */

struct kvm_ctx;

/*
 * VNCport=auto for VM name: *fd is the reservation the caller holds
 * (-1: none).  prev (0: none), the port of that reservation, is kept
 * while a server could still listen on it; otherwise, under the
 * host-wide lock VNCPORT_DIR/lock, the first port from VNCPORT_FIRST
 * that no live reservation names and that can be bound on addr (IPv4)
 * now is reserved: VNCPORT_DIR/PORT, held open and locked in *fd
 * (close-on-exec) until vncport_release, or until the process ends.
 * Returns the port, 0 when none is free, -1 after a warning.
 */
int	 vncport_reserve(const struct kvm_ctx *, const char *addr, int prev,
	    const char *name, int *fd);
/* Give up the reservation of port held in *fd (-1: none); *fd = -1. */
void	 vncport_release(const struct kvm_ctx *, int port, int *fd);

#endif /* !KVM_HOST_VNCPORT_H */
