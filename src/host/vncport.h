/*
 * vncport.h: choosing the TCP port of bhyve's VNC server (VNCport=auto).
 */
#ifndef KVM_HOST_VNCPORT_H
#define KVM_HOST_VNCPORT_H

#define VNCPORT_FIRST	5900	/* VNCport=auto starts here */

/*
 * VNCport=auto: prev if it is not 0 and still free, else the first free
 * port from VNCPORT_FIRST on addr (IPv4), free meaning that a server
 * could listen on it now.  Returns the port, or -1 when none
 * is free (nothing printed).
 */
int	 vncport_auto(const char *addr, int prev);

#endif /* !KVM_HOST_VNCPORT_H */
