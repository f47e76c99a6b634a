/*
 * ctl.c: the simulated bhyvectl(8) of FreeBSD 14.0, for the options a
 * VM manager uses: --vm (mandatory), --create, --force-reset,
 * --force-poweroff, --destroy (performed last), --get-stats.  A
 * running bhyve learns of a suspend or a destroy through SIGUSR1,
 * sent to the holder of its run lock; nothing waits for it.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

static void __attribute__((__noreturn__))
usage(void)
{
	fprintf(stderr,
	    "Usage: %s --vm=<vmname>\n"
	    "       [--cpu=<vcpu_number>]\n"
	    "       [--create]\n"
	    "       [--destroy]\n"
	    "       [--get-all]\n"
	    "       [--get-stats]\n"
	    "       [--force-reset]\n"
	    "       [--force-poweroff]\n"
	    "       [--get-active-cpus]\n"
	    "       [--get-suspended-cpus]\n", sim_prog);
	exit(1);
}

static const char *const flags[] = { "create", "destroy", "force-reset",
    "force-poweroff", "get-stats", "get-all", "get-active-cpus",
    "get-suspended-cpus", "get-cpu-topology", "get-memmap",
    "get-memseg", "get-lowmem", "get-highmem", NULL };

enum { F_CREATE, F_DESTROY, F_RESET, F_POWEROFF, F_STATS, F_NFLAGS };

/* vm_suspend(3): EALREADY when a suspend is pending or done. */
static int
suspend(const char *name, const char *how)
{
	struct vmm vm;
	int lock, rc = 0;

	lock = vmm_lock();
	if (vmm_read(name, &vm) == -1) {
		errno = ENXIO;
		rc = -1;
	} else if (vm.suspend[0] != '\0') {
		errno = EALREADY;
		rc = -1;
	} else {
		strlcpy(vm.suspend, how, sizeof(vm.suspend));
		vmm_write(name, &vm);
	}
	vmm_unlock(lock);
	return rc;
}

static void
notify(const char *name)
{
	long pid;

	if ((pid = vmm_runner(name)) > 0)
		kill((pid_t)pid, SIGUSR1);
}

static void
stats(const char *name)
{
	struct vmm vm;

	if (vmm_read(name, &vm) == -1)
		return;
	printf("vcpu0 stats:\n");
	printf("%-50s\t%d\n", "number of ticks vcpu was idle", 0);
	printf("%-50s\t%" PRIu64 "\n", "Resident memory", vm.mem);
	printf("%-50s\t%d\n", "Wired memory", 0);
}

/* FreeBSD's numbers for the errors bhyvectl can print. */
static int
bsd_errno(int e)
{
	if (e == EALREADY)
		return BSD_EALREADY;
	if (e == ENXIO)
		return BSD_ENXIO;
	return e;
}

int
bhyvectl_main(int argc, char **argv)
{
	int want[F_NFLAGS] = { 0 }, i, k, error = 0, err = 0;
	const char *vm = NULL;
	struct vmm st;
	size_t len;
	char *a;

	if (sim_setup("bhyvectl", argc, argv))
		return 1;
	for (i = 1; i < argc; i++) {
		a = argv[i];
		if (strcmp(a, "--") == 0)
			break;
		if (a[0] != '-' || a[1] == '\0')
			continue;	/* getopt_long permutes operands */
		if (a[1] != '-') {
			fprintf(stderr, "%s: illegal option -- %c\n", sim_prog,
			    a[1]);
			usage();
		}
		a += 2;
		len = strcspn(a, "=");
		if (strncmp(a, "vm", len) == 0 && len == 2) {
			if (a[len] == '=')
				vm = a + len + 1;
			else if (i + 1 < argc)
				vm = argv[++i];
			else {
				fprintf(stderr, "%s: option requires an "
				    "argument -- vm\n", sim_prog);
				usage();
			}
			continue;
		}
		if (strncmp(a, "cpu", len) == 0 && len == 3) {
			if (a[len] != '=' && ++i >= argc) {
				fprintf(stderr, "%s: option requires an "
				    "argument -- cpu\n", sim_prog);
				usage();
			}
			continue;
		}
		for (k = 0; flags[k] != NULL; k++)
			if (strlen(flags[k]) == len &&
			    strncmp(a, flags[k], len) == 0)
				break;
		if (flags[k] == NULL) {
			fprintf(stderr, "%s: unknown option -- %.*s\n",
			    sim_prog, (int)len, a);
			usage();
		}
		if (a[len] == '=') {
			fprintf(stderr, "%s: option doesn't take an argument "
			    "-- %.*s\n", sim_prog, (int)len, a);
			usage();
		}
		if (k < F_NFLAGS)
			want[k] = 1;
	}
	if (vm == NULL)
		usage();
	if (want[F_CREATE]) {
		k = vmm_lock();
		if (vmm_create(vm, &st) == -1) {
			error = -1;
			err = errno;
		}
		vmm_unlock(k);
	}
	if (!error && vmm_read(vm, &st) == -1) {
		printf("VM:%s is not created.\n", vm);
		exit(1);
	}
	if (!error && want[F_STATS])
		stats(vm);
	if (!error && want[F_RESET] && (error = suspend(vm, "reset")) != 0)
		err = errno;
	if (!error && want[F_POWEROFF] &&
	    (error = suspend(vm, "poweroff")) != 0)
		err = errno;
	if (error)
		printf("errno = %d\n", bsd_errno(err));
	if (!error && want[F_DESTROY]) {
		k = vmm_lock();
		vmm_destroy(vm);
		vmm_unlock(k);
	}
	if (!error && (want[F_RESET] || want[F_POWEROFF] || want[F_DESTROY]))
		notify(vm);
	return error ? 255 : 0;
}
