/*
 * pci.c: the host's PCI devices, through "pciconf -lv" (the simulator
 * has a stand-in reading $KVM_ROOTDIR/sim/pci).  info and check look up
 * the host devices of passthru entries in its output with
 * core/pciconf.c.
 */
#include <err.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host/pci.h"
#include "host/spawn.h"

char *
pci_list(const struct kvm_ctx *ctx)
{
	char *argv[] = { "pciconf", "-lv", NULL }, *out = NULL, *eo = NULL;
	int st;

	st = spawn_capture(ctx, argv, &out, &eo);
	if (st != 0) {
		if (st != -1)
			warnx("pciconf -lv: %s", eo != NULL && *eo != '\0' ?
			    strtok(eo, "\n") : "failed");
		free(out);
		out = NULL;
	}
	free(eo);
	return out;
}
