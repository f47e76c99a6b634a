/*
 * bhyve_dev.c: the simulated bhyve's PCI devices.  -s parsing (slot
 * grammar, emulation names, occupancy, each emulation's legacy config
 * string) and, at start-up, device initialisation in bus:slot:function
 * order with bhyve's messages.  The LPC bridge (bootrom, com ports)
 * and uart live here; devices using host resources are in bhyve_io.c.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bhyve.h"

#define BOOTROM_SIZE	(16 * 1024 * 1024)

typedef int legacy_fn(const char *node, const char *opts);
typedef int init_fn(int b, int s, int f, const char *node);

static legacy_fn generic_legacy, net_legacy, blk_legacy, nvme_legacy,
    ahci_legacy, ahci_hd_legacy, ahci_cd_legacy, ppt_legacy, uart_legacy;
static init_fn init_ok, init_lpc, init_uart;

static const struct emu {
	const char	*name;
	const char	*device;	/* stored as "device" */
	legacy_fn	*legacy;
	init_fn		*init;
} emus[] = {
	{ "hostbridge", "hostbridge", generic_legacy, init_ok },
	{ "amd_hostbridge", "amd_hostbridge", generic_legacy, init_ok },
	{ "lpc", "lpc", generic_legacy, init_lpc },
	{ "ahci", "ahci", ahci_legacy, dev_init_ahci },
	{ "ahci-hd", "ahci", ahci_hd_legacy, dev_init_ahci },
	{ "ahci-cd", "ahci", ahci_cd_legacy, dev_init_ahci },
	{ "e1000", "e1000", net_legacy, dev_init_net },
	{ "fbuf", "fbuf", generic_legacy, dev_init_fbuf },
	{ "hda", "hda", generic_legacy, init_ok },
	{ "nvme", "nvme", nvme_legacy, dev_init_nvme },
	{ "passthru", "passthru", ppt_legacy, dev_init_ppt },
	{ "uart", "uart", uart_legacy, init_uart },
	{ "virtio-9p", "virtio-9p", generic_legacy, init_ok },
	{ "virtio-blk", "virtio-blk", blk_legacy, dev_init_blk },
	{ "virtio-console", "virtio-console", generic_legacy, init_ok },
	{ "virtio-input", "virtio-input", generic_legacy, init_ok },
	{ "virtio-net", "virtio-net", net_legacy, dev_init_net },
	{ "virtio-rnd", "virtio-rnd", generic_legacy, init_ok },
	{ "virtio-scsi", "virtio-scsi", generic_legacy, init_ok },
	{ "xhci", "xhci", generic_legacy, init_ok },
};
#define NEMUS	(sizeof(emus) / sizeof(emus[0]))

static const struct emu *
emu_find(const char *name, int by_device)
{
	size_t i;

	for (i = 0; i < NEMUS; i++)
		if (strcmp(by_device ? emus[i].device : emus[i].name,
		    name) == 0)
			return &emus[i];
	return NULL;
}

void
dev_print_emulations(void)
{
	size_t i;

	for (i = 0; i < NEMUS; i++)
		printf("%s\n", emus[i].name);
}

/* "a,b=c": a=true, b=c under node. */
static int
generic_legacy(const char *node, const char *opts)
{
	char *cpy, *str, *tok, *eq;

	if (opts == NULL)
		return 0;
	if ((cpy = str = strdup(opts)) == NULL)
		sim_fatal("out of memory");
	while ((tok = strsep(&str, ",")) != NULL) {
		if (*tok == '\0')
			continue;
		if ((eq = strchr(tok, '=')) != NULL) {
			*eq = '\0';
			cfg_setf(eq + 1, "%s.%s", node, tok);
		} else
			cfg_setf("true", "%s.%s", node, tok);
	}
	free(cpy);
	return 0;
}

/* First word is KEY, the rest is generic. */
static int
first_then_generic(const char *node, const char *key, const char *opts)
{
	const char *comma;
	char *first;

	if (opts == NULL)
		return 0;
	if ((comma = strchr(opts, ',')) == NULL) {
		cfg_setf(opts, "%s.%s", node, key);
		return 0;
	}
	if ((first = strndup(opts, (size_t)(comma - opts))) == NULL)
		sim_fatal("out of memory");
	cfg_setf(first, "%s.%s", node, key);
	free(first);
	return generic_legacy(node, comma + 1);
}

static int
net_legacy(const char *node, const char *opts)
{
	return first_then_generic(node, "backend", opts);
}

static int
blk_legacy(const char *node, const char *opts)
{
	return first_then_generic(node, "path", opts);
}

static int
nvme_legacy(const char *node, const char *opts)
{
	if (opts != NULL && strncmp(opts, "ram=", 4) == 0)
		return first_then_generic(node, "ram", opts + 4);
	return blk_legacy(node, opts);
}

