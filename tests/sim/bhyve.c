/*
 * bhyve.c: the simulated bhyve(8) of FreeBSD 14.0 up to the guest:
 * option parsing (-s/-l/-c/-o/-k/-p take effect as they are parsed,
 * so their errors come first), then topology, memory size, VM
 * instance, vCPU limit, memory, devices, vCPU activation and the
 * process title, in bhyve's order and with its messages and statuses
 * (bhyve-facts.md section 1).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "bhyve.h"

#define EX_USAGE	64
#define CPUSET_MAX	1024	/* CPU_SETSIZE of FreeBSD 14 */

struct bhyve bh = { .vnc_fd = -1, .vnc_client = -1, .run_fd = -1 };

static struct { char *k, *v; } *cfgv;
static size_t cfgn;

static int ncpus, sockets, cores, threads;

void
cfg_set(const char *key, const char *val)
{
	size_t i;
	void *p;

	for (i = 0; i < cfgn; i++)
		if (strcmp(cfgv[i].k, key) == 0) {
			free(cfgv[i].v);
			if ((cfgv[i].v = strdup(val)) == NULL)
				sim_fatal("out of memory");
			return;
		}
	if ((p = realloc(cfgv, (cfgn + 1) * sizeof(*cfgv))) == NULL)
		sim_fatal("out of memory");
	cfgv = p;
	if ((cfgv[cfgn].k = strdup(key)) == NULL ||
	    (cfgv[cfgn].v = strdup(val)) == NULL)
		sim_fatal("out of memory");
	cfgn++;
}

