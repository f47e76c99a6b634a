/*
 * loader.c: the simulated bhyveload(8) and grub-bhyve.  Both check
 * their arguments with the real messages and statuses, create or
 * re-initialise /dev/vmm/NAME with the guest memory size, then behave
 * as $KVM_ROOTDIR/sim/NAME.loader says: "boot" (default: the kernel is
 * loaded, exit 0), "hang" (sit at the loader prompt until killed),
 * "fail" (an error, exit 1).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim.h"

#define EX_USAGE	64

static volatile sig_atomic_t got_signal;

static void
on_signal(int sig)
{
	got_signal = sig;
}

/* "hang": wait at the prompt; die of the first terminating signal. */
static void __attribute__((__noreturn__))
hang(const char *name, const char *prog)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT };
	struct sigaction sa;
	sigset_t block, old;
	size_t i;
	int sig;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		sigaction(sigs[i], &sa, NULL);
		sigaddset(&block, sigs[i]);
	}
	sigprocmask(SIG_BLOCK, &block, &old);
	while (got_signal == 0)
		sigsuspend(&old);
	sig = got_signal;
	sim_pidfile(name, prog, 0);
	signal(sig, SIG_DFL);
	sigprocmask(SIG_SETMASK, &old, NULL);
	raise(sig);
	_exit(128 + sig);
}

/* After VM setup: play $KVM_ROOTDIR/sim/NAME.loader.  Returns the status. */
int
loader_play(const char *name, const char *prog)
{
	char path[4096], *how;
	struct vmm vm, now;
	int lock, rc = 0;

	sim_path(path, sizeof(path), "sim/%s.loader", name);
	how = sim_read(path);
	if (how != NULL)
		how[strcspn(how, " \t\r\n")] = '\0';
	sim_pidfile(name, prog, 1);
	if (how != NULL && strcmp(how, "hang") == 0)
		hang(name, prog);
	if (how != NULL && strcmp(how, "fail") == 0) {
		fprintf(stderr, "%s: simulated loader failure\n", prog);
		rc = 1;
	} else {
		lock = vmm_lock();
		if (vmm_read(name, &vm) == 0) {
			now = vm;
			now.loaded = 1;
			vmm_write(name, &now);
		}
		vmm_unlock(lock);
	}
	sim_pidfile(name, prog, 0);
	free(how);
	return rc;
}

/*
 * Create or re-initialise the instance with mem bytes of memory.
 * Returns 0, or -1 with errno and *step naming what failed
 * ("vm_create", "vm_reinit", "vm_setup_memory").
 */
static int
vm_setup(const char *name, uint64_t mem, const char **step)
{
	struct vmm vm;
	int lock, rc = 0;

	lock = vmm_lock();
	if (vmm_create(name, &vm) == -1) {
		if (errno != EEXIST) {
			*step = "vm_create";
			rc = -1;
		} else if (vmm_reinit(&vm) == -1) {
			*step = "vm_reinit";
			rc = -1;
		}
	}
	if (rc == 0 && vmm_setup_memory(&vm, mem) == -1) {
		*step = "vm_setup_memory";
		rc = -1;
	}
	if (rc == 0)
		vmm_write(name, &vm);
	vmm_unlock(lock);
	return rc;
}

static void __attribute__((__noreturn__))
bl_usage(void)
{
	fprintf(stderr,
	    "usage: %s [-S][-c <console-device>] [-d <disk-path>] "
	    "[-e <name=value>]\n"
	    "       %*s [-h <host-path>] [-m memsize[K|k|M|m|G|g|T|t]] "
	    "<vmname>\n", sim_prog, (int)strlen(sim_prog), "");
	exit(1);
}

static void __attribute__((__noreturn__))
bl_errx(int status, const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", sim_prog);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(status);
}