static int
ahci_port(const char *node, int port, const char *type, const char *opts)
{
	char pnode[512];

	snprintf(pnode, sizeof(pnode), "%s.port.%d", node, port);
	cfg_setf(type, "%s.type", pnode);
	return blk_legacy(pnode, opts);
}

static int
ahci_hd_legacy(const char *node, const char *opts)
{
	return ahci_port(node, 0, "hd", opts);
}

static int
ahci_cd_legacy(const char *node, const char *opts)
{
	return ahci_port(node, 0, "cd", opts);
}

/* "hd:/a,opt,cd:/b": a new port at each hd:/cd: word. */
static int
ahci_legacy(const char *node, const char *opts)
{
	char *cpy, *str, *tok, *eq, pnode[512];
	int port = -1;

	if (opts == NULL)
		return 0;
	if ((cpy = str = strdup(opts)) == NULL)
		sim_fatal("out of memory");
	while ((tok = strsep(&str, ",")) != NULL) {
		if (strncmp(tok, "hd:", 3) == 0 || strncmp(tok, "cd:", 3) == 0) {
			port++;
			snprintf(pnode, sizeof(pnode), "%s.port.%d", node,
			    port);
			tok[2] = '\0';
			cfg_setf(tok, "%s.type", pnode);
			cfg_setf(tok + 3, "%s.path", pnode);
		} else if (port >= 0 && *tok != '\0') {
			if ((eq = strchr(tok, '=')) != NULL) {
				*eq = '\0';
				cfg_setf(eq + 1, "%s.%s", pnode, tok);
			} else
				cfg_setf("true", "%s.%s", pnode, tok);
		}
	}
	free(cpy);
	return 0;
}

/* B/S/F, pciB:S:F, pci0:B:S:F or pptN, then generic options. */
static int
ppt_legacy(const char *node, const char *opts)
{
	const char *comma;
	char val[16], *dev;
	int b, s, f;

	if (opts == NULL)
		return 0;
	comma = strchr(opts, ',');
	if (strncmp(opts, "ppt", 3) == 0) {
		dev = comma != NULL ? strndup(opts, (size_t)(comma - opts)) :
		    strdup(opts);
		if (dev == NULL)
			sim_fatal("out of memory");
		cfg_setf(dev, "%s.pptdev", node);
		free(dev);
	} else if (sscanf(opts, "pci0:%d:%d:%d", &b, &s, &f) == 3 ||
	    sscanf(opts, "pci%d:%d:%d", &b, &s, &f) == 3 ||
	    sscanf(opts, "%d/%d/%d", &b, &s, &f) == 3) {
		snprintf(val, sizeof(val), "%d", b);
		cfg_setf(val, "%s.bus", node);
		snprintf(val, sizeof(val), "%d", s);
		cfg_setf(val, "%s.slot", node);
		snprintf(val, sizeof(val), "%d", f);
		cfg_setf(val, "%s.func", node);
	} else {
		fprintf(stderr, "passthru: invalid options \"%s\"\n", opts);
		return -1;
	}
	return comma != NULL ? generic_legacy(node, comma + 1) : 0;
}

static int
uart_legacy(const char *node, const char *opts)
{
	if (opts != NULL)
		cfg_setf(opts, "%s.path", node);
	return 0;
}

/* sscanf(s, "%d:%d:%d") cut to n conversions: how many matched. */
static int
scan_ints(const char *s, int *v, int n)
{
	char *end;
	long x;
	int i;

	for (i = 0; i < n; i++) {
		if (i > 0) {
			if (*s != ':')
				return i;
			s++;
		}
		x = strtol(s, &end, 10);
		if (end == s)
			return i;
		v[i] = (int)x;
		s = end;
	}
	return n;
}