void
cfg_setf(const char *val, const char *fmt, ...)
{
	char key[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(key, sizeof(key), fmt, ap);
	va_end(ap);
	cfg_set(key, val);
}

const char *
cfg_get(const char *key)
{
	size_t i;

	for (i = 0; i < cfgn; i++)
		if (strcmp(cfgv[i].k, key) == 0)
			return cfgv[i].v;
	return NULL;
}

const char *
cfg_getf(const char *fmt, ...)
{
	char key[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(key, sizeof(key), fmt, ap);
	va_end(ap);
	return cfg_get(key);
}

/* Is there any variable at or below prefix (a configuration node)? */
int
cfg_node(const char *prefix)
{
	size_t i, len = strlen(prefix);

	for (i = 0; i < cfgn; i++)
		if (strncmp(cfgv[i].k, prefix, len) == 0 &&
		    (cfgv[i].k[len] == '\0' || cfgv[i].k[len] == '.'))
			return 1;
	return 0;
}

size_t cfg_count(void) { return cfgn; }
const char *cfg_key(size_t i) { return cfgv[i].k; }
const char *cfg_val(size_t i) { return cfgv[i].v; }

/* A boolean variable; bhyve exits 4 on a value it cannot read. */
int
cfg_bool(const char *key, int def)
{
	const char *v = cfg_get(key);

	if (v == NULL)
		return def;
	if (strcasecmp(v, "true") == 0 || strcasecmp(v, "on") == 0 ||
	    strcasecmp(v, "yes") == 0 || strcmp(v, "1") == 0)
		return 1;
	if (strcasecmp(v, "false") == 0 || strcasecmp(v, "off") == 0 ||
	    strcasecmp(v, "no") == 0 || strcmp(v, "0") == 0)
		return 0;
	bhyve_errx(4, "Invalid value %s for boolean variable %s", v, key);
}

static void __attribute__((__noreturn__))
usage(int code)
{
	fprintf(stderr,
	    "Usage: %s [-AaCDeHhPSuWwxY]\n"
	    "       %*s [-c [[cpus=]numcpus][,sockets=n][,cores=n][,threads=n]]\n"
	    "       %*s [-G port] [-k config_file] [-l lpc] [-m mem] "
	    "[-o var=value]\n"
	    "       %*s [-p vcpu:hostcpu] [-s pci] [-U uuid] vmname\n",
	    sim_prog, (int)strlen(sim_prog), "", (int)strlen(sim_prog), "",
	    (int)strlen(sim_prog), "");
	bhyve_exit(code);
}

/* -c: comma list of N / cpus= / sockets= / cores= / threads=. */
static int
topology_parse(const char *opt)
{
	static const char *const keys[] = { "cpus", "sockets", "cores",
	    "threads" };
	char *str, *tofree, *tok;
	size_t i, len;
	int known;

	if (*opt == '\0') {
		for (i = 0; i < 4; i++)
			cfg_set(keys[i], "1");
		return 0;
	}
	if ((tofree = str = strdup(opt)) == NULL)
		sim_fatal("out of memory");
	while ((tok = strsep(&str, ",")) != NULL) {
		known = 0;
		for (i = 0; i < 4 && !known; i++) {
			len = strlen(keys[i]);
			if (strncmp(tok, keys[i], len) == 0 && tok[len] == '=') {
				cfg_set(keys[i], tok + len + 1);
				known = 1;
			}
		}
		if (known)
			continue;
		if (strchr(tok, '=') != NULL) {
			free(tofree);
			return -1;
		}
		cfg_set("cpus", tok);
	}
	free(tofree);
	return 0;
}

static int
int_value(const char *key, const char *value, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(value, &end, 0);
	if (errno != 0 || *end != '\0' || end == value || v < min || v > max)
		bhyve_errx(4, "Invalid value for %s: '%s'", key, value);
	return (int)v;
}

static void
calc_topology(void)
{
	const char *v;
	int explicit = 0;
	unsigned long long n;

	ncpus = 1;
	if ((v = cfg_get("cpus")) != NULL) {
		ncpus = int_value("cpus", v, 1, 65535);
		explicit = 1;
	}
	cores = (v = cfg_get("cores")) != NULL ?
	    int_value("cores", v, 1, 65535) : 1;
	threads = (v = cfg_get("threads")) != NULL ?
	    int_value("threads", v, 1, 65535) : 1;
	sockets = (v = cfg_get("sockets")) != NULL ?
	    int_value("sockets", v, 1, 65535) : ncpus;
	n = (unsigned long long)sockets * cores * threads;
	if (n > 65535)
		bhyve_errx(4, "Computed number of vCPUs too high: %llu", n);
	if (explicit && (unsigned long long)ncpus != n)
		bhyve_errx(4, "Topology (%d sockets, %d cores, %d threads) "
		    "does not match %d vCPUs", sockets, cores, threads, ncpus);
	ncpus = (int)n;
}

/* -p vcpu:hostcpu, accumulated into vcpu.N.cpuset. */
static int
pincpu_parse(const char *opt)
{
	char key[32], *val;
	const char *old;
	int vcpu, pcpu;

	if (sscanf(opt, "%d:%d", &vcpu, &pcpu) != 2) {
		fprintf(stderr, "invalid format: %s\n", opt);
		return -1;
	}
	if (vcpu < 0) {
		fprintf(stderr, "invalid vcpu '%d'\n", vcpu);
		return -1;
	}
	if (pcpu < 0 || pcpu >= CPUSET_MAX) {
		fprintf(stderr, "hostcpu '%d' outside valid range from 0 to "
		    "%d\n", pcpu, CPUSET_MAX - 1);
		return -1;
	}
	snprintf(key, sizeof(key), "vcpu.%d.cpuset", vcpu);
	old = cfg_get(key);
	if (asprintf(&val, "%s%s%d", old != NULL ? old : "",
	    old != NULL ? "," : "", pcpu) == -1)
		sim_fatal("out of memory");
	cfg_set(key, val);
	free(val);
	return 0;
}

/* vcpu.N.cpuset lists ("1,3-5") of the vCPUs that exist. */
static void
check_cpusets(void)
{
	const char *list, *p;
	char *end;
	long cpu, start;
	int vcpu;

	for (vcpu = 0; vcpu < ncpus; vcpu++) {
		if ((list = cfg_getf("vcpu.%d.cpuset", vcpu)) == NULL)
			continue;
		start = -1;
		for (p = list;; p = end + 1) {
			cpu = strtol(p, &end, 0);
			if (end == p)
				bhyve_errx(4, "invalid cpuset for vcpu %d: "
				    "'%s'", vcpu, list);
			if (cpu < 0 || cpu >= CPUSET_MAX)
				bhyve_errx(4, "hostcpu '%ld' outside valid "
				    "range from 0 to %d", cpu, CPUSET_MAX - 1);
			if (*end == '-') {
				if (start >= 0)
					bhyve_errx(4, "invalid cpuset for vcpu "
					    "%d: '%s'", vcpu, list);
				start = cpu;
				continue;
			}
			if (*end != ',' && *end != '\0')
				bhyve_errx(4, "invalid cpuset for vcpu %d: "
				    "'%s'", vcpu, list);
			if (start > cpu)
				bhyve_errx(4, "Invalid hostcpu range %ld-%ld",
				    start, cpu);
			start = -1;
			if (*end == '\0')
				break;
		}
	}
}

/* -o / -k: "var=value" with a non-empty value. */
static int
config_option(const char *opt)
{
	const char *eq = strchr(opt, '=');
	char *key;

	if (eq == NULL || eq[1] == '\0')
		return 0;
	if ((key = strndup(opt, (size_t)(eq - opt))) == NULL)
		sim_fatal("out of memory");
	cfg_set(key, eq + 1);
	free(key);
	return 1;
}

static void
config_file(const char *path)
{
	char *buf, *line, *next;
	unsigned lineno;

	if ((buf = sim_read(path)) == NULL)
		bhyve_errx(4, "Failed to open configuration file %s: %s",
		    path, bsd_strerror(errno));
	for (line = buf, lineno = 1; line != NULL && *line != '\0';
	    line = next, lineno++) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (*line == '#' || *line == '\0')
			continue;
		if (!config_option(line))
			bhyve_errx(4, "%s line %u: invalid config option '%s'",
			    path, lineno, line);
	}
	free(buf);
}

/*
 * -l tpm,TYPE,PATH[,name=value...] (usr.sbin/bhyve/amd64/pci_lpc.c,
 * lpc_device_parse): a missing TYPE or PATH is fatal at once, exit 4;
 * the rest is bhyve's legacy option list; version defaults to 2.0.
 * TYPE, PATH and the version are checked when the device is created.
 */
static void
lpc_tpm(const char *opts, char *str)
{
	char *type, *path, *opt, *eq;

	if ((type = strsep(&str, ",")) == NULL)
		bhyve_errx(4, "invalid tpm type \"%s\"", opts);
	cfg_set("tpm.type", type);
	if ((path = strsep(&str, ",")) == NULL)
		bhyve_errx(4, "invalid tpm path \"%s\"", opts);
	cfg_set("tpm.path", path);
	while ((opt = strsep(&str, ",")) != NULL) {
		if (*opt == '\0')
			continue;
		if ((eq = strchr(opt, '=')) != NULL)
			*eq++ = '\0';
		cfg_setf(eq != NULL ? eq : "true", "tpm.%s", opt);
	}
	if (cfg_get("tpm.version") == NULL)
		cfg_set("tpm.version", "2.0");
}

/* -l: bootrom,CODE[,VARS] | comN[,backend] | pc-testdev | fwcfg,X | tpm. */
static int
lpc_parse(const char *opts)
{
	char *cpy, *str, *dev, *rom, *vars;
	char node[32];
	int unit, ok = 0;

	if ((cpy = str = strdup(opts)) == NULL)
		sim_fatal("out of memory");
	dev = strsep(&str, ",");
	if (strcasecmp(dev, "bootrom") == 0) {
		if ((rom = strsep(&str, ",")) == NULL)
			bhyve_errx(4, "invalid bootrom option \"%s\"", opts);
		cfg_set("lpc.bootrom", rom);
		if ((vars = strsep(&str, ",")) != NULL)
			cfg_set("lpc.bootvars", vars);
		ok = 1;
	}
	for (unit = 1; unit <= 4 && !ok; unit++) {
		snprintf(node, sizeof(node), "com%d", unit);
		if (strcasecmp(dev, node) != 0)
			continue;
		/* A bare "comN": the port exists, unconnected. */
		if (str != NULL)
			cfg_setf(str, "lpc.com%d.path", unit);
		ok = 1;
	}
	if (!ok && strcasecmp(dev, "tpm") == 0) {
		lpc_tpm(opts, str);
		ok = 1;
	}
	if (!ok && strcasecmp(dev, "pc-testdev") == 0) {
		cfg_set("lpc.pc-testdev", "true");
		ok = 1;
	}
	if (!ok && strcasecmp(dev, "fwcfg") == 0 && str != NULL &&
	    (strcmp(str, "bhyve") == 0 || strcmp(str, "qemu") == 0)) {
		cfg_set("lpc.fwcfg", str);
		ok = 1;
	}
	free(cpy);
	return ok ? 0 : -1;
}

/* Prefix of "help", as bhyve tests it (so "" and "h" both list). */
static int
is_help(const char *arg)
{
	return strncmp(arg, "help", strlen(arg)) == 0;
}

static void
parse_options(int argc, char **argv, int *ind)
{
	struct sopt o = { 0 };
	int c;

	while ((c = sopt_get(&o, argc, argv,
	    "aehuwxACDHIPSWYk:f:o:p:G:c:s:m:l:K:U:")) != -1) {
		switch (c) {
		case 'a': cfg_set("x86.x2apic", "false"); break;
		case 'A': cfg_set("acpi_tables", "true"); break;
		case 'C': cfg_set("memory.guest_in_core", "true"); break;
		case 'D': cfg_set("destroy_on_poweroff", "true"); break;
		case 'e': cfg_set("x86.strictio", "true"); break;
		case 'H': cfg_set("x86.vmexit_on_hlt", "true"); break;
		case 'I': break;
		case 'P': cfg_set("x86.vmexit_on_pause", "true"); break;
		case 'S': cfg_set("memory.wired", "true"); break;
		case 'u': cfg_set("rtc.use_localtime", "false"); break;
		case 'w': cfg_set("x86.strictmsr", "false"); break;
		case 'W': cfg_set("virtio_msix", "false"); break;
		case 'x': cfg_set("x86.x2apic", "true"); break;
		case 'Y': cfg_set("x86.mptable", "false"); break;
		case 'K': cfg_set("keyboard.layout", o.arg); break;
		case 'U': cfg_set("uuid", o.arg); break;
		case 'm': cfg_set("memory.size", o.arg); break;
		case 'G': cfg_set("gdb.port", o.arg); break;
		case 'k': config_file(o.arg); break;
		case 'c':
			if (topology_parse(o.arg) != 0)
				bhyve_errx(EX_USAGE, "invalid cpu topology "
				    "'%s'", o.arg);
			break;
		case 'p':
			if (pincpu_parse(o.arg) != 0)
				bhyve_errx(EX_USAGE, "invalid vcpu pinning "
				    "configuration '%s'", o.arg);
			break;
		case 'f':
			if (strchr(o.arg, ',') == NULL ||
			    (strstr(o.arg, ",string=") == NULL &&
			    strstr(o.arg, ",file=") == NULL))
				bhyve_errx(EX_USAGE, "invalid fwcfg item '%s'",
				    o.arg);
			break;
		case 'o':
			if (!config_option(o.arg))
				bhyve_errx(EX_USAGE, "invalid configuration "
				    "option '%s'", o.arg);
			break;
		case 'l':
			if (is_help(o.arg)) {
				printf("bootrom\ncom1\ncom2\ncom3\ncom4\n"
				    "tpm\npc-testdev\n");
				bhyve_exit(0);
			}
			if (lpc_parse(o.arg) != 0)
				bhyve_errx(EX_USAGE, "invalid lpc device "
				    "configuration '%s'", o.arg);
			break;
		case 's':
			if (is_help(o.arg)) {
				dev_print_emulations();
				bhyve_exit(0);
			}
			if (dev_parse_slot(o.arg) != 0)
				bhyve_exit(4);
			break;
		case 'h':
			usage(0);
		default:
			usage(1);
		}
	}
	*ind = o.ind;
}

/* The operand bhyve will take as the VM name, found without side effects. */
static const char *
peek_name(int argc, char **argv)
{
	struct sopt o = { .quiet = 1 };

	while (sopt_get(&o, argc, argv,
	    "aehuwxACDHIPSWYk:f:o:p:G:c:s:m:l:K:U:") != -1)
		;
	return argc - o.ind == 1 ? argv[o.ind] : NULL;
}

/* do_open(): create, or reuse what a loader left, or re-initialise. */
static void
open_vm(void)
{
	int lock, err;

	bh.romboot = cfg_get("lpc.bootrom") != NULL;
	lock = vmm_lock();
	if (vmm_create(bh.name, &bh.vm) == 0) {
		vmm_unlock(lock);
		if (!bh.romboot) {
			fprintf(stderr, "virtual machine cannot be booted\n");
			bhyve_exit(4);
		}
		return;
	}
	if ((err = errno) != EEXIST) {
		vmm_unlock(lock);
		bhyve_perror(4, "vm_create", err);
	}
	if (bh.romboot) {
		if (vmm_reinit(&bh.vm) == -1) {
			vmm_unlock(lock);
			bhyve_perror(4, "vm_reinit", EBUSY);
		}
		vmm_write(bh.name, &bh.vm);
	}
	vmm_unlock(lock);
}

static void
setup_memory(uint64_t size)
{
	int lock;

	lock = vmm_lock();
	if (vmm_read(bh.name, &bh.vm) == -1) {
		vmm_unlock(lock);
		fprintf(stderr, "Unable to setup memory (%d)\n", BSD_ENXIO);
		bhyve_exit(4);
	}
	if (vmm_setup_memory(&bh.vm, size) == -1) {
		vmm_unlock(lock);
		fprintf(stderr, "Unable to setup memory (%d)\n", BSD_EINVAL);
		bhyve_exit(4);
	}
	vmm_write(bh.name, &bh.vm);
	vmm_unlock(lock);
}

static void
dump_config(void)
{
	size_t i;

	for (i = 0; i < cfg_count(); i++)
		printf("%s=%s\n", cfg_key(i), cfg_val(i));
}

int
bhyve_main(int argc, char **argv)
{
	uint64_t memsize;
	const char *v;
	int ind, fail;

	fail = sim_setup("bhyve", argc, argv);
	bh.name = peek_name(argc, argv);
	if (fail)
		bhyve_exit(1);
	bhyve_signals();
	cfg_set("memory.size", "256M");
	cfg_set("acpi_tables", "false");
	cfg_set("x86.strictmsr", "true");
	cfg_set("lpc.fwcfg", "bhyve");
	parse_options(argc, argv, &ind);
	if (argc - ind > 1)
		usage(1);
	if (argc - ind == 1)
		cfg_set("name", argv[ind]);
	if ((bh.name = cfg_get("name")) == NULL)
		usage(1);
	if (cfg_bool("config.dump", 0)) {
		dump_config();
		bhyve_exit(1);
	}
	calc_topology();
	check_cpusets();
	v = cfg_get("memory.size");
	if (parse_memsize(v, &memsize) != 0)
		bhyve_errx(EX_USAGE, "invalid memsize '%s'", v);
	open_vm();
	if (ncpus > host_ncpus()) {
		fprintf(stderr, "%d vCPUs requested but only %d available\n",
		    ncpus, host_ncpus());
		bhyve_exit(4);
	}
	setup_memory(memsize);
	dev_init_all();
	dev_init_tpm();
	bhyve_guest();
}
