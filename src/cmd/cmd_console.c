/*
 * cmd_console.c: "kvm console name" attaches the terminal to the VM's
 * serial console, the B side of its nmdm pair, with cu(1).  The device
 * is the one the supervisor recorded in the runtime file; a VM whose
 * com1 is the terminal that started it (Com=stdio) has none.
 */
#include <err.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/argv.h"
#include "core/bhyve_argv.h"
#include "core/vm.h"
#include "host/paths.h"
#include "host/runtime.h"
#include "host/spawn.h"
#include "host/vmload.h"
#include "cmd/cmd.h"

/*
 * Refused unless the VM is up: running, orphan, or starting (a grub or
 * bhyveload loader already talks on the same nmdm device).  Returns
 * cu's exit status.
 */
int
cmd_console(struct kvm_ctx *ctx, const struct cmd *cmd, int argc, char **argv)
{
	char *cu[] = { "cu", "-l", NULL, NULL }, dev[PATH_MAX];
	struct vm_runtime rt;
	enum vm_state s;
	struct vm vm;
	int r;

	if (getopt(argc, argv, "+") != -1)
		cmd_usage(cmd);
	argc -= optind;
	argv += optind;
	if (argc != 1)
		cmd_usage(cmd);
	if (ctx_load_home(ctx) == -1 || vm_load(ctx, argv[0], &vm) == -1)
		return 1;
	if (rt_read(ctx, vm.name, &rt) == -1) {
		vm_free(&vm);
		return 1;
	}
	s = rt_state(&rt);
	if (s != VM_RUNNING && s != VM_ORPHAN && s != VM_STARTING) {
		warnx("%s: not running", vm.name);
		vm_free(&vm);
		return 1;
	}
	if (rt.rt_console[0] != '\0')
		strlcpy(dev, rt.rt_console, sizeof(dev));
	else if (vm.com != COM_NMDM) {
		warnx("%s: console is on the terminal that started it "
		    "(Com=stdio)", vm.name);
		vm_free(&vm);
		return 1;
	} else if (vm_nmdm(&vm, ctx->rootdir, 'B', dev, sizeof(dev)) ==
	    NULL) {
		warnx("%s: nmdm device path too long", vm.name);
		vm_free(&vm);
		return 1;
	}
	vm_free(&vm);
	cu[2] = dev;
	r = spawn_run(ctx, cu);
	return r == -1 ? 1 : r;
}