/* -s [B:]S[:F],emulation[,config]: 0, or -1 after bhyve's message. */
int
dev_parse_slot(const char *opt)
{
	const struct emu *e;
	char *str, *emul, *conf, *cp, node[64];
	int v[3], b, s, f, rc = -1;

	if ((str = strdup(opt)) == NULL)
		sim_fatal("out of memory");
	if ((cp = strchr(str, ',')) == NULL) {
		fprintf(stderr, "Invalid PCI slot info field \"%s\"\n", opt);
		goto done;
	}
	*cp = '\0';
	emul = cp + 1;
	conf = NULL;
	if ((cp = strchr(emul, ',')) != NULL) {
		*cp = '\0';
		conf = cp + 1;
	}
	b = s = f = 0;
	if (scan_ints(str, v, 3) == 3) {
		b = v[0], s = v[1], f = v[2];
	} else if (scan_ints(str, v, 2) == 2) {
		s = v[0], f = v[1];
	} else if (scan_ints(str, v, 1) == 1) {
		s = v[0];
	} else
		s = -1;
	if (b < 0 || b > 255 || s < 0 || s > 31 || f < 0 || f > 7) {
		fprintf(stderr, "Invalid PCI slot info field \"%s\"\n", opt);
		goto done;
	}
	if ((e = emu_find(emul, 0)) == NULL) {
		fprintf(stderr, "pci slot %d:%d:%d: unknown device \"%s\"\n",
		    b, s, f, emul);
		goto done;
	}
	snprintf(node, sizeof(node), "pci.%d.%d.%d", b, s, f);
	if (cfg_node(node)) {
		fprintf(stderr, "pci slot %d:%d:%d already occupied!\n",
		    b, s, f);
		goto done;
	}
	cfg_setf(e->device, "%s.device", node);
	rc = e->legacy(node, conf);
done:
	free(str);
	return rc;
}

static int
init_ok(int b, int s, int f, const char *node)
{
	(void)b, (void)s, (void)f, (void)node;
	return 0;
}

/* A com port or PCI uart backend: 0 or an errno. */
static int
uart_backend(const char *path)
{
	static int stdio_used;

	if (strcmp(path, "stdio") == 0) {
		if (stdio_used)
			return DEF_ERRNO;
		stdio_used = 1;
		return 0;
	}
	return tty_open(path, 0);
}

static int
rom_check(void)
{
	char path[4096];
	struct stat st;

	return stat(sim_path(path, sizeof(path), "sim/romcheck"), &st) == 0;
}

static int
bootrom_load(void)
{
	const char *rom = cfg_get("lpc.bootrom"), *vars;
	struct stat st;
	off_t rom_size, var_size = 0;
	int fd, err;

	if ((fd = open(rom, O_RDONLY | O_CLOEXEC)) == -1) {
		err = errno;
		fprintf(stderr, "Error opening bootrom \"%s\": %s\n", rom,
		    bsd_strerror(err));
		return err;
	}
	fstat(fd, &st);
	close(fd);
	rom_size = st.st_size;
	if ((vars = cfg_get("lpc.bootvars")) != NULL) {
		if ((fd = open(vars, O_RDWR | O_CLOEXEC)) == -1) {
			err = errno;
			fprintf(stderr, "Error opening bootrom variable file "
			    "\"%s\": %s\n", vars, bsd_strerror(err));
			return err;
		}
		fstat(fd, &st);
		close(fd);
		var_size = st.st_size;
	}
	/*
	 * bhyve's size rules; opt-in (sim/romcheck) because tests like
	 * tiny firmware files.
	 */
	if (!rom_check()) {
		bh.rom_loaded = 1;
		return 0;
	}
	if (var_size > BOOTROM_SIZE ||
	    (var_size != 0 && var_size < (off_t)SIM_PAGE)) {
		fprintf(stderr, "Invalid bootrom variable size %ld\n",
		    (long)var_size);
		return DEF_ERRNO;
	}
	if (rom_size + var_size > BOOTROM_SIZE) {
		fprintf(stderr, "Invalid bootrom and variable aggregate size "
		    "%ld\n", (long)(rom_size + var_size));
		return DEF_ERRNO;
	}
	if (rom_size == 0 || rom_size > BOOTROM_SIZE) {
		sim_warnx("ROM size %ld is invalid", (long)rom_size);
		return EINVAL;
	}
	if (rom_size % (off_t)SIM_PAGE != 0) {
		sim_warnx("ROM size %ld is not a multiple of the page size",
		    (long)rom_size);
		return EINVAL;
	}
	bh.rom_loaded = 1;
	return 0;
}

/* The LPC bridge realises every -l device: bootrom, then com1..com4. */
static int
init_lpc(int b, int s, int f, const char *node)
{
	static int done;
	const char *path;
	int unit, err;

	(void)s, (void)f, (void)node;
	if (done) {
		fprintf(stderr, "Only one LPC bridge is allowed.\n");
		return DEF_ERRNO;
	}
	if (b != 0) {
		fprintf(stderr, "LPC bridge can be present only on bus 0.\n");
		return DEF_ERRNO;
	}
	if (cfg_get("lpc.bootrom") != NULL && (err = bootrom_load()) != 0)
		return err;
	for (unit = 1; unit <= 4; unit++) {
		if ((path = cfg_getf("lpc.com%d.path", unit)) == NULL)
			continue;
		if ((err = uart_backend(path)) != 0) {
			fprintf(stderr, "Unable to initialize backend '%s' for "
			    "LPC device com%d\n", path, unit);
			return err;
		}
	}
	done = 1;
	return 0;
}

