/*
 * bhyve_io.c: initialisation of the simulated bhyve's devices that
 * touch host resources: block devices (the backing file must open),
 * network backends (tap exclusivity through an fcntl lock held on the
 * node under $KVM_ROOTDIR/dev for bhyve's whole life), the VNC
 * framebuffer (a real listening socket; "wait" blocks until a viewer
 * connects) and passthru (ppt ownership read from $KVM_ROOTDIR/sim/pci).
 * Each returns 0, or the errno bhyve's final perror(3) line will show.
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bhyve.h"

/* blockif_open(): 0, or an errno after its warning. */
static int
blk_open(const char *node, int ro)
{
	const char *path;
	char key[600];
	int fd, err;

	if ((path = cfg_getf("%s.path", node)) == NULL) {
		fprintf(stderr, "Missing \"path\" for block device.\n");
		return DEF_ERRNO;
	}
	snprintf(key, sizeof(key), "%s.ro", node);
	ro = ro || cfg_bool(key, 0);
	fd = open(path, (ro ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (fd == -1 && !ro)
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1) {
		err = errno;
		fprintf(stderr, "%s: Could not open backing file: %s: %s\n",
		    sim_prog, path, bsd_strerror(err));
		return err;
	}
	close(fd);
	return 0;
}

int
dev_init_blk(int b, int s, int f, const char *node)
{
	int err;

	(void)b, (void)s, (void)f;
	if ((err = blk_open(node, 0)) != 0)
		fprintf(stderr, "Could not open backing file: %s\n",
		    bsd_strerror(err));
	return err;
}

int
dev_init_nvme(int b, int s, int f, const char *node)
{
	int err;

	(void)b, (void)s, (void)f;
	if (cfg_getf("%s.ram", node) != NULL)
		return 0;
	if ((err = blk_open(node, 0)) != 0)
		fprintf(stderr, "nvme: Could not open backing file: %s\n",
		    bsd_strerror(err));
	return err;
}

int
dev_init_ahci(int b, int s, int f, const char *node)
{
	const char *type;
	char pnode[512];
	int port, err;

	(void)b, (void)s, (void)f;
	for (port = 0; port < 32; port++) {
		snprintf(pnode, sizeof(pnode), "%s.port.%d", node, port);
		if ((type = cfg_getf("%s.type", pnode)) == NULL)
			continue;
		if ((err = blk_open(pnode, strcmp(type, "cd") == 0)) != 0)
			return err;
	}
	return 0;
}

/* ether_aton(3) plus bhyve's no-multicast, no-zero rule. */
static int
mac_ok(const char *mac)
{
	unsigned o[6];
	char extra;

	if (sscanf(mac, "%x:%x:%x:%x:%x:%x%c", &o[0], &o[1], &o[2], &o[3],
	    &o[4], &o[5], &extra) != 6)
		return 0;
	if (o[0] & 1)
		return 0;
	return (o[0] | o[1] | o[2] | o[3] | o[4] | o[5]) & 0xff;
}

/*
 * tap/vmnet backend: open $KVM_ROOTDIR/dev/NAME and hold an fcntl
 * write lock on it for our whole life, so a second bhyve (or a second
 * device of ours) gets EBUSY as from the exclusive tap device.
 */
static int
tap_open(const char *dev)
{
	static struct { dev_t d; ino_t i; } held[64];
	static int nheld;
	struct flock fl;
	struct stat st;
	char path[4096];
	int fd, i, err;

	sim_path(path, sizeof(path), "dev/%s", dev);
	if ((fd = open(path, O_RDWR | O_CLOEXEC)) == -1) {
		err = errno;
		goto fail;
	}
	fstat(fd, &st);
	for (i = 0; i < nheld; i++)
		if (held[i].d == st.st_dev && held[i].i == st.st_ino) {
			close(fd);
			err = EBUSY;
			goto fail;
		}
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(fd, F_SETLK, &fl) == -1) {
		close(fd);
		err = EBUSY;
		goto fail;
	}
	if (nheld < 64) {
		held[nheld].d = st.st_dev;
		held[nheld++].i = st.st_ino;
	}
	return 0;		/* fd stays open: that is the lock */
fail:
	fprintf(stderr, "open of tap device /dev/%s failed\n", dev);
	return err;
}