int
bhyveload_main(int argc, char **argv)
{
	struct sopt o = { 0 };
	uint64_t mem = 256 * SIM_MB;
	const char *loader = NULL, *step = "";
	struct stat st;
	int c, fd, ndisks = 0;

	if (sim_setup("bhyveload", argc, argv))
		return 1;
	while ((c = sopt_get(&o, argc, argv, "CSc:d:e:h:l:m:")) != -1) {
		switch (c) {
		case 'c':
			if (strcmp(o.arg, "stdio") != 0 &&
			    tty_open(o.arg, 1) != 0)
				bl_errx(EX_USAGE, "Could not open '%s'", o.arg);
			break;
		case 'd':
			if (ndisks >= 32 ||
			    (fd = open(o.arg, O_RDWR | O_CLOEXEC)) == -1)
				bl_errx(EX_USAGE, "Could not open '%s'", o.arg);
			close(fd);
			ndisks++;
			break;
		case 'l':
			if (loader != NULL)
				bl_errx(EX_USAGE, "%s",
				    "-l can only be given once");
			loader = o.arg;
			break;
		case 'm':
			if (parse_memsize(o.arg, &mem) != 0)
				bl_errx(EX_USAGE, "Invalid memsize '%s'", o.arg);
			break;
		case 'C': case 'S': case 'e': case 'h':
			break;
		default:
			bl_usage();
		}
	}
	if (argc - o.ind != 1)
		bl_usage();
	if (vm_setup(argv[o.ind], mem, &step) == -1) {
		fprintf(stderr, "%s: %s\n", step, bsd_strerror(errno));
		return 1;
	}
	if (loader != NULL && stat(loader, &st) == -1) {
		printf("Cannot open \"%s\"\n", loader);
		return 1;
	}
	return loader_play(argv[o.ind], "bhyveload");
}

static void __attribute__((__noreturn__))
grub_try(void)
{
	fprintf(stderr, "Try `%s --help' or `%s --usage' for more "
	    "information.\n", sim_prog, sim_prog);
	exit(EX_USAGE);
}

static void
grub_error(const char *fmt, const char *a, const char *b)
{
	fprintf(stderr, "%s: error: ", sim_prog);
	fprintf(stderr, fmt, a, b);
	fprintf(stderr, ".\n");
	exit(1);
}

/* device.map: "(dev) /host/path" lines whose paths must exist. */
static int
grub_devmap(const char *map, const char *root)
{
	char *buf, *line, *save, dev[64], path[4096];
	size_t rlen = root != NULL ? strcspn(root, ",") : 0;
	struct stat st;
	int found = root == NULL || (rlen == 4 && strncmp(root, "host", 4) == 0);

	if ((buf = sim_read(map)) == NULL)
		grub_error("cannot open `%s': %s", map, bsd_strerror(errno));
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		line += strspn(line, " \t");
		if (*line == '#' || *line == '\0')
			continue;
		if (sscanf(line, "(%63[^)]) %4095s", dev, path) != 2)
			grub_error("%s: %s", map, "invalid device map line");
		if (stat(path, &st) == -1)
			grub_error("cannot stat `%s': %s", path,
			    bsd_strerror(errno));
		if (root != NULL && strlen(dev) == rlen &&
		    strncmp(dev, root, rlen) == 0)
			found = 1;
	}
	free(buf);
	return found;
}

static const struct gopt {
	const char	*lname;
	int		 c;
	int		 arg;		/* 0 none, 1 required, 2 optional */
} gopts[] = {
	{ "root", 'r', 1 }, { "device-map", 'm', 1 }, { "directory", 'd', 1 },
	{ "grub-cfg", 'g', 1 }, { "memory", 'M', 1 }, { "cons-dev", 'c', 1 },
	{ "ncons", 'n', 0 }, { "evga", 'e', 0 }, { "verbose", 'v', 0 },
	{ "hold", 'H', 2 }, { "help", 'h', 0 }, { NULL, 'S', 0 },
};
#define NGOPTS	(sizeof(gopts) / sizeof(gopts[0]))

