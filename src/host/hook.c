/*
 * hook.c: runs a VM's preRun and postRun.  The run file is the one
 * place where sh runs, by design; it runs a fixed script (below) that
 * sources the hook library, set.conf and run, then calls the function.
 * Values reach it only through the environment, never pasted into the
 * script text, and it runs in the VM's directory.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/hook.h"
#include "core/argv.h"
#include "core/vm.h"
#include "host/paths.h"
#include "host/spawn.h"

#define HOOK_SCRIPT(fn)							\
	"cd \"$VM_DIR\" && . \"$KVM_HOME/functions\" && "		\
	". \"$VM_DIR/set.conf\" && . \"$VM_DIR/run\" && " fn

int
hook_run(const struct kvm_ctx *ctx, const struct vm *vm, const char *fn,
    const char *vm_exit)
{
	static const char pre[] = HOOK_SCRIPT("preRun");
	static const char post[] = HOOK_SCRIPT("postRun");
	char *argv[4], *env[5];
	int r;

	argv[0] = (char *)(uintptr_t)"sh";
	argv[1] = (char *)(uintptr_t)"-c";
	argv[2] = (char *)(uintptr_t)(strcmp(fn, "preRun") == 0 ? pre : post);
	argv[3] = NULL;
	if (asprintf(&env[0], "VM_NAME=%s", vm->name) == -1 ||
	    asprintf(&env[1], "VM_DIR=%s", vm->dir) == -1 ||
	    asprintf(&env[2], "KVM_HOME=%s", vm->home) == -1)
		err(1, NULL);
	if (vm_exit != NULL) {
		if (asprintf(&env[3], "VM_EXIT=%s", vm_exit) == -1)
			err(1, NULL);
	} else if ((env[3] = strdup("VM_EXIT")) == NULL)
		err(1, NULL);
	env[4] = NULL;
	r = spawn_run_env(ctx, argv, env);
	free(env[0]);
	free(env[1]);
	free(env[2]);
	free(env[3]);
	return r;
}
