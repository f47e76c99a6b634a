/*
 * vncport.c: which port bhyve's VNC server gets when set.conf says
 * VNCport=auto.  A port counts as free when we can bind it now, the
 * way bhyve will (with SO_REUSEADDR); the supervisor asks again before
 * every run, keeping the previous run's port while it stays free.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "host/vncport.h"

/* 1 if a VNC server could listen on addr:port now, else 0. */
static int
vncport_free(const char *addr, int port)
{
	struct sockaddr_in sin;
	int fd, one = 1, ok;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1)
		return 0;
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return 0;
	/* bhyve's VNC server sets it too: TIME_WAIT does not count. */
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	ok = bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0;
	close(fd);
	return ok;
}

int
vncport_auto(const char *addr, int prev)
{
	int port;

	if (prev != 0 && vncport_free(addr, prev))
		return prev;
	for (port = VNCPORT_FIRST; port <= 65535; port++)
		if (vncport_free(addr, port))
			return port;
	return -1;
}