int
dev_init_net(int b, int s, int f, const char *node)
{
	const char *mac, *backend, *type;

	(void)b, (void)s, (void)f;
	if ((mac = cfg_getf("%s.mac", node)) != NULL && !mac_ok(mac)) {
		fprintf(stderr, "Invalid MAC %s\n", mac);
		return DEF_ERRNO;
	}
	if ((backend = cfg_getf("%s.backend", node)) == NULL)
		return 0;
	if ((type = cfg_getf("%s.type", node)) == NULL)
		type = backend;
	if (strncmp(type, "tap", 3) == 0 || strncmp(type, "vmnet", 5) == 0)
		return tap_open(backend);
	if (strncmp(type, "netgraph", 8) == 0) {
		if (cfg_getf("%s.path", node) == NULL) {
			fprintf(stderr, "path must be provided\n");
			return DEF_ERRNO;
		}
		if (cfg_getf("%s.peerhook", node) == NULL) {
			fprintf(stderr, "peer hook must be provided\n");
			return DEF_ERRNO;
		}
		return 0;
	}
	if (strncmp(type, "netmap", 6) == 0 || strncmp(type, "vale", 4) == 0)
		return 0;
	return DEF_ERRNO;	/* no backend matches: silent EINVAL */
}

/* FreeBSD's gai_strerror(3) texts for what a numeric lookup can hit. */
static const char *
bsd_gai_strerror(int e)
{
	if (e == EAI_NONAME)
		return "hostname nor servname provided, or not known";
	if (e == EAI_SERVICE)
		return "servname not supported for ai_socktype";
	if (e == EAI_FAMILY)
		return "ai_family not supported";
	return gai_strerror(e);
}

/* rfb_init(): listen on host:port (127.0.0.1:5900 by default). */
static int
rfb_listen(const char *host, int port, int wait)
{
	struct addrinfo hints, *ai;
	char serv[6];
	int fd, on = 1, e, err;

	snprintf(serv, sizeof(serv), "%d", port != 0 ? port : 5900);
	if (host == NULL || *host == '\0')
		host = "127.0.0.1";
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	if ((e = getaddrinfo(host, serv, &hints, &ai)) != 0) {
		fprintf(stderr, "getaddrinfo: %s\n", bsd_gai_strerror(e));
		return DEF_ERRNO;
	}
	if ((fd = socket(ai->ai_family, ai->ai_socktype, 0)) == -1) {
		err = errno;
		fprintf(stderr, "socket: %s\n", bsd_strerror(err));
		freeaddrinfo(ai);
		return err;
	}
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) == -1 ||
	    listen(fd, 1) == -1) {
		err = errno;
		fprintf(stderr, "%s: %s\n", err == EADDRINUSE ||
		    err == EADDRNOTAVAIL || err == EACCES ? "bind" : "listen",
		    bsd_strerror(err));
		close(fd);
		freeaddrinfo(ai);
		return err;
	}
	freeaddrinfo(ai);
	bh.vnc_fd = fd;
	if (wait)
		return bhyve_wait_client();
	return 0;
}