static int
init_uart(int b, int s, int f, const char *node)
{
	const char *path;
	int err;

	(void)b;
	if ((path = cfg_getf("%s.path", node)) == NULL)
		return 0;
	if ((err = uart_backend(path)) != 0)
		fprintf(stderr, "Unable to initialize backend '%s' for pci "
		    "uart at %d:%d\n", path, s, f);
	return err;
}

static int
node_cmp(const void *a, const void *b)
{
	const int *x = a, *y = b;

	if (x[0] != y[0])
		return x[0] - y[0];
	if (x[1] != y[1])
		return x[1] - y[1];
	return x[2] - y[2];
}

/* init_pci(): every configured function in bus:slot:function order. */
void
dev_init_all(void)
{
	int (*nodes)[3], n = 0, i, j, b, s, f, err;
	const struct emu *e;
	const char *dev;
	char node[64];
	size_t k;

	if ((nodes = calloc(cfg_count() + 1, sizeof(*nodes))) == NULL)
		sim_fatal("out of memory");
	for (k = 0; k < cfg_count(); k++) {
		if (sscanf(cfg_key(k), "pci.%d.%d.%d.", &b, &s, &f) != 3 ||
		    b < 0 || b > 255 || s < 0 || s > 31 || f < 0 || f > 7)
			continue;
		for (j = 0; j < n; j++)
			if (nodes[j][0] == b && nodes[j][1] == s &&
			    nodes[j][2] == f)
				break;
		if (j == n) {
			nodes[n][0] = b, nodes[n][1] = s, nodes[n][2] = f;
			n++;
		}
	}
	qsort(nodes, (size_t)n, sizeof(*nodes), node_cmp);
	for (i = 0; i < n; i++) {
		b = nodes[i][0], s = nodes[i][1], f = nodes[i][2];
		snprintf(node, sizeof(node), "pci.%d.%d.%d", b, s, f);
		err = DEF_ERRNO;
		if ((dev = cfg_getf("%s.device", node)) == NULL)
			fprintf(stderr, "pci slot %d:%d:%d: missing \"device\" "
			    "value\n", b, s, f);
		else if ((e = emu_find(dev, 1)) == NULL)
			fprintf(stderr, "pci slot %d:%d:%d: unknown device "
			    "\"%s\"\n", b, s, f, dev);
		else if ((err = e->init(b, s, f, node)) == 0)
			continue;
		fprintf(stderr, "device emulation initialization error: %s\n",
		    bsd_strerror(err));
		bhyve_exit(4);
	}
	free(nodes);
}

/* The swtpm backend's connection, held for bhyve's life. */
static int tpm_fd = -1;

/* 0, or the errno of tpm_emul_swtpm.c's tpm_swtpm_init. */
static int
tpm_swtpm(const char *path)
{
	struct sockaddr_un sun;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	/* bhyve cuts the path silently, as here */
	strlcpy(sun.sun_path, path, sizeof(sun.sun_path) - 1);
	if ((tpm_fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    connect(tpm_fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		sim_warnx("tpm_swtpm_init: unable to connect to tpm socket "
		    "\"%s\"", path);
		return ENOENT;
	}
	return 0;
}

/*
 * The TPM, after the PCI devices as in bhyverun.c (init_tpm, then
 * tpm_device_create of usr.sbin/bhyve/tpm_device.c): version 2.0 only;
 * passthru opens PATH read/write (tpm_emul_passthru.c), swtpm connects
 * to the unix socket PATH, which a running swtpm listens on.  Any
 * failure: "Failed to init TPM device", exit 4.
 */
void
dev_init_tpm(void)
{
	const char *type = cfg_get("tpm.type"), *path, *ver;
	int err = 0, fd;

	if (type == NULL)
		return;
	path = cfg_get("tpm.path");
	ver = cfg_get("tpm.version");
	if (ver == NULL || strcmp(ver, "2.0") != 0) {
		sim_warnx("tpm_device_create: unsupported tpm version %s",
		    ver != NULL ? ver : "");
		err = BSD_EINVAL;
	} else if (strcmp(type, "passthru") == 0) {
		if ((fd = open(path, O_RDWR)) == -1) {
			sim_warnx("tpm_passthru_init: unable to open tpm "
			    "device \"%s\"", path);
			err = ENOENT;
		} else
			tpm_fd = fd;
	} else if (strcmp(type, "swtpm") == 0)
		err = tpm_swtpm(path);
	else {
		sim_warnx("TPM emulation \"%s\" not found", type);
		err = BSD_EINVAL;
	}
	if (err != 0) {
		sim_warnx("init_tpm: unable to create a TPM device (%d)", err);
		sim_msg("Failed to init TPM device");
		bhyve_exit(4);
	}
}
