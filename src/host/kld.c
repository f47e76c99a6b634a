/*
 * kld.c: kernel modules, through kldstat(8) and kldload(8) (the
 * simulator provides both on Linux).  The supervisor loads vmm, and
 * nmdm for a console on a null-modem pair, before the first run.
 *
 * Several supervisors start at once at boot (rc runs "kvm start -d"
 * for each VM, each returns at once): they all see vmm missing, they
 * all run kldload, and all but one fail with "module already loaded
 * or in kernel" (the kernel's EEXIST; kldload -n checks first but
 * races the same way).  A failed kldload is therefore followed by
 * another kldstat: a module that is there now is a success.
 */
#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include "host/kld.h"
#include "host/spawn.h"

/* Run a short helper; its exit status or -1. */
static int
kld_run(const struct kvm_ctx *ctx, const struct spawn_runner *run,
    const char *a0, const char *a1, const char *a2, const char *a3)
{
	struct spawn_opts o;
	char *argv[5];

	argv[0] = (char *)(uintptr_t)a0;
	argv[1] = (char *)(uintptr_t)a1;
	argv[2] = (char *)(uintptr_t)a2;
	argv[3] = (char *)(uintptr_t)a3;
	argv[4] = NULL;
	memset(&o, 0, sizeof(o));
	if (run != NULL)
		return run->sr_run(run->sr_cookie, argv, &o);
	return spawn_run_opts(ctx, argv, &o);
}

int
kld_load(const struct kvm_ctx *ctx, const struct spawn_runner *run,
    const char *mod, int *status)
{
	if (kld_run(ctx, run, "kldstat", "-q", "-m", mod) == 0)
		return 0;
	if ((*status = kld_run(ctx, run, "kldload", mod, NULL, NULL)) == 0)
		return 1;
	if (kld_run(ctx, run, "kldstat", "-q", "-m", mod) == 0)
		return 2;
	return -1;
}