int
dev_init_fbuf(int b, int s, int f, const char *node)
{
	static int done;
	const char *v;
	static char hostbuf[256];	/* no allocation: error paths return early */
	char *cp, *host = NULL, key[600];
	long w = 1024, h = 768;
	int port = 0, vga_full = 0;

	(void)b, (void)s, (void)f;
	if (done) {
		fprintf(stderr, "Only one frame buffer device is allowed.\n");
		return DEF_ERRNO;
	}
	if ((v = cfg_getf("%s.rfb", node)) == NULL)
		v = cfg_getf("%s.tcp", node);
	if (v != NULL && v[0] == '[') {
		if ((cp = strchr(v + 1, ']')) == NULL || cp == v + 1) {
			fprintf(stderr, "fbuf: Invalid IPv6 address: \"%s\"\n",
			    v);
			return DEF_ERRNO;
		}
		snprintf(hostbuf, sizeof(hostbuf), "%.*s", (int)(cp - v - 1),
		    v + 1);
		host = hostbuf;
		if (*++cp == ':') {
			if (*++cp == '\0') {
				fprintf(stderr, "fbuf: Missing port number: "
				    "\"%s\"\n", v);
				return DEF_ERRNO;
			}
			port = atoi(cp);
		} else if (*cp != '\0') {
			fprintf(stderr, "fbuf: Invalid IPv6 address: \"%s\"\n",
			    v);
			return DEF_ERRNO;
		}
	} else if (v != NULL) {
		if ((cp = strchr(v, ':')) == NULL)
			port = atoi(v);
		else {
			snprintf(hostbuf, sizeof(hostbuf), "%.*s",
			    (int)(cp - v), v);
			host = hostbuf;
			if (*++cp == '\0') {
				fprintf(stderr, "fbuf: Missing port number: "
				    "\"%s\"\n", v);
				return DEF_ERRNO;
			}
			port = atoi(cp);
		}
	}
	if ((v = cfg_getf("%s.vga", node)) != NULL) {
		if (strcmp(v, "on") == 0)
			vga_full = 1;
		else if (strcmp(v, "off") != 0 && strcmp(v, "io") != 0) {
			fprintf(stderr, "fbuf: Invalid vga setting: \"%s\"\n",
			    v);
			return DEF_ERRNO;
		}
	}
	if ((v = cfg_getf("%s.w", node)) != NULL)
		w = strtol(v, NULL, 10);
	if ((v = cfg_getf("%s.h", node)) != NULL)
		h = strtol(v, NULL, 10);
	if (w > 1920 || h > 1200) {
		fprintf(stderr, "fbuf: max resolution is 1920x1200\n");
		return DEF_ERRNO;
	}
	if (w < 640 || h < 480) {
		fprintf(stderr, "fbuf: minimum resolution is 640x480\n");
		return DEF_ERRNO;
	}
	if (vga_full) {
		/* bhyve 14.0 says so and carries on without a VNC server. */
		fprintf(stderr, "pci_fbuf: VGA rendering not enabled\n");
		return 0;
	}
	done = 1;
	snprintf(key, sizeof(key), "%s.wait", node);
	return rfb_listen(host, port, cfg_bool(key, 0));
}

/* A device of $KVM_ROOTDIR/sim/pci ("name0@pci0:B:S:F:..."), by name or place. */
static int
pci_find(const char *want, int *b, int *s, int *f, char *name, size_t sz)
{
	char path[4096], *buf, *line, *save, n[64];
	int d, B, S, F, found = 0;

	if ((buf = sim_read(sim_path(path, sizeof(path), "sim/pci"))) == NULL)
		return 0;
	for (line = strtok_r(buf, "\n", &save); line != NULL && !found;
	    line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "%63[^@]@pci%d:%d:%d:%d:", n, &d, &B, &S,
		    &F) != 5 || d != 0)
			continue;
		if (want != NULL ? strcmp(n, want) == 0 :
		    (B == *b && S == *s && F == *f)) {
			*b = B, *s = S, *f = F;
			strlcpy(name, n, sz);
			found = 1;
		}
	}
	free(buf);
	return found;
}

int
dev_init_ppt(int b, int s, int f, const char *node)
{
	const char *v, *keys[3] = { "bus", "slot", "func" };
	char name[64];
	int sel[3], i, fd;

	(void)b, (void)s, (void)f;
	if (!cfg_bool("memory.wired", 0)) {
		sim_warnx("passthru requires guest memory to be wired");
		return DEF_ERRNO;
	}
	if ((v = cfg_getf("%s.pptdev", node)) != NULL) {
		if (!pci_find(v, &sel[0], &sel[1], &sel[2], name,
		    sizeof(name))) {
			fprintf(stderr, "Passthru device %s not found\n", v);
			return DEF_ERRNO;
		}
	} else {
		for (i = 0; i < 3; i++) {
			if ((v = cfg_getf("%s.%s", node, keys[i])) == NULL) {
				fprintf(stderr, "passthru: missing required %s "
				    "setting\n", keys[i]);
				return DEF_ERRNO;
			}
			sel[i] = atoi(v);
		}
	}
	if (!pci_find(NULL, &sel[0], &sel[1], &sel[2], name, sizeof(name)) ||
	    strncmp(name, "ppt", 3) != 0 || !isdigit((unsigned char)name[3])) {
		fprintf(stderr, "PCI device at %d/%d/%d is not using the ppt "
		    "driver\n", sel[0], sel[1], sel[2]);
		return ENOENT;
	}
	if ((v = cfg_getf("%s.rom", node)) != NULL) {
		if ((fd = open(v, O_RDONLY | O_CLOEXEC)) == -1) {
			sim_warnx("passthru_init_rom: can't open romfile "
			    "\"%s\"", v);
			return DEF_ERRNO;
		}
		close(fd);
	}
	return 0;
}