/* One long option "--name[=value]" (unique prefixes accepted). */
static const struct gopt *
grub_long(const char *a, const char **val)
{
	const struct gopt *hit = NULL;
	size_t i, len = strcspn(a, "=");

	for (i = 0; i < NGOPTS; i++) {
		if (gopts[i].lname == NULL ||
		    strncmp(gopts[i].lname, a, len) != 0)
			continue;
		if (strlen(gopts[i].lname) == len) {
			hit = &gopts[i];
			break;
		}
		if (hit != NULL) {
			fprintf(stderr, "%s: option '--%s' is ambiguous\n",
			    sim_prog, a);
			grub_try();
		}
		hit = &gopts[i];
	}
	if (hit == NULL) {
		fprintf(stderr, "%s: unrecognized option '--%s'\n", sim_prog, a);
		grub_try();
	}
	*val = a[len] == '=' ? a + len + 1 : NULL;
	return hit;
}

int
grub_main(int argc, char **argv)
{
	const char *name = NULL, *map = NULL, *root = NULL, *cons = NULL;
	const char *val, *step = "";
	const struct gopt *g;
	uint64_t mem = 256 * SIM_MB;
	int i, err;
	size_t k;
	char *a;

	if (sim_setup("grub-bhyve", argc, argv))
		return 1;
	for (i = 1; i < argc; i++) {
		a = argv[i];
		if (strcmp(a, "--") == 0) {
			if (i + 1 < argc)
				name = argv[argc - 1];
			break;
		}
		if (a[0] != '-' || a[1] == '\0') {
			name = a;	/* argp: the last operand wins */
			continue;
		}
		for (k = 1; a[k] != '\0'; k++) {
			val = NULL;
			if (a[1] == '-') {
				g = grub_long(a + 2, &val);
				k = strlen(a) - 1;
			} else {
				for (g = gopts; g < gopts + NGOPTS &&
				    g->c != a[k]; g++)
					;
				if (g == gopts + NGOPTS) {
					fprintf(stderr, "%s: invalid option -- "
					    "'%c'\n", sim_prog, a[k]);
					grub_try();
				}
				if (g->arg != 0 && a[k + 1] != '\0') {
					val = a + k + 1;
					k = strlen(a) - 1;
				}
			}
			if (g->arg == 1 && val == NULL) {
				if (i + 1 >= argc) {
					if (a[1] == '-')
						fprintf(stderr, "%s: option "
						    "'--%s' requires an argument"
						    "\n", sim_prog, g->lname);
					else
						fprintf(stderr, "%s: option "
						    "requires an argument -- "
						    "'%c'\n", sim_prog, g->c);
					grub_try();
				}
				val = argv[++i];
			}
			switch (g->c) {
			case 'h':
				printf("Usage: %s [OPTION...] vmname\n",
				    sim_prog);
				exit(0);
			case 'r': root = val; break;
			case 'm': map = val; break;
			case 'c': cons = val; break;
			case 'M':
				if (parse_memsize(val, &mem) != 0) {
					fprintf(stderr, "Invalid guest memory "
					    "size `%s'.\n", val);
					fprintf(stderr, "Error in parsing "
					    "command line arguments\n");
					exit(1);
				}
				break;
			default:
				break;
			}
		}
	}
	if (name == NULL) {
		fprintf(stderr, "Required VM name parameter not supplied\n");
		fprintf(stderr, "Try `%s --help' or `%s --usage' for more "
		    "information.\n", sim_prog, sim_prog);
		exit(1);
	}
	if (vm_setup(name, mem, &step) == -1) {
		if (strcmp(step, "vm_create") == 0)
			fprintf(stderr, "Could not create VM %s\n", name);
		else if (strcmp(step, "vm_reinit") == 0)
			fprintf(stderr, "Could not reinit VM %s\n", name);
		else
			fprintf(stderr, "Could not setup memory for VM\n");
		fprintf(stderr, "Error in initializing VM\n");
		exit(1);
	}
	if (cons != NULL && (err = tty_open(cons, 0)) != 0)
		grub_error("cannot open `%s': %s", cons, bsd_strerror(err));
	if (map != NULL && !grub_devmap(map, root))
		grub_error("disk `%s' not found%s", root, "");
	return loader_play(name, "grub-bhyve");
}
