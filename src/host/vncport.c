/*
 * vncport.c: which port bhyve's VNC server gets when set.conf says
 * VNCport=auto.  A port counts as free when we can bind it now, the
 * way bhyve will (usr.sbin/bhyve/rfb.c, rfb_init: SO_REUSEADDR, then
 * bind).  But bhyve binds it only later, after preRun and the loader,
 * so two supervisors probing at once would both find 5900 free and one
 * bhyve would fail (rfb_init's perror: "bind: Address already in use";
 * the device init fails and bhyve exits 4).  Hence reservations:
 *  - VNCPORT_DIR/PORT is the reservation of PORT: the supervisor that
 *    took it keeps it open with an flock(2) for as long as it runs the
 *    VM (bhyve's reboots included, so the port stays the VM's), and
 *    writes "pid name" in it for the curious.  A reservation is live
 *    while its lock is held: one whose supervisor died, even by
 *    kill -9, is free again, with no stale state to clean;
 *  - the scan (open, lock, probe) and the release (unlink, close) run
 *    under the host-wide VNCPORT_DIR/lock, so that a file is never
 *    unlinked between another supervisor's open and its flock.
 * The files live in a directory of their own: a VM may be named like
 * any of them.
 */
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "host/vncport.h"
#include "host/file.h"
#include "host/paths.h"

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

/* VNCPORT_DIR[/file] under the root dir; -1 after a warning. */
static int
vncport_path(const struct kvm_ctx *ctx, const char *file, char *buf,
    size_t sz)
{
	char rel[64];

	snprintf(rel, sizeof(rel), "%s%s%s", VNCPORT_DIR, file ? "/" : "",
	    file ? file : "");
	return host_path(ctx, rel, buf, sz);
}

/* Take the host-wide lock (waiting for it); its fd, or -1. */
static int
vncport_lock(const struct kvm_ctx *ctx)
{
	char dir[PATH_MAX], path[PATH_MAX];
	int fd;

	if (vncport_path(ctx, NULL, dir, sizeof(dir)) == -1 ||
	    vncport_path(ctx, "lock", path, sizeof(path)) == -1 ||
	    mkdirs(dir, 0755) == -1)
		return -1;
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) == -1) {
		warn("%s", path);
		return -1;
	}
	while (flock(fd, LOCK_EX) == -1) {
		if (errno != EINTR) {
			warn("%s", path);
			close(fd);
			return -1;
		}
	}
	return fd;
}

/*
 * Reserve port (the host lock is held): its locked fd, -1 when another
 * live reservation has it, -2 after a warning.
 */
static int
vncport_take(const struct kvm_ctx *ctx, int port, const char *name)
{
	char file[16], path[PATH_MAX], who[128];
	int fd, n;

	snprintf(file, sizeof(file), "%d", port);
	if (vncport_path(ctx, file, path, sizeof(path)) == -1)
		return -2;
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) == -1) {
		warn("%s", path);
		return -2;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		close(fd);
		return -1;
	}
	n = snprintf(who, sizeof(who), "%ld %s\n", (long)getpid(), name);
	if (ftruncate(fd, 0) == -1 || write(fd, who, (size_t)n) != n)
		warn("%s", path);	/* the lock is what counts */
	return fd;
}

/* Unlink and close the reservation of port (host lock held). */
static void
vncport_drop(const struct kvm_ctx *ctx, int port, int fd)
{
	char file[16], path[PATH_MAX];

	snprintf(file, sizeof(file), "%d", port);
	if (vncport_path(ctx, file, path, sizeof(path)) == 0)
		(void)unlink(path);
	close(fd);
}

/* The scan, host lock held: a port and its fd in *fd, 0, or -1. */
static int
vncport_scan(const struct kvm_ctx *ctx, const char *addr, const char *name,
    int *fd)
{
	int port, r;

	for (port = VNCPORT_FIRST; port <= 65535; port++) {
		if ((r = vncport_take(ctx, port, name)) == -2)
			return -1;
		if (r == -1)
			continue;
		if (vncport_free(addr, port)) {
			*fd = r;
			return port;
		}
		vncport_drop(ctx, port, r);	/* someone else's server */
	}
	return 0;
}

int
vncport_reserve(const struct kvm_ctx *ctx, const char *addr, int prev,
    const char *name, int *fd)
{
	int lock, port;

	if (*fd != -1 && prev != 0 && vncport_free(addr, prev))
		return prev;
	if ((lock = vncport_lock(ctx)) == -1)
		return -1;
	if (*fd != -1) {
		vncport_drop(ctx, prev, *fd);
		*fd = -1;
	}
	port = vncport_scan(ctx, addr, name, fd);
	close(lock);
	return port;
}

void
vncport_release(const struct kvm_ctx *ctx, int port, int *fd)
{
	int lock;

	if (*fd == -1)
		return;
	/* Without the lock: the file stays, and is free once closed. */
	if ((lock = vncport_lock(ctx)) != -1) {
		vncport_drop(ctx, port, *fd);
		close(lock);
	} else
		close(*fd);
	*fd = -1;
}
