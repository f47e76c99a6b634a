/*
 * kld.c: kernel modules, through kldstat(8) and kldload(8) (the
 * simulator provides both on Linux).  The supervisor loads vmm, and
 * nmdm for a console on a null-modem pair, before the first run.
 */
#include <stdint.h>
#include <stddef.h>

#include "host/kld.h"
#include "host/spawn.h"

/* Run a short helper; its exit status or -1. */
static int
kld_run(const struct kvm_ctx *ctx, const char *a0, const char *a1,
    const char *a2, const char *a3)
{
	char *argv[5];

	argv[0] = (char *)(uintptr_t)a0;
	argv[1] = (char *)(uintptr_t)a1;
	argv[2] = (char *)(uintptr_t)a2;
	argv[3] = (char *)(uintptr_t)a3;
	argv[4] = NULL;
	return spawn_run(ctx, argv);
}

int
kld_load(const struct kvm_ctx *ctx, const char *mod, int *status)
{
	if (kld_run(ctx, "kldstat", "-q", "-m", mod) == 0)
		return 0;
	if ((*status = kld_run(ctx, "kldload", mod, NULL, NULL)) != 0)
		return -1;
	return 1;
}
